import FlywheelCore
import Foundation
import GRDB

/// Output staged until it is complete: ``abandon()`` removes what was staged and leaves the
/// earlier output exactly as it was (what a Ctrl-C handler calls).
public protocol StagedOutput: AnyObject, Sendable {
    func abandon()
    /// What an interruption leaves on disk, in one sentence, once ``abandon()`` has run.
    var interruptionNotice: String { get }
}

/// The file that marks a folder as Flywheel's: `.flywheel`, written into every output folder.
/// Flywheel replaces a folder only when it holds this file (its first line exactly
/// ``firstLine``), or, for folders written before the marker existed, a `run.sqlite` or
/// `sweep.sqlite` whose manifest reads back; an absent or empty folder may be written too.
public enum OutputMarker {
    public static let fileName = ".flywheel"
    public static let firstLine = "flywheel output folder"
    public static let text = """
        \(firstLine)
        Flywheel wrote this folder and may replace it as a whole (run, sweep, merge, report, plot).
        It replaces only folders holding this file or a database it wrote (run.sqlite, sweep.sqlite).

        """

    /// Whether `folder` holds the marker (a regular file, not a link, starting with the line).
    public static func isPresent(in folder: URL) -> Bool {
        let url = folder.appendingPathComponent(fileName)
        guard fileType(url) == .typeRegular, let handle = try? FileHandle(forReadingFrom: url) else { return false }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 256)) ?? Data()
        return String(decoding: head, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).first
            == Substring(firstLine)
    }
}

/// The type of the file at `url`, without following a symbolic link; nil when absent.
func fileType(_ url: URL) -> FileAttributeType? {
    (try? FileManager.default.attributesOfItem(atPath: url.path))?[.type] as? FileAttributeType
}

/// Exclusive use of an output folder by one command: the path resolved and checked (absent,
/// empty, or written by Flywheel — see ``OutputMarker``), locked against other Flywheel
/// processes (an `flock` on the sibling `.<name>.lock`, which holds the pid), and cleared of
/// what dead Flywheel processes left beside it (``removeStaleStaging(of:in:)``).
///
/// A symbolic link as the folder itself is followed only when `followSymlink` is set (the CLI
/// sets it when `--out` names the link: the user's explicit choice); its target is then checked
/// by the same rules. Files named in `inPlace` (written inside the folder rather than staged, such
/// as `sweep.sqlite`) must not be symbolic links.
public final class OutputClaim: @unchecked Sendable {
    /// The folder, absolute, any link in its last component resolved.
    public let destination: URL
    public var parent: URL { destination.deletingLastPathComponent() }
    let lockURL: URL
    let inPlace: [String]
    private let lock = NSLock()
    private var descriptor: Int32 = -1

    public init(_ path: String, followSymlink: Bool = true, inPlace: [String] = []) throws {
        guard !path.isEmpty else {
            throw FlywheelError("the output folder is an empty path", hint: "name a folder, e.g. --out results/try")
        }
        var dest = URL(fileURLWithPath: path).standardizedFileURL
        if fileType(dest) == .typeSymbolicLink {
            guard followSymlink else {
                throw FlywheelError(
                    "\(dest.path) is a symbolic link; Flywheel writes through a link only when --out names it",
                    hint: "give --out \(path) to write into the folder it points to, or remove the link")
            }
            guard let real = realpath(dest.path, nil) else {
                throw FlywheelError(
                    "\(dest.path) is a symbolic link to nothing", hint: "remove the link, or point it at a folder")
            }
            dest = URL(fileURLWithPath: String(cString: real))
            free(real)
        }
        guard dest.pathComponents.count > 1 else {
            throw FlywheelError("Flywheel does not write into /", hint: "choose an output folder")
        }
        destination = dest
        lockURL = dest.deletingLastPathComponent().appendingPathComponent(".\(dest.lastPathComponent).lock")
        self.inPlace = inPlace
        try check()
        do { try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true) } catch {
            throw FileErrors.describe(error, path: parent)
        }
        try acquire()
        do {
            removeStaleStaging(of: dest.lastPathComponent, in: parent)
            try check()
        } catch {
            release()
            throw error
        }
        ClaimRegistry.shared.add(self)
    }

    deinit { release() }

    /// Refuses a folder Flywheel did not write, and links among the files it writes in place.
    private func check() throws {
        if let why = OutputClaim.foreignReason(destination) {
            let folder = fileType(destination) == .typeDirectory
            throw FlywheelError(
                "\(destination.path) \(why); Flywheel replaces only folders it wrote",
                hint: folder ? "choose another output folder, or empty this one first" : "choose another output folder")
        }
        try refuseSymlinks(inPlace)
    }

    /// Throws when one of `names` inside the folder is a symbolic link.
    public func refuseSymlinks(_ names: [String]) throws {
        for name in names where fileType(destination.appendingPathComponent(name)) == .typeSymbolicLink {
            throw FlywheelError(
                "\(destination.appendingPathComponent(name).path) is a symbolic link; "
                    + "Flywheel writes its files only inside the output folder", hint: "remove the link")
        }
    }

    /// Why Flywheel must not replace `folder`, or nil when it may (absent, empty, or Flywheel's).
    static func foreignReason(_ folder: URL) -> String? {
        guard let type = fileType(folder) else { return nil }
        guard type == .typeDirectory else { return "exists and is not a folder" }
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else {
            return "cannot be read"
        }
        if entries.isEmpty || OutputMarker.isPresent(in: folder) { return nil }
        if isFlywheelDatabase(folder.appendingPathComponent("run.sqlite"))
            || isFlywheelDatabase(folder.appendingPathComponent("sweep.sqlite"))
        {
            return nil
        }
        // A sweep folder left by an older Flywheel killed while creating its database.
        if Set(entries).isSubset(of: ["sweep.sqlite", "sweep.sqlite-journal"]),
            isFlywheelDatabase(folder.appendingPathComponent("sweep.sqlite"), orUnstarted: true)
        {
            return nil
        }
        return
            "is not empty and was not written by Flywheel "
            + "(no \(OutputMarker.fileName) marker, no run.sqlite or sweep.sqlite)"
    }

    /// Whether `url` is a regular file holding a Flywheel manifest (or, with `orUnstarted`, an
    /// empty file or a database with Flywheel's tables and nothing in them).
    static func isFlywheelDatabase(_ url: URL, orUnstarted: Bool = false) -> Bool {
        guard fileType(url) == .typeRegular else { return false }
        if orUnstarted, (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) == 0 {
            return true
        }
        var config = Configuration()
        config.readonly = true
        guard let queue = try? DatabaseQueue(path: url.path, configuration: config) else { return false }
        defer { try? queue.close() }
        let verdict = try? queue.read { db -> Bool in
            guard try db.tableExists("manifest") else { return false }
            let keys = Set(try String.fetchAll(db, sql: "SELECT key FROM manifest"))
            if keys.isSuperset(of: ["scenario_name", "scenario_text", "version"]) { return true }
            return try orUnstarted && keys.isEmpty && db.tableExists("run")
        }
        return verdict ?? false
    }

    private func acquire() throws {
        for _ in 0..<10 {
            let fd = open(lockURL.path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o644)
            guard fd >= 0 else { throw FileErrors.posix(errno, writing: parent) }
            if flock(fd, LOCK_EX | LOCK_NB) != 0 {
                let e = errno
                var pid: String?
                for _ in 0..<20 {
                    var bytes = [UInt8](repeating: 0, count: 32)
                    let n = pread(fd, &bytes, 32, 0)
                    let text =
                        n > 0
                        ? String(decoding: bytes[0..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                        : ""
                    if !text.isEmpty {
                        pid = text
                        break
                    }
                    usleep(5_000)
                }
                close(fd)
                if e == EWOULDBLOCK {
                    throw FlywheelError(
                        "another flywheel (pid \(pid ?? "unknown")) is writing \(destination.path)",
                        hint: "wait for it to finish, or choose another output folder")
                }
                throw FileErrors.posix(e, writing: lockURL)
            }
            // The previous holder may have removed the file between our open and flock: retry then.
            var held = stat()
            var named = stat()
            if fstat(fd, &held) == 0, stat(lockURL.path, &named) == 0, held.st_ino == named.st_ino,
                held.st_dev == named.st_dev
            {
                let pid = Array("\(getpid())\n".utf8)
                _ = ftruncate(fd, 0)
                _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
                descriptor = fd
                return
            }
            close(fd)
        }
        throw FlywheelError("cannot lock \(lockURL.path): it keeps being replaced")
    }

    /// Ends the claim: the lock file is removed and unlocked (idempotent).
    public func release() {
        lock.lock()
        defer { lock.unlock() }
        guard descriptor >= 0 else { return }
        unlink(lockURL.path)
        close(descriptor)
        descriptor = -1
        ClaimRegistry.shared.remove(self)
    }

    /// Creates the folder when absent and writes the marker into it when missing (for commands
    /// that write inside the folder, such as a sweep's database).
    public func markFolder() throws {
        let fm = FileManager.default
        do {
            if fileType(destination) == nil {
                try fm.createDirectory(at: destination, withIntermediateDirectories: false)
            }
            if !OutputMarker.isPresent(in: destination) {
                try Data(OutputMarker.text.utf8).write(to: destination.appendingPathComponent(OutputMarker.fileName))
            }
        } catch {
            throw FileErrors.describe(error, path: destination)
        }
    }

    /// What a process being interrupted calls last: removes this process's staging beside the
    /// folder (and of its in-place files inside it), moves a hidden earlier folder back when the
    /// folder is missing, and removes the lock file.
    func cleanUpForExit() {
        let pid = getpid()
        let name = destination.lastPathComponent
        let old = parent.appendingPathComponent(".\(name).old-\(pid)")
        if fileType(old) != nil {
            if fileType(destination) == nil { _ = rename(old.path, destination.path) } else { removeTree(old) }
        }
        removeTree(parent.appendingPathComponent(".\(name).tmp-\(pid)"))
        for file in inPlace { removeTree(destination.appendingPathComponent(".\(file).tmp-\(pid)")) }
        if descriptor >= 0 { unlink(lockURL.path) }
    }

    /// Cleans up after every claim this process holds (from a signal handler, before exiting).
    public static func cleanUpAllForExit() {
        for claim in ClaimRegistry.shared.all() { claim.cleanUpForExit() }
    }
}

/// The claims this process holds, for the interrupt handler.
private final class ClaimRegistry: @unchecked Sendable {
    static let shared = ClaimRegistry()
    private struct Entry { weak var claim: OutputClaim? }
    private let lock = NSLock()
    private var entries: [ObjectIdentifier: Entry] = [:]

    func add(_ c: OutputClaim) {
        lock.lock()
        entries[ObjectIdentifier(c)] = Entry(claim: c)
        lock.unlock()
    }
    func remove(_ c: OutputClaim) {
        lock.lock()
        entries[ObjectIdentifier(c)] = nil
        lock.unlock()
    }
    func all() -> [OutputClaim] {
        lock.lock()
        defer { lock.unlock() }
        return entries.values.compactMap(\.claim)
    }
}

/// Removes a file or folder tree, retrying while something still writes into it.
func removeTree(_ url: URL) {
    for _ in 0..<5 {
        try? FileManager.default.removeItem(at: url)
        if fileType(url) == nil { return }
    }
}

/// Removes what dead Flywheel processes (`kill(pid, 0)` fails with ESRCH) left beside `name` in
/// `folder`: staging `.<name>.tmp-<pid>` (and its `-journal` and similar siblings) is removed; a
/// hidden earlier copy `.<name>.old-<pid>` is moved back to `name` when `name` is missing (an
/// interrupted two-rename commit), and removed otherwise.
func removeStaleStaging(of name: String, in folder: URL) {
    guard let entries = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return }
    let destination = folder.appendingPathComponent(name)
    for kind in ["old", "tmp"] {
        let prefix = ".\(name).\(kind)-"
        for entry in entries.sorted() where entry.hasPrefix(prefix) {
            let rest = entry.dropFirst(prefix.count)
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            guard let pid = Int32(digits), pid > 0, pid != getpid(),
                digits.count == rest.count || rest.dropFirst(digits.count).hasPrefix("-"),
                kill(pid, 0) == -1, errno == ESRCH
            else { continue }
            let url = folder.appendingPathComponent(entry)
            if kind == "old", digits.count == rest.count, fileType(destination) == nil,
                rename(url.path, destination.path) == 0
            {
                continue
            }
            removeTree(url)
        }
    }
}

/// A results folder written atomically: files go to a hidden sibling folder (`.<name>.tmp-<pid>`),
/// which replaces the destination only when everything is written, in one atomic exchange
/// (`renameat2(RENAME_EXCHANGE)` on Linux, `renamex_np(RENAME_SWAP)` on macOS; a plain rename when
/// the destination is absent), so there is no moment without a results folder. Where the file
/// system cannot exchange, two renames are used and a dead process's hidden earlier folder is
/// recovered by the next claim. An error or an interruption before ``commit()`` leaves the
/// earlier results exactly as they were. Every folder gets the ``OutputMarker``.
public final class OutputDirectory: StagedOutput, @unchecked Sendable {
    public let destination: URL
    /// Where files are written until the commit.
    public let staging: URL
    private let lock = NSLock()
    private enum State { case staging, committed, abandoned }
    private var state = State.staging

    public init(_ claim: OutputClaim) throws {
        destination = claim.destination
        staging = claim.parent.appendingPathComponent(".\(destination.lastPathComponent).tmp-\(getpid())")
        removeTree(staging)
        do { try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: false) } catch {
            throw FileErrors.describe(error, path: claim.parent)
        }
        try write(OutputMarker.text, to: OutputMarker.fileName)
    }

    /// The staging path of a file in the folder.
    public func file(_ name: String) -> URL { staging.appendingPathComponent(name) }

    /// Writes text to a file of the folder.
    public func write(_ text: String, to name: String) throws {
        try whileStaging { try Data(text.utf8).write(to: file(name)) }
        TestHook.reach("output.file")
    }

    /// Creates a subfolder of the folder.
    public func createFolder(_ name: String) throws {
        try whileStaging { try FileManager.default.createDirectory(at: file(name), withIntermediateDirectories: false) }
    }

    private func whileStaging(_ body: () throws -> Void) throws {
        lock.lock()
        defer { lock.unlock() }
        guard state == .staging else { throw FlywheelError("\(destination.path) is no longer being written") }
        do { try body() } catch { throw FileErrors.describe(error) }
    }

    /// Replaces the destination with the staged folder in one atomic exchange, then removes the
    /// earlier folder.
    public func commit() throws {
        TestHook.reach("commit.before")
        let earlier: URL?
        do {
            lock.lock()
            defer { lock.unlock() }
            guard state == .staging else { throw FlywheelError("\(destination.path) is no longer being written") }
            earlier = try swapIntoPlace()
            state = .committed
        }
        // An interruption from here on leaves the new results; the handler removes what is left
        // of the earlier folder (``OutputClaim/cleanUpAllForExit()``).
        if let earlier {
            TestHook.reach("commit.exchanged")
            removeTree(earlier)
        }
    }

    /// Moves the staging folder to the destination; returns where the earlier folder went.
    private func swapIntoPlace() throws -> URL? {
        if fileType(destination) == nil {
            guard rename(staging.path, destination.path) == 0 else {
                throw FileErrors.posix(errno, writing: destination)
            }
            return nil
        }
        if exchange(staging, destination) { return staging }
        let old = destination.deletingLastPathComponent().appendingPathComponent(
            ".\(destination.lastPathComponent).old-\(getpid())")
        removeTree(old)
        guard rename(destination.path, old.path) == 0 else { throw FileErrors.posix(errno, writing: destination) }
        TestHook.reach("commit.between")
        guard rename(staging.path, destination.path) == 0 else {
            let e = errno
            _ = rename(old.path, destination.path)
            throw FileErrors.posix(e, writing: destination)
        }
        return old
    }

    /// Removes the staged files (on error or interruption); the destination is untouched. Nothing
    /// once committed.
    public func abandon() {
        lock.lock()
        defer { lock.unlock() }
        switch state {
        case .staging:
            state = .abandoned
            removeTree(staging)
        case .committed, .abandoned:
            break
        }
    }

    public var interruptionNotice: String {
        lock.lock()
        defer { lock.unlock() }
        return state == .committed
            ? "interrupted: the new results were already complete in \(destination.path)"
            : "interrupted: earlier results are untouched"
    }
}

/// Exchanges two paths atomically; false where the system or file system cannot.
func exchange(_ a: URL, _ b: URL) -> Bool {
    if TestHook.plainRenames { return false }
    #if os(Linux)
    // glibc ≥ 2.28 has renameat2, but its Swift module does not export it.
    typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>?, Int32, UnsafePointer<CChar>?, UInt32) -> Int32
    guard let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, "renameat2") else { return false }
    let renameat2 = unsafeBitCast(symbol, to: RenameAt2.self)
    let renameExchange: UInt32 = 1 << 1
    return a.path.withCString { pa in
        b.path.withCString { pb in renameat2(AT_FDCWD, pa, AT_FDCWD, pb, renameExchange) == 0 }
    }
    #elseif canImport(Darwin)
    return renamex_np(a.path, b.path, UInt32(RENAME_SWAP)) == 0
    #else
    return false
    #endif
}

/// One file written atomically: text is appended (buffered) to a temporary sibling, which
/// replaces the destination in one rename at ``commit()``. An error or an interruption before
/// leaves the earlier file exactly as it was.
public final class AtomicFile: StagedOutput, @unchecked Sendable {
    public let destination: URL
    /// Where the text is written until the commit.
    public let staging: URL
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var committed = false
    private var closed = false

    public init(_ path: String) throws {
        destination = URL(fileURLWithPath: path).standardizedFileURL
        let parent = destination.deletingLastPathComponent()
        do { try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true) } catch {
            throw FileErrors.describe(error, path: parent)
        }
        removeStaleStaging(of: destination.lastPathComponent, in: parent)
        staging = parent.appendingPathComponent(".\(destination.lastPathComponent).tmp-\(getpid())")
        try? FileManager.default.removeItem(at: staging)
        guard FileManager.default.createFile(atPath: staging.path, contents: nil) else {
            throw FlywheelError("cannot write in \(parent.path)", hint: "check that it is writable and has room")
        }
        handle = try FileHandle(forWritingTo: staging)
        buffer.reserveCapacity(1 << 20)
    }

    /// Appends text (written to disk by blocks of 1 MiB).
    public func write(_ text: String) throws {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 20 { try flush() }
    }

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        do { try handle.write(contentsOf: buffer) } catch { throw FileErrors.describe(error, path: destination) }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes what is buffered and replaces the destination with the staged file.
    public func commit() throws {
        try flush()
        closed = true
        try handle.close()
        guard rename(staging.path, destination.path) == 0 else {
            let e = errno
            try? FileManager.default.removeItem(at: staging)
            throw FileErrors.posix(e, writing: destination)
        }
        committed = true
    }

    /// Removes the staged file (on error or interruption); the destination is untouched.
    public func abandon() {
        guard !committed else { return }
        if !closed {
            closed = true
            try? handle.close()
        }
        try? FileManager.default.removeItem(at: staging)
    }

    public var interruptionNotice: String {
        committed
            ? "interrupted: \(destination.path) was already complete" : "interrupted: \(destination.path) is untouched"
    }
}

/// File-system and SQLite errors as one sentence naming the path and the cause
/// (`cannot write results/q/metrics.csv: no space left on device`), staging paths shown as the
/// folder they stand for.
public enum FileErrors {
    /// `error` as a ``FlywheelError``; `path` names the file when the error does not.
    public static func describe(_ error: Error, path: URL? = nil) -> FlywheelError {
        if let e = error as? FlywheelError { return e }
        if let e = error as? DatabaseError {
            let cause: String
            switch e.resultCode {
            case .SQLITE_FULL: cause = "no space left on device"
            case .SQLITE_READONLY: cause = "it is read-only"
            case .SQLITE_IOERR: cause = "disk I/O error"
            case .SQLITE_CANTOPEN: cause = "it cannot be opened"
            case .SQLITE_PERM: cause = "permission denied"
            case .SQLITE_NOTADB, .SQLITE_CORRUPT: cause = "it is not a readable SQLite database"
            default: cause = e.message ?? "\(e.resultCode)"
            }
            return FlywheelError("cannot write \(path.map(shown) ?? "the database"): \(cause)")
        }
        let ns = error as NSError
        let named =
            (ns.userInfo[NSFilePathErrorKey] as? String) ?? (ns.userInfo[NSURLErrorKey] as? URL)?.path ?? path?.path
        let verb = ns.domain == NSCocoaErrorDomain && (256..<512).contains(ns.code) ? "read" : "write"
        let cocoaCauses = [4: ENOENT, 260: ENOENT, 257: EACCES, 513: EACCES, 516: EEXIST, 640: ENOSPC, 642: EROFS]
        var cause = ns.localizedDescription
        if ns.domain == NSCocoaErrorDomain, let code = cocoaCauses[ns.code] { cause = String(cString: strerror(code)) }
        if let under = ns.userInfo[NSUnderlyingErrorKey] as? NSError, under.domain == NSPOSIXErrorDomain {
            cause = String(cString: strerror(Int32(under.code)))
        } else if ns.domain == NSPOSIXErrorDomain {
            cause = String(cString: strerror(Int32(ns.code)))
        }
        return FlywheelError(
            "cannot \(verb) \(named.map { shown(URL(fileURLWithPath: $0)) } ?? "a file"): \(lowercasedFirst(cause))")
    }

    /// A failed system call on `url`.
    static func posix(_ code: Int32, writing url: URL) -> FlywheelError {
        FlywheelError("cannot write \(shown(url)): \(lowercasedFirst(String(cString: strerror(code))))")
    }

    /// The path with each staging component (`.<name>.tmp-<pid>`) shown as `<name>`.
    static func shown(_ url: URL) -> String {
        url.path.split(separator: "/", omittingEmptySubsequences: false).map { part -> Substring in
            guard part.hasPrefix("."), let r = part.range(of: ".tmp-", options: .backwards),
                !part[r.upperBound...].isEmpty, part[r.upperBound...].allSatisfy({ $0.isASCII && $0.isNumber })
            else { return part }
            return part[part.index(after: part.startIndex)..<r.lowerBound]
        }.joined(separator: "/")
    }

    static func lowercasedFirst(_ s: String) -> String {
        guard let f = s.first else { return s }
        return f.lowercased() + s.dropFirst()
    }
}
