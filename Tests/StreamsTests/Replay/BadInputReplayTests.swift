import FlywheelCore
import Foundation
import Testing
@testable import Streams

/// A temporary folder holding small CSV files written by a test.
final class TempFolder {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("flywheel-replay-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(at: url) }

    func write(_ name: String, _ text: String) throws -> String {
        try write(name, Array(text.utf8))
    }
    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let path = url.appendingPathComponent(name).path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }
}

/// Runs `body` and returns the FlywheelError it throws (nil if it throws none).
private func flywheelError(_ body: () throws -> Void) -> FlywheelError? {
    do { try body() } catch let e as FlywheelError { return e } catch { Issue.record("unexpected error \(error)") }
    return nil
}

private func drain(_ r: TableReplay) throws -> [EventBatch] {
    var out: [EventBatch] = []
    while let (_, _, b) = try r.nextTick() { out.append(b) }
    return out
}

private let hour = Span(seconds: 3600)

struct BadInputReplayTests {
    @Test func missingColumnNamesItListsPresentOnesAndSuggestsNearest() throws {
        let t = try TempFolder()
        let p = try t.write("a.csv", "time,price,clas\n2024-01-01T00:00,1.5,a\n2024-01-01T01:00,2.5,b\n")
        let e = flywheelError { _ = try TableReplay(mapping: ReplayMapping(path: p, timestamp: "time", label: "class", numeric: ["price"], tick: .span(hour))) }
        #expect(e?.location == SourceLocation(file: p, line: 1))
        #expect(e?.keyPath == "label")
        #expect(e?.message.contains("'class' not found") == true)
        #expect(e?.message.contains("time, price, clas") == true)
        #expect(e?.hint == "did you mean 'clas'?")
    }

    @Test func labelWithOneClassIsRejected() throws {
        let t = try TempFolder()
        let p = try t.write("a.csv", "x,y\n1,yes\n2,yes\n3,yes\n")
        let e = flywheelError { _ = try TableReplay(mapping: ReplayMapping(path: p, label: "y", numeric: ["x"], tick: .rows(2))) }
        #expect(e?.message.contains("only 1 class ('yes')") == true)
        #expect(e?.location?.file == p)
        let given = flywheelError { _ = try TableReplay(mapping: ReplayMapping(path: p, label: "y", classes: ["yes"], numeric: ["x"], tick: .rows(2))) }
        #expect(given?.keyPath == "classes")
    }

    @Test func unparseableTimestampGivesItsLine() throws {
        let t = try TempFolder()
        let p = try t.write("a.csv", "time,x,y\n2024-01-01T00:00,1,a\n2024-01-01T01:00,2,b\n2024-13-01T02:00,3,a\n")
        let e = flywheelError { _ = try TableReplay(mapping: ReplayMapping(path: p, timestamp: "time", label: "y", numeric: ["x"], tick: .span(hour))) }
        #expect(e?.location == SourceLocation(file: p, line: 4))
        #expect(e?.message.contains("'2024-13-01T02:00'") == true)
        // Without a first pass (classes given), the error comes with the tick that reaches the row.
        let r = try TableReplay(mapping: ReplayMapping(path: p, timestamp: "time", label: "y", classes: ["a", "b"], numeric: ["x"], tick: .span(hour)))
        #expect(try r.nextTick()?.batch.count == 1)
        let late = flywheelError { _ = try r.nextTick() }
        #expect(late?.location?.line == 4)
        #expect(flywheelError { _ = try r.nextTick() } == late)   // the failure sticks
    }

    @Test func nonMonotonicTimestampsFailWithTheFirstOffendingLine() throws {
        let t = try TempFolder()
        let p = try t.write("a.csv", "time,x,y\n2024-01-01T00:00,1,a\n2024-01-01T02:00,2,b\n2024-01-01T01:00,3,a\n2024-01-01T00:30,4,b\n")
        let m = ReplayMapping(path: p, timestamp: "time", label: "y", numeric: ["x"], tick: .span(hour))
        let e = flywheelError { _ = try TableReplay(mapping: m) }
        #expect(e?.location == SourceLocation(file: p, line: 4))
        #expect(e?.keyPath == "order")
        #expect(e?.message.contains("line 3") == true)
    }

    @Test func sortOrdersRowsStablyWhenOptedIn() throws {
        let t = try TempFolder()
        let p = try t.write("a.csv", "time,x,y\n2024-01-01T00:00,1,a\n2024-01-01T02:00,2,b\n2024-01-01T01:00,3,a\n2024-01-01T00:30,4,b\n2024-01-01T01:00,5,b\n")
        var m = ReplayMapping(path: p, timestamp: "time", label: "y", numeric: ["x"], tick: .span(hour))
        m.order = .sort
        for chunk in [8 << 20, 1] {   // one run in memory; one run per row, merged
            let r = try TableReplay(mapping: m, sortChunkBytes: chunk)
            #expect(r.tickCount == 3)
            let ticks = try drain(r)
            #expect(ticks.map(\.features) == [[1, 4], [3, 5], [2]])
            #expect(ticks.map(\.labels) == [[0, 1], [0, 1], [1]])
            try r.rewind()
            #expect(try drain(r).map(\.features) == [[1, 4], [3, 5], [2]])
        }
    }

    @Test func externalSortMatchesInMemorySortOnManyRuns() throws {
        let t = try TempFolder()
        var text = "time,x,y\n"
        var expected: [(Int64, Int, Double)] = []
        var state: UInt64 = 12345
        for i in 0..<2000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let minute = Int64(state >> 33) % 600
            text += "\(ISOTime.format(1_700_000_000 + minute * 60)),\(i),\(i % 3 == 0 ? "a" : "b")\n"
            expected.append((minute, i, Double(i)))
        }
        let p = try t.write("a.csv", text)
        expected.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        var m = ReplayMapping(path: p, timestamp: "time", label: "y", numeric: ["x"], tick: .rows(100))
        m.order = .sort
        let r = try TableReplay(mapping: m, sortChunkBytes: 4096)
        let xs = try drain(r).flatMap(\.features)
        #expect(xs == expected.map(\.2))
    }

    @Test func missingNumericCellsBecomeNaNAndMissingLabelsFail() throws {
        let t = try TempFolder()
        let p = try t.write("a.csv", "x,z,y\n1,,a\nNaN,2,b\n?,NA,a\n")
        let r = try TableReplay(mapping: ReplayMapping(path: p, label: "y", numeric: ["x", "z"], tick: .rows(10)))
        let f = try drain(r)[0].features
        #expect(f[0] == 1 && f[1].isNaN && f[2].isNaN && f[3] == 2 && f[4].isNaN && f[5].isNaN)

        let empty = try t.write("b.csv", "x,y\n1,a\n2,\n3,b\n")
        let e1 = flywheelError { _ = try TableReplay(mapping: ReplayMapping(path: empty, label: "y", numeric: ["x"], tick: .rows(10))) }
        #expect(e1?.location?.line == 3)
        #expect(e1?.message.contains("is empty") == true)

        let nan = try t.write("c.csv", "x,y\n1,0.5\n2,NaN\n")
        // Regression with nothing to learn has no first pass: the error comes with the tick.
        let e2 = flywheelError { _ = try drain(TableReplay(mapping: ReplayMapping(path: nan, label: "y", labelKind: .regression, numeric: ["x"], tick: .rows(10)))) }
        #expect(e2?.location?.line == 3)
        #expect(e2?.message.contains("missing ('NaN')") == true)

        let text = try t.write("d.csv", "x,y\n1,a\nabc,b\n")
        let e3 = flywheelError { _ = try TableReplay(mapping: ReplayMapping(path: text, label: "y", numeric: ["x"], tick: .rows(10))) }
        #expect(e3?.location?.line == 3)
        #expect(e3?.keyPath == "numeric[0]")
    }

    @Test func emptyFilesAreRejected() throws {
        let t = try TempFolder()
        let none = try t.write("a.csv", "")
        let e1 = flywheelError { _ = try TableReplay(mapping: ReplayMapping(path: none, label: "y", tick: .rows(1))) }
        #expect(e1?.message.contains("empty") == true)
        #expect(e1?.location?.file == none)
        let headerOnly = try t.write("b.csv", "x,y\n")
        let e2 = flywheelError { _ = try TableReplay(mapping: ReplayMapping(path: headerOnly, label: "y", numeric: ["x"], tick: .rows(1))) }
        #expect(e2?.message.contains("no data rows") == true)
        let e3 = flywheelError { _ = try TableReplay(mapping: ReplayMapping(path: headerOnly, label: "y", classes: ["a", "b"], numeric: ["x"], tick: .rows(1))) }
        #expect(e3?.message.contains("no data rows") == true)
        let absent = flywheelError { _ = try TableReplay(mapping: ReplayMapping(path: t.url.path + "/nope.csv", label: "y", tick: .rows(1))) }
        #expect(absent?.message.contains("no such file") == true)
    }

    @Test func byteOrderMarkAndCRLFAreHandled() throws {
        let t = try TempFolder()
        let p = try t.write("a.csv", [0xEF, 0xBB, 0xBF] + Array("time,x,y\r\n2024-01-01T00:00,1,a\r\n\r\n2024-01-01T00:10,2,b\r\n".utf8))
        let r = try TableReplay(mapping: ReplayMapping(path: p, timestamp: "time", label: "y", numeric: ["x"], tick: .span(hour)))
        #expect(r.columns == ["time", "x", "y"])
        #expect(r.schema.classes == ["a", "b"])
        let b = try drain(r)
        #expect(b.count == 1 && b[0].features == [1, 2])
    }

    @Test func quotedFieldsMayHoldDelimitersQuotesAndLineBreaks() throws {
        let t = try TempFolder()
        let p = try t.write("a.csv", "x,city,y\n1,\"Paris, France\",a\n2,\"say \"\"hi\"\"\nthere\",b\n3,\"Paris, France\",a\n4,Lyon,b\n\"5\",x\"y,a\n")
        var m = ReplayMapping(path: p, label: "y", numeric: ["x"], categorical: ["city"], tick: .rows(10))
        let r = try TableReplay(mapping: m)
        let b = try drain(r)[0]
        #expect(b.features == [1, 0, 2, 1, 3, 0, 4, 2, 5, 3])
        m.encoding = .oneHot
        m.categories = ["city": ["Lyon", "Paris, France"]]
        let oh = try TableReplay(mapping: m)
        #expect(oh.schema.features == ["x", "city=Lyon", "city=Paris, France", "city=?"])
        let b2 = try drain(oh)[0]
        #expect(b2.features == [1, 0, 1, 0,  2, 0, 0, 1,  3, 0, 1, 0,  4, 1, 0, 0,  5, 0, 0, 1])
    }

    @Test func raggedRowsNameTheirLine() throws {
        let t = try TempFolder()
        let p = try t.write("a.csv", "x,y\n1,a\n2,b,extra\n3,a\n")
        let e = flywheelError { _ = try TableReplay(mapping: ReplayMapping(path: p, label: "y", numeric: ["x"], tick: .rows(10))) }
        #expect(e?.location == SourceLocation(file: p, line: 3))
        #expect(e?.message.contains("3 fields but the header has 2") == true)
        // A quoted line break moves later lines down: line numbers are physical lines.
        let q = try t.write("b.csv", "x,y\n1,\"a\nb\"\n2\n")
        let e2 = flywheelError { _ = try TableReplay(mapping: ReplayMapping(path: q, label: "y", classes: ["a\nb", "c"], numeric: ["x"], tick: .rows(10)).self).nextTick() }
        #expect(e2?.location?.line == 4)
    }

    @Test func unterminatedQuoteIsAnErrorNotACrash() throws {
        let t = try TempFolder()
        let p = try t.write("a.csv", "x,y\n1,a\n2,\"b\n3,a\n")
        let e = flywheelError { _ = try TableReplay(mapping: ReplayMapping(path: p, label: "y", numeric: ["x"], tick: .rows(10))) }
        #expect(e?.location?.line == 3)
        #expect(e?.message.contains("unterminated") == true)
    }

    @Test func categoriesAndSlicesMapUnknownValues() throws {
        let t = try TempFolder()
        let p = try t.write("a.csv", "color,region,y\nred,eu,a\nblue,us,b\ngreen,eu,a\n,asia,b\nred,,a\n")
        var m = ReplayMapping(path: p, label: "y", categorical: ["color"], slice: "region", tick: .rows(10))
        m.maxCategories = 2
        let r = try TableReplay(mapping: m)
        #expect(r.schema.slices == ["eu", "us", "asia"])
        let b = try drain(r)[0]
        #expect(b.features.count == 5)
        #expect(b.features[0] == 0 && b.features[1] == 1 && b.features[2] == -1 && b.features[3].isNaN && b.features[4] == 0)
        #expect(b.slice == [0, 1, 0, 2, -1])
        m.slices = ["us", "eu"]
        let fixed = try TableReplay(mapping: m)
        #expect(try drain(fixed)[0].slice == [1, 0, 1, -1, -1])
    }

    @Test func mappingMistakesAreReportedWithTheirKey() throws {
        let t = try TempFolder()
        let p = try t.write("a.csv", "time,x,y\n2024-01-01,1,a\n2024-01-02,2,b\n")
        let noTime = flywheelError { _ = try TableReplay(mapping: ReplayMapping(path: p, label: "y", numeric: ["x"], tick: .span(hour))) }
        #expect(noTime?.keyPath == "tick")
        let labelAsFeature = flywheelError { _ = try TableReplay(mapping: ReplayMapping(path: p, label: "y", numeric: ["x", "y"], tick: .rows(1))) }
        #expect(labelAsFeature?.keyPath == "label")
        let badPattern = flywheelError {
            _ = try TableReplay(mapping: ReplayMapping(path: p, timestamp: "time", timestampFormat: .pattern("%Y-%q"), label: "y", tick: .rows(1)))
        }
        #expect(badPattern?.message.contains("%q") == true)
        let badLabel = flywheelError { _ = try TableReplay(mapping: ReplayMapping(path: p, label: "y", classes: ["a", "c"], numeric: ["x"], tick: .rows(1))).nextTick() }
        #expect(badLabel?.location?.line == 3)
        #expect(badLabel?.keyPath == "classes")
    }

    @Test func emptySpansGiveEmptyTicksAlignedWithTime() throws {
        let t = try TempFolder()
        let p = try t.write("a.csv", "time,x,y\n2024-01-01T05:10,1,a\n2024-01-01T05:50,2,b\n2024-01-01T08:00,3,a\n2024-01-01T08:59:59,4,b\n")
        let r = try TableReplay(mapping: ReplayMapping(path: p, timestamp: "time", label: "y", numeric: ["x"], tick: .span(hour)))
        #expect(r.origin == ISOTime.parse("2024-01-01T05:00"))
        #expect(r.tickCount == 4)
        var got: [(Int, Int64?, [Double])] = []
        while let (k, s, b) = try r.nextTick() { got.append((k, s, b.features)) }
        #expect(got.map(\.0) == [0, 1, 2, 3])
        #expect(got.map(\.1) == [5, 6, 7, 8].map { ISOTime.parse("2024-01-01T0\($0):00") })
        #expect(got.map(\.2) == [[1, 2], [], [], [3, 4]])

        var m = ReplayMapping(path: p, timestamp: "time", label: "y", numeric: ["x"], tick: .span(Span(seconds: 7200)))
        m.origin = ISOTime.parse("2024-01-01T02:00")
        let early = try TableReplay(mapping: m)
        #expect(early.tickCount == 4)
        #expect(try drain(early).map(\.features) == [[], [1, 2], [], [3, 4]])
        m.origin = ISOTime.parse("2024-01-01T06:00")
        let late = flywheelError { _ = try TableReplay(mapping: m) }
        #expect(late?.keyPath == "origin")
        #expect(late?.location?.line == 2)
    }

    @Test func regressionLabelsAreNumbers() throws {
        let t = try TempFolder()
        let p = try t.write("a.csv", "t,x,y\n0,1,0.5\n3600,2,-1.25e1\n7200,3,4\n")
        let r = try TableReplay(mapping: ReplayMapping(path: p, timestamp: "t", timestampFormat: .epochSeconds, label: "y",
                                                     labelKind: .regression, numeric: ["x"], tick: .span(Span(seconds: 7200))))
        #expect(r.schema.classes.isEmpty)
        #expect(r.rowCount == nil)
        let b = try drain(r)
        #expect(b.map(\.labels) == [[0.5, -12.5], [4]])
    }
}

struct GzipReplayTests {
    private func gzip(_ text: String, in t: TempFolder, name: String) throws -> String {
        let plain = try t.write(name, text)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["gzip", "-f", plain]
        try p.run()
        p.waitUntilExit()
        return plain + ".gz"
    }

    @Test func gzipWithBOMAndCRLF() throws {
        let t = try TempFolder()
        let gz = try gzip("\u{FEFF}time,x,y\r\n2024-01-01T00:00,1,a\r\n2024-01-02T00:00,2,b\r\n", in: t, name: "a.csv")
        let r = try TableReplay(mapping: ReplayMapping(path: gz, timestamp: "time", label: "y", numeric: ["x"], tick: .span(Span(seconds: 86_400))))
        var got: [[Double]] = []
        while let (_, _, b) = try r.nextTick() { got.append(b.features) }
        #expect(got == [[1], [2]])
    }

    @Test func corruptGzipIsAnError() throws {
        let t = try TempFolder()
        let bad = try t.write("bad.csv.gz", Array("this is not gzip data".utf8))
        #expect(throws: FlywheelError.self) { _ = try TableReplay(mapping: ReplayMapping(path: bad, label: "y", tick: .rows(1))) }
        // A gzip stream cut in half: the rows before the cut are read, then gzip's failure is reported.
        var rows = "x,y\n"
        for i in 0..<20_000 { rows += "\(i),\(i % 7 == 0 ? "a" : "b")\n" }
        let gz = try gzip(rows, in: t, name: "long.csv")
        let data = try Data(contentsOf: URL(fileURLWithPath: gz))
        let cut = try t.write("cut.csv.gz", Array(data.prefix(data.count / 2)))
        do {
            _ = try TableReplay(mapping: ReplayMapping(path: cut, label: "y", numeric: ["x"], tick: .rows(100)))
            Issue.record("a truncated gzip file was accepted")
        } catch let e as FlywheelError {
            #expect(e.message.contains("as gzip") && e.message.contains("truncated"))
        }
    }

    /// `cat a.gz b.gz` is a valid gzip file of two members: every member is read.
    @Test func everyMemberOfAMultiMemberFileIsRead() throws {
        let t = try TempFolder()
        let a = try gzip("x,y\n1,a\n2,b\n", in: t, name: "a.csv")
        let b = try gzip("3,a\n4,b\n", in: t, name: "b.csv")
        let joined = try Data(contentsOf: URL(fileURLWithPath: a)) + Data(contentsOf: URL(fileURLWithPath: b))
        let path = try t.write("ab.csv.gz", Array(joined))
        let r = try TableReplay(mapping: ReplayMapping(path: path, label: "y", numeric: ["x"], tick: .rows(1)))
        var got: [Double] = []
        while let (_, _, batch) = try r.nextTick() { got += batch.features }
        #expect(got == [1, 2, 3, 4])
    }

    @Test func aPlainFileNamedGzIsRefusedWithTheReason() throws {
        let t = try TempFolder()
        let bad = try t.write("plain.csv.gz", Array("x,y\n1,a\n".utf8))
        do {
            _ = try TableReplay(mapping: ReplayMapping(path: bad, label: "y", tick: .rows(1)))
            Issue.record("a plain file named .gz was accepted")
        } catch let e as FlywheelError {
            #expect(e.message.contains("not gzip data"))
        }
    }
}
