import Analysis
import FlywheelCore
import Foundation
import GRDB

/// The grid columns and per-tick rows of `sweep.sqlite` (migration `v3-sweep-rows`), so that a
/// sweep is queried with plain SQL:
///
/// - `cell` gets two columns per swept key path, named after it with every character outside
///   `[A-Za-z0-9_]` as `_` (`trigger.every` → `trigger_every`): the value as written, with its
///   unit (`7d`, TEXT), and `<column>_value`, the value in base units (REAL: a duration in seconds,
///   a bare number as itself, NULL for any other text). Fixed comparators, outside the grid, have
///   NULL there.
/// - `metric(cell_id → cell, replicate, tick, name, value, time)`: the per-tick series of every
///   cell and replicate, one row per value (NaN omitted), `time` as in `run.sqlite` (the tick's
///   ISO 8601 start when the ticks have real times, else NULL). It replaces the `run.series`
///   blob, which the migration converts and drops; `run.series_names` keeps the series' order.
///
/// For example, the total cost of each cell by dataset window:
/// `SELECT c.name, c.dataset_window, sum(m.value) / count(DISTINCT m.replicate) FROM metric m
/// JOIN cell c ON c.id = m.cell_id WHERE m.name = 'cost_total' GROUP BY c.id ORDER BY c.dataset_window_value`.
extension SweepStore {
    /// The columns of `run` after the migration, in order.
    static let runColumns = [
        "cell_id", "replicate", "mean_metric", "errors", "retrains", "deployments", "labels", "training_samples",
        "cost_error", "cost_label", "cost_retrain", "cost_deploy", "cost_total", "series_names",
    ]

    static func registerRows(_ m: inout DatabaseMigrator) {
        m.registerMigration("v3-sweep-rows") { db in
            var kv: [String: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT key, value FROM manifest") { kv[row["key"]] = row["value"] }
            if let json = kv["design"], let design = try? SweepDesign.decode(json) { try addGrid(design, db) }
            try db.create(table: "metric") { t in
                t.column("cell_id", .integer).notNull().references("cell")
                t.column("replicate", .integer).notNull()
                t.column("tick", .integer).notNull()
                t.column("name", .text).notNull()
                t.column("value", .double).notNull()
                t.column("time", .text)
                t.primaryKey(["cell_id", "replicate", "name", "tick"])
            }
            // A database written before the rows: its blobs become rows.
            let ticks = Int(kv["ticks"] ?? "") ?? 0
            let times = SharedTables.tickBasis(kv) == .fileTime ? tickTimes(kv, ticks: ticks) : []
            for r in try Row.fetchAll(db, sql: "SELECT cell_id, replicate, series_names, series FROM run") {
                let names = (r["series_names"] as String).split(separator: ",").map(String.init)
                let series = decode(r["series"], names: names, ticks: ticks)
                try insertSeries(series, id: r["cell_id"], replicate: r["replicate"], times: times, db)
            }
            try db.execute(sql: "ALTER TABLE run DROP COLUMN series")
        }
    }

    /// Tick start times from the manifest's rows (the clock), for converting an older database.
    private static func tickTimes(_ kv: [String: String], ticks: Int) -> [String] {
        let clock = Clock(tick: Span(seconds: Int64(kv["tick_seconds"] ?? "") ?? 86_400), ticks: ticks,
                          start: Int64(kv["start"] ?? "") ?? 0)
        return (0..<ticks).map { clock.time(ofTick: $0) }
    }

    /// The column names of the swept key paths (text, then `_value`), unique and distinct from
    /// `cell`'s own columns.
    static func gridColumns(_ design: SweepDesign) -> [String] {
        var used: Set<String> = ["id", "name"]
        return design.parameters.map { p in
            var base = String(p.keyPath.unicodeScalars.map { s -> Character in
                s.isASCII && (CharacterSet.alphanumerics.contains(s) || s == "_") ? Character(s) : "_"
            })
            if base.isEmpty || base.first!.isNumber { base = "p_" + base }
            var name = base, k = 2
            while used.contains(name.lowercased()) || used.contains(name.lowercased() + "_value") {
                name = "\(base)_\(k)"
                k += 1
            }
            used.insert(name.lowercased())
            used.insert(name.lowercased() + "_value")
            return name
        }
    }

    /// A swept value in base units: a duration (`7d`) in seconds, a number (`0.05`, `1_000`) as
    /// itself; nil for any other text.
    static func baseValue(_ text: String) -> Double? {
        let t = text.trimmingCharacters(in: .whitespaces)
        if let s = Span(parsing: t) { return Double(s.seconds) }
        if let v = Double(t.replacingOccurrences(of: "_", with: "")), v.isFinite { return v }
        return nil
    }

    private static func addGrid(_ design: SweepDesign, _ db: Database) throws {
        let columns = gridColumns(design)
        for c in columns {
            try db.execute(sql: "ALTER TABLE cell ADD COLUMN \"\(c)\" TEXT")
            try db.execute(sql: "ALTER TABLE cell ADD COLUMN \"\(c)_value\" REAL")
        }
        guard !columns.isEmpty else { return }
        let sets = columns.map { "\"\($0)\" = ?, \"\($0)_value\" = ?" }.joined(separator: ", ")
        let update = try db.makeStatement(sql: "UPDATE cell SET \(sets) WHERE name = ?")
        for cell in design.cells {
            guard let coordinates = cell.coordinates, coordinates.count == design.parameters.count else { continue }
            var values: [(any DatabaseValueConvertible)?] = []
            for (p, i) in zip(design.parameters, coordinates) {
                let text = i >= 0 && i < p.values.count ? p.values[i] : nil
                values += [text, text.flatMap(baseValue)]
            }
            values.append(cell.name)
            try update.execute(arguments: StatementArguments(values))
        }
    }

    /// Inserts one run's series as rows (NaN omitted).
    static func insertSeries(_ series: [MetricSeries], id: Int, replicate: Int, times: [String],
                             _ db: Database) throws {
        let row = try db.cachedStatement(
            sql: "INSERT INTO metric(cell_id, replicate, tick, name, value, time) VALUES (?, ?, ?, ?, ?, ?)")
        for s in series {
            for (t, v) in s.values.enumerated() where !v.isNaN {
                try row.execute(arguments: [id, replicate, t, s.name, v, t < times.count ? times[t] : nil])
            }
        }
    }

    /// Whether the database keeps its series as rows (else as `run.series` blobs, written before
    /// migration `v3-sweep-rows`).
    static func hasSeriesRows(_ db: Database) throws -> Bool {
        try db.tableExists("metric") && !db.columns(in: "run").contains { $0.name == "series" }
    }

    /// One run's series in the order of `names`, over `ticks` ticks (NaN where no value), from the
    /// rows or, in an older database, from the blob of `row`.
    static func readSeries(_ db: Database, rows: Bool, id: Int, replicate: Int, names: [String], ticks: Int,
                           blob row: Row) throws -> [MetricSeries] {
        guard rows else { return decode(row["series"], names: names, ticks: ticks) }
        var series = names.map { MetricSeries(name: $0, values: [Double](repeating: .nan, count: ticks)) }
        let index = Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        for r in try Row.fetchAll(db, sql: "SELECT tick, name, value FROM metric WHERE cell_id = ? AND replicate = ?",
                                  arguments: [id, replicate]) {
            let t: Int = r["tick"]
            guard let i = index[r["name"]], t >= 0, t < ticks else { continue }
            series[i].values[t] = r["value"]
        }
        return series
    }
}

extension SweepStore {
    /// What one cell holds in a database, for merging: its `run` rows (``runColumns``), its events,
    /// and each run's series, whichever way the database keeps them.
    struct CellRows: Equatable {
        var runs: [[DatabaseValue]] = []
        var events: [Row] = []
        var series: [[MetricSeries]] = []

        static func == (a: CellRows, b: CellRows) -> Bool {
            a.runs == b.runs && a.events == b.events && a.points == b.points
        }

        /// One stored value: the run's index, the series, the tick and the value's bits.
        private struct Point: Equatable {
            var run: Int, name: String, tick: Int, bits: UInt64
        }

        /// Every value as compared, NaN left out (a NaN is no row).
        private var points: [Point] {
            series.enumerated().flatMap { i, series in
                series.flatMap { s in
                    s.values.enumerated().filter { !$0.element.isNaN }.map {
                        Point(run: i, name: s.name, tick: $0.offset, bits: $0.element.bitPattern)
                    }
                }
            }
        }
    }

    static func cellRows(_ db: Database, id: Int, ticks: Int) throws -> CellRows {
        let rows = try hasSeriesRows(db)
        let columns = runColumns.joined(separator: ", ") + (rows ? "" : ", series")
        var out = CellRows()
        for r in try Row.fetchAll(db, sql: "SELECT \(columns) FROM run WHERE cell_id = ? ORDER BY replicate",
                                  arguments: [id]) {
            let rep: Int = r["replicate"]
            let names = (r["series_names"] as String).split(separator: ",").map(String.init)
            out.runs.append(Array(r.databaseValues.prefix(runColumns.count)))
            out.series.append(try readSeries(db, rows: rows, id: id, replicate: rep, names: names, ticks: ticks,
                                             blob: r))
        }
        out.events = try Row.fetchAll(db, sql: "SELECT * FROM event WHERE cell_id = ? ORDER BY replicate, seq",
                                      arguments: [id])
        return out
    }
}
