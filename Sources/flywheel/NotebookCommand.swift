import ArgumentParser
import Foundation
import Storage
import Reports

struct NotebookCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notebook",
        abstract: "Executable Markdown notebooks: re-run their flywheel blocks and refresh their outputs.",
        discussion: """
        Examples:
          flywheel notebook run notebooks-md/trigger-shootout.md
          flywheel notebook run --check notebooks-md/*.md
        """,
        subcommands: [NotebookRun.self])
}

struct NotebookRun: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a notebook's fenced `flywheel` blocks in order and refresh the output under each.",
        discussion: """
        Prose is never touched; only the regions between the output markers
        change. With --check, nothing is written: the command fails with a diff
        when any output would change (CI runs this on every notebook whose data is
        available). Commands run from the current folder, through this same
        executable (its absolute path, never a `flywheel` found in the folder or
        on PATH), in this process group, so Ctrl-C ends them too. A notebook
        cannot run notebooks: a `flywheel notebook` line is an error, and a
        command started by a notebook cannot start `notebook run`.

        Examples:
          flywheel notebook run notebooks-md/trigger-shootout.md
          flywheel notebook run --check notebooks-md/*.md
        """)

    @Flag(name: .long, help: "Fail with a diff instead of writing when an output would change.")
    var check = false

    @Argument(help: "Notebook files.")
    var files: [String]

    @OptionGroup var dataHome: DataHomeOption

    func run() throws {
        dataHome.apply()
        if ProcessInfo.processInfo.environment[notebookMarker] != nil {
            printError("error: `flywheel notebook run` cannot run from inside a notebook (\(notebookMarker) is set)")
            throw ExitCode(1)
        }
        var stale = 0
        for file in files {
            InterruptCleanup.shared.watch(NotebookNotice(file: file))
            try CommandInput.checkReadable(file)
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw CommandFailure("\(file): cannot be read as UTF-8 text")
            }
            let url = URL(fileURLWithPath: file).standardizedFileURL
            let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
            let refreshed: String
            do {
                refreshed = try Notebook.refresh(text, file: file, notebookDirectory: url.deletingLastPathComponent(), workingDirectory: cwd) { args in
                    try runSelf(args)
                }
            } catch let e as NotebookError {
                InterruptCleanup.waitIfInterrupted()
                printError("error: \(e)")
                throw ExitCode(1)
            }
            if refreshed == text {
                print("\(file): up to date")
            } else if check {
                stale += 1
                print("\(file): outputs would change\n\(Notebook.difference(text, refreshed))")
            } else {
                let tmp = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp")
                try refreshed.write(to: tmp, atomically: true, encoding: .utf8)
                guard rename(tmp.path, url.path) == 0 else {
                    throw CommandFailure("cannot replace \(file): \(String(cString: strerror(errno)))")
                }
                print("\(file): refreshed")
            }
        }
        if stale > 0 { throw ExitCode(1) }
    }
}

/// Set in the environment of every command a notebook runs: such a command cannot start
/// `notebook run` (a notebook that runs itself would otherwise spawn without end).
let notebookMarker = "FLYWHEEL_NOTEBOOK"

/// What an interrupted notebook leaves: its file as it was (it is rewritten only at the end).
final class NotebookNotice: StagedOutput, @unchecked Sendable {
    let file: String
    init(file: String) { self.file = file }
    func abandon() {}
    var interruptionNotice: String { "interrupted: \(file) is untouched" }
}

/// The absolute path of the running executable (`/proc/self/exe` resolved on Linux), never a
/// name looked up in the working directory or on PATH.
func currentExecutable() throws -> String {
    #if os(Linux)
    var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
    let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
    guard n > 0 else { throw ValidationError("cannot find the running executable (/proc/self/exe)") }
    return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    #else
    guard let path = Bundle.main.executablePath, path.hasPrefix("/") else {
        throw ValidationError("cannot find the running executable")
    }
    return path
    #endif
}

/// Runs this same executable with `args`, capturing standard output. The child is started with
/// posix_spawn in this process's group (Foundation's Process gives it a group of its own, which
/// a Ctrl-C at the terminal would not reach), with SIGINT and SIGTERM at their default actions and
/// ``notebookMarker`` set.
func runSelf(_ args: [String]) throws -> Notebook.CommandResult {
    let executable = try currentExecutable()
    var fds: [Int32] = [0, 0]
    guard pipe(&fds) == 0 else { throw ValidationError("cannot create a pipe: \(String(cString: strerror(errno)))") }
    defer { close(fds[0]) }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
    posix_spawn_file_actions_addclose(&actions, fds[0])
    posix_spawn_file_actions_addclose(&actions, fds[1])
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var defaults = sigset_t()
    sigemptyset(&defaults)
    sigaddset(&defaults, SIGINT)
    sigaddset(&defaults, SIGTERM)
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF))
    var environment = ProcessInfo.processInfo.environment
    environment[notebookMarker] = "1"
    let argv = ([executable] + args).map { strdup($0) } + [nil]
    let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { for p in argv + envp { free(p) } }
    var pid: pid_t = 0
    let status = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
    close(fds[1])
    guard status == 0 else { throw ValidationError("cannot run \(executable): \(String(cString: strerror(status)))") }
    InterruptCleanup.shared.watchChild(pid)
    let data = FileHandle(fileDescriptor: fds[0], closeOnDealloc: false).readDataToEndOfFile()
    var exit: Int32 = 0
    while waitpid(pid, &exit, 0) == -1 && errno == EINTR {}
    InterruptCleanup.shared.watchChild(0)
    let exited = exit & 0x7f == 0
    let success = exited && (exit >> 8) & 0xff == 0
    return Notebook.CommandResult(stdout: String(decoding: data, as: UTF8.self), success: success)
}
