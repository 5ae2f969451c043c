import FlywheelCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A user's model program, started once and spoken to over ``ModelProtocol``.
///
/// The program's standard input and output are one end of a Unix socket pair (so a program that
/// has exited makes a write fail with `EPIPE` instead of killing Flywheel with `SIGPIPE`); its
/// standard error is read by a thread into a tail of the last 8 KiB, shown when a call fails. Every
/// call has a deadline: a program that does not answer in time is killed. The program runs in
/// Flywheel's process group, so Ctrl-C ends it too, and it is stopped (`bye`, then `SIGKILL` after
/// two seconds) when its owner releases it.
public final class ModelProcess: @unchecked Sendable {
    // @unchecked: the socket, pid and stderr tail are guarded by `lock` (calls are serialised) and
    // `tailLock` (the stderr thread); nothing else is mutable.
    public let command: [String]
    public let timeout: Double
    private let socket: Int32
    private let pid: pid_t
    private var exited: Int32?
    private let lock = NSLock()
    private let tailLock = NSLock()
    private var tail: [UInt8] = []
    private let stderrFD: Int32
    private var stderrThread: Thread?
    public private(set) var name = ""
    /// The deadline of the call in progress, in seconds (guarded by `lock`).
    private var callLimit: Double = 0

    /// A call that failed: which call, why, and the program's last lines of standard error.
    public struct Failure: Error, CustomStringConvertible {
        public var call: String
        public var message: String
        public var stderrTail: String
        public var description: String {
            var s = "the model program failed in \(call): \(message)"
            if !stderrTail.isEmpty { s += "\nits standard error ended with:\n" + stderrTail }
            return s
        }
    }

    /// The absolute path of `program`: itself when it names a path (containing `/`, resolved
    /// against `directory` when relative), else the first executable of that name in the absolute
    /// folders of `PATH` (never the working directory).
    public static func resolve(_ program: String, relativeTo directory: URL?,
                               searchPath: String = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin")
        -> String? {
        let fm = FileManager.default
        if program.contains("/") {
            let base = directory ?? URL(fileURLWithPath: fm.currentDirectoryPath)
            let url = program.hasPrefix("/") ? URL(fileURLWithPath: program) : base.appendingPathComponent(program)
            let path = url.standardizedFileURL.path
            return fm.isExecutableFile(atPath: path) ? path : nil
        }
        let folders = searchPath.split(separator: ":")
        for folder in folders where folder.hasPrefix("/") {
            let path = "\(folder)/\(program)"
            var isDir: ObjCBool = false
            if fm.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue, fm.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    /// Starts `command` (its first word resolved by ``resolve(_:relativeTo:)``) in `directory`,
    /// and says hello. `timeout` bounds every call; the `hello` call, which waits for the program to
    /// start (an interpreter importing its libraries on a busy machine), gets `startupTimeout`
    /// (at least `timeout`).
    public init(command: [String], directory: URL?, hello: ModelProtocol.Hello, timeout: Double,
                startupTimeout: Double = 60) throws {
        self.command = command
        self.timeout = timeout
        guard let program = command.first, let path = Self.resolve(program, relativeTo: directory) else {
            throw Failure(call: "start", message: "no executable '\(command.first ?? "")' (looked for a path, then in PATH)", stderrTail: "")
        }
        var pair: [Int32] = [0, 0]
        #if os(Linux)
        let streamType = Int32(SOCK_STREAM.rawValue)
        #else
        let streamType = SOCK_STREAM
        #endif
        guard socketpair(AF_UNIX, streamType, 0, &pair) == 0 else {
            throw Failure(call: "start", message: "cannot create a socket pair: \(String(cString: strerror(errno)))", stderrTail: "")
        }
        var errPipe: [Int32] = [0, 0]
        guard pipe(&errPipe) == 0 else {
            close(pair[0]); close(pair[1])
            throw Failure(call: "start", message: "cannot create a pipe: \(String(cString: strerror(errno)))", stderrTail: "")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, pair[1], 0)
        posix_spawn_file_actions_adddup2(&actions, pair[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        for fd in [pair[0], pair[1], errPipe[0], errPipe[1]] { posix_spawn_file_actions_addclose(&actions, fd) }
        if let directory {
            // glibc ≥ 2.29 has posix_spawn_file_actions_addchdir_np, but its Swift module does not export it.
            typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
            guard let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, "posix_spawn_file_actions_addchdir_np") else {
                close(pair[0]); close(pair[1]); close(errPipe[0]); close(errPipe[1])
                throw Failure(call: "start", message: "this C library cannot start a program in another folder", stderrTail: "")
            }
            _ = directory.path.withCString { unsafeBitCast(symbol, to: AddChdir.self)(&actions, $0) }
        }
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + command.dropFirst()).map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var child: pid_t = 0
        let status = posix_spawn(&child, path, &actions, nil, argv, environ)
        close(pair[1])
        close(errPipe[1])
        guard status == 0 else {
            close(pair[0]); close(errPipe[0])
            throw Failure(call: "start", message: "cannot start \(path): \(String(cString: strerror(status)))", stderrTail: "")
        }
        pid = child
        socket = pair[0]
        stderrFD = errPipe[0]
        _ = fcntl(socket, F_SETFL, fcntl(socket, F_GETFL) | O_NONBLOCK)
        let thread = Thread { [self] in self.drainStandardError() }
        stderrThread = thread
        thread.start()
        do {
            switch try call("hello", ModelProtocol.hello(hello), timeout: max(timeout, startupTimeout)) {
            case .helloOK(let version, let name):
                guard version == ModelProtocol.version else {
                    throw failure("hello", "the program speaks protocol version \(version); Flywheel speaks \(ModelProtocol.version)")
                }
                self.name = name
            case let other: throw failure("hello", "expected hello ok, got \(other.kindName)")
            }
        } catch {
            stop()
            throw error
        }
    }

    deinit { stop() }

    /// The program's last lines of standard error (at most 8 KiB).
    public var standardErrorTail: String {
        tailLock.lock()
        defer { tailLock.unlock() }
        return String(decoding: tail, as: UTF8.self)
    }

    private func drainStandardError() {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(stderrFD, $0.baseAddress, 4096) }
            if n < 0, errno == EINTR { continue }
            if n <= 0 { break }
            tailLock.lock()
            tail.append(contentsOf: buffer[0..<n])
            if tail.count > 8192 { tail.removeFirst(tail.count - 8192) }
            tailLock.unlock()
        }
        close(stderrFD)
    }

    func failure(_ call: String, _ message: String) -> Failure {
        // Give the stderr thread a moment to read what a dying program wrote.
        usleep(50_000)
        return Failure(call: call, message: message, stderrTail: standardErrorTail)
    }

    /// Sends one frame and reads the reply, within the deadline (`timeout` seconds unless
    /// `limit` is given); an `error` reply throws.
    public func call(_ name: String, _ frame: [UInt8], timeout limit: Double? = nil) throws -> ModelProtocol.Reply {
        lock.lock()
        defer { lock.unlock() }
        guard exited == nil else { throw failure(name, "the program has already stopped") }
        callLimit = limit ?? timeout
        let deadline = Date().addingTimeInterval(callLimit)
        do {
            try send(frame, deadline: deadline)
            let header = try receive(4, deadline: deadline)
            let length = Int(UInt32(header[0]) | UInt32(header[1]) << 8 | UInt32(header[2]) << 16 | UInt32(header[3]) << 24)
            guard length >= 1, length <= ModelProtocol.maxFrame else { throw failure(name, "a reply frame of length \(length)") }
            let reply = try ModelProtocol.decodeReply(try receive(length, deadline: deadline))
            if case .error(let message) = reply { throw failure(name, "the program reported: \(message)") }
            return reply
        } catch let e as ModelProtocol.Malformed {
            kill(pid, SIGKILL)
            throw failure(name, "a malformed reply: \(e.message)")
        } catch let e as Failure where e.call.isEmpty {
            if e.message.hasPrefix("no reply within") {
                kill(pid, SIGKILL)
                _ = exitDescription()
            }
            throw failure(name, e.message)
        }
    }

    private func wait(for events: Int16, deadline: Date) throws {
        while true {
            let left = deadline.timeIntervalSinceNow
            guard left > 0 else { throw Failure(call: "", message: "no reply within \(callLimit) s", stderrTail: "") }
            var p = pollfd(fd: socket, events: events, revents: 0)
            let r = poll(&p, 1, Int32(min(left * 1000, 1_000_000).rounded(.up)))
            if r > 0 { return }
            if r < 0, errno != EINTR { throw Failure(call: "", message: String(cString: strerror(errno)), stderrTail: "") }
        }
    }

    private func send(_ bytes: [UInt8], deadline: Date) throws {
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(socket, $0.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL)) }
            if n > 0 { sent += n; continue }
            if n < 0, errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR {
                do { try wait(for: Int16(POLLOUT), deadline: deadline) } catch let e as Failure {
                    throw Failure(call: "", message: "no reply within \(callLimit) s (the program stopped reading)", stderrTail: e.stderrTail)
                }
                continue
            }
            throw Failure(call: "", message: exitDescription(), stderrTail: "")
        }
    }

    private func receive(_ count: Int, deadline: Date) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        var got = 0
        while got < count {
            let n = out.withUnsafeMutableBytes { recv(socket, $0.baseAddress! + got, count - got, 0) }
            if n > 0 { got += n; continue }
            if n == 0 { throw Failure(call: "", message: exitDescription(), stderrTail: "") }
            if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR { try wait(for: Int16(POLLIN), deadline: deadline); continue }
            throw Failure(call: "", message: exitDescription(), stderrTail: "")
        }
        return out
    }

    /// "the program exited with status N" (or was killed by a signal), once it has ended.
    private func exitDescription() -> String {
        var status: Int32 = 0
        for _ in 0..<40 {
            if waitpid(pid, &status, WNOHANG) == pid { exited = status; break }
            usleep(25_000)
        }
        guard let s = exited else { return "the program closed its output" }
        if s & 0x7f == 0 { return "the program exited with status \((s >> 8) & 0xff)" }
        return "the program was killed by signal \(s & 0x7f)"
    }

    /// Says bye and waits up to two seconds for the program to end, then kills it.
    public func stop() {
        lock.lock()
        defer { lock.unlock() }
        guard exited == nil else { return }
        _ = ModelProtocol.bye.withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        var status: Int32 = 0
        var done = false
        for _ in 0..<80 {
            if waitpid(pid, &status, WNOHANG) == pid { done = true; break }
            usleep(25_000)
        }
        if !done {
            kill(pid, SIGKILL)
            waitpid(pid, &status, 0)
        }
        exited = status
        close(socket)
    }
}
