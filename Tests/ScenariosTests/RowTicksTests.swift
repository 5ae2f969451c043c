import FlywheelCore
import Foundation
import Scenarios
import Testing

/// A folder with `rows` rows of a small CSV: with `timestamped`, a `time` column one hour apart
/// from 2023-03-01T00:00:00Z; two numeric features and a label.
private func rowFolder(_ name: String, rows: Int = 300, timestamped: Bool = false) throws -> URL {
    let dir = FileManager.default.temporaryDirectory
        .appendingPathComponent("flywheel-rowticks-\(ProcessInfo.processInfo.processIdentifier)-\(name)")
    try? FileManager.default.removeItem(at: dir)
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    var csv = timestamped ? "time,a,b,label\n" : "a,b,label\n"
    let t0 = ISOTime.parse("2023-03-01T00:00:00Z")!
    for i in 0..<rows {
        if timestamped { csv += ISOTime.format(t0 + Int64(i) * 3600) + "," }
        csv += "\(i % 17),\(Double(i % 5) / 2),\(i % 3 == 0 ? "yes" : "no")\n"
    }
    try csv.write(to: dir.appendingPathComponent("rows.csv"), atomically: true, encoding: .utf8)
    return dir
}

private func rowTickProblems(_ text: String) -> [FlywheelError] {
    do {
        _ = try ScenarioLoader.parse(text, file: "rows.yaml")
        return []
    } catch let e as FlywheelErrors {
        return e.errors
    } catch {
        return [FlywheelError("\(error)")]
    }
}

@Suite struct RowTicks {
    @Test func aDurationInTimeIsRefusedAtItsLineAndKeyWhenTicksAreRows() throws {
        let dir = try rowFolder("every")
        defer { try? FileManager.default.removeItem(at: dir) }
        let e = rowTickProblems("""
        name: rows
        stream:
          warmup_ticks: 2
          replay: {path: \(dir.path)/rows.csv, label: label, numeric: [a, b], tick: 30 rows}
        strategies:
          - name: quarterly
            trigger: {every: 90d}
        """)
        #expect(e.count == 1, "\(e)")
        let error = try #require(e.first)
        #expect(error.location?.file == "rows.yaml" && error.location?.line == 7, "\(error)")
        #expect(error.keyPath == "strategies[0].trigger.every")
        #expect(error.message.contains("90d"))
        #expect(error.message.contains("ticks are 30 rows"), "\(error.message)")
        #expect(error.hint?.contains("`every: 90`") == true, "\(error.hint ?? "")")
        #expect(error.hint?.contains("tick: 1d") == true, "\(error.hint ?? "")")
    }

    @Test func everyKindOfDurationIsRefusedTogetherAndTickCountsAreAccepted() throws {
        let dir = try rowFolder("all")
        defer { try? FileManager.default.removeItem(at: dir) }
        let e = rowTickProblems("""
        name: rows
        stream:
          warmup_ticks: 2
          replay: {path: \(dir.path)/rows.csv, label: label, numeric: [a, b], tick: 30 rows}
        labels: {delay: 2d}
        detection: {tolerance: 3d}
        strategies:
          - name: a
            trigger: {detector: {name: adwin}, cooldown: 12h}
            dataset: {window: 7d}
            training_latency: 1d
          - {name: b, trigger: {every: 3}, dataset: {window: 4}, training_latency: 1}
        """)
        let refused = Set(e.filter { $0.message.contains("ticks are 30 rows") }.compactMap(\.keyPath))
        #expect(refused == ["labels.delay", "detection.tolerance", "strategies[0].trigger.cooldown",
                            "strategies[0].dataset.window", "strategies[0].training_latency"], "\(e)")
        #expect(e.count == refused.count, "only the durations in time are refused: \(e)")
        let lines = Dictionary(e.compactMap { x in x.keyPath.map { ($0, x.location?.line ?? 0) } },
                               uniquingKeysWith: min)
        #expect(lines["labels.delay"] == 5 && lines["strategies[0].dataset.window"] == 10, "\(lines)")
    }

    @Test func theClocksTickAndStartDoNotApplyToRowTicks() throws {
        let dir = try rowFolder("clock")
        defer { try? FileManager.default.removeItem(at: dir) }
        let e = rowTickProblems("""
        name: rows
        clock: {tick: 1d, start: 2024-01-01}
        stream:
          replay: {path: \(dir.path)/rows.csv, label: label, numeric: [a, b], tick: 30 rows}
        strategies: [{name: never, trigger: never}]
        """)
        #expect(e.contains { $0.keyPath == "clock.tick" && $0.location?.line == 2
                    && $0.message.contains("no length in time") }, "\(e)")
        #expect(e.contains { $0.keyPath == "clock.start" && $0.message.contains("no time") }, "\(e)")
    }

    @Test func withATimestampColumnTheHintNamesItAndTheClockKeepsTheRowsTimes() throws {
        let dir = try rowFolder("stamped", rows: 300, timestamped: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let text = """
        name: rows
        stream:
          warmup_ticks: 2
          replay: {path: \(dir.path)/rows.csv, timestamp: time, label: label, numeric: [a, b], tick: 30 rows}
        strategies:
          - {name: weekly, trigger: {every: WHEN}}
        """
        let e = rowTickProblems(text.replacingOccurrences(of: "WHEN", with: "7d"))
        let error = try #require(e.first, "\(e)")
        #expect(error.keyPath == "strategies[0].trigger.every" && error.location?.line == 6)
        #expect(error.hint?.contains("'time'") == true, "\(error.hint ?? "")")

        let s = try ScenarioLoader.parse(text.replacingOccurrences(of: "WHEN", with: "7"), file: "rows.yaml")
        let clock = s.plan.manifest.clock
        // 300 rows of 30: 10 ticks, 2 of warm-up; the scored rows are 60…299, one hour apart.
        let t0 = ISOTime.parse("2023-03-01T00:00:00Z")!
        #expect(clock.ticks == 8)
        #expect(clock.rowsPerTick == 30)
        #expect(clock.basis == .rows(30, first: t0 + 60 * 3600, last: t0 + 299 * 3600))
        #expect(clock.tickTime(0) == nil, "a tick of rows has no time of its own")
        #expect(clock.horizonText == "8 ticks of 30 rows (the scored rows' timestamps run from 2023-03-03T12:00:00Z "
                + "to 2023-03-13T11:00:00Z)")
    }

    @Test func withoutATimestampColumnTheHorizonSaysTicksHaveNoTime() throws {
        let dir = try rowFolder("plain")
        defer { try? FileManager.default.removeItem(at: dir) }
        let s = try ScenarioLoader.parse("""
        name: rows
        stream:
          warmup_ticks: 2
          replay: {path: \(dir.path)/rows.csv, label: label, numeric: [a, b], tick: 30 rows}
        strategies: [{name: every-3, trigger: {every: 3}}]
        """, file: "rows.yaml")
        let clock = s.plan.manifest.clock
        #expect(clock.basis == .rows(30, first: nil, last: nil))
        #expect(clock.horizonText == "8 ticks of 30 rows (the file has no timestamp column: ticks have no time)")
        #expect(!clock.hasTickTimes && !clock.hasFileTimes)
    }

    @Test func aSyntheticClockSaysItIsSyntheticAndATimeGroupedReplayUsesTheFilesTimes() throws {
        let s = try ScenarioLoader.parse("""
        name: synth
        clock: {tick: 1d, ticks: 10, events_per_tick: 50}
        stream: {generator: sea}
        strategies: [{name: weekly, trigger: {every: 7d}}]
        """, file: "synth.yaml")
        #expect(s.plan.manifest.clock.basis == .synthetic)
        #expect(s.plan.manifest.clock.horizonText
                == "10 ticks of 1d on a synthetic clock (2024-01-01T00:00:00Z – 2024-01-11T00:00:00Z)")

        let dir = try rowFolder("timed", rows: 300, timestamped: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try ScenarioLoader.parse("""
        name: timed
        stream:
          warmup_ticks: 2
          replay: {path: \(dir.path)/rows.csv, timestamp: time, label: label, numeric: [a, b], tick: 1d}
        strategies: [{name: weekly, trigger: {every: 7d}}]
        """, file: "timed.yaml")
        // 300 hourly rows from 2023-03-01: 13 days (the last one partial), 2 of warm-up.
        #expect(r.plan.manifest.clock.basis == .fileTime)
        #expect(r.plan.manifest.clock.horizonText
                == "11 ticks of 1d of the file's timestamps (2023-03-03T00:00:00Z – 2023-03-14T00:00:00Z)")
    }
}
