import FlywheelCore
import Foundation
import Testing
@testable import Streams


private func gunzip(_ path: String) throws -> String {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["gzip", "-dc", path]
    let out = Pipe()
    p.standardOutput = out
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
}

private let day = Span(seconds: 86_400)

@Suite(.enabled(if: ReplayData.available, ReplayData.skipReason))
struct RealDatasetReplayTests {
    @Test func elec2GroupsIntoDaysOf48HalfHours() throws {
        let path = ReplayData.path("elec2.csv")
        let features = ["date", "day", "period", "nswprice", "nswdemand", "vicprice", "vicdemand", "transfer"]
        let replay = try TableReplay(mapping: ReplayMapping(
            path: path, timestamp: "timestamp_reconstructed", label: "class", numeric: features, tick: .span(day)))
        #expect(replay.schema.features == features)
        #expect(replay.schema.classes == ["UP", "DOWN"])
        #expect(replay.origin == ISOTime.parse("1996-05-07"))
        #expect(replay.rowCount == 45_312)
        #expect(replay.tickCount == 944)

        let rows = try plainRows(path)
        var expectedCounts = [String: Int]()
        for r in rows { expectedCounts[String(r[9]), default: 0] += 1 }

        var ticks = 0, total = 0
        var counts = [0, 0]
        var previousStart: Int64? = nil
        var firstRowChecked = false
        while let (tick, start, batch) = try replay.nextTick() {
            #expect(tick == ticks)
            #expect(batch.count == 48)
            #expect(batch.dimension == 8)
            #expect(batch.features.count == 48 * 8)
            if let p = previousStart { #expect(start == p + 86_400) }
            previousStart = start
            if !firstRowChecked {
                // Row 1: 1996-05-07T00:00,0,2,0,0.056443,0.439155,0.003467,0.422915,0.414912,UP
                #expect(Array(batch.features[0..<8]) == [0, 2, 0, 0.056443, 0.439155, 0.003467, 0.422915, 0.414912])
                firstRowChecked = true
            }
            #expect(batch.concept.allSatisfy { $0 == 0 })
            #expect(batch.slice.allSatisfy { $0 == -1 })
            #expect(batch.bayes.allSatisfy { $0.isNaN })
            for l in batch.labels { counts[Int(l)] += 1 }
            total += batch.count
            ticks += 1
        }
        #expect(ticks == 944)
        #expect(total == 45_312)
        #expect(total == rows.count)
        #expect(counts[0] == expectedCounts["UP"])
        #expect(counts[1] == expectedCounts["DOWN"])
        #expect(try replay.nextTick() == nil)
    }

    @Test func elec2ReplaysEveryValueExactly() throws {
        let path = ReplayData.path("elec2.csv")
        let features = ["nswprice", "nswdemand", "vicprice", "vicdemand", "transfer"]
        let replay = try TableReplay(mapping: ReplayMapping(
            path: path, timestamp: "timestamp_reconstructed", label: "class", classes: ["DOWN", "UP"],
            numeric: features, tick: .rows(1000)))
        #expect(replay.rowCount == nil && replay.tickCount == nil)     // explicit classes: no first pass
        let validated = try TableReplay(mapping: replay.mapping, validateFirst: true)
        #expect(validated.rowCount == 45_312 && validated.tickCount == 46)
        let rows = try plainRows(path)
        var i = 0
        var mismatches = 0
        while let (_, start, batch) = try replay.nextTick() {
            #expect(start == ISOTime.parse(rows[i][0]))
            for e in 0..<batch.count {
                let r = rows[i]
                for j in 0..<5 where batch.features[e * 5 + j] != Double(String(r[4 + j]))! { mismatches += 1 }
                if batch.labels[e] != (r[9] == "DOWN" ? 0 : 1) { mismatches += 1 }
                i += 1
            }
        }
        #expect(i == rows.count)
        #expect(mismatches == 0)
    }

    @Test func weatherOffuttGroupsByRowCount() throws {
        let path = ReplayData.path("weather-offutt.csv")
        let features = ["temperature", "dew_point", "sea_level_pressure", "visibility", "avg_wind_speed",
                        "max_sustained_wind_speed", "max_temperature", "min_temperature"]
        let replay = try TableReplay(mapping: ReplayMapping(path: path, label: "rain", numeric: features, tick: .rows(365)))
        #expect(replay.origin == nil)
        let rows = try plainRows(path)
        var sizes: [Int] = []
        var rain = 0
        while let (_, start, batch) = try replay.nextTick() {
            #expect(start == nil)
            sizes.append(batch.count)
            let rainCode = Double(replay.schema.classes.firstIndex(of: "1")!)
            rain += batch.labels.filter { $0 == rainCode }.count
        }
        #expect(sizes.reduce(0, +) == 18_159)
        #expect(sizes.count == (18_159 + 364) / 365)
        #expect(sizes.dropLast().allSatisfy { $0 == 365 })
        #expect(sizes.last == 18_159 - 365 * (sizes.count - 1))
        #expect(rain == rows.filter { $0[9] == "1" }.count)
    }

    @Test func seattleWeatherReadsSlashedDatesAndFiveClasses() throws {
        let path = ReplayData.path("seattle-weather.csv")
        let replay = try TableReplay(mapping: ReplayMapping(
            path: path, timestamp: "date", label: "weather", numeric: ["precipitation", "temp_max", "temp_min", "wind"],
            tick: .span(Span(seconds: 7 * 86_400))))
        let rows = try plainRows(path)
        var firstSeen: [String] = []
        for r in rows where !firstSeen.contains(String(r[5])) { firstSeen.append(String(r[5])) }
        #expect(replay.schema.classes == firstSeen)
        #expect(replay.schema.classes.count == 5)
        #expect(replay.origin == ISOTime.parse("2012-01-01"))
        var total = 0, ticks = 0
        while let (_, _, batch) = try replay.nextTick() {
            #expect(batch.count <= 7)
            total += batch.count
            ticks += 1
        }
        #expect(total == 1_461)
        // 2012-01-01 … 2015-12-31 is 1,461 days: 208 full weeks and 5 days.
        #expect(ticks == 209)
        #expect(replay.tickCount == 209)
    }

    @Test func insectsStreamsThroughGzip() throws {
        let path = ReplayData.path("insects-gradual-balanced.csv.gz")
        let features = (1...33).map { "Att\($0)" }
        let replay = try TableReplay(mapping: ReplayMapping(path: path, label: "class", numeric: features, tick: .rows(500)))
        #expect(replay.rowCount == 24_150)
        #expect(replay.schema.dimension == 33)
        let text = try gunzip(path)
        let lines = text.split(separator: "\n").dropFirst()
        var firstSeen: [Substring] = []
        var counts: [Substring: Int] = [:]
        for l in lines {
            let c = l.split(separator: ",").last!
            if counts[c] == nil { firstSeen.append(c) }
            counts[c, default: 0] += 1
        }
        #expect(replay.schema.classes == firstSeen.map(String.init))
        #expect(replay.schema.classes.count == 6)
        var got = Array(repeating: 0, count: 6)
        var total = 0
        var lastRow: [Double] = []
        while let (_, _, batch) = try replay.nextTick() {
            for l in batch.labels { got[Int(l)] += 1 }
            total += batch.count
            lastRow = Array(batch.features.suffix(33))
        }
        #expect(total == 24_150)
        #expect(got == firstSeen.map { counts[$0]! })
        let lastFields = lines.last!.split(separator: ",").dropLast().map { Double(String($0))! }
        #expect(lastRow == lastFields)
    }

    @Test func seaAbruptHasTwoClassesAndFortyThousandRows() throws {
        let path = ReplayData.path("sea-abrupt-noise20.csv")
        let replay = try TableReplay(mapping: ReplayMapping(path: path, label: "class", numeric: ["X1", "X2", "X3"], tick: .rows(1000)))
        #expect(Set(replay.schema.classes) == ["0.0", "1.0"])
        let rows = try plainRows(path)
        let one = Double(replay.schema.classes.firstIndex(of: "1.0")!)
        var ones = 0, total = 0, ticks = 0
        while let (_, _, batch) = try replay.nextTick() {
            #expect(batch.count == 1000)
            ones += batch.labels.filter { $0 == one }.count
            total += batch.count
            ticks += 1
        }
        #expect(total == 40_000 && ticks == 40)
        #expect(ones == rows.filter { $0[3] == "1.0" }.count)
    }

    @Test func rewindReplaysTheSameTicks() throws {
        let replay = try TableReplay(mapping: ReplayMapping(
            path: ReplayData.path("seattle-weather.csv"), timestamp: "date", label: "weather",
            numeric: ["precipitation", "wind"], tick: .span(Span(seconds: 30 * 86_400))))
        var first: [[Double]] = []
        while let (_, _, b) = try replay.nextTick() { first.append(b.features + b.labels) }
        try replay.rewind()
        var second: [[Double]] = []
        while let (_, _, b) = try replay.nextTick() { second.append(b.features + b.labels) }
        #expect(first == second)
        #expect(first.count == 49)
    }
}
