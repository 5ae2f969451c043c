import Analysis
import FlywheelCore
import GRDB

/// The `summary` table and the metric times of `run.sqlite` (migration `v3-summary`):
///
/// - `summary(strategy TEXT PRIMARY KEY, replicates INTEGER, mean_<metric> REAL, …)`: one row per
///   strategy in scenario order, with exactly the columns of `summary.csv` and its values (rounded
///   to the same 10 significant digits, so the table and the file agree to the last digit); every
///   column after `replicates` is REAL, and a value the CSV leaves empty is NULL;
/// - `metric.time`: the ISO 8601 UTC start of the tick (`2024-01-08T00:00:00Z`) when the ticks have
///   real times (``RunManifest/timedTicks``: a replayed file grouped by a span of its timestamps),
///   NULL for a synthetic clock or for ticks that group rows, whose times would be invented.
///
/// For example `SELECT strategy, total_cost FROM summary ORDER BY total_cost`.
extension RunStore {
    static func registerSummary(_ m: inout DatabaseMigrator) {
        m.registerMigration("v3-summary") { db in
            try db.alter(table: "metric") { t in t.add(column: "time", .text) }
            try db.create(table: "summary") { t in
                t.column("strategy", .text).primaryKey()
                t.column("replicates", .integer).notNull()
            }
        }
    }

    /// The start time of each tick as `metric.time` stores it: empty when the ticks have no real
    /// times (every row then gets NULL).
    static func tickTimes(_ manifest: RunManifest) -> [String] {
        guard manifest.timedTicks else { return [] }
        return (0..<manifest.clock.ticks).map { manifest.clock.time(ofTick: $0) }
    }

    /// Inserts the rows of `summary.csv` (its text, as ``CSVExport/summary(_:_:)`` writes it): the
    /// table gets one REAL column per CSV column after `strategy` and `replicates`.
    static func insertSummary(csv: String, _ db: Database) throws {
        let rows = SummaryTable.parse(csv)
        guard let header = rows.first, header.count >= 2, header[0] == "strategy", header[1] == "replicates" else {
            return
        }
        let quoted = header.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        for column in quoted.dropFirst(2) {
            try db.execute(sql: "ALTER TABLE summary ADD COLUMN \(column) REAL")
        }
        let marks = Array(repeating: "?", count: header.count).joined(separator: ", ")
        let insert = try db.makeStatement(
            sql: "INSERT INTO summary(\(quoted.joined(separator: ", "))) VALUES (\(marks))")
        for row in rows.dropFirst() where row.count == header.count {
            var values: [(any DatabaseValueConvertible)?] = [row[0], Int(row[1])]
            values += row.dropFirst(2).map { Double($0) }
            try insert.execute(arguments: StatementArguments(values))
        }
    }
}

/// Reading back the CSV text Flywheel writes (RFC 4180: fields quoted when they hold a comma, a
/// quote or a line break, quotes doubled).
enum SummaryTable {
    /// The records of `text`, each a list of unquoted fields; the final line break ends the last
    /// record.
    static func parse(_ text: String) -> [[String]] {
        var rows: [[String]] = [], row: [String] = [], field = ""
        var quoted = false, afterQuote = false
        for ch in text {
            if quoted {
                if ch == "\"" { quoted = false; afterQuote = true } else { field.append(ch) }
                continue
            }
            switch ch {
            case "\"":
                if afterQuote { field.append("\"") }
                quoted = true
                afterQuote = false
            case ",":
                row.append(field); field = ""; afterQuote = false
            case "\n", "\r\n":
                row.append(field); field = ""; afterQuote = false
                rows.append(row); row = []
            default:
                field.append(ch); afterQuote = false
            }
        }
        if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
        return rows
    }
}
