import FlywheelCore
import Foundation
import Testing
@testable import Streams

/// `dataset describe` never proposes a row index as a feature, warns of thin ticks and reads a
/// day count as time.
@Suite struct DatasetIndexAndDays {
    @Test func rowIndexColumnsAreNotProposedAsFeatures() throws {
        let t = try TempFolder()
        // pandas' headerless index (0…n−1), a 1…n counter under another name, an `index` column
        // that is shuffled, a feature that starts 0, 1, 2 and then departs, and a plain feature.
        var csv = "Unnamed: 0,seq,index,steps,x,y\n"
        let n = 60
        for i in 0..<n {
            let shuffled = (i * 37) % n
            csv += "\(i),\(i + 1),\(shuffled),\(i < 3 ? i : 7),\(Double(i % 7) / 3),\(i % 2 == 0 ? "a" : "b")\n"
        }
        let p = try t.write("frame.csv", csv)
        let d = try DatasetInspector.describe(path: p)
        let kinds = d.columns.map(\.kind)
        #expect(kinds == [.rowIndex, .rowIndex, .rowIndex, .numeric, .numeric, .categorical], "\(kinds)")
        #expect(d.labelColumn == "y")
        #expect(d.mapping.numeric == ["steps", "x"], "\(d.mapping.numeric)")
        #expect(!d.yaml.contains("Unnamed") && !d.yaml.contains("seq") && !d.yaml.contains("index"))
        #expect(d.notes.contains { $0.hasPrefix("'Unnamed: 0' numbers the rows (0, 1, …): a row index") }, "\(d.notes)")
        #expect(d.notes.contains { $0.hasPrefix("'seq' numbers the rows (1, 2, …)") }, "\(d.notes)")
        #expect(d.notes.contains { $0.hasPrefix("'index' is named like a row index") }, "\(d.notes)")
        #expect(d.summary.contains("row_index"))
        // The range of an index is still shown: 0 to n − 1.
        #expect(d.columns[0].minimum == 0 && d.columns[0].maximum == Double(n - 1))
    }

    @Test func aRowIndexIsNotGuessedAsTheLabelEither() throws {
        let t = try TempFolder()
        var csv = "x,z,rowid\n"
        for i in 0..<30 { csv += "\(Double(i % 4)),\(i % 3),\(i)\n" }
        let d = try DatasetInspector.describe(path: try t.write("last.csv", csv))
        #expect(d.labelColumn == "z", "the last column that is not a row index")
        #expect(d.mapping.numeric == ["x"])
    }

    @Test func ticksOfFewerThanTwentyEventsAreWarnedOf() throws {
        let t = try TempFolder()
        var csv = "x,y\n"
        for i in 0..<400 { csv += "\(Double(i % 9)),\(i % 2)\n" }
        let p = try t.write("small.csv", csv)
        let five = try DatasetInspector.describe(path: p, tick: .rows(5))
        #expect(five.notes.contains { $0.hasPrefix("ticks of 5 rows hold fewer than 20 events")
                    && $0.contains("20 %") },
                "\(five.notes)")
        let twenty = try DatasetInspector.describe(path: p, tick: .rows(20))
        #expect(!twenty.notes.contains { $0.contains("fewer than 20 events") }, "\(twenty.notes)")

        // By time: 3 rows a day for 40 days, then 30 a day for 10 days.
        var timed = "time,x,y\n"
        let day0 = ISOTime.parse("2024-01-01")!
        for d in 0..<50 {
            for k in 0..<(d < 40 ? 3 : 30) {
                timed += ISOTime.format(day0 + Int64(d) * 86_400 + Int64(k) * 60) + ",\(k % 5),\(k % 2)\n"
            }
        }
        let daily = try DatasetInspector.describe(path: try t.write("timed.csv", timed),
                                                  tick: .span(Span(seconds: 86_400)))
        let mean = NumberText.plain((Double(40 * 3 + 10 * 30) / 50 * 10).rounded() / 10)
        let thin = "40 of the 50 ticks of 1d hold fewer than 20 events (mean \(mean) a tick)"
        #expect(daily.notes.contains { $0.hasPrefix(thin) },
                "\(daily.notes)")
    }

    @Test func anIntegerDayCountIsATimestamp() throws {
        #expect(TimestampFormat(parsing: "epoch_d") == .epochDays)
        #expect(TimestampFormat(parsing: "epoch_days")?.description == "epoch_d")
        let t = try TempFolder()
        // Day 19723 is 2024-01-01; four rows a day for 30 days.
        var csv = "day,x,y\n"
        for i in 0..<120 { csv += "\(19_723 + i / 4),\(Double(i % 5)),\(i % 3 == 0 ? "a" : "b")\n" }
        let p = try t.write("days.csv", csv)
        let d = try DatasetInspector.describe(path: p, timestamp: "day", timestampFormat: .epochDays)
        #expect(d.timestampColumn == "day" && d.timestampFormat == .epochDays)
        #expect(d.firstTime == ISOTime.parse("2024-01-01") && d.lastTime == ISOTime.parse("2024-01-30"))
        #expect(d.tick == .span(Span(seconds: 86_400)))
        #expect(d.eventsPerTick == TickStatistics(ticks: 30, empty: 0, minimum: 4, maximum: 4, mean: 4))
        #expect(d.mapping.numeric == ["x"], "the day count is the time, not a feature")
        #expect(d.yaml.contains("    timestamp: day\n    timestamp_format: epoch_d\n"))

        // The replay reads the same times; a fractional day is refused at its line.
        let m = ReplayMapping(path: p, timestamp: "day", timestampFormat: .epochDays, label: "y", numeric: ["x"],
                              tick: .span(Span(seconds: 86_400)))
        let source = try ReplaySource(mapping: m, warmupTicks: 2)
        #expect(source.ticks == 28 && source.start == ISOTime.parse("2024-01-03"))
        let bad = try t.write("half.csv", "day,x,y\n19723,1,a\n19723.5,2,b\n")
        let half = ReplayMapping(path: bad, timestamp: "day", timestampFormat: .epochDays, label: "y", numeric: ["x"],
                                 tick: .span(Span(seconds: 86_400)))
        let e = try #require(throwing(try ReplaySource(mapping: half, warmupTicks: 1)))
        #expect(e.location?.line == 3 && e.description.contains("19723.5"), "\(e)")
    }
}

private func throwing(_ body: @autoclosure () throws -> Any) -> FlywheelError? {
    do { _ = try body() } catch let e as FlywheelError { return e } catch { return FlywheelError("\(error)") }
    return nil
}
