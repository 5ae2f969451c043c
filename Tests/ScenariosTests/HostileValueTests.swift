import FlywheelCore
import Foundation
import Scenarios
import Simulation
import Testing

/// What loading a scenario found: its errors and its warnings.
struct Findings {
    var errors: [FlywheelError] = []
    var warnings: [FlywheelError] = []

    /// The error (or warning, with `warning: true`) at `key` on `line`.
    func at(_ key: String, line: Int, warning: Bool = false) -> FlywheelError? {
        (warning ? warnings : errors).first { $0.keyPath == key && $0.location?.line == line }
    }
}

func findings(_ text: String, file: String = "bad.yaml", replicates: Int? = nil,
              memoryLimit: Double? = MemoryEstimate.defaultLimit) -> Findings {
    do {
        let s = try ScenarioLoader.parse(text, file: file, replicatesOverride: replicates, memoryLimit: memoryLimit)
        return Findings(warnings: s.warnings)
    } catch let e as FlywheelErrors {
        return Findings(errors: e.errors, warnings: e.warnings)
    } catch {
        return Findings(errors: [FlywheelError("\(error)")])
    }
}

/// A small valid scenario; `extra` lines are appended (at line 9 onwards).
func scenario(clock: String = "{tick: 1d, ticks: 30, events_per_tick: 100}", stream: String = "{generator: sea}",
              labels: String = "{coverage: 0.5, delay: 1d}",
              strategy: String = "{name: weekly, trigger: {every: 7d}, dataset: {window: 14d}}",
              extra: String = "") -> String {
    """
    name: hostile
    seed: 1
    clock: \(clock)
    stream: \(stream)
    labels: \(labels)
    strategies:
      - {name: never, trigger: never}
      - \(strategy)
    \(extra)
    """
}

/// Values the validator used to accept and that then trapped, aborted or hung a run: each class
/// is an error naming its key, line and range, or a warning, and never a crash.
@Suite struct HostileValues {
    @Test func hugeOrNonIntegralDurationsAreOutOfRangeWithTheirUnit() {
        let cases: [(String, String, Int)] = [
            (scenario(labels: "{coverage: 0.5, delay: 1e300}"), "labels.delay", 5),
            (scenario(labels: "{coverage: 0.5, delay: '1111111111111111111111111'}"), "labels.delay", 5),
            (scenario(strategy: "{name: w, trigger: {every: 7d}, training_latency: 1e300}"),
             "strategies[1].training_latency", 8),
            (scenario(strategy: "{name: w, trigger: {every: 7d}, rollout: {canary: {ticks: 1e300}}}"),
             "strategies[1].rollout.canary.ticks", 8),
            (scenario(extra: "detection: {tolerance: 1e300}"), "detection.tolerance", 9),
            (scenario(stream: "{generator: sea, volume: {spikes: [1e300]}}"), "stream.volume.spikes[0]", 4),
            (scenario(strategy: "{name: w, trigger: {drift: {threshold: 0.1, window: 1e300}}}"),
             "strategies[1].trigger.drift.window", 8),
            (scenario(strategy: "{name: w, trigger: {every: 1000000000d}}"), "strategies[1].trigger.every", 8),
            (scenario(strategy: "{name: w, trigger: {every: 1e300d}}"), "strategies[1].trigger.every", 8),
        ]
        for (text, key, line) in cases {
            let f = findings(text)
            let e = f.at(key, line: line)
            #expect(e != nil, "\(key): \(f.errors)")
            #expect(e?.message.contains("at most 10,000,000 ticks") == true, "\(String(describing: e))")
        }
        // A spike must fall on a tick.
        let half = findings(scenario(stream: "{generator: sea, volume: {spikes: [12h]}}"))
        #expect(half.at("stream.volume.spikes[0]", line: 4)?.message.contains("whole number of ticks") == true,
                "\(half.errors)")
    }

    @Test func countsWrittenAsNumbersAreCheckedAgainstTheirRange() {
        let f = findings(scenario(strategy: "{name: w, trigger: {every: 7d}, dataset: {sample: 1e15}}"))
        let e = f.at("strategies[1].dataset.sample", line: 8)
        #expect(e?.message == "1e15 is out of range: must be ≤ 1000000000000 rows", "\(f.errors)")
        let huge = findings(scenario(labels: "{coverage: 0.5, budget_per_tick: 99999999999999999999999}"))
        #expect(huge.at("labels.budget_per_tick", line: 5)?.message.contains("out of range") == true, "\(huge.errors)")
        let fraction = findings(scenario(clock: "{tick: 1d, ticks: 30.5, events_per_tick: 100}"))
        #expect(fraction.at("clock.ticks", line: 3)?.message == "30.5 is not a whole number", "\(fraction.errors)")
        // 1e3 is a whole number.
        #expect(findings(scenario(clock: "{tick: 1d, ticks: 1e1, events_per_tick: 1e2}")).errors.isEmpty)
    }

    @Test func aClockThatEndsAfterYear9999IsRefusedWithHowManyTicksFit() {
        let f = findings(scenario(clock: "{tick: 14000000000w, ticks: 30}"))
        let e = f.at("clock.tick", line: 3)
        #expect(e?.message.contains("9999-12-31T23:59:59Z") == true, "\(f.errors)")
        #expect(e?.hint?.contains("at most 0 ticks") == true)
        let long = findings(scenario(clock: "{tick: 1w, ticks: 1000000, start: 2024-01-01}"))
        #expect(long.at("clock.tick", line: 3)?.hint?.contains("at most 416,167 ticks of 1w") == true, "\(long.errors)")
        // The last tick that fits.
        #expect(findings(scenario(clock: "{tick: 1w, ticks: 416167, events_per_tick: 1, start: 2024-01-01}"),
                         memoryLimit: nil).errors
            .allSatisfy { $0.keyPath != "clock.tick" })
    }

    @Test func memoryThatCannotExistIsRefusedWithTheEstimateAndTheLimit() {
        let f = findings(scenario(stream: "{generator: hyperplane, params: {features: 1e9}}"))
        let e = f.at("stream.params.features", line: 4)
        #expect(e?.message.contains("at most 10,000,000") == true, "\(f.errors)")
        // A run whose series would not fit in the limit: the estimate names the ticks.
        let big = findings(scenario(clock: "{tick: 1h, ticks: 10000000, events_per_tick: 1}"),
                           memoryLimit: Double(1 << 30))
        let m = big.at("clock.ticks", line: 3)
        #expect(m?.message.contains("of memory") == true, "\(big.errors)")
        #expect(m?.message.contains("more than the limit of 1.0 GiB") == true)
        #expect(m?.message.contains("--memory-limit") == true)
        // Events × features of one tick.
        let wide = findings(scenario(clock: "{tick: 1d, ticks: 3, events_per_tick: 100000000}",
                                     stream: "{generator: hyperplane, params: {features: 1000}, warmup: 1000}",
                                     labels: "{coverage: 0.0001, delay: 1d}"))
        #expect(wide.errors.contains { $0.keyPath == "stream.params" && $0.message.contains("traffic") },
                "\(wide.errors) \(wide.warnings)")
    }

    @Test func theMemoryEstimateGrowsWithEachOfItsFactors() throws {
        func bytes(_ text: String) throws -> Double {
            MemoryEstimate(plan: try ScenarioLoader.parse(text, file: "m.yaml", memoryLimit: nil).plan).bytes
        }
        let base = try bytes(scenario())
        #expect(try bytes(scenario(clock: "{tick: 1d, ticks: 300, events_per_tick: 100}")) > base)
        #expect(try bytes(scenario(clock: "{tick: 1d, ticks: 30, events_per_tick: 100000}")) > base)
        #expect(try bytes(scenario(stream: "{generator: hyperplane, params: {features: 200}}")) > base)
        #expect(try bytes(scenario(extra: "replicates: 10")) > base)
        // Per-tick series alone: S·R·T·(8M + 8) bytes, exactly.
        let plan = try ScenarioLoader.parse(scenario(clock: "{tick: 1d, ticks: 1000, events_per_tick: 10}"),
                                            file: "m.yaml", memoryLimit: nil).plan
        let series = try #require(MemoryEstimate(plan: plan).parts.first { $0.what.hasPrefix("per-tick series") })
        #expect(series.bytes == 2 * 1 * 1000 * Double(8 * RunMetric.names.count + 8) + 1000 * 16)
    }

    @Test func aVolumeProfileThatOutgrowsAnyTickIsRefused() {
        let f = findings(scenario(clock: "{tick: 1d, ticks: 3000, events_per_tick: 100}",
                                  stream: "{generator: sea, volume: {growth: 1}}"))
        #expect(f.at("stream.volume", line: 4)?.message.contains("at most 100,000,000 events per tick") == true,
                "\(f.errors)")
        let spike = findings(scenario(stream: "{generator: sea, volume: {spikes: [3], spike_factor: 1e300}}"))
        #expect(spike.errors.contains { $0.keyPath == "stream.volume.spike_factor" }, "\(spike.errors)")
    }

    @Test func replicatesOnTheCommandLineHaveTheLimitOfTheScenario() {
        let cli = findings(scenario(), replicates: 20_000)
        let yaml = findings(scenario(extra: "replicates: 20000"))
        let a = cli.errors.first { $0.keyPath == "replicates" }
        let b = yaml.at("replicates", line: 9)
        #expect(a?.message == "--replicates 20000 is out of range: must be ≤ 10000 replicates", "\(cli.errors)")
        #expect(b?.message == "20000 is out of range: must be ≤ 10000 replicates", "\(yaml.errors)")
        #expect(ScenarioLoader.replicatesProblem(20_000) == a?.message)
        #expect(ScenarioLoader.replicatesProblem(10_000) == nil)
        #expect(ScenarioLoader.replicatesProblem(0) != nil)
    }

    @Test func valuesThatCannotMeanAnythingAreRefused() {
        let shift = findings(scenario(extra: """
        drifts:
          - {type: gradual, center: 10d, width: 2d, target: covariates, shift: {feature: x0, by: 1e308}}
        """))
        #expect(shift.at("drifts[0].shift.by", line: 10)?.message.contains("must be ≤ 1000000000000") == true,
                "\(shift.errors)")
        let cost = findings(scenario(extra: "costs: {retrain_per_sample: 1e300}"))
        #expect(cost.at("costs.retrain_per_sample", line: 9) != nil, "\(cost.errors)")
        let names = findings(scenario(strategy: "{name: '', trigger: never}", extra: """
        edge_cases: {'': {feature: x0, above: 9}}
        drifts:
          - {name: ' ', type: instantaneous, at: 10d, target: concept}
        """))
        #expect(names.at("strategies[1].name", line: 8)?.message == "a name must not be empty", "\(names.errors)")
        #expect(names.at("edge_cases.", line: 9)?.message == "a name must not be empty", "\(names.errors)")
        #expect(names.at("drifts[0].name", line: 11)?.message == "a name must not be empty", "\(names.errors)")
    }

    @Test func aDuplicatedKeyAndAHugeValueGiveShortMessagesWithTheirLines() {
        let dup = findings(scenario(extra: "labels: {coverage: 1}"))
        #expect(dup.errors.count == 1)
        #expect(dup.errors.first?.message.contains("the key 'labels' is given more than once") == true, "\(dup.errors)")
        #expect(dup.errors.first?.location?.line == 5)
        let huge = String(repeating: "x", count: 10_000)
        let f = findings(scenario(clock: "{tick: 1d, ticks: \(huge), events_per_tick: 100}"))
        let e = f.at("clock.ticks", line: 3)
        #expect(e?.message.hasSuffix("…\" is not a whole number") == true, "\(f.errors)")
        #expect((e?.message.count ?? .max) < 100)
    }

    @Test func customYAMLTagsAreRefusedAndCoreOnesAccepted() {
        let f = findings(scenario(labels: "{coverage: !!binary aGVsbG8=, delay: !foo 1d}",
                                  extra: "replicates: !!int 2"))
        #expect(f.at("labels.coverage", line: 5)?.message.contains("!!binary") == true, "\(f.errors)")
        #expect(f.at("labels.delay", line: 5)?.message.contains("!foo") == true, "\(f.errors)")
        #expect(!f.errors.contains { $0.keyPath == "replicates" })
        // Plain values resolved by YAML to timestamps or numbers carry no written tag.
        #expect(findings(scenario(clock: "{tick: 1d, ticks: 30, start: 2024-01-01}",
                                  labels: "{coverage: !!float 0.5}")).errors.isEmpty)
    }

    @Test func wastedValuesAreWarningsAtTheirKeyAndTheScenarioStillLoads() {
        let wasteful = "{name: w, trigger: {every: 60d, cooldown: 40d}, dataset: {window: 90d}}"
        let f = findings(scenario(strategy: wasteful, extra: """
        detection: {tolerance: 45d}
        drifts:
          - {type: instantaneous, at: 40d, target: concept}
          - {type: gradual, center: 20d, width: 4d, target: concept}
        """))
        #expect(f.errors.isEmpty, "\(f.errors)")
        #expect(f.at("strategies[1].trigger.every", line: 8, warning: true)?.message.contains("never fires") == true,
                "\(f.warnings)")
        let window = f.at("strategies[1].dataset.window", line: 8, warning: true)
        #expect(window?.message.contains("dataset: all") == true, "\(f.warnings)")
        #expect(f.at("detection.tolerance", line: 9, warning: true) != nil, "\(f.warnings)")
        #expect(f.at("drifts[0].at", line: 11, warning: true)?.message.contains("never takes effect") == true,
                "\(f.warnings)")
        #expect(f.at("drifts[1].center", line: 12, warning: true) == nil, "a drift inside the run is not warned of")
        // A shipped scenario has no warning.
        #expect(findings(BuiltinScenarios.quickstart).warnings.isEmpty)
    }

    @Test func aContinuousLabelReadAsClassesIsWarnedOfThenRefused() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        func replay(_ classes: Int) throws -> Findings {
            var csv = "x,y\n"
            for i in 0..<max(classes, 40) { csv += "\(i),\(Double(i % classes) + 0.5)\n" }
            let path = dir.appendingPathComponent("c\(classes).csv").path
            try csv.write(toFile: path, atomically: true, encoding: .utf8)
            return findings("""
            name: classes
            stream:
              warmup_ticks: 2
              replay: {path: \(path), label: y, numeric: [x], tick: 10 rows}
            strategies:
              - {name: never, trigger: never}
            """)
        }
        let some = try replay(60)
        let w = some.at("stream.replay.label", line: 4, warning: true)
        #expect(some.errors.isEmpty, "\(some.errors)")
        #expect(w?.message.contains("60 classes") == true, "\(some.warnings)")
        #expect(w?.hint?.contains("label_kind: regression") == true)
        let many = try replay(1001)
        // The replay itself stops counting classes past the limit.
        #expect(many.at("stream.replay.label", line: 4)?.message.contains("more than 1000 distinct values") == true,
                "\(many.errors)")
        #expect(many.at("stream.replay.label", line: 4)?.hint?.contains("label_kind: regression") == true)
        #expect(try replay(3).warnings.isEmpty)
    }

    @Test func replaysOfFIFOsAndThinlySpreadRowsAreCaught() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let fifo = dir.appendingPathComponent("pipe.csv").path
        #expect(mkfifo(fifo, 0o600) == 0)
        func replay(_ path: String, tick: String = "1d") -> Findings {
            findings("""
            name: r
            stream:
              warmup_ticks: 1
              replay: {path: \(path), timestamp: t, label: y, numeric: [x], tick: \(tick), order: sort}
            strategies:
              - {name: never, trigger: never}
            """, memoryLimit: nil)
        }
        let f = replay(fifo)
        #expect(f.at("stream.replay.path", line: 4)?.message.contains("FIFO") == true, "\(f.errors)")
        var csv = "t,x,y\n"
        for i in 0..<40 {
            let (day, hour) = (String(format: "%02d", 1 + i / 10), String(format: "%02d", i % 10))
            csv += "2024-01-\(day)T\(hour):00:00,\(i),\(i % 2)\n"
        }
        csv += "2030-01-01T00:00:00,1,0\n"
        let path = dir.appendingPathComponent("thin.csv").path
        try csv.write(toFile: path, atomically: true, encoding: .utf8)
        let thin = replay(path)
        #expect(thin.errors.isEmpty, "\(thin.errors)")
        #expect(thin.at("stream.replay.tick", line: 4, warning: true)?.message.contains("hold no row") == true,
                "\(thin.warnings)")
        let seconds = replay(path, tick: "1s")
        #expect(seconds.at("stream.replay.tick", line: 4)?.message.contains("at most 10,000,000 ticks") == true,
                "\(seconds.errors)")
    }

    @Test func everyShippedScenarioStillValidatesWithoutWarnings() throws {
        let tests = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        let root = tests.deletingLastPathComponent()
        let folder = root.appendingPathComponent("scenarios").path
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".yaml") }
        #expect(files.count >= 9)
        for name in files.sorted() {
            let text = try String(contentsOf: root.appendingPathComponent("scenarios/\(name)"), encoding: .utf8)
            let f = findings(text, file: name)
            // Replayed scenarios need their dataset: without it, the only error is the missing file.
            let missingData = f.errors.allSatisfy {
                $0.keyPath == "stream.replay.path" && $0.message.contains("cannot find")
            }
            #expect(f.errors.isEmpty || missingData, "\(name): \(f.errors)")
            #expect(f.warnings.isEmpty, "\(name): \(f.warnings)")
        }
    }
}
