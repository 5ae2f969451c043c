import FlywheelCore
import Foundation
import GRDB
import Scenarios
import SQLiteReplay
import Streams
import Testing

/// An SQLite database with table `events (ts TEXT, price, y TEXT)` holding `rows`.
private func events(_ scratch: Scratch, _ rows: [[(any DatabaseValueConvertible)?]], name: String = "events.sqlite") throws -> String {
    try scratch.database(name) { db in
        try db.execute(sql: "CREATE TABLE events (ts TEXT, price, y TEXT)")
        for r in rows { try db.execute(sql: "INSERT INTO events VALUES (?, ?, ?)", arguments: StatementArguments(r)) }
    }
}

private var good: [[(any DatabaseValueConvertible)?]] { [
    ["2024-01-01T00:00", 1.5, "a"], ["2024-01-01T00:30", 2.5, "b"], ["2024-01-01T01:10", 3.5, "a"], ["2024-01-01T02:00", 4.5, "b"],
] }

private func mapping(_ path: String, table: String? = "events", query: String? = nil, label: String = "y", numeric: [String] = ["price"],
                     classes: [String]? = nil) -> ReplayMapping {
    ReplayMapping(path: path, timestamp: "ts", label: label, classes: classes, numeric: numeric, tick: .span(hour), table: table, query: query)
}

/// Opens and fully replays a mapping through the opener that reads CSV and SQLite files.
private func replay(_ m: ReplayMapping) throws {
    _ = try drain(ReplayOpener.files.replay(m))
}

/// Every bad input gets an error naming the file, the table (or query), and where it applies the
/// column, the row and the scenario key.
struct SQLiteBadInput {
    @Test func aMissingTableListsTheTablesThereAreAndTheNearest() throws {
        let scratch = try Scratch()
        let db = try events(scratch, good)
        let e = flywheelError { try replay(mapping(db, table: "evnts")) }
        #expect(e?.keyPath == "table")
        #expect(e?.message == "\(db): table 'evnts' not found; the database has: events")
        #expect(e?.hint == "did you mean 'events'?")
        // SQLite names match in any case.
        #expect(try drain(ReplayOpener.files.replay(mapping(db, table: "EVENTS"))).flatMap(\.batch.features) == [1.5, 2.5, 3.5, 4.5])
    }

    @Test func aMissingColumnNamesTheTableAndItsColumns() throws {
        let scratch = try Scratch()
        let db = try events(scratch, good)
        let e = flywheelError { try replay(mapping(db, numeric: ["prcie"])) }
        #expect(e?.keyPath == "numeric[0]")
        #expect(e?.message == "\(db), table 'events': column 'prcie' not found; the table has: ts, price, y")
        #expect(e?.hint == "did you mean 'price'?")
        let q = flywheelError { try replay(mapping(db, table: nil, query: "SELECT ts, y FROM events")) }
        #expect(q?.message == "\(db), query: column 'price' not found; the query has: ts, y")
    }

    @Test func nullsAreMissingFeaturesButNotLabelsOrTimes() throws {
        let scratch = try Scratch()
        var rows = good
        rows[1][1] = nil
        let featureNull = try events(scratch, rows, name: "a.sqlite")
        let f = try drain(ReplayOpener.files.replay(mapping(featureNull))).flatMap(\.batch.features)
        #expect(f.count == 4 && f[0] == 1.5 && f[1].isNaN && f[2] == 3.5)

        rows = good
        rows[2][2] = nil
        let labelNull = flywheelError { try replay(mapping(try events(scratch, rows, name: "b.sqlite"))) }
        #expect(labelNull?.keyPath == "label")
        #expect(labelNull?.message == "\(scratch.path("b.sqlite")), table 'events': the label 'y' is NULL at rowid 3")
        // With the classes given there is no first pass: the error comes with the tick that reaches
        // the row (the first tick reads row 3 to find where it ends).
        let late = try ReplayOpener.files.replay(mapping(scratch.path("b.sqlite"), classes: ["a", "b"]))
        #expect(late.rowCount == nil)
        #expect(flywheelError { _ = try late.nextTick() }?.message.contains("is NULL at rowid 3") == true)

        rows = good
        rows[1][0] = nil
        let timeNull = flywheelError { try replay(mapping(try events(scratch, rows, name: "c.sqlite"))) }
        #expect(timeNull?.keyPath == "timestamp")
        #expect(timeNull?.message == "\(scratch.path("c.sqlite")), table 'events': timestamp in column 'ts' is NULL at rowid 2")
    }

    @Test func textInANumericColumnNamesTheColumnAndRow() throws {
        let scratch = try Scratch()
        var rows = good
        rows[3][1] = "4,5"
        let db = try events(scratch, rows)
        let e = flywheelError { try replay(mapping(db)) }
        #expect(e?.keyPath == "numeric[0]")
        #expect(e?.message == "\(db), table 'events': '4,5' in numeric column 'price' at rowid 4 is not a number")
        #expect(e?.hint == "declare the column categorical, or fix the cell")
    }

    @Test func aLabelWithOneClassAnEmptyTableAndABadTimestampAreRejected() throws {
        let scratch = try Scratch()
        let one = try events(scratch, good.map { [$0[0], $0[1], "a"] }, name: "one.sqlite")
        let e1 = flywheelError { try replay(mapping(one)) }
        #expect(e1?.keyPath == "label")
        #expect(e1?.message == "\(one), table 'events': the label column 'y' has only 1 class ('a'); classification needs at least two")

        let empty = try events(scratch, [], name: "empty.sqlite")
        for m in [mapping(empty), mapping(empty, classes: ["a", "b"])] {
            #expect(flywheelError { try replay(m) }?.message == "\(empty), table 'events': the table has no rows")
        }
        #expect(flywheelError { try replay(mapping(empty, table: nil, query: "SELECT * FROM events")) }?.message
            == "\(empty), query: the query returns no rows")

        var rows = good
        rows[2][0] = "yesterday"
        let bad = try events(scratch, rows, name: "bad.sqlite")
        let e3 = flywheelError { try replay(mapping(bad)) }
        #expect(e3?.keyPath == "timestamp_format")
        #expect(e3?.message == "\(bad), table 'events': timestamp 'yesterday' in column 'ts' does not match the format iso8601")
    }

    @Test func decreasingTimestampsNameTheRowidsAndSortingFixesThem() throws {
        let scratch = try Scratch()
        var rows = good
        rows.swapAt(1, 2)
        let db = try events(scratch, rows)
        let e = flywheelError { try replay(mapping(db)) }
        #expect(e?.keyPath == "order")
        #expect(e?.message == "\(db), table 'events': timestamp 2024-01-01T00:30:00Z at rowid 3 is earlier than 2024-01-01T01:10:00Z at rowid 2")
        #expect(e?.hint?.contains("order: sort") == true)
        var m = mapping(db)
        m.order = .sort
        #expect(try drain(ReplayOpener.files.replay(m)).map(\.batch.features) == [[1.5, 2.5], [3.5], [4.5]])
    }

    @Test func aFileThatIsNotAnSQLiteDatabaseIsNamedSo() throws {
        let scratch = try Scratch()
        let csvText = "ts,price,y\n2024-01-01T00:00,1.5,a\n2024-01-01T00:30,2.5,b\n"
        // Named like a database: read as one, and rejected as not one.
        let fake = try scratch.write("fake.sqlite", csvText)
        let e1 = flywheelError { try replay(mapping(fake)) }
        #expect(e1?.message == "\(fake) is not an SQLite database: it does not start with the SQLite header")
        #expect(e1?.keyPath == "table")
        // A CSV file with a table key.
        let csv = try scratch.write("real.csv", csvText)
        let e2 = flywheelError { try replay(mapping(csv)) }
        #expect(e2?.message == "\(csv) is not an SQLite database, so 'table' does not apply")
        #expect(e2?.keyPath == "table")
        // A database with a CSV name is told by its header; the CSV-only opener refuses it.
        let db = try events(scratch, good, name: "looks-like.csv")
        #expect(try drain(ReplayOpener.files.replay(mapping(db))).count == 3)
        let e3 = flywheelError { _ = try ReplayOpener.csv.replay(mapping(db, table: nil)) }
        #expect(e3?.message == "\(db) is an SQLite database, not a CSV file")
        // Missing file.
        #expect(flywheelError { try replay(mapping(scratch.path("absent.db"))) }?.message.hasPrefix("no such file") == true)
    }

    @Test func aDatabaseNeedsExactlyOneOfTableAndQueryAndNoDelimiter() throws {
        let scratch = try Scratch()
        let db = try events(scratch, good)
        let neither = flywheelError { try replay(mapping(db, table: nil)) }
        #expect(neither?.keyPath == "table")
        #expect(neither?.message.contains("name the table to replay (table: NAME) or give a query (query: SELECT ...); the database has: events") == true)
        #expect(neither?.hint == "table: events")
        let both = flywheelError { try replay(mapping(db, query: "SELECT * FROM events")) }
        #expect(both?.keyPath == "query")
        var m = mapping(db)
        m.delimiter = ";"
        #expect(flywheelError { try replay(m) }?.keyPath == "delimiter")
    }

    @Test func aQueryMustBeASingleReadOnlySelect() throws {
        let scratch = try Scratch()
        let db = try events(scratch, good)
        func queryError(_ q: String) -> FlywheelError? { flywheelError { try replay(mapping(db, table: nil, query: q)) } }
        for q in ["DELETE FROM events", "PRAGMA table_info(events)", "  -- a comment\n UPDATE events SET y = 'a'"] {
            let e = queryError(q)
            #expect(e?.keyPath == "query" && e?.message.contains("the query must be a single SELECT; it starts with") == true, "\(q)")
        }
        let two = queryError("SELECT * FROM events; DELETE FROM events")
        #expect(two?.keyPath == "query" && two?.message.contains("Multiple statements") == true, "\(two?.message ?? "")")
        let missing = queryError("SELECT * FROM evnts")
        #expect(missing?.keyPath == "query" && missing?.message.contains("no such table: evnts") == true, "\(missing?.message ?? "")")
        // A WITH query, comments and a trailing semicolon are fine.
        let ok = try drain(ReplayOpener.files.replay(mapping(db, table: nil, query: """
            /* late prices */ WITH late AS (SELECT * FROM events WHERE price > 2) SELECT * FROM late; -- done
            """)))
        #expect(ok.flatMap(\.batch.features) == [2.5, 3.5, 4.5])
        // The table is unchanged: the connection is read-only.
        let count = try DatabaseQueue(path: db).read { try Int.fetchOne($0, sql: "SELECT count(*) FROM events") }
        #expect(count == 4)
    }

    @Test func aScenarioReportsDatabaseErrorsAtTheirReplayKeys() throws {
        let scratch = try Scratch()
        let db = try events(scratch, good)
        func errors(_ replay: String) -> [FlywheelError] {
            do {
                _ = try ScenarioLoader.parse("""
                name: db
                stream:
                  warmup_ticks: 1
                  replay:
                    path: \(db)
                \(replay)
                    timestamp: ts
                    label: y
                    numeric: [price]
                    tick: 1h
                strategies: [{name: never, trigger: never}]
                """, file: "db.yaml")
                return []
            } catch let e as FlywheelErrors {
                return e.errors
            } catch {
                return [FlywheelError("\(error)")]
            }
        }
        let table = errors("    table: evnts")
        #expect(table.contains { $0.keyPath == "stream.replay.table" && $0.location?.line == 6 && $0.message.contains("table 'evnts' not found")
            && $0.hint == "did you mean 'events'?" }, "\(table)")
        let query = errors("    query: DROP TABLE events")
        #expect(query.contains { $0.keyPath == "stream.replay.query" && $0.location?.line == 6 && $0.message.contains("single SELECT") }, "\(query)")
    }
}
