import FlywheelCore
import Foundation
import Scenarios
import Testing

/// A folder with a small CSV (`day` timestamps, two numeric features, a label) for replay scenarios.
private func dataFolder(_ name: String, rows: Int = 40) throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("flywheel-replay-\(ProcessInfo.processInfo.processIdentifier)-\(name)")
    try? FileManager.default.removeItem(at: dir)
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    var csv = "time,a,b,label\n"
    for i in 0..<rows {
        let day = String(format: "2024-01-%02d", 1 + i / 4 % 28)
        csv += "\(day)T\(String(format: "%02d", i % 4 * 6)):00,\(i),\(Double(i) / 2),\(i % 3 == 0 ? "yes" : "no")\n"
    }
    try csv.write(to: dir.appendingPathComponent("events-\(name).csv"), atomically: true, encoding: .utf8)
    return dir
}

private func errors(_ text: String, file: String = "replay.yaml") -> [FlywheelError] {
    do {
        _ = try ScenarioLoader.parse(text, file: file)
        return []
    } catch let e as FlywheelErrors {
        return e.errors
    } catch {
        return [FlywheelError("\(error)")]
    }
}

@Suite struct ReplayValidation {
    @Test func aValidReplayScenarioTakesItsClockFromTheFile() throws {
        let dir = try dataFolder("valid")
        defer { try? FileManager.default.removeItem(at: dir) }
        let s = try ScenarioLoader.parse("""
        name: replay
        stream:
          warmup_ticks: 2
          replay: {path: \(dir.path)/events-valid.csv, timestamp: time, label: label, numeric: [a, b], tick: 1d}
        strategies: [{name: never, trigger: never}]
        """, file: "replay.yaml")
        // 40 rows, 4 a day: 10 days, 2 of them warm-up.
        #expect(s.plan.manifest.clock.ticks == 8)
        #expect(s.plan.manifest.clock.tick == Span(seconds: 86_400))
        #expect(s.plan.manifest.clock.start == ISOTime.parse("2024-01-03"))
        #expect(s.plan.source.schema.features == ["a", "b"])
        #expect(s.plan.source.schema.classes == ["yes", "no"])
    }

    @Test func aRelativePathIsFoundNextToTheScenarioFile() throws {
        let dir = try dataFolder("relative")
        defer { try? FileManager.default.removeItem(at: dir) }
        let scenario = dir.appendingPathComponent("s.yaml")
        try """
        name: relative
        clock: {ticks: 3}
        stream:
          replay: {path: events-relative.csv, timestamp: time, label: label, numeric: [a], tick: 1d}
        strategies: [{name: never, trigger: never}]
        """.write(to: scenario, atomically: true, encoding: .utf8)
        let s = try ScenarioLoader.load(path: scenario.path)
        #expect(s.plan.manifest.clock.ticks == 3)
    }

    @Test func aMissingFileNamesWhereItLooked() throws {
        let e = errors("""
        name: nofile
        stream:
          replay: {path: no-such-file-anywhere.csv, label: label, numeric: [a], tick: 10 rows}
        strategies: [{name: never, trigger: never}]
        """, file: "/tmp/somewhere/nofile.yaml")
        let error = try #require(e.first { $0.keyPath == "stream.replay.path" }, "\(e)")
        #expect(error.location?.file == "/tmp/somewhere/nofile.yaml" && error.location?.line == 3)
        #expect(error.message.contains("cannot find the data file 'no-such-file-anywhere.csv'"))
        #expect(error.message.contains("/tmp/somewhere/no-such-file-anywhere.csv"))
        #expect(error.hint?.contains("FLYWHEEL_DATA") == true)
    }

    @Test func aMissingColumnIsReportedAtItsScenarioLineWithTheNearestColumn() throws {
        let dir = try dataFolder("column")
        defer { try? FileManager.default.removeItem(at: dir) }
        let e = errors("""
        name: column
        stream:
          replay:
            path: \(dir.path)/events-column.csv
            timestamp: time
            label: label
            numeric:
              - a
              - bb
            tick: 1d
        strategies: [{name: never, trigger: never}]
        """)
        #expect(e.count == 1, "\(e)")
        let error = try #require(e.first)
        #expect(error.location?.file == "replay.yaml")
        #expect(error.location?.line == 9)
        #expect(error.keyPath == "stream.replay.numeric[1]")
        #expect(error.message.contains("column 'bb' not found"))
        #expect(error.message.contains("events-column.csv"))
        #expect(error.hint == "did you mean 'b'?")
    }

    @Test func misspeltKeysAndInapplicableSettingsAreReportedTogether() throws {
        let dir = try dataFolder("keys")
        defer { try? FileManager.default.removeItem(at: dir) }
        let e = errors("""
        name: keys
        clock: {tick: 1h, events_per_tick: 100, start: 2024-01-01}
        stream:
          warmup_tick: 3
          replay:
            path: \(dir.path)/events-keys.csv
            timestamp: time
            lable: label
            numeric: [a]
            tick: 1d
            known_drifts: [{at: yesterday}]
        drifts:
          - {type: instantaneous, at: 3, target: concept}
          - {type: instantaneous, at: 3, target: covariates, shift: {feature: c, by: 1}}
        strategies: [{name: never, trigger: never}]
        """)
        func has(_ line: Int, _ key: String, _ fragment: String) -> Bool {
            e.contains { $0.location?.file == "replay.yaml" && $0.location?.line == line && $0.keyPath == key && $0.description.contains(fragment) }
        }
        let all = e.map(\.description)
        #expect(has(4, "stream.warmup_tick", "did you mean 'warmup_ticks'?"), "\(all)")
        #expect(has(8, "stream.replay.lable", "did you mean 'label'?"), "\(all)")
        #expect(has(6, "stream.replay", "missing required key 'label'"), "\(all)")
        #expect(has(11, "stream.replay.known_drifts[0].at", "neither a row number nor a time"), "\(all)")
        #expect(has(2, "clock.tick", "must match"), "\(all)")
        #expect(has(2, "clock.events_per_tick", "does not apply to a replayed stream"), "\(all)")
        #expect(has(2, "clock.start", "starts at the file's first scored tick"), "\(all)")
        #expect(has(13, "drifts[0].target", "cannot be injected into replayed data"), "\(all)")
    }

    @Test func badDataRowsAndImpossibleHorizonsNameTheScenarioAndTheDataLine() throws {
        let dir = try dataFolder("rows")
        defer { try? FileManager.default.removeItem(at: dir) }
        var csv = try String(contentsOf: dir.appendingPathComponent("events-rows.csv"), encoding: .utf8)
        csv = csv.replacingOccurrences(of: ",12,6.0,", with: ",12,six,")
        try csv.write(to: dir.appendingPathComponent("events-rows.csv"), atomically: true, encoding: .utf8)
        let bad = errors("""
        name: rows
        stream:
          replay: {path: \(dir.path)/events-rows.csv, timestamp: time, label: label, numeric: [a, b], tick: 1d}
        strategies: [{name: never, trigger: never}]
        """)
        let error = try #require(bad.first, "\(bad)")
        #expect(error.location?.file == "replay.yaml" && error.location?.line == 3)
        #expect(error.message.contains("events-rows.csv:14"), "\(error)")   // header line 1, row 12 on line 14
        #expect(error.message.contains("'six'"))

        let dir2 = try dataFolder("horizon")
        defer { try? FileManager.default.removeItem(at: dir2) }
        let long = errors("""
        name: horizon
        clock: {ticks: 50}
        stream:
          replay: {path: \(dir2.path)/events-horizon.csv, timestamp: time, label: label, numeric: [a], tick: 1d}
        strategies: [{name: never, trigger: never}]
        """)
        #expect(long.contains { $0.keyPath == "clock.ticks" && $0.location?.line == 2 && $0.message.contains("more than the file holds: 3 ticks after 7 warm-up ticks") }, "\(long)")
    }

    @Test func declaredDriftsOutsideTheFileAreRejected() throws {
        let dir = try dataFolder("declared")
        defer { try? FileManager.default.removeItem(at: dir) }
        let e = errors("""
        name: declared
        stream:
          warmup_ticks: 1
          replay:
            path: \(dir.path)/events-declared.csv
            label: label
            numeric: [a]
            tick: 5 rows
            known_drifts:
              - {at: 500}
        strategies: [{name: never, trigger: never}]
        """)
        #expect(e.contains { $0.keyPath == "stream.replay.known_drifts[0].at" && $0.location?.line == 10 && $0.message.contains("outside the file") }, "\(e)")
    }
}
