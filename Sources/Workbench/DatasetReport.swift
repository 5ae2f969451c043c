import FlywheelCore
import Scenarios
import Foundation
import SQLiteReplay
import Streams

/// What `flywheel dataset describe` prints: a ``DatasetDescription`` as text or JSON, with the
/// suggested scenario `stream:` block.
public enum DatasetReport {
    /// `flywheel dataset describe`: finds `file` (a relative one in the data home, then the
    /// current directory), describes it with ``DatasetInspector`` and renders it as text or JSON.
    /// An SQLite database (``SQLiteRows/claims(path:)``) is described from its `table` or `query`.
    ///
    /// - Parameters:
    ///   - tick: a span such as `1d` or a row count such as `500 rows`; nil guesses it.
    ///   - timestampFormat: `iso8601`, `epoch_s`, `epoch_ms`, `epoch_d` or a %-pattern; nil is ISO 8601.
    /// - Throws: ``FlywheelError`` for a bad tick or format, a file not found (naming where it
    ///   looked), or any problem ``DatasetInspector`` reports.
    public static func describe(file: String, label: String? = nil, timestamp: String? = nil, timestampFormat: String? = nil,
                                tick: String? = nil, delimiter: String = ",", table: String? = nil, query: String? = nil,
                                json: Bool = false) throws -> String {
        var grouping: TickGrouping?
        if let tick {
            guard let g = TickGrouping(parsing: tick) else {
                throw FlywheelError("tick '\(tick)' is neither a span such as 1d nor a row count such as \"500 rows\"", key: "tick")
            }
            grouping = g
        }
        var format: TimestampFormat?
        if let timestampFormat {
            guard let f = TimestampFormat(parsing: timestampFormat) else {
                throw FlywheelError("'\(timestampFormat)' is not a timestamp format", key: "timestamp_format",
                                    hint: "iso8601, epoch_s, epoch_ms, epoch_d, or a pattern such as %d/%m/%Y %H:%M")
            }
            format = f
        }
        let (found, tried) = DataHome.resolve(file, scenarioDirectory: nil)
        guard let path = found else {
            throw FlywheelError("cannot find '\(file)'; looked in \(tried.joined(separator: ", "))",
                                hint: "set \(DataHome.variable) to the folder holding your datasets, or give the file's path")
        }
        let d = try DatasetInspector.describe(path: path, label: label, timestamp: timestamp, timestampFormat: format,
                                              tick: grouping, delimiter: delimiter, table: table, query: query, opener: .files)
        let shown = file.hasPrefix("/") || file.hasPrefix("~") ? nil : file
        return json ? try self.json(d, scenarioPath: shown) : text(d, scenarioPath: shown)
    }

    /// The suggested stream block; `scenarioPath` replaces the file's resolved path (a scenario
    /// resolves a relative path against the data home, its own folder and the current directory).
    public static func yaml(_ d: DatasetDescription, scenarioPath: String? = nil) -> String {
        guard let scenarioPath else { return d.yaml }
        var m = d.mapping
        m.path = scenarioPath
        return DatasetInspector.yaml(m)
    }

    /// The time span in days between the first and last timestamps, rounded (nil without a timestamp).
    public static func days(_ d: DatasetDescription) -> Int? {
        guard let a = d.firstTime, let b = d.lastTime else { return nil }
        return Int((Double(b - a) / 86_400).rounded())
    }

    /// The plain-text description: rows, time span, class balance, events per tick, columns, notes,
    /// then the suggested stream block.
    public static func text(_ d: DatasetDescription, scenarioPath: String? = nil) -> String {
        var s = d.summary
        if let days = days(d), let a = d.firstTime, let b = d.lastTime {
            s += "time span: about \(days) day\(days == 1 ? "" : "s") (\(ISOTime.format(a)) to \(ISOTime.format(b)))\n"
        }
        s += "replay: \(d.eventsPerTick.ticks) ticks of \(d.tick)\n"
        s += "\nsuggested scenario stream (add clock: {ticks: N} to replay only the first N ticks after warm-up):\n\n"
        s += yaml(d, scenarioPath: scenarioPath)
        return s
    }

    /// The description as pretty-printed JSON (keys sorted).
    public static func json(_ d: DatasetDescription, scenarioPath: String? = nil) throws -> String {
        var out = DatasetJSON(d)
        out.yaml = yaml(d, scenarioPath: scenarioPath)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(out), as: UTF8.self) + "\n"
    }
}

/// The JSON form of a ``DatasetDescription``.
struct DatasetJSON: Encodable {
    struct Column: Encodable {
        var name: String, kind: String, missing: Int, distinct: Int, distinctCapped: Bool
        var minimum: Double?, maximum: Double?
    }
    struct ClassShare: Encodable { var name: String, count: Int }
    struct Ticks: Encodable { var grouping: String, ticks: Int, empty: Int, minimum: Int, maximum: Int, mean: Double }

    var path: String
    var rows: Int
    var columns: [Column]
    var timestamp: String?
    var timestampFormat: String?
    var firstTime: String?
    var lastTime: String?
    var days: Int?
    var firstOutOfOrderLine: Int?
    var label: String
    var labelKind: String
    var classBalance: [ClassShare]
    var eventsPerTick: Ticks
    var notes: [String]
    var yaml: String

    init(_ d: DatasetDescription) {
        path = d.path
        rows = d.rows
        columns = d.columns.map {
            Column(name: $0.name, kind: $0.kind.rawValue, missing: $0.missing, distinct: $0.distinct, distinctCapped: $0.distinctCapped,
                   minimum: $0.minimum, maximum: $0.maximum)
        }
        timestamp = d.timestampColumn
        timestampFormat = d.timestampColumn == nil ? nil : d.timestampFormat?.description
        firstTime = d.firstTime.map(ISOTime.format)
        lastTime = d.lastTime.map(ISOTime.format)
        days = DatasetReport.days(d)
        firstOutOfOrderLine = d.firstOutOfOrderLine
        label = d.labelColumn
        labelKind = d.labelKind.rawValue
        classBalance = d.classBalance.map { ClassShare(name: $0.name, count: $0.count) }
        let e = d.eventsPerTick
        eventsPerTick = Ticks(grouping: d.tick.description, ticks: e.ticks, empty: e.empty, minimum: e.minimum, maximum: e.maximum, mean: e.mean)
        notes = d.notes
        yaml = ""
    }
}
