import Analysis
import FlywheelCore
import Foundation
import Scenarios
import Simulation
import Storage
import Streams
import Testing

/// Every shipped synthetic scenario, cut to a short horizon, reproduces its golden summary:
/// examples are tests. Regenerate with FLYWHEEL_UPDATE_GOLDEN=1 when a change of results is
/// intended.
@Suite struct ShippedScenarios {
    static let synthetic = ["quickstart", "trigger-shootout", "full-loop", "retrain-frequency", "labels-budget", "shipping-safely",
                            "friedman-regression"]

    @Test(arguments: synthetic)
    func shortHorizonSummaryMatchesItsGolden(name: String) throws {
        let file = repositoryRoot.appendingPathComponent("scenarios/\(name).yaml")
        var plan = try ScenarioLoader.parse(try String(contentsOf: file, encoding: .utf8), file: "scenarios/\(name).yaml",
                                            replicatesOverride: 1).plan
        var source = try #require(plan.source as? SyntheticSource)
        source.traffic.ticks = 45
        plan.source = source
        plan.manifest.clock.ticks = 45
        let record = try Runner.run(plan, threads: 2)
        let summary = CSVExport.summary(record, RunSummary.summarize(record))
        let golden = repositoryRoot.appendingPathComponent("Tests/EndToEndTests/Golden/\(name)-45-ticks-summary.csv")
        if ProcessInfo.processInfo.environment["FLYWHEEL_UPDATE_GOLDEN"] == "1" {
            try summary.write(to: golden, atomically: true, encoding: .utf8)
        }
        #expect(summary == (try String(contentsOf: golden, encoding: .utf8)))
    }
}
