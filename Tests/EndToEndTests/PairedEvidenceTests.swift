import Analysis
import FlywheelCore
import Foundation
import Scenarios
import Testing
import Workbench

/// The rows of a `comparisons.csv` (no quoted fields in these runs) by strategy, versus and measure.
private func comparisonRows(_ dir: URL) throws -> [String: [String]] {
    let text = try String(contentsOf: dir.appendingPathComponent("comparisons.csv"), encoding: .utf8)
    let lines = text.split(separator: "\n").map(String.init)
    #expect(lines.first == "strategy,versus,metric,mean_difference,low,high,replicates,method")
    var out: [String: [String]] = [:]
    for line in lines.dropFirst() {
        let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        out["\(f[0])|\(f[1])|\(f[2])"] = f
    }
    return out
}

@Suite(.serialized) struct PairedEvidenceEndToEnd {
    /// The built-in quickstart: `never` − `every-7d` per replicate, taken from the stored costs and
    /// put through the paired t-interval by hand, is clearly above zero; the report says so and no
    /// longer calls the two "not distinguishable".
    @Test func quickstartReportSaysEvery7dIsCheaperThanNeverByThePairedInterval() throws {
        let out = temporaryDirectory("paired-quickstart")
        defer { try? FileManager.default.removeItem(at: out) }
        let scenario = try ScenarioLoader.parse(BuiltinScenarios.quickstart, file: "scenarios/quickstart.yaml")
        let outputs = try Workbench.run(scenario, outDirectory: out.path, threads: 2)
        func total(_ s: String, _ r: Int) -> Double {
            outputs.record.runs.first { $0.strategy == s && $0.replicate == r }!.values("cost_total")!.reduce(0, +)
        }
        let d = (0..<3).map { total("never", $0) - total("every-7d", $0) }
        #expect(d.map { Int($0.rounded()) } == [2620, 2887, 3653])
        let mean = d.reduce(0, +) / 3
        let s2 = d.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 2
        let half = 4.302_652_729_911 * (s2 / 3).squareRoot()
        let row = try #require(try comparisonRows(out)["never|every-7d|total_cost"])
        #expect(abs(Double(row[4])! - (mean - half)) < 1e-3 && abs(Double(row[5])! - (mean + half)) < 1e-3)
        #expect(Int(Double(row[4])!.rounded()) == 1721 && row[6] == "3" && row[7] == "paired-t")
        let report = try String(contentsOf: out.appendingPathComponent("report.md"), encoding: .utf8)
        #expect(report.contains("| `never` | `every-7d` | total_cost | 3053.0 [1721.0, 4385.1] | "
                                + "95 % t-interval over 3 replicates | zero excluded |"))
        // The recommendation weighs the runner-up, the ski-rental trigger, by its paired interval, which includes zero.
        let recommendation = String(report[report.range(of: "## Recommendation")!.lowerBound...])
        #expect(recommendation.contains("`ski-rental` − `every-7d` = 1108.4 [-1801.6, 4018.4] (95 % t-interval over 3 replicates)"))
        #expect(recommendation.contains("The interval includes zero: on this evidence the two are not distinguishable"))
        #expect(!report.contains("Their 95 % intervals overlap"))
    }
}

@Suite(.serialized, .enabled(if: RealData.available, RealData.skipReason))
struct ReplayedEvidenceEndToEnd {
    /// Elec2 replayed with three replicates: they are identical, so the run warns that they change
    /// nothing, every interval comes from the block bootstrap over ticks (named with its block
    /// length), none is printed as "± 0.00", and the CSVs are the same bytes at one and two threads.
    @Test func elec2ReplayIntervalsComeFromTheBlockBootstrapAndNeverFromIdenticalReplicates() throws {
        var text = try String(contentsOf: repositoryRoot.appendingPathComponent("scenarios/elec2-daily.yaml"), encoding: .utf8)
        text = text.replacingOccurrences(of: "path: elec2.csv", with: "path: \(RealData.path("elec2.csv"))")
            .replacingOccurrences(of: "# clock: {ticks: 60}", with: "clock: {ticks: 60}")
        let scenario = try ScenarioLoader.parse(text, file: "scenarios/elec2-daily.yaml", replicatesOverride: 3)
        let a = temporaryDirectory("elec2-paired-1"), b = temporaryDirectory("elec2-paired-2")
        defer { for u in [a, b] { try? FileManager.default.removeItem(at: u) } }
        let outputs = try Workbench.run(scenario, outDirectory: a.path, threads: 1)
        _ = try Workbench.run(scenario, outDirectory: b.path, threads: 2)
        #expect(outputs.record.manifest.replayed)
        let warnings = Workbench.warnings(outputs.record)
        #expect(warnings.count == 1 && warnings[0].description.contains("3 replicates changed nothing"))
        let rows = try comparisonRows(a)
        #expect(!rows.isEmpty)
        for (key, row) in rows {
            #expect(row[7].hasPrefix("block-bootstrap(block="), "\(key): \(row[7])")
            #expect(row[6] == "1")
            #expect(Double(row[4])! <= Double(row[3])! && Double(row[3])! <= Double(row[5])!)
        }
        #expect(rows.values.contains { Double($0[4])! < Double($0[5])! }, "some interval has width")
        let report = try String(contentsOf: a.appendingPathComponent("report.md"), encoding: .utf8)
        #expect(!report.contains("± 0.00"))
        #expect(!report.contains("larger than the replicate-to-replicate noise"))
        #expect(report.contains("a replayed file is one realisation"))
        let recommendation = String(report[report.range(of: "## Recommendation")!.lowerBound...])
        #expect(recommendation.contains("(95 % circular block bootstrap over ticks (block "))
        for file in ["comparisons.csv", "summary.csv", "report.md"] {
            #expect(try read(a, file) == read(b, file), "\(file) differs between one and two threads")
        }
    }
}
