import FlywheelCore
import Foundation
import GRDB
import Scenarios
import SQLiteReplay
import Streams
import Testing

/// SQLite sources that used to poison a run or hang `validate` and `dataset describe`.
struct SQLiteHostile {
    @Test func infiniteRealCellsAreMissingValues() throws {
        let scratch = try Scratch()
        let db = try scratch.database("inf.sqlite") { db in
            try db.execute(sql: "CREATE TABLE t (x REAL, y TEXT)")
            for (x, y) in [(1.5, "a"), (Double.infinity, "b"), (-Double.infinity, "a"), (4.0, "b")] {
                try db.execute(sql: "INSERT INTO t VALUES (?, ?)", arguments: [x, y])
            }
        }
        let m = ReplayMapping(path: db, label: "y", numeric: ["x"], tick: .rows(4), table: "t")
        let x = try drain(ReplayOpener.files.replay(m)).flatMap(\.batch.features)
        #expect(x.count == 4)
        #expect(x[0] == 1.5 && x[3] == 4)
        #expect(x[1].isNaN && x[2].isNaN)
    }

    /// A recursive query without a bound yields rows for ever: under a time limit the pass stops
    /// with an error at the `query` key that says so.
    @Test func aQueryThatNeverEndsIsStoppedByTheTimeLimit() throws {
        let scratch = try Scratch()
        let db = try scratch.database("q.sqlite") { db in try db.execute(sql: "CREATE TABLE t (x REAL)") }
        let query = "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c) SELECT n AS x, n % 2 AS y FROM c"
        let m = ReplayMapping(path: db, label: "y", numeric: ["x"], tick: .rows(100), query: query)
        do {
            try ReplayReader.withQueryTimeLimit(0.5) { _ = try drain(ReplayOpener.files.replay(m)) }
            Issue.record("an endless query ended")
        } catch let e as FlywheelError {
            #expect(e.keyPath == "query")
            #expect(e.message.contains("took longer than 0.5 s"))
            #expect(e.hint?.contains("--query-time-limit") == true)
        }
        // The same query with a bound runs under the same limit.
        let bounded = ReplayMapping(path: db, label: "y", numeric: ["x"], tick: .rows(100),
                                    query: "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c "
                                        + "WHERE n < 1000) SELECT n AS x, n % 2 AS y FROM c")
        let ticks = try ReplayReader.withQueryTimeLimit(30) { try drain(ReplayOpener.files.replay(bounded)) }
        #expect(ticks.count == 10)
    }

    @Test func aFIFONamedLikeADatabaseIsRefused() throws {
        let scratch = try Scratch()
        let fifo = scratch.path("pipe.sqlite")
        #expect(mkfifo(fifo, 0o600) == 0)
        let m = ReplayMapping(path: fifo, label: "y", numeric: ["x"], tick: .rows(1), table: "t")
        let e = flywheelError { _ = try ReplayOpener.files.replay(m) }
        #expect(e?.keyPath == "path")
        #expect(e?.message.contains("FIFO") == true)
        #expect(throws: FlywheelError.self) { _ = try SQLiteRows(path: fifo, table: "t") }
    }
}
