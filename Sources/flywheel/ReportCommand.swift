import ArgumentParser
import FlywheelCore
import Scenarios
import Workbench

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Rebuild a run folder's CSVs, figures and report from its run.sqlite, without re-simulating.",
        discussion: """
        The folder is replaced atomically, as by `flywheel run`, and only when
        Flywheel wrote it.

        Example:
          flywheel report results/quickstart
        """)

    @Argument(help: "A run folder (containing run.sqlite).")
    var runDirectory: String

    func run() throws {
        try exitingOnError {
            let interrupt = InterruptCleanup.shared
            let files = try Workbench.regenerate(runDirectory: runDirectory, staging: { interrupt.watch($0) })
            print("rebuilt \(runDirectory)/ (\(files.joined(separator: ", ")))")
        }
    }
}
