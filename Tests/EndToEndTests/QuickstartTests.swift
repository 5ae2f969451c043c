import Analysis
import FlywheelCore
import Foundation
import Scenarios
import Storage
import Testing
import Workbench

let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The quickstart cut to its first `ticks` ticks and `replicates` replicates (the drifts stay).
func shortQuickstart(ticks: Int = 60, replicates: Int = 2, seed: UInt64? = nil) throws -> Scenario {
    let text = BuiltinScenarios.quickstart.replacingOccurrences(of: "ticks: 180", with: "ticks: \(ticks)")
    return try ScenarioLoader.parse(text, file: "scenarios/quickstart.yaml", seedOverride: seed, replicatesOverride: replicates)
}

func temporaryDirectory(_ name: String) -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("flywheel-tests-\(ProcessInfo.processInfo.processIdentifier)-\(name)")
    try? FileManager.default.removeItem(at: url)
    return url
}

func read(_ url: URL, _ file: String) throws -> Data { try Data(contentsOf: url.appendingPathComponent(file)) }

@Suite(.serialized) struct QuickstartEndToEnd {
    @Test func sameSeedGivesIdenticalCSVBytesAndAnotherSeedDoesNot() throws {
        let a = temporaryDirectory("a"), b = temporaryDirectory("b"), c = temporaryDirectory("c")
        defer { for u in [a, b, c] { try? FileManager.default.removeItem(at: u) } }
        _ = try Workbench.run(shortQuickstart(), outDirectory: a.path, threads: 1)
        _ = try Workbench.run(shortQuickstart(), outDirectory: b.path, threads: 2)
        _ = try Workbench.run(shortQuickstart(seed: 7), outDirectory: c.path, threads: 2)
        for file in ["metrics.csv", "summary.csv", "traffic.csv", "drifts.csv", "decay.svg", "report.md"] {
            #expect(try read(a, file) == read(b, file), "\(file) differs between two runs with the same seed")
        }
        #expect(try read(a, "metrics.csv") != read(c, "metrics.csv"))
    }

    /// A golden summary of a short quickstart run; regenerate it with FLYWHEEL_UPDATE_GOLDEN=1
    /// when a change of results is intended (and say why in the commit).
    @Test func shortQuickstartSummaryMatchesTheGoldenFile() throws {
        let out = temporaryDirectory("golden")
        defer { try? FileManager.default.removeItem(at: out) }
        _ = try Workbench.run(shortQuickstart(), outDirectory: out.path, threads: 2)
        let summary = try String(contentsOf: out.appendingPathComponent("summary.csv"), encoding: .utf8)
        let golden = repositoryRoot.appendingPathComponent("Tests/EndToEndTests/Golden/quickstart-60-ticks-summary.csv")
        if ProcessInfo.processInfo.environment["FLYWHEEL_UPDATE_GOLDEN"] == "1" {
            try summary.write(to: golden, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOf: golden, encoding: .utf8)
        #expect(summary == expected)
    }

    @Test func theRunHasEveryOutputAndTheStoryHoldsTogether() throws {
        let out = temporaryDirectory("story")
        defer { try? FileManager.default.removeItem(at: out) }
        let outputs = try Workbench.run(shortQuickstart(ticks: 45, replicates: 2), outDirectory: out.path)
        for f in ["metrics.csv", "summary.csv", "decay.svg", "report.md", "run.sqlite"] {
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(f).path), "\(f) missing")
        }
        let s = Dictionary(uniqueKeysWithValues: outputs.summaries.map { ($0.strategy, $0) })
        // Retraining counts follow the schedules: every tick, every 7 days, every 30 days, never.
        #expect(s["never"]!.retrains.mean == 0)
        #expect(s["every-30d"]!.retrains.mean == 1)
        #expect(s["every-7d"]!.retrains.mean == 6)
        #expect(s["every-tick"]!.retrains.mean == 44)
        // After the abrupt switch at day 30 the never-retrained model is worse than the one
        // retrained every tick on the last week.
        let metrics = try String(contentsOf: out.appendingPathComponent("metrics.csv"), encoding: .utf8)
        func meanAccuracy(_ strategy: String, after tick: Int) -> Double {
            var sum = 0.0, n = 0.0
            for line in metrics.split(separator: "\n").dropFirst() {
                let f = line.split(separator: ",")
                guard f[2] == strategy, f[4] == "accuracy", let t = Int(f[0]), t >= tick, let v = Double(f[5]) else { continue }
                sum += v
                n += 1
            }
            return sum / n
        }
        #expect(meanAccuracy("every-tick", after: 36) > meanAccuracy("never", after: 36) + 0.04)
        // The per-tick opportunity cost adds up to the summary's total against the reference.
        let opportunity = try String(contentsOf: out.appendingPathComponent("opportunity.csv"), encoding: .utf8)
        for name in ["never", "every-30d", "every-7d"] {
            let last = try #require(opportunity.split(separator: "\n").last { $0.hasPrefix("44,") && $0.contains(",\(name),") })
            let cumulative = try #require(Double(last.split(separator: ",")[4]))
            #expect(abs(cumulative - s[name]!.opportunityCost!.mean) < 1e-6 * max(1, abs(cumulative)))
        }
        let report = try String(contentsOf: out.appendingPathComponent("report.md"), encoding: .utf8)
        #expect(report.contains("## Strategies, ranked by total cost"))
        #expect(report.contains("![") && report.contains("decay.svg"))
        #expect(report.contains("## Recommendation"))
    }

    @Test func aFailedRunLeavesEarlierResultsUntouched() throws {
        let out = temporaryDirectory("atomic")
        defer { try? FileManager.default.removeItem(at: out) }
        _ = try Workbench.run(shortQuickstart(ticks: 20, replicates: 1), outDirectory: out.path)
        let before = try read(out, "metrics.csv")
        struct Boom: Error {}
        // Fail in the middle of writing: the staging folder already holds partial files.
        #expect(throws: (any Error).self) {
            _ = try Workbench.run(shortQuickstart(ticks: 20, replicates: 1, seed: 99), outDirectory: out.path, staging: { staged in
                try? "partial".write(to: staged.file("metrics.csv"), atomically: false, encoding: .utf8)
                try? FileManager.default.removeItem(at: staged.staging)
                try? "not a folder".write(to: staged.staging, atomically: false, encoding: .utf8)
            })
        }
        try? FileManager.default.removeItem(at: out.deletingLastPathComponent().appendingPathComponent(".\(out.lastPathComponent).tmp-\(ProcessInfo.processInfo.processIdentifier)"))
        #expect(try read(out, "metrics.csv") == before)
        let siblings = try FileManager.default.contentsOfDirectory(atPath: out.deletingLastPathComponent().path)
        #expect(!siblings.contains { $0.hasPrefix(".\(out.lastPathComponent).old-") })
    }

    @Test func reportRegeneratesFromTheDatabaseWithoutResimulating() throws {
        let out = temporaryDirectory("regen")
        defer { try? FileManager.default.removeItem(at: out) }
        _ = try Workbench.run(shortQuickstart(ticks: 30, replicates: 2), outDirectory: out.path)
        let original = try ["metrics.csv", "summary.csv", "traffic.csv", "drifts.csv", "decay.svg", "report.md"].map { try read(out, $0) }
        try FileManager.default.removeItem(at: out.appendingPathComponent("metrics.csv"))
        _ = try Workbench.regenerate(runDirectory: out.path)
        let rebuilt = try ["metrics.csv", "summary.csv", "traffic.csv", "drifts.csv", "decay.svg", "report.md"].map { try read(out, $0) }
        #expect(original == rebuilt)
    }
}
