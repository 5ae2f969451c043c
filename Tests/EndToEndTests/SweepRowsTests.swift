import Analysis
import FlywheelCore
import Foundation
import GRDB
@testable import Storage
import Testing
import Workbench

/// `sweep.sqlite`'s grid columns and per-tick rows (migration `v3-sweep-rows`), and the databases
/// written before them (series as blobs): read as before, converted when a sweep resumes in them,
/// merged with new ones; and `run.sqlite`'s summary table against `summary.csv`.
@Suite(.serialized) struct SweepRowsTests {
    /// Turns a database of the current layout back into the one before `v3-sweep-rows`: the series
    /// as one blob per run, no `metric` table, no grid columns.
    static func downgrade(_ url: URL) throws {
        let queue = try DatabaseQueue(path: url.path)
        defer { try? queue.close() }
        let ticks = try SweepStore.read(url).manifest.clock.ticks
        try queue.write { db in
            try db.execute(sql: "ALTER TABLE run ADD COLUMN series BLOB")
            for r in try Row.fetchAll(db, sql: "SELECT cell_id, replicate, series_names FROM run") {
                let names = (r["series_names"] as String).split(separator: ",").map(String.init)
                let series = try SweepStore.readSeries(db, rows: true, id: r["cell_id"], replicate: r["replicate"],
                                                       names: names, ticks: ticks, blob: r)
                try db.execute(sql: "UPDATE run SET series = ? WHERE cell_id = ? AND replicate = ?",
                               arguments: [SweepStore.encode(series), r["cell_id"], r["replicate"]])
            }
            try db.execute(sql: "DROP TABLE metric")
            for c in ["trigger_every", "trigger_every_value", "dataset_window", "dataset_window_value"] {
                try db.execute(sql: "ALTER TABLE cell DROP COLUMN \(c)")
            }
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v3-sweep-rows'")
            try db.execute(sql: "DELETE FROM manifest WHERE key IN ('tick_basis', 'tick_rows', 'first_time', 'last_time')")
        }
    }

    /// Every cell's per-tick CSV, the way the sweep's outputs write them.
    static func metricsCSV(_ contents: SweepStore.Contents) -> String {
        CSVExport.metrics(contents.record)
    }

    @Test func gridColumnsAndRowsAnswerOneQueryAndOlderDatabasesStillRead() throws {
        let dir = temporaryDirectory("rows-new"), old = temporaryDirectory("rows-old")
        let merged = temporaryDirectory("rows-merged")
        defer { for u in [dir, old, merged] { try? FileManager.default.removeItem(at: u) } }
        let sweep = try smallSweep()
        _ = try Workbench.sweep(sweep, outDirectory: dir.path, threads: 2)
        let database = dir.appendingPathComponent("sweep.sqlite")
        let current = try SweepStore.read(database)

        // The grid as columns, and the cost of each cell from its rows: one query, equal to the
        // sum of each run's cost_total series (mean over replicates).
        let queue = try DatabaseQueue(path: database.path)
        let rows = try queue.read { db in
            try Row.fetchAll(db, sql: """
                SELECT c.name AS name, c.trigger_every AS every, c.trigger_every_value AS seconds,
                       c.dataset_window AS window, sum(m.value) / count(DISTINCT m.replicate) AS cost
                FROM cell c LEFT JOIN metric m ON m.cell_id = c.id AND m.name = 'cost_total'
                GROUP BY c.id ORDER BY c.id
                """)
        }
        try queue.close()
        #expect(rows.count == 8)
        #expect(rows[0]["every"] as String? == nil, "a fixed comparator has no swept value")
        #expect(rows[4]["name"] as String == "periodic[trigger.every=5d,dataset.window=20d]")
        #expect(rows[4]["every"] as String == "5d" && rows[4]["seconds"] as Double == 5 * 86_400)
        #expect(rows[4]["window"] as String == "20d")
        for row in rows {
            let runs = current.record.runs(of: row["name"])
            let total = runs.map { ($0.values("cost_total") ?? []).filter { !$0.isNaN }.reduce(0, +) }.reduce(0, +)
            let cost: Double = row["cost"]
            #expect(abs(cost - total / Double(runs.count)) <= 1e-9 * max(1, abs(cost)), "\(row)")
        }

        // The same sweep stored the older way reads back the same; a resumed sweep converts it.
        try FileManager.default.createDirectory(at: old, withIntermediateDirectories: true)
        let oldDatabase = old.appendingPathComponent("sweep.sqlite")
        try FileManager.default.copyItem(at: database, to: oldDatabase)
        try Self.downgrade(oldDatabase)
        let before = try SweepStore.read(oldDatabase)
        #expect(Self.metricsCSV(before) == Self.metricsCSV(current))
        #expect(try FileManager.default.contentsOfDirectory(atPath: old.path) == ["sweep.sqlite"])

        // Merging the older database with the new one: the same cells, so they merge.
        let result = try SweepStore.merge([oldDatabase, database], into: merged.appendingPathComponent("m.sqlite"))
        #expect(result.contents.missing.isEmpty && result.contributed == [8, 0])
        #expect(Self.metricsCSV(result.contents) == Self.metricsCSV(current))

        let design = Workbench.design(of: sweep).json()
        let store = try SweepStore.open(oldDatabase, manifest: sweep.plan.manifest, cells: current.cells,
                                        design: design)
        try store.close()
        let after = try SweepStore.read(oldDatabase)
        #expect(Self.metricsCSV(after) == Self.metricsCSV(current))
        let converted = try DatabaseQueue(path: oldDatabase.path)
        defer { try? converted.close() }
        let values = current.record.runs.reduce(0) { n, r in
            n + r.series.reduce(0) { $0 + $1.values.filter { !$0.isNaN }.count }
        }
        let (rowsNow, count, every) = try converted.read { db in
            (try SweepStore.hasSeriesRows(db), try Int.fetchOne(db, sql: "SELECT count(*) FROM metric"),
             try String.fetchOne(db, sql: "SELECT trigger_every FROM cell WHERE id = 4"))
        }
        #expect(rowsNow && count == values && every == "5d")
    }

    @Test func sweptValuesInBaseUnits() {
        #expect(SweepStore.baseValue("7d") == 604_800)
        #expect(SweepStore.baseValue("1.5h") == 5_400)
        #expect(SweepStore.baseValue("0.05") == 0.05)
        #expect(SweepStore.baseValue("1_000") == 1_000)
        #expect(SweepStore.baseValue("adwin") == nil)
        let design = SweepDesign(template: "t", parameters: [.init(keyPath: "trigger.every", values: ["1d"]),
                                                              .init(keyPath: "trigger_every", values: ["2"]),
                                                              .init(keyPath: "name", values: ["x"])],
                                 cells: [])
        #expect(SweepStore.gridColumns(design) == ["trigger_every", "trigger_every_2", "name_2"])
    }

    @Test func theSummaryTableHoldsSummaryCSVsColumnsAndValues() throws {
        let dir = temporaryDirectory("rows-summary")
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try Workbench.run(shortQuickstart(ticks: 30, replicates: 2), outDirectory: dir.path, threads: 2)
        let text = try String(contentsOf: dir.appendingPathComponent("summary.csv"), encoding: .utf8)
        let csv = SummaryTable.parse(text)
        let queue = try DatabaseQueue(path: dir.appendingPathComponent("run.sqlite").path)
        defer { try? queue.close() }
        try queue.read { db in
            let columns = try db.columns(in: "summary")
            #expect(columns.map(\.name) == csv[0])
            #expect(columns.map(\.type).prefix(3) == ["TEXT", "INTEGER", "REAL"])
            let rows = try Row.fetchAll(db, sql: "SELECT * FROM summary ORDER BY rowid")
            #expect(rows.count == csv.count - 1)
            for (row, fields) in zip(rows, csv.dropFirst()) {
                #expect(row["strategy"] as String == fields[0])
                #expect(row["replicates"] as Int == Int(fields[1]))
                for (i, field) in fields.enumerated().dropFirst(2) {
                    #expect(row[i] as Double? == Double(field), "\(fields[0]) \(csv[0][i])")
                }
            }
            // A synthetic clock: no tick has a time.
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM metric WHERE time IS NOT NULL") == 0)
        }
    }

    @Test func summaryCSVParsesQuotedFields() {
        #expect(SummaryTable.parse("a,b\n\"x,\"\"y\"\"\",\n") == [["a", "b"], ["x,\"y\"", ""]])
        #expect(SummaryTable.parse("a\n\"two\nlines\"\n") == [["a"], ["two\nlines"]])
    }
}
