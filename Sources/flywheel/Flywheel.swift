import ArgumentParser
import FlywheelCore
import Foundation

@main
struct Flywheel: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flywheel",
        abstract: "Simulate and backtest retraining strategies for ML models in production.",
        discussion: """
        Flywheel replays production-like traffic with injected drift, runs competing retraining
        strategies on exactly the same events, and reports how each one's model decays and
        recovers, what it spent, and the opportunity cost against a reference.

        Examples:
          flywheel run                                  # the built-in quickstart scenario
          flywheel run scenarios/quickstart.yaml --out results/quickstart
          flywheel validate scenarios/my-scenario.yaml
          flywheel list triggers
          flywheel report results/quickstart           # rebuild report and figures from run.sqlite
        """,
        version: FlywheelVersion.current,
        subcommands: [RunCommand.self, ValidateCommand.self, ListCommand.self, ReportCommand.self, DetectCommand.self, DistanceCommand.self]
    )
}

/// Prints to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// Whether standard error is a terminal (progress is shown only there).
var stderrIsTerminal: Bool { isatty(2) == 1 }
