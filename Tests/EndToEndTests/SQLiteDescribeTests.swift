import FlywheelCore
import Foundation
import GRDB
import Scenarios
import SQLiteReplay
import Streams
import Testing
import Workbench

/// `flywheel dataset describe` on an SQLite table infers the schema from the values, like on a CSV file.
struct SQLiteDescribe {
    @Test func typesComeFromTheValuesAndTheSuggestedBlockReplays() throws {
        let scratch = try Scratch()
        let db = try scratch.database("shop.sqlite") { db in
            try db.execute(sql: "CREATE TABLE orders (id INTEGER, amount REAL, code TEXT, city TEXT, placed TEXT, empty TEXT, churned TEXT)")
            let rows: [[(any DatabaseValueConvertible)?]] = [
                [1, 9.5, "12", "Lyon", "2024-01-01T08:00", nil, "no"],
                [2, nil, "13", "Oslo", "2024-01-01T20:00", nil, "yes"],
                [3, 4.25, "NA", "Lyon", "2024-01-02T09:00", nil, "no"],
                [4, 7.0, "14", nil, "2024-01-01T23:00", nil, "no"],     // earlier than rowid 3
                [5, 1.0, "15", "Pune", "2024-01-03T10:00", nil, "yes"],
                [6, 2.0, "16", "Oslo", "2024-01-04T11:00", nil, "no"],
            ]
            for r in rows { try db.execute(sql: "INSERT INTO orders VALUES (?, ?, ?, ?, ?, ?, ?)", arguments: StatementArguments(r)) }
        }
        let d = try DatasetInspector.describe(path: db, label: "churned", table: "orders", opener: .files)
        #expect(d.rows == 6)
        #expect(d.within == "table 'orders'")
        let kinds = Dictionary(uniqueKeysWithValues: d.columns.map { ($0.name, $0.kind) })
        // id numbers the rows 1…6: a row index, never a feature.
        #expect(kinds == ["id": .rowIndex, "amount": .numeric, "code": .numeric, "city": .categorical, "placed": .timestamp,
                          "empty": .empty, "churned": .categorical])
        let amount = try #require(d.columns.first { $0.name == "amount" })
        #expect(amount.missing == 1 && amount.minimum == 1 && amount.maximum == 9.5)
        #expect(d.columns.first { $0.name == "code" }?.missing == 1)
        #expect(d.columns.first { $0.name == "city" }?.distinct == 3)
        #expect(d.timestampColumn == "placed")
        #expect(d.firstTime == ISOTime.parse("2024-01-01T08:00") && d.lastTime == ISOTime.parse("2024-01-04T11:00"))
        #expect(d.firstOutOfOrderLine == 4 && d.firstOutOfOrder == "rowid 4")
        #expect(d.classBalance.map(\.name) == ["no", "yes"] && d.classBalance.map(\.count) == [4, 2])
        #expect(d.tick == .span(Span(seconds: 3_600)))
        #expect(d.summary.hasPrefix("\(db), table 'orders': 6 rows, 7 columns\n"))
        #expect(d.summary.contains("out of order from rowid 4"))
        #expect(d.notes.contains("timestamps decrease first at rowid 4; replay with order: sort"))
        #expect(d.mapping.table == "orders" && d.mapping.order == .sort)
        #expect(d.mapping.numeric == ["amount", "code"] && d.mapping.categorical == ["city"])

        // The suggested block, dropped into a scenario, replays the table sorted by time.
        #expect(d.yaml.hasPrefix("stream:\n  replay:\n    path: \(db)\n    table: orders\n"))
        let block = d.yaml.replacingOccurrences(of: "tick: 1h", with: "tick: 1d").replacingOccurrences(of: "replay:", with: "warmup_ticks: 1\n  replay:")
        let scenario = try ScenarioLoader.parse("name: suggested\n" + block + "strategies: [{name: never, trigger: never}]\n", file: "s.yaml")
        let (warmup, batches) = try scenario.plan.source.generate(replicate: 0, seed: 1)
        #expect(warmup.count == 3 && batches.map(\.count) == [1, 1, 1])
        // codes 12, 13, 14 are those of rowids 1, 2, 4: the rows in time order.
        #expect(warmup.features.enumerated().filter { $0.offset % 3 == 1 }.map(\.element) == [12, 13, 14])
    }

    @Test func aQueryIsDescribedAndNamedSo() throws {
        let scratch = try Scratch()
        let db = try scratch.database("q.db") { db in
            try db.execute(sql: "CREATE TABLE t (ts INTEGER, x REAL, y TEXT)")
            for i in 0..<10 { try db.execute(sql: "INSERT INTO t VALUES (?, ?, ?)", arguments: [1_700_000_000 + i * 600, Double(i), i % 2 == 0 ? "a" : "b"]) }
        }
        let text = try DatasetReport.describe(file: db, label: "y", timestamp: "ts", timestampFormat: "epoch_s", tick: "1h",
                                              query: "SELECT * FROM t WHERE x < 8")
        #expect(text.hasPrefix("\(db), the query: 8 rows, 3 columns\n"))
        #expect(text.contains("label: y (classification): a 4 (50.0%), b 4 (50.0%)"))
        #expect(text.contains("    query: \"SELECT * FROM t WHERE x < 8\"\n"))
        #expect(text.contains("    timestamp_format: epoch_s\n"))
        let e = #expect(throws: FlywheelError.self) { try DatasetReport.describe(file: db, table: "tt") }
        #expect(e?.hint == "did you mean 't'?")
    }
}

@Suite(.serialized, .enabled(if: RealData.available, RealData.skipReason))
struct SQLiteDescribeElec2 {
    @Test func theElec2CopyIsDescribedAsTheCSVFileIs() throws {
        let scratch = try Scratch()
        let db = try elec2Database(in: scratch)
        let sql = try DatasetReport.describe(file: db, label: "class", timestamp: "timestamp_reconstructed", tick: "1d", table: "elec2")
        let csv = try DatasetReport.describe(file: RealData.path("elec2.csv"), label: "class", timestamp: "timestamp_reconstructed", tick: "1d")
        #expect(sql.contains("45312 rows, 10 columns"))
        #expect(sql.contains("about 944 days"))
        #expect(sql.contains("replay: 944 ticks of 1d"))
        #expect(sql.contains("UP 19237 (42.5%), DOWN 26075 (57.5%)"))
        #expect(sql.contains("events per tick min 48 / mean 48.0 / max 48"))
        #expect(sql.contains("    table: elec2\n"))
        // Apart from the first line and the path, the two descriptions are the same text.
        func body(_ s: String) -> [Substring] { s.split(separator: "\n").dropFirst().filter { !$0.contains("path:") && !$0.contains("table:") } }
        #expect(body(sql) == body(csv))

        let json = try DatasetReport.describe(file: db, tick: "1d", table: "elec2", json: true)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(object["rows"] as? Int == 45_312)
        #expect(object["days"] as? Int == 944)
        #expect((object["eventsPerTick"] as? [String: Any])?["ticks"] as? Int == 944)
    }
}
