import FlywheelCore
import Foundation
import Testing
@testable import Streams


@Suite(.enabled(if: ReplayData.available, ReplayData.skipReason))
struct DatasetInspectorRealDataTests {
    @Test func elec2() throws {
        let path = ReplayData.path("elec2.csv")
        let d = try DatasetInspector.describe(path: path)
        #expect(d.rows == 45_312)
        #expect(d.timestampColumn == "timestamp_reconstructed")
        #expect(d.firstTime == ISOTime.parse("1996-05-07T00:00"))
        #expect(d.lastTime == ISOTime.parse("1996-05-07T00:00")! + 45_311 * 1800)
        #expect(d.firstOutOfOrderLine == nil)
        #expect(d.labelColumn == "class" && d.labelKind == .classification)
        let rows = try plainRows(path)
        #expect(d.classBalance == [ClassCount(name: "UP", count: rows.filter { $0[9] == "UP" }.count),
                                   ClassCount(name: "DOWN", count: rows.filter { $0[9] == "DOWN" }.count)])
        #expect(d.tick == .span(Span(seconds: 86_400)))
        #expect(d.eventsPerTick == TickStatistics(ticks: 944, empty: 0, minimum: 48, maximum: 48, mean: 48))
        #expect(d.columns.map(\.kind) == [.timestamp] + Array(repeating: .numeric, count: 8) + [.categorical])
        #expect(d.columns.allSatisfy { $0.missing == 0 })
        #expect(d.columns[2].minimum == 1 && d.columns[2].maximum == 7)   // day of the week
        #expect(d.mapping.numeric == ["date", "day", "period", "nswprice", "nswdemand", "vicprice", "vicdemand", "transfer"])
        #expect(d.yaml.contains("    timestamp: timestamp_reconstructed\n"))
        #expect(d.yaml.contains("    classes: [UP, DOWN]\n"))
        #expect(d.yaml.contains("    tick: 1d\n"))
        #expect(d.summary.contains("45312 rows"))

        // The suggestion replays as described.
        let replay = try TableReplay(mapping: d.mapping)
        var ticks = 0
        while let (_, _, b) = try replay.nextTick() { #expect(b.count == 48); ticks += 1 }
        #expect(ticks == 944)
    }

    @Test func weatherOffuttHasNoTimestamp() throws {
        let path = ReplayData.path("weather-offutt.csv")
        let d = try DatasetInspector.describe(path: path)
        #expect(d.rows == 18_159)
        #expect(d.timestampColumn == nil)
        #expect(d.labelColumn == "rain" && d.labelKind == .classification)
        let rows = try plainRows(path)
        #expect(d.classBalance.map(\.count).reduce(0, +) == 18_159)
        #expect(d.classBalance.first { $0.name == "1" }?.count == rows.filter { $0[9] == "1" }.count)
        #expect(d.tick == .rows(50))      // 18,159 / 500 ≈ 36 → nearest of 20, 50 on a log scale
        #expect(d.eventsPerTick == TickStatistics(ticks: 364, empty: 0, minimum: 18_159 - 50 * 363, maximum: 50, mean: 18_159.0 / 364))
        #expect(!d.yaml.contains("timestamp"))
        #expect(d.yaml.contains("    tick: 50 rows\n"))
    }

    @Test func seattleWeatherDailyWithFiveClasses() throws {
        let d = try DatasetInspector.describe(path: ReplayData.path("seattle-weather.csv"))
        #expect(d.timestampColumn == "date")
        #expect(d.labelColumn == "weather")
        #expect(d.classBalance.count == 5)
        #expect(d.classBalance.map(\.count).reduce(0, +) == 1_461)
        #expect(d.tick == .span(Span(seconds: 86_400)))
        #expect(d.eventsPerTick == TickStatistics(ticks: 1_461, empty: 0, minimum: 1, maximum: 1, mean: 1))
        let weekly = try DatasetInspector.describe(path: ReplayData.path("seattle-weather.csv"), tick: .span(Span(seconds: 604_800)))
        #expect(weekly.eventsPerTick.ticks == 209 && weekly.eventsPerTick.maximum == 7 && weekly.eventsPerTick.minimum == 5)
    }

    @Test func insectsGzip() throws {
        let d = try DatasetInspector.describe(path: ReplayData.path("insects-gradual-balanced.csv.gz"))
        #expect(d.rows == 24_150)
        #expect(d.columns.count == 34)
        #expect(d.labelColumn == "class" && d.labelKind == .classification)
        #expect(d.classBalance.count == 6)
        #expect(d.mapping.numeric.count == 33)
        #expect(d.timestampColumn == nil)
    }

    @Test func seaQuotesNumericClassNames() throws {
        let d = try DatasetInspector.describe(path: ReplayData.path("sea-abrupt-noise20.csv"))
        #expect(d.rows == 40_000)
        #expect(Set(d.classBalance.map(\.name)) == ["0.0", "1.0"])
        #expect(d.yaml.contains("classes: [\"1.0\", \"0.0\"]") || d.yaml.contains("classes: [\"0.0\", \"1.0\"]"))
        #expect(d.columns.prefix(3).allSatisfy { $0.kind == .numeric && $0.minimum! >= 0 && $0.maximum! <= 10 })
    }
}

struct DatasetInspectorTests {
    @Test func smallFileKindsMissingOrderAndYAML() throws {
        let t = try TempFolder()
        let p = try t.write("log.csv", """
            when,amount,country,note,target
            2024-01-01T00:10,1.5,FR,,yes
            2024-01-01T00:20,NA,DE,,no
            2024-01-01T02:05,3,FR,,yes
            2024-01-01T01:00,4,,,no

            """)
        let d = try DatasetInspector.describe(path: p)
        #expect(d.rows == 4)
        #expect(d.columns.map(\.kind) == [.timestamp, .numeric, .categorical, .empty, .categorical])
        #expect(d.columns.map(\.missing) == [0, 1, 1, 4, 0])
        #expect(d.columns[2].distinct == 2)
        #expect(d.firstOutOfOrderLine == 5)
        #expect(d.labelColumn == "target")
        #expect(d.classBalance == [ClassCount(name: "yes", count: 2), ClassCount(name: "no", count: 2)])
        #expect(d.tick == .span(Span(seconds: 3600)))
        // Hours 0, 1, 2 hold 2, 1, 1 rows.
        #expect(d.eventsPerTick == TickStatistics(ticks: 3, empty: 0, minimum: 1, maximum: 2, mean: 4.0 / 3))
        #expect(d.notes.contains { $0.contains("line 5") && $0.contains("order: sort") })
        #expect(d.yaml == """
            stream:
              replay:
                path: \(p)
                timestamp: when
                timestamp_format: iso8601
                label: target
                label_kind: classification
                classes: ["yes", "no"]
                numeric: [amount]
                categorical: [country]
                encoding: ordinal
                max_categories: 64
                tick: 1h
                order: sort

            """)
        // The suggested mapping (sorted order) replays.
        let replay = try TableReplay(mapping: d.mapping)
        var counts: [Int] = []
        while let (_, _, b) = try replay.nextTick() { counts.append(b.count) }
        #expect(counts == [2, 1, 1])
    }

    @Test func explicitArgumentsOverrideGuesses() throws {
        let t = try TempFolder()
        let p = try t.write("log.csv", "ts;y;x\n1704067200;0.5;a\n1704070800;1.5;b\n1704078000;2.5;a\n")
        let d = try DatasetInspector.describe(path: p, label: "y", timestamp: "ts", timestampFormat: .epochSeconds,
                                              tick: .span(Span(seconds: 3600)), delimiter: ";")
        #expect(d.labelKind == .regression)
        #expect(d.classBalance.isEmpty)
        #expect(d.timestampColumn == "ts" && d.timestampFormat == .epochSeconds)
        #expect(d.eventsPerTick == TickStatistics(ticks: 4, empty: 1, minimum: 0, maximum: 1, mean: 0.75))
        #expect(d.yaml.contains("delimiter: \";\""))
        #expect(d.yaml.contains("timestamp_format: epoch_s"))
    }

    @Test func errorsNameFileLineAndColumn() throws {
        let t = try TempFolder()
        let p = try t.write("log.csv", "a,b,label\n1,2,x\n3,4,y\n")
        #expect(throws: FlywheelError.self) { try DatasetInspector.describe(path: p, label: "lable") }
        do { _ = try DatasetInspector.describe(path: p, label: "lable") } catch let e as FlywheelError {
            #expect(e.hint == "did you mean 'label'?")
            #expect(e.location?.line == 1)
        }
        let ragged = try t.write("r.csv", "a,b\n1,2\n3\n")
        do { _ = try DatasetInspector.describe(path: ragged); Issue.record("no error") } catch let e as FlywheelError {
            #expect(e.location == SourceLocation(file: ragged, line: 3))
        }
        let empty = try t.write("e.csv", "")
        #expect(throws: FlywheelError.self) { try DatasetInspector.describe(path: empty) }
        let badTime = try t.write("t.csv", "when,y\n2024-01-01,a\nlater,b\n")
        do { _ = try DatasetInspector.describe(path: badTime, timestamp: "when"); Issue.record("no error") } catch let e as FlywheelError {
            #expect(e.location == SourceLocation(file: badTime, line: 3))
        }
    }

    @Test func niceRowCounts() {
        #expect(DatasetInspector.niceRowCount(36) == 50)
        #expect(DatasetInspector.niceRowCount(90) == 100)
        #expect(DatasetInspector.niceRowCount(3) == 2)
        #expect(DatasetInspector.niceRowCount(0) == 1)
    }
}
