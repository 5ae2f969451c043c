import FlywheelCore
import Foundation

/// What a column of a CSV file or SQLite table holds, as ``DatasetInspector`` inferred it.
public struct ColumnDescription: Sendable, Hashable {
    /// `numeric` when every non-missing cell is a number (an SQLite INTEGER or REAL, or text that
    /// reads as a number), `timestamp` when every non-missing
    /// cell is an ISO 8601 date or time (or matches the format given for the timestamp column),
    /// `categorical` otherwise, `empty` when every cell is missing. `row_index` is a numeric column
    /// that numbers the rows (``DatasetInspector/isRowIndex(name:sequential:integral:)``): never a feature.
    public enum Kind: String, Sendable, Hashable {
        case numeric, categorical, timestamp, empty
        case rowIndex = "row_index"
    }

    public var name: String
    public var kind: Kind
    /// Cells that are empty, NULL or a missing-value token (`NA`, `N/A`, `NaN`, `null`, `None`, `?`).
    public var missing: Int
    /// Distinct non-missing values, counted up to ``DatasetInspector/distinctLimit``.
    public var distinct: Int
    /// True when there are more distinct values than ``DatasetInspector/distinctLimit``.
    public var distinctCapped: Bool
    /// Smallest and largest value of a numeric column.
    public var minimum: Double?
    public var maximum: Double?
}

/// How many rows carry one class of the label.
public struct ClassCount: Sendable, Hashable {
    public var name: String
    public var count: Int
}

/// How many events fall into each tick.
public struct TickStatistics: Sendable, Hashable {
    public var ticks: Int
    /// Ticks with no events (time spans without rows).
    public var empty: Int
    public var minimum: Int
    public var maximum: Int
    public var mean: Double
}

/// A dataset's inferred shape and a suggested replay mapping (see ``DatasetInspector``).
public struct DatasetDescription: Sendable {
    public var path: String
    /// The SQLite table or query described, as the summary names it (nil for a CSV file).
    public var within: String?
    /// Data rows (a CSV header excluded).
    public var rows: Int
    public var columns: [ColumnDescription]
    public var timestampColumn: String?
    public var timestampFormat: TimestampFormat?
    /// Earliest and latest timestamp, seconds since the epoch.
    public var firstTime: Int64?
    public var lastTime: Int64?
    /// The first line (an SQLite row's rowid or row number) whose timestamp is earlier than the
    /// one before; nil when in order.
    public var firstOutOfOrderLine: Int?
    /// That row as messages name it: `line 12`, `rowid 12`, `row 12`.
    public var firstOutOfOrder: String?
    public var labelColumn: String
    public var labelKind: LabelKind
    /// Rows per class in first-seen order (classification only).
    public var classBalance: [ClassCount]
    public var tick: TickGrouping
    public var eventsPerTick: TickStatistics
    /// Things the user should know before replaying (missing labels, unsorted time, …).
    public var notes: [String]
    /// The suggested mapping; ``yaml`` is the same as a scenario block.
    public var mapping: ReplayMapping
    /// The suggested `stream: {replay: ...}` block.
    public var yaml: String

    /// A plain-text report for the command line.
    public var summary: String {
        var s = "\(path)\(within.map { ", \($0)" } ?? ""): \(rows) rows, \(columns.count) columns\n"
        if let ts = timestampColumn, let a = firstTime, let b = lastTime {
            s += "time: \(ts) (\(timestampFormat?.description ?? "iso8601")), \(ISOTime.format(a)) to \(ISOTime.format(b))"
            s += firstOutOfOrder.map { ", out of order from \($0)\n" } ?? ", in order\n"
        } else {
            s += "time: no timestamp column (ticks group rows by count)\n"
        }
        s += "label: \(labelColumn) (\(labelKind.rawValue))"
        if !classBalance.isEmpty {
            let total = max(1, classBalance.reduce(0) { $0 + $1.count })
            s += ": " + classBalance.map { c in
                let pct = (Double(c.count) * 1000 / Double(total)).rounded() / 10
                return "\(c.name) \(c.count) (\(pct)%)"
            }.joined(separator: ", ")
        }
        s += "\n"
        let e = eventsPerTick
        let mean = (e.mean * 10).rounded() / 10
        s += "ticks of \(tick): \(e.ticks), events per tick min \(e.minimum) / mean \(mean) / max \(e.maximum), \(e.empty) empty\n"
        s += "columns:\n"
        let width = max(6, columns.map(\.name.count).max() ?? 0)
        for c in columns {
            var line = "  " + c.name.padding(toLength: width, withPad: " ", startingAt: 0)
            line += "  " + c.kind.rawValue.padding(toLength: 11, withPad: " ", startingAt: 0)
            line += "  missing \(c.missing)  distinct \(c.distinct)\(c.distinctCapped ? "+" : "")"
            if let lo = c.minimum, let hi = c.maximum { line += "  range [\(lo), \(hi)]" }
            s += line + "\n"
        }
        for n in notes { s += "note: \(n)\n" }
        return s
    }
}

/// Infers a CSV file's or SQLite table's schema from its values and suggests how to replay it.
///
/// Reads the rows once (twice when they have a timestamp column: the second pass counts events
/// per tick) in constant memory: per column it keeps counts, a numeric range and at most
/// ``distinctLimit`` distinct values. The rows come from a ``ReplayRows`` source, so a CSV file
/// and an SQLite table with the same values are described alike.
///
/// Guesses, each overridable by an argument:
/// - **label**: a column named `class`, `label` or `target` (any case), else the last column.
///   It is classification when its values are not all numbers, or are at most
///   ``maxGuessedClasses`` distinct integers; otherwise regression.
/// - **timestamp**: the first column whose every non-missing cell is an ISO 8601 date or time.
/// - **tick**: with a timestamp, the finest of `1h`, `1d`, `1w`, `30d` (a day or longer for a
///   day count, `epoch_d`) that gives at most ``maxGuessedTicks`` ticks; without one, about 500
///   ticks of rows, rounded to 1, 2 or 5 × 10ᵏ.
/// - **features**: every other non-empty column, numeric or categorical by its kind, except a
///   row index (``isRowIndex(name:sequential:integral:)``), which is noted.
///
/// Notes also warn of ticks holding fewer than ``thinTick`` events.
public enum DatasetInspector {
    /// Distinct values counted per column before counting stops.
    public static let distinctLimit = 1_000
    /// A numeric label with at most this many distinct integer values is taken as classes.
    public static let maxGuessedClasses = 20
    /// The guessed tick span keeps the tick count at or below this.
    public static let maxGuessedTicks = 2_000

    private struct ColumnStats {
        var missing = 0
        var numeric = true
        var integral = true
        var isTime = true
        var minimum = Double.infinity
        var maximum = -Double.infinity
        var values = ByteVocabulary()
        var counts: [Int] = []
        var capped = false
        var tMin = Int64.max
        var tMax = Int64.min
        var tLast = Int64.min
        var firstDecrease: Int? = nil
        /// Every value so far is its 0-based row number plus `base` (0 or 1, set by the first row).
        var sequential = true
        var base: Double? = nil
    }

    /// Names a data frame library gives the index it writes (`Unnamed: 0` is pandas' name for an
    /// index saved without a header), compared in lower case.
    public static let indexNames: Set<String> = ["", "index", "idx", "row", "rowid", "row_id", "row_index", "rownum",
                                                 "row_number", "unnamed: 0"]
    /// Fewer events than this in a tick make its accuracy coarse (steps of 5 % or more) and its
    /// drift statistics noise: `dataset describe` warns of such ticks.
    public static let thinTick = 20

    /// Whether a column numbers the rows rather than describing them: its values are the row
    /// numbers `0…n−1` or `1…n` in file order (`sequential`), or it is an integral numeric column
    /// with an index's name (``indexNames``, or any `Unnamed: k`).
    public static func isRowIndex(name: String, sequential: Bool, integral: Bool) -> Bool {
        let n = name.trimmingCharacters(in: .whitespaces).lowercased()
        return sequential || (integral && (indexNames.contains(n) || n.hasPrefix("unnamed:")))
    }

    /// Describes the CSV file at `path` (a `.gz` file is decompressed on the fly), or the table
    /// or query of an SQLite database when `opener` reads them.
    ///
    /// - Parameters:
    ///   - label: the label column; nil guesses it.
    ///   - timestamp: the timestamp column; nil guesses an ISO 8601 column.
    ///   - timestampFormat: the format of the `timestamp` column (default `iso8601`); a guessed
    ///     timestamp column is always ISO 8601.
    ///   - tick: the tick grouping for the events-per-tick figures; nil guesses it.
    ///   - delimiter: the field delimiter of a CSV file, `,` by default.
    ///   - table: the SQLite table to describe; `query`: a single SELECT to describe instead.
    ///   - opener: opens the rows (``ReplayOpener/csv`` by default: CSV files only).
    /// - Throws: ``FlywheelError`` located in the source for a missing file, table or column, an
    ///   empty table, a ragged row or an unparseable timestamp in a named timestamp column.
    public static func describe(path: String, label: String? = nil, timestamp: String? = nil,
                                timestampFormat: TimestampFormat? = nil, tick: TickGrouping? = nil,
                                delimiter: String = ",", table: String? = nil, query: String? = nil,
                                opener: ReplayOpener = .csv) throws -> DatasetDescription {
        let source = try opener.rows(ReplayMapping(path: path, label: "", tick: .rows(1), delimiter: delimiter, table: table, query: query))
        defer { source.close() }
        var record = ReplayRecord()
        let names = source.columns
        func column(_ name: String, _ key: String) throws -> Int {
            guard let i = names.firstIndex(of: name) else {
                throw source.error("column '\(name)' not found; \(source.columnOwner) has: \(names.joined(separator: ", "))", key: key,
                                 hint: nearest(name, in: names).map { "did you mean '\($0)'?" })
            }
            return i
        }
        let givenLabel = try label.map { try column($0, "label") }
        let givenTime = try timestamp.map { try column($0, "timestamp") }
        let format = timestampFormat ?? .iso8601
        let givenParser = try TimestampParser(format)
        let isoParser = try TimestampParser(.iso8601)

        var stats = Array(repeating: ColumnStats(), count: names.count)
        var rows = 0
        while try source.next(into: &record) {
            rows += 1
            for c in 0..<names.count {
                try record.withField(c) { f in
                    if FieldParse.isMissing(f) { stats[c].missing += 1; stats[c].sequential = false; return }
                    if stats[c].numeric {
                        if let v = record.number(c) {
                            // A non-finite number (inf, 1e999) is replayed as a missing value.
                            if v.isNaN { stats[c].missing += 1; stats[c].sequential = false; return }
                            stats[c].minimum = min(stats[c].minimum, v)
                            stats[c].maximum = max(stats[c].maximum, v)
                            if v != v.rounded() { stats[c].integral = false }
                            if stats[c].sequential {
                                if let base = stats[c].base {
                                    if v != Double(rows - 1) + base { stats[c].sequential = false }
                                } else if v == 0 || v == 1 {
                                    stats[c].base = v
                                } else {
                                    stats[c].sequential = false
                                }
                            }
                        } else {
                            stats[c].numeric = false
                        }
                    }
                    if stats[c].isTime {
                        if let t = record.time(c, c == givenTime ? givenParser : isoParser) {
                            if t < stats[c].tLast && stats[c].firstDecrease == nil { stats[c].firstDecrease = record.line }
                            stats[c].tLast = t
                            stats[c].tMin = min(stats[c].tMin, t)
                            stats[c].tMax = max(stats[c].tMax, t)
                        } else if c == givenTime {
                            throw source.error("timestamp '\(String(decoding: f, as: UTF8.self))' in column '\(names[c])' at \(source.position(record.line)) does not match the format \(format)",
                                             row: record.line, key: "timestamp_format",
                                             hint: "give the timestamp format: iso8601, epoch_s, epoch_ms, epoch_d or a pattern such as %d/%m/%Y %H:%M")
                        } else {
                            stats[c].isTime = false
                        }
                    }
                    if let code = stats[c].values.code(of: f) {
                        stats[c].counts[Int(code)] += 1
                    } else if stats[c].values.count < distinctLimit {
                        _ = stats[c].values.insert(f)
                        stats[c].counts.append(1)
                    } else {
                        stats[c].capped = true
                    }
                }
            }
        }
        guard rows > 0 else { throw source.error(source.noRowsMessage) }

        var columns: [ColumnDescription] = []
        for (c, s) in stats.enumerated() {
            let present = rows - s.missing
            // A sequence needs a few rows to tell it from chance (two rows 0, 1 are not an index).
            let sequential = s.sequential && s.numeric && s.base != nil && rows >= 3
            var kind: ColumnDescription.Kind = present == 0 ? .empty
                : (s.isTime && (c == givenTime || !s.numeric)) ? .timestamp
                : s.numeric ? .numeric : .categorical
            if kind == .numeric, c != givenTime, c != givenLabel,
               isRowIndex(name: names[c], sequential: sequential, integral: s.integral) { kind = .rowIndex }
            let ranged = kind == .numeric || kind == .rowIndex
            columns.append(ColumnDescription(name: names[c], kind: kind, missing: s.missing, distinct: s.values.count,
                                             distinctCapped: s.capped, minimum: ranged ? s.minimum : nil,
                                             maximum: ranged ? s.maximum : nil))
        }

        // Label.
        let labelIndex = givenLabel
            ?? names.firstIndex { ["class", "label", "target"].contains($0.lowercased()) }
            ?? columns.lastIndex { $0.kind != .rowIndex }
            ?? names.count - 1
        let ls = stats[labelIndex]
        let labelKind: LabelKind = columns[labelIndex].kind != .numeric ? .classification
            : (!ls.capped && ls.values.count <= maxGuessedClasses && ls.integral) ? .classification : .regression
        var notes: [String] = []
        var classBalance: [ClassCount] = []
        if labelKind == .classification {
            classBalance = zip(ls.values.names, ls.counts).map { ClassCount(name: $0, count: $1) }
            if ls.capped { notes.append("the label '\(names[labelIndex])' has more than \(distinctLimit) distinct values; is it the label?") }
            if ls.values.count < 2 { notes.append("the label '\(names[labelIndex])' has \(ls.values.count) class; classification needs two") }
        }
        if ls.missing > 0 { notes.append("\(ls.missing) rows have no label; replay stops at the first of them") }

        // Timestamp.
        let timeIndex = givenTime ?? columns.firstIndex { $0.kind == .timestamp && $0.name != names[labelIndex] }
        var firstTime: Int64? = nil, lastTime: Int64? = nil, outOfOrder: Int? = nil
        if let ti = timeIndex {
            let s = stats[ti]
            guard s.tMin <= s.tMax else {
                throw source.error("the timestamp column '\(names[ti])' has no values", key: "timestamp")
            }
            firstTime = s.tMin
            lastTime = s.tMax
            outOfOrder = s.firstDecrease
            if let line = outOfOrder { notes.append("timestamps decrease first at \(source.position(line)); replay with order: sort") }
            if s.missing > 0 { notes.append("\(s.missing) rows have no timestamp; replay stops at the first of them") }
        }
        for (c, col) in columns.enumerated() where col.kind == .timestamp && c != timeIndex {
            notes.append("'\(col.name)' also looks like a timestamp; it is left out of the features")
        }
        for (c, col) in columns.enumerated() where col.kind == .rowIndex && c != timeIndex && c != labelIndex {
            let what = stats[c].sequential && stats[c].base != nil
                ? "numbers the rows (\(NumberText.plain(stats[c].base!)), \(NumberText.plain(stats[c].base! + 1)), …)"
                : "is named like a row index"
            notes.append("'\(col.name)' \(what): a row index, left out of the features; if it counts days, replay it "
                         + "as time with timestamp: \(col.name) and timestamp_format: epoch_d")
        }

        // Tick grouping.
        let grouping: TickGrouping
        if let tick {
            if case .span = tick, timeIndex == nil {
                throw FlywheelError("tick: \(tick) groups rows by time but there is no timestamp column", key: "tick",
                                    hint: "name the timestamp column, or group by rows, e.g. 500 rows")
            }
            grouping = tick
        } else if let a = firstTime, let b = lastTime {
            // A day count (epoch_d) has no time of day: its ticks are a day or longer.
            let days = timeIndex == givenTime && format == .epochDays
            let candidates = [3_600, 86_400, 604_800, 2_592_000].filter { !days || $0 >= 86_400 }
                .map { Span(seconds: Int64($0)) }
            grouping = .span(candidates.first { (b - TableReplay.defaultOrigin(first: a, span: $0.seconds)) / $0.seconds + 1 <= Int64(maxGuessedTicks) }
                             ?? candidates.last!)
        } else {
            grouping = .rows(niceRowCount(rows / 500))
        }

        // Events per tick.
        let perTick: TickStatistics
        switch grouping {
        case .rows(let n):
            let ticks = (rows + n - 1) / n
            perTick = TickStatistics(ticks: ticks, empty: 0, minimum: rows - n * (ticks - 1), maximum: min(n, rows),
                                     mean: Double(rows) / Double(ticks))
            if n < thinTick {
                notes.append("ticks of \(n) row\(n == 1 ? "" : "s") hold fewer than \(thinTick) events: a tick's accuracy "
                             + "moves in steps of \(NumberText.plain((1000 / Double(n)).rounded() / 10)) % and drift "
                             + "statistics see noise; use tick: \(thinTick) rows or more")
            }
        case .span(let span):
            let thin: Int
            (perTick, thin) = try countPerTick(source, column: timeIndex!, parser: timeIndex == givenTime ? givenParser : isoParser,
                                               origin: TableReplay.defaultOrigin(first: firstTime!, span: span.seconds),
                                               span: span.seconds, sorted: outOfOrder == nil)
            if thin > 0 {
                let mean = NumberText.plain((perTick.mean * 10).rounded() / 10)
                notes.append("\(thin) of the \(perTick.ticks) ticks of \(span) hold fewer than \(thinTick) events "
                             + "(mean \(mean) a tick): such a tick's accuracy is coarse and drift statistics see noise; "
                             + "use a "
                             + "longer tick, or group by rows (tick: \(thinTick) rows or more)")
            }
        }

        // Suggested mapping.
        var numeric: [String] = [], categorical: [String] = []
        for (c, col) in columns.enumerated() where c != labelIndex && c != timeIndex {
            switch col.kind {
            case .numeric: numeric.append(col.name)
            case .categorical:
                categorical.append(col.name)
                if col.distinct > 64 { notes.append("'\(col.name)' has \(col.distinct)\(col.distinctCapped ? "+" : "") values; only the first 64 get their own code") }
            case .timestamp, .empty, .rowIndex: continue
            }
        }
        var mapping = ReplayMapping(path: path, timestamp: timeIndex.map { names[$0] }, label: names[labelIndex], labelKind: labelKind,
                                    classes: labelKind == .classification && !ls.capped && ls.values.count >= 2 ? ls.values.names : nil,
                                    numeric: numeric, categorical: categorical, tick: grouping,
                                    order: outOfOrder == nil ? .fail : .sort, delimiter: delimiter, table: table, query: query)
        if timeIndex != nil { mapping.timestampFormat = timeIndex == givenTime ? format : .iso8601 }

        let within = table.map { "table '\($0)'" } ?? query.map { _ in "the query" }
        return DatasetDescription(path: path, within: within, rows: rows, columns: columns, timestampColumn: mapping.timestamp,
                                  timestampFormat: mapping.timestamp == nil ? nil : mapping.timestampFormat,
                                  firstTime: firstTime, lastTime: lastTime, firstOutOfOrderLine: outOfOrder,
                                  firstOutOfOrder: outOfOrder.map(source.position),
                                  labelColumn: names[labelIndex], labelKind: labelKind, classBalance: classBalance,
                                  tick: grouping, eventsPerTick: perTick, notes: notes, mapping: mapping, yaml: yaml(mapping))
    }

    /// The 1, 2 or 5 × 10ᵏ nearest to `n` on a log scale (at least 1).
    static func niceRowCount(_ n: Int) -> Int {
        guard n > 1 else { return 1 }
        var best = 1
        var p = 1
        while p <= n * 10 {
            for m in [1, 2, 5] {
                let v = m * p
                if abs(log10(Double(v)) - log10(Double(n))) < abs(log10(Double(best)) - log10(Double(n))) { best = v }
            }
            p *= 10
        }
        return best
    }

    /// Second pass: events per tick of `span` from `origin`, and how many ticks hold fewer than
    /// ``thinTick`` events (empty ones included).
    private static func countPerTick(_ source: any ReplayRows, column: Int, parser: TimestampParser,
                                     origin: Int64, span: Int64, sorted: Bool) throws -> (TickStatistics, Int) {
        try source.rewind()
        var record = ReplayRecord()
        var ticks = 0, empty = 0, lo = Int.max, hi = 0, total = 0, thin = 0
        func close(_ count: Int) {
            ticks += 1
            if count == 0 { empty += 1 }
            if count < thinTick { thin += 1 }
            lo = min(lo, count)
            hi = max(hi, count)
        }
        if sorted {
            var current: Int64 = 0, count = 0
            while try source.next(into: &record) {
                guard let t = record.time(column, parser) else { continue }
                let k = (t - origin) / span
                while current < k { close(count); count = 0; current += 1 }
                count += 1
                total += 1
            }
            close(count)
        } else {
            var counts: [Int64: Int] = [:]
            var last: Int64 = 0
            while try source.next(into: &record) {
                guard let t = record.time(column, parser) else { continue }
                let k = (t - origin) / span
                counts[k, default: 0] += 1
                last = max(last, k)
                total += 1
            }
            for k in 0...last { close(counts[k] ?? 0) }
        }
        return (TickStatistics(ticks: ticks, empty: empty, minimum: ticks == 0 ? 0 : lo, maximum: hi,
                               mean: ticks == 0 ? 0 : Double(total) / Double(ticks)), thin)
    }

    /// The mapping as a scenario's `stream: {replay: ...}` block.
    public static func yaml(_ m: ReplayMapping) -> String {
        func scalar(_ s: String) -> String {
            let reserved: Set<String> = ["true", "false", "yes", "no", "on", "off", "null", "~", ""]
            let plain = s.unicodeScalars.allSatisfy { ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "_-./ ".unicodeScalars.contains($0)) }
                && !(s.first.map { $0 == "-" || $0 == "." || $0 == " " } ?? true) && !s.hasSuffix(" ")
                && Double(s) == nil && !reserved.contains(s.lowercased())
            if plain { return s }
            return "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                .replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\t", with: "\\t") + "\""
        }
        func list(_ xs: [String]) -> String { "[" + xs.map(scalar).joined(separator: ", ") + "]" }
        var y = "stream:\n  replay:\n"
        y += "    path: \(scalar(m.path))\n"
        if let t = m.table { y += "    table: \(scalar(t))\n" }
        if let q = m.query { y += "    query: \(scalar(q))\n" }
        if let t = m.timestamp {
            y += "    timestamp: \(scalar(t))\n"
            y += "    timestamp_format: \(scalar(m.timestampFormat.description))\n"
        }
        y += "    label: \(scalar(m.label))\n"
        y += "    label_kind: \(m.labelKind.rawValue)\n"
        if let c = m.classes { y += "    classes: \(list(c))\n" }
        y += "    numeric: \(list(m.numeric))\n"
        y += "    categorical: \(list(m.categorical))\n"
        if !m.categorical.isEmpty {
            y += "    encoding: \(m.encoding.rawValue)\n"
            y += "    max_categories: \(m.maxCategories)\n"
        }
        if let s = m.slice { y += "    slice: \(scalar(s))\n" }
        y += "    tick: \(scalar(m.tick.description))\n"
        if m.timestamp != nil { y += "    order: \(m.order.rawValue)\n" }
        if m.delimiter != "," { y += "    delimiter: \"\(m.delimiter == "\t" ? "\\t" : m.delimiter)\"\n" }
        return y
    }
}
