import ArgumentParser
import Foundation
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
        available). Commands run from the current folder.

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
        var stale = 0
        for file in files {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { throw ValidationError("cannot read '\(file)'") }
            let url = URL(fileURLWithPath: file).standardizedFileURL
            let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
            let refreshed: String
            do {
                refreshed = try Notebook.refresh(text, file: file, notebookDirectory: url.deletingLastPathComponent(), workingDirectory: cwd) { args in
                    try runSelf(args)
                }
            } catch let e as NotebookError {
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
                guard rename(tmp.path, url.path) == 0 else { throw ValidationError("cannot replace '\(file)'") }
                print("\(file): refreshed")
            }
        }
        if stale > 0 { throw ExitCode(1) }
    }
}

/// Runs this same executable with `args`, capturing standard output.
func runSelf(_ args: [String]) throws -> Notebook.CommandResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
    if !FileManager.default.isExecutableFile(atPath: process.executableURL!.path) {
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    }
    process.arguments = args
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.standardError
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return Notebook.CommandResult(stdout: String(decoding: data, as: UTF8.self), success: process.terminationStatus == 0)
}
