import FlywheelCore
import Foundation
import Testing
@testable import Streams

/// Replayed files that used to poison a run or block it: non-finite numbers, FIFOs, rows spread
/// over more ticks than a run can have.
struct HostileFileTests {
    @Test func nonFiniteNumbersInACSVAreReadAsMissingValues() throws {
        let t = try TempFolder()
        let p = try t.write("a.csv", "x,z,y\n1.5,inf,a\n-Infinity,2,b\n1e999,-1e999,a\nNaN,3,b\n4,+INF,a\n")
        let replay = try TableReplay(mapping: ReplayMapping(path: p, label: "y", numeric: ["x", "z"], tick: .rows(5)))
        let (_, _, batch) = try #require(try replay.nextTick())
        // Row-major: x then z for each of the five rows.
        let x = stride(from: 0, to: 10, by: 2).map { batch.features[$0] }
        let z = stride(from: 1, to: 10, by: 2).map { batch.features[$0] }
        #expect(x[0] == 1.5 && x[4] == 4)
        #expect(x[1].isNaN && x[2].isNaN && x[3].isNaN)
        #expect(z[0].isNaN && z[2].isNaN && z[4].isNaN)
        #expect(z[1] == 2 && z[3] == 3)
        #expect(batch.features.allSatisfy { $0.isNaN || $0.isFinite })
    }

    @Test func anInfiniteRegressionLabelIsAMissingLabelAndNamesItsLine() throws {
        let t = try TempFolder()
        let p = try t.write("a.csv", "x,y\n1,2.5\n2,inf\n")
        do {
            let r = try TableReplay(mapping: ReplayMapping(path: p, label: "y", labelKind: .regression,
                                                           numeric: ["x"], tick: .rows(1)))
            while try r.nextTick() != nil {}
            Issue.record("an infinite label was accepted")
        } catch let e as FlywheelError {
            #expect(e.keyPath == "label")
            #expect(e.location?.line == 3)
        }
    }

    @Test func describeCountsNonFiniteCellsAsMissing() throws {
        let t = try TempFolder()
        let p = try t.write("a.csv", "x,y\n1,a\ninf,b\n3,a\n-inf,b\n")
        let d = try DatasetInspector.describe(path: p, label: "y")
        let x = try #require(d.columns.first { $0.name == "x" })
        #expect(x.kind == .numeric)
        #expect(x.missing == 2)
        #expect(x.minimum == 1 && x.maximum == 3)
    }

    @Test func aFIFOIsRefusedBeforeItIsOpened() throws {
        let t = try TempFolder()
        let fifo = t.url.appendingPathComponent("pipe.csv").path
        #expect(mkfifo(fifo, 0o600) == 0)
        // Opening a FIFO for reading would block until a writer comes: the check must come first.
        do {
            _ = try CSVRows(path: fifo)
            Issue.record("a FIFO was opened")
        } catch let e as FlywheelError {
            #expect(e.keyPath == "path")
            #expect(e.message.contains("FIFO"))
        }
        #expect(!SQLiteHeader.matches(path: fifo))
        #expect(throws: FlywheelError.self) { try RegularFile.check("/dev/null", what: "a CSV file") }
        #expect(throws: FlywheelError.self) { try RegularFile.check(t.url.path, what: "a CSV file") }
    }

    @Test func rowsSpanningMoreTicksThanARunCanHaveAreRefusedWithTheSpan() throws {
        let t = try TempFolder()
        let p = try t.write("a.csv",
                            "t,x,y\n0001-01-01T00:00:00,1,a\n2024-01-01T00:00:00,2,b\n2024-01-01T00:00:01,3,a\n")
        do {
            _ = try TableReplay(mapping: ReplayMapping(path: p, timestamp: "t", label: "y", numeric: ["x"],
                                                       tick: .span(Span(seconds: 1))))
            Issue.record("63 billion ticks were accepted")
        } catch let e as FlywheelError {
            #expect(e.keyPath == "tick")
            #expect(e.message.contains("at most 10,000,000 ticks"))
            #expect(e.message.contains("0001-01-01T00:00:00Z"))
        }
    }
}
