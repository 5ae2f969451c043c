import Analysis
import FlywheelCore
import Foundation
import Scenarios
import Testing
import Workbench

/// Two strategies on SEA traffic with a week of half-missing x1, recording the CBPE estimate and
/// the missing-value monitor beside the accuracy.
private let requested = """
    name: requested-metrics
    seed: 5
    replicates: 2
    clock: {tick: 1d, ticks: 30, events_per_tick: 200}
    stream: {generator: sea, concept: 0, noise: 0.1, warmup: 500}
    drifts:
      - {type: temporary, start: 10d, duration: 5d, target: quality, fault: {feature: x1, missing: 0.5}}
    labels: {coverage: 0.3, delay: 1d}
    strategies:
      - {name: never, trigger: never}
      - {name: weekly, trigger: {every: 7d}, dataset: {window: 7d}}
    metrics: [estimated_accuracy, quality_missing]
    """

@Suite(.serialized) struct RequestedMetricsReachTheOutputs {
    /// summary.csv's `mean_<series>` is the series' event-weighted mean over the run, computed
    /// here from metrics.csv and traffic.csv; the ranked table and a figure carry each series;
    /// `flywheel report` rebuilds the same summary from run.sqlite.
    @Test func theSummaryTheRankingAndTheFiguresCarryEachRequestedSeries() throws {
        let scenario = try ScenarioLoader.parse(requested, file: "requested-metrics.yaml")
        let out = temporaryDirectory("requested-metrics")
        defer { try? FileManager.default.removeItem(at: out) }
        _ = try Workbench.run(scenario, outDirectory: out.path, threads: 2)
        func text(_ f: String) throws -> String { try String(contentsOf: out.appendingPathComponent(f), encoding: .utf8) }
        func rows(_ f: String) throws -> [[String]] {
            try text(f).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        }
        // Events per (replicate, tick) and each series per (strategy, replicate, tick).
        let traffic = try rows("traffic.csv")
        var events: [String: Double] = [:]
        for r in traffic.dropFirst() { events["\(r[2])/\(r[0])"] = Double(r[3]) }
        let metrics = try rows("metrics.csv")
        let summary = try rows("summary.csv")
        let header = summary[0]
        for name in ["estimated_accuracy", "quality_missing"] {
            let column = try #require(header.firstIndex(of: "mean_\(name)"), "\(header)")
            #expect(header[column + 1] == "mean_\(name)_ci95")
            for row in summary.dropFirst() {
                let strategy = row[0]
                var perReplicate: [String: (sum: Double, weight: Double)] = [:]
                for m in metrics.dropFirst() where m[2] == strategy && m[4] == name {
                    guard let v = Double(m[5]), let w = events["\(m[3])/\(m[0])"] else { continue }
                    perReplicate[m[3], default: (0, 0)].sum += v * w
                    perReplicate[m[3], default: (0, 0)].weight += w
                }
                #expect(perReplicate.count == 2)
                let means = perReplicate.values.map { $0.sum / $0.weight }
                let expected = means.reduce(0, +) / Double(means.count)
                let shown = try #require(Double(row[column]))
                #expect(abs(shown - expected) <= 1e-6 * max(1, abs(expected)), "\(strategy) \(name): \(shown), not \(expected)")
            }
        }
        let report = try text("report.md")
        #expect(report.contains("| mean `estimated_accuracy` | mean `quality_missing` |"))
        for name in ["estimated_accuracy", "quality_missing"] {
            #expect(report.contains("](\(name).svg)"))
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("\(name).svg").path))
        }
        let before = try text("summary.csv")
        _ = try Workbench.regenerate(runDirectory: out.path)
        #expect(try text("summary.csv") == before)
    }

    /// Without `metrics:` the summary has exactly the standard columns.
    @Test func withoutMetricsTheSummaryHasTheStandardColumns() throws {
        let text = requested.replacingOccurrences(of: "metrics: [estimated_accuracy, quality_missing]", with: "")
        let scenario = try ScenarioLoader.parse(text, file: "plain.yaml")
        #expect(scenario.plan.manifest.requestedMetrics.isEmpty)
        let out = temporaryDirectory("requested-none")
        defer { try? FileManager.default.removeItem(at: out) }
        _ = try Workbench.run(scenario, outDirectory: out.path, threads: 1)
        let header = try String(contentsOf: out.appendingPathComponent("summary.csv"), encoding: .utf8)
            .split(separator: "\n")[0]
        #expect(header.hasSuffix("regret_to_ceiling,ticks_below_floor"))
    }
}
