import ArgumentParser
import FlywheelCore
import Foundation
import Scenarios
import Workbench

struct PlotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Redraw the figures of a run or sweep folder from its database, without re-simulating.",
        discussion: """
        A run folder (run.sqlite) gets its decay, cost and opportunity-cost
        figures; a sweep folder (sweep.sqlite) its heatmaps, best/worst curves and
        decision map. Other files are left as they are; `flywheel report` rebuilds
        a run folder's CSVs and report too. Only a folder Flywheel wrote is
        redrawn, one command at a time.

        Examples:
          flywheel plot results/quickstart
          flywheel plot results/retrain-frequency-sweep
        """)

    @Argument(help: "A run or sweep folder.")
    var directory: String

    func run() throws {
        try exitingOnError {
            let files = try Workbench.plot(directory: directory)
            print("redrew \(directory)/ (\(files.joined(separator: ", ")))")
        }
    }
}
