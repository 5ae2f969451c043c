import FlywheelCore
import Foundation
import Scenarios
import Simulation
import Testing
import Workbench

/// Where the shared real datasets are: `FLYWHEEL_DATA`, else `<repo>/../shared/datasets`.
enum RealData {
    static let directory: String? = {
        let fm = FileManager.default
        if let env = ProcessInfo.processInfo.environment["FLYWHEEL_DATA"], fm.fileExists(atPath: env + "/elec2.csv") { return env }
        let shared = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/datasets").path
        return fm.fileExists(atPath: shared + "/elec2.csv") ? shared : nil
    }()
    static var available: Bool { directory != nil }
    static let skipReason: Comment = "real datasets not found: set FLYWHEEL_DATA or place them in ../shared/datasets"
    static func path(_ name: String) -> String { (directory ?? "") + "/" + name }
}

/// Independent truth: a plain CSV's data rows split by string operations (no quoting in these files).
func plainRows(_ path: String) throws -> [[Substring]] {
    try String(contentsOfFile: path, encoding: .utf8).split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }).dropFirst()
        .map { $0.split(separator: ",", omittingEmptySubsequences: false) }
}

/// The shipped Elec2 scenario with the data file's absolute path and an optional clock.
private func elec2Scenario(ticks: Int?) throws -> Scenario {
    var text = try String(contentsOf: repositoryRoot.appendingPathComponent("scenarios/elec2-daily.yaml"), encoding: .utf8)
    text = text.replacingOccurrences(of: "path: elec2.csv", with: "path: \(RealData.path("elec2.csv"))")
    if let ticks { text = text.replacingOccurrences(of: "# clock: {ticks: 60}", with: "clock: {ticks: \(ticks)}") }
    return try ScenarioLoader.parse(text, file: "scenarios/elec2-daily.yaml")
}

/// A replay of one of López Lobo's SEA files grouped by 500 rows, with extra YAML lines.
private func seaScenario(_ file: String = "sea-abrupt-noise20.csv", warmup: Int = 2, ticks: Int? = nil, replay extra: String = "",
                         drifts: String = "") throws -> Scenario {
    let text = """
    name: sea-replay
    seed: 3
    \(ticks.map { "clock: {ticks: \($0)}" } ?? "")
    stream:
      warmup_ticks: \(warmup)
      replay:
        path: \(RealData.path(file))
        label: class
        numeric: [X1, X2, X3]
        tick: 500 rows
    \(extra)
    \(drifts)
    strategies:
      - {name: never, trigger: never}
    """
    return try ScenarioLoader.parse(text, file: "sea.yaml")
}

@Suite(.serialized, .enabled(if: RealData.available, RealData.skipReason))
struct ReplayScenarios {
    @Test func elec2ScenarioRunsAShortHorizonWithEveryStrategy() throws {
        let scenario = try elec2Scenario(ticks: 60)
        let plan = scenario.plan
        #expect(plan.manifest.clock.ticks == 60)
        #expect(plan.manifest.clock.tick == Span(seconds: 86_400))
        // Tick 0 of the file is 1996-05-07; seven warm-up days precede the first scored day.
        #expect(plan.manifest.clock.start == ISOTime.parse("1996-05-14"))
        #expect(plan.source.schema.classes == ["UP", "DOWN"])
        #expect(plan.source.schema.features == ["day", "period", "nswprice", "nswdemand", "vicprice", "vicdemand", "transfer"])

        // The replayed events are the file's rows, in order: warm-up = rows 0..<336, tick k = rows 336 + 48k ..< 336 + 48(k+1).
        let rows = try plainRows(RealData.path("elec2.csv"))
        let (warmup, batches) = try plan.source.generate(replicate: 0, seed: 42)
        let (_, again) = try plan.source.generate(replicate: 1, seed: 42)
        #expect(warmup.count == 7 * 48)
        #expect(batches.count == 60)
        #expect(batches.allSatisfy { $0.count == 48 })
        #expect(batches.map(\.features) == again.map(\.features), "replicates replay the same data")
        let featureColumns = ["day", "period", "nswprice", "nswdemand", "vicprice", "vicdemand", "transfer"].map { name in
            ["timestamp_reconstructed", "date", "day", "period", "nswprice", "nswdemand", "vicprice", "vicdemand", "transfer", "class"].firstIndex(of: name)!
        }
        for (k, tick) in [0, 17, 59].map({ ($0, batches[$0]) }) {
            for i in [0, 47] {
                let row = rows[336 + 48 * k + i]
                let expected = featureColumns.map { Double(row[$0])! }
                #expect(Array(tick.features[(i * 7)..<(i * 7 + 7)]) == expected, "tick \(k) event \(i)")
                #expect(tick.labels[i] == (row[9] == "UP" ? 0 : 1))
            }
        }

        let record = try Runner.run(plan, threads: 2)
        #expect(record.strategies == ["never", "every-7d", "every-30d", "every-tick"])
        #expect(record.runs.count == 4)
        #expect(record.traffic.count == 1 && record.traffic[0].volume == Array(repeating: 48, count: 60))
        #expect(record.drifts.isEmpty)
        for run in record.runs {
            let accuracy = try #require(run.series.first { $0.name == "accuracy" })
            #expect(accuracy.values.count == 60)
            #expect(accuracy.values.allSatisfy { $0 >= 0 && $0 <= 1 })
        }
        let retrains = Dictionary(uniqueKeysWithValues: record.runs.map { r in (r.strategy, r.events.filter { $0.kind == "train" }.count) })
        #expect(retrains["never"] == 0)
        #expect((retrains["every-tick"] ?? 0) > (retrains["every-7d"] ?? 0))
        #expect((retrains["every-7d"] ?? 0) > (retrains["every-30d"] ?? 0))
    }

    @Test func elec2ScenarioReplaysTheWholeFileWithoutTicks() throws {
        let plan = try elec2Scenario(ticks: nil).plan
        #expect(plan.manifest.clock.ticks == 944 - 7)
    }

    @Test func declaredChangePointsOfTheSEAFileBecomeGroundTruthAtTheirTicks() throws {
        // Rows 10,000 / 20,000 / 30,000 in ticks of 500 rows are file ticks 20, 40, 60; two warm-up
        // ticks put them at scored ticks 18, 38, 58.
        let scenario = try seaScenario(replay: """
            known_drifts:
              - {at: 10000, type: instantaneous}
              - {at: 20_000, type: instantaneous, name: second}
              - {at: 30000, type: instantaneous}
        """)
        #expect(scenario.plan.manifest.clock.ticks == 80 - 2)
        let truth = scenario.plan.source.groundTruth()
        #expect(truth.map(\.changePoint) == [18, 38, 58])
        #expect(truth.map(\.start) == [18, 38, 58])
        #expect(truth.allSatisfy { $0.target == "concept" && $0.type == "instantaneous" && $0.peak == 1 })
        #expect(truth.map(\.detail) == ["declared", "declared: second", "declared"])
        #expect(truth.map(\.id) == [0, 1, 2])

        // With no warm-up shift beyond one tick and a shorter horizon, later points fall outside.
        let short = try seaScenario(warmup: 1, ticks: 30, replay: "    known_drifts: [{at: 10000}, {at: 30000}]")
        #expect(short.plan.source.groundTruth().map(\.changePoint) == [19])
    }

    @Test func aDeclaredGradualChangeSpansItsWidthInTicks() throws {
        let scenario = try seaScenario("sea-gradual-noise20.csv",
                                       replay: "    known_drifts: [{at: 20000, type: gradual, width: 1000}]",
                                       drifts: "drifts: [{type: instantaneous, at: 5, target: label_noise, rate: 0.1}]")
        let truth = scenario.plan.source.groundTruth()
        #expect(truth.count == 2)
        // The injected drift comes first (id 0), the declared one after it (id 1).
        #expect(truth[0].target == "label_noise" && truth[0].changePoint == 5 && truth[0].id == 0)
        #expect(truth[1].id == 1 && truth[1].type == "gradual" && truth[1].target == "concept")
        // Rows 19,500 … 20,500 are file ticks 39 … 41, scored ticks 37 … 39.
        #expect(truth[1].start == 37 && truth[1].end == 39 && truth[1].changePoint == 38)
    }

    @Test func aCovariateShiftChangesExactlyThatFeatureFromItsStart() throws {
        let clean = try seaScenario(ticks: 40)
        let shifted = try seaScenario(ticks: 40, drifts: "drifts: [{type: instantaneous, at: 12, target: covariates, shift: {feature: X2, by: 5}}]")
        let (w0, a) = try clean.plan.source.generate(replicate: 0, seed: 3)
        let (w1, b) = try shifted.plan.source.generate(replicate: 0, seed: 3)
        #expect(w0.features == w1.features, "the warm-up is never drifted")
        #expect(a.count == 40 && b.count == 40)
        for t in 0..<40 {
            #expect(a[t].labels == b[t].labels, "labels are the file's")
            #expect(a[t].count == 500 && b[t].count == 500)
            for i in 0..<a[t].count {
                for j in 0..<3 {
                    let x = a[t].features[i * 3 + j], y = b[t].features[i * 3 + j]
                    if j == 1 && t >= 12 {
                        if y != x + 5 { Issue.record("tick \(t) event \(i): X2 \(y) is not \(x) + 5"); return }
                    } else if y != x {
                        Issue.record("tick \(t) event \(i) feature \(j): \(y) differs from the file's \(x)"); return
                    }
                }
            }
        }
        let truth = shifted.plan.source.groundTruth()
        #expect(truth.count == 1 && truth[0].target == "covariates" && truth[0].changePoint == 12)
    }

    @Test func aPriorDriftThinsTheTicksToTheWantedShare() throws {
        let clean = try seaScenario(ticks: 60)
        let prior = try seaScenario(ticks: 60, drifts: "drifts: [{type: instantaneous, at: 20, target: prior, prior: {class: \"1.0\", share: 0.9}}]")
        let classes = prior.plan.source.schema.classes
        let c = try #require(classes.firstIndex(of: "1.0"))
        let (_, a) = try clean.plan.source.generate(replicate: 0, seed: 3)
        let (_, b) = try prior.plan.source.generate(replicate: 0, seed: 3)
        var kept = 0, ofClass = 0
        for t in 0..<60 {
            if t < 20 {
                #expect(a[t].features == b[t].features && a[t].labels == b[t].labels)
                continue
            }
            // Every kept event is one of the tick's events, in order (thinning keeps P(x | y)).
            var i = 0
            for e in 0..<b[t].count {
                let x = Array(b[t].features[(e * 3)..<(e * 3 + 3)])
                while i < a[t].count && (Array(a[t].features[(i * 3)..<(i * 3 + 3)]) != x || a[t].labels[i] != b[t].labels[e]) { i += 1 }
                #expect(i < a[t].count, "tick \(t): event \(e) is not one of the file's")
                i += 1
            }
            kept += b[t].count
            ofClass += b[t].labels.filter { Int($0) == c }.count
            // Every row of the class is kept (its acceptance probability is 1 when its share rises).
            #expect(b[t].labels.filter { Int($0) == c }.count == a[t].labels.filter { Int($0) == c }.count)
        }
        // About 16,500 kept events: the share's standard error is about 0.0025.
        let share = Double(ofClass) / Double(kept)
        #expect(abs(share - 0.9) < 0.012, "share \(share) of class 1.0 after thinning")
    }
}

@Suite(.enabled(if: RealData.available, RealData.skipReason))
struct DatasetDescribe {
    @Test func elec2DescriptionNames944Days() throws {
        let text = try DatasetReport.describe(file: RealData.path("elec2.csv"), label: "class", timestamp: "timestamp_reconstructed", tick: "1d")
        #expect(text.contains("45312 rows"))
        #expect(text.contains("about 944 days"))
        #expect(text.contains("replay: 944 ticks of 1d"))
        #expect(text.contains("UP 19237 (42.5%), DOWN 26075 (57.5%)"))
        #expect(text.contains("events per tick min 48 / mean 48.0 / max 48"))
        #expect(text.contains("stream:\n  replay:\n"))

        let json = try DatasetReport.describe(file: RealData.path("elec2.csv"), label: "class", timestamp: "timestamp_reconstructed",
                                              tick: "1d", json: true)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(object["rows"] as? Int == 45_312)
        #expect(object["days"] as? Int == 944)
        #expect((object["eventsPerTick"] as? [String: Any])?["ticks"] as? Int == 944)
    }

    @Test func theSuggestedStreamLoadsAsAScenario() throws {
        // The suggested block for the SEA file, dropped into a scenario, replays it.
        let text = try DatasetReport.describe(file: RealData.path("sea-abrupt-noise20.csv"), tick: "500 rows")
        let block = String(text[text.range(of: "stream:\n")!.lowerBound...])
        let scenario = try ScenarioLoader.parse("name: suggested\n" + block + "strategies: [{name: never, trigger: never}]\n", file: "s.yaml")
        #expect(scenario.plan.manifest.clock.ticks == 80 - 7)
        #expect(scenario.plan.source.schema.features == ["X1", "X2", "X3"])
    }
}
