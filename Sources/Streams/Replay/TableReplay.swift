import FlywheelCore

/// Replays a real timestamped table (a user's production log or a research dataset, as a CSV
/// file or an SQLite table) as a stream of ``EventBatch``es, one per tick, in time order and in
/// constant memory.
///
/// The rows come from a ``ReplayRows`` source, one at a time, never whole: a CSV file read in
/// fixed 64 KiB chunks (RFC 4180 quoting, BOM and CRLF handled, `.gz` decompressed through
/// zlib), or an SQLite table streamed through a database cursor. How columns become events
/// is described by a ``ReplayMapping``; the decoding is the same for every source.
///
/// **Passes.** The schema must be known before the first tick, so a *first pass* reads the
/// whole table once when something has to be learned from it: the classes (classification
/// without explicit ``ReplayMapping/classes``), a categorical vocabulary or slice names not given
/// explicitly, or the sorted order (``TimestampOrder/sort``, unless the source sorts by itself).
/// The first pass validates every row (so errors surface before any tick) and keeps only the
/// vocabularies (bounded by ``ReplayMapping/maxClasses`` and ``ReplayMapping/maxCategories``)
/// and, for sorting, bounded chunks that go to temporary run files (unlinked at once, so none
/// outlive the process). When everything is given, there is no first pass and errors surface at
/// the tick that reaches the offending row.
///
/// Real data carries no ground truth: every event has `concept = 0` and `bayes = NaN`; `slice`
/// is the slice code or -1 (no slice column, a missing or unknown slice value).
///
/// ```swift
/// let replay = try TableReplay(mapping: ReplayMapping(
///     path: "datasets/elec2.csv", timestamp: "timestamp_reconstructed", label: "class",
///     numeric: ["nswprice", "nswdemand", "vicprice", "vicdemand", "transfer"], tick: .span(Span(seconds: 86_400))))
/// while let (tick, start, batch) = try replay.nextTick() { ... }   // 944 ticks of 48 events
/// ```
///
/// Not `Sendable`: create and use it inside one task.
public final class TableReplay {
    public let mapping: ReplayMapping
    /// Features (numeric, then categorical encoded), classes and slice names.
    public private(set) var schema: FeatureSchema
    /// The table's column names.
    public let columns: [String]
    /// The number of data rows, when a first pass counted them.
    public private(set) var rowCount: Int?
    /// The number of ticks the replay will yield, when a first pass ran (the last tick is the
    /// one holding the latest row).
    public private(set) var tickCount: Int?
    /// Start of tick 0 in seconds since the epoch (grouping by time); nil when grouping by rows.
    public private(set) var origin: Int64?
    /// Rows decoded so far in this replay (including a row read ahead of the current tick).
    public private(set) var rowsRead = 0
    /// With row grouping and a timestamp column, the timestamp of the last row of the tick
    /// ``nextTick()`` last returned (nil otherwise).
    public private(set) var lastRowTime: Int64?

    private let rows: any ReplayRows
    private let tsIndex: Int?
    private let labelIndex: Int
    private let numericIndex: [Int]
    private let categoricalIndex: [Int]
    private let sliceIndex: Int?
    private let parser: TimestampParser?
    private var classVocab = ByteVocabulary()
    private let classesFixed: Bool
    private var categoryVocabs: [ByteVocabulary]
    private var categoryLearned: [Bool]
    private var sliceVocab = ByteVocabulary()
    private let slicesFixed: Bool
    private var categoryOffsets: [Int] = []
    private var dimension = 0
    private let sortChunkBytes: Int

    private var merger: RunMerger?
    private var sorter: RecordSorter?
    private var record = ReplayRecord()
    private var rowFeatures: [Double] = []
    private var rowLabel = 0.0
    private var rowSlice: Int32 = -1
    private var rowTime: Int64 = 0
    private var hasRow = false
    private var lastTime = Int64.min
    private var lastTimeLine = 0
    private var nextTickIndex = 0
    private var capacityHint = 64
    private var failure: FlywheelError?

    /// Opens the CSV file a mapping names and replays it (see ``init(rows:mapping:validateFirst:)``);
    /// ``ReplayOpener`` opens other sources.
    public convenience init(mapping: ReplayMapping, validateFirst: Bool = false) throws {
        try self.init(rows: CSVRows(mapping: mapping), mapping: mapping, validateFirst: validateFirst)
    }

    /// Checks the mapping against the rows' columns, runs the first pass if one is needed (see the
    /// type's documentation) and reads the first row.
    ///
    /// - Throws: ``FlywheelError`` located in the source (file and line, or file, table and row)
    ///   for a missing column, an empty table, a ragged row, an unparseable, NULL or decreasing
    ///   timestamp, an empty, NULL or NaN label, a non-numeric value in a numeric feature, a label
    ///   column with one class, or an inconsistent mapping.
    ///
    /// - Parameter validateFirst: read the whole table once before the first tick even when
    ///   nothing has to be learned from it, so that every row is checked up front and
    ///   ``rowCount`` and ``tickCount`` are known.
    public convenience init(rows: any ReplayRows, mapping: ReplayMapping, validateFirst: Bool = false) throws {
        try self.init(rows: rows, mapping: mapping, sortChunkBytes: 8 << 20, validateFirst: validateFirst)
    }

    /// A CSV replay whose external sort keeps `sortChunkBytes` in memory per run (tests use tiny runs).
    convenience init(mapping: ReplayMapping, sortChunkBytes: Int, validateFirst: Bool = false) throws {
        try self.init(rows: CSVRows(mapping: mapping), mapping: mapping, sortChunkBytes: sortChunkBytes, validateFirst: validateFirst)
    }

    init(rows: any ReplayRows, mapping m: ReplayMapping, sortChunkBytes: Int, validateFirst: Bool) throws {
        mapping = m
        self.rows = rows
        self.sortChunkBytes = sortChunkBytes

        // The mapping itself.
        switch m.tick {
        case .span(let s):
            guard s.seconds > 0 else { throw FlywheelError("tick span must be positive", key: "tick") }
            guard m.timestamp != nil else {
                throw FlywheelError("tick: \(s) groups rows by time but no timestamp column is mapped", key: "tick",
                                    hint: "name the timestamp column, or group by rows, e.g. tick: 500 rows")
            }
        case .rows(let n):
            guard n > 0 else { throw FlywheelError("tick must hold at least one row", key: "tick") }
        }
        guard m.maxCategories >= 1 else { throw FlywheelError("max_categories must be at least 1", key: "max_categories") }
        if let classes = m.classes {
            guard m.labelKind == .classification else {
                throw FlywheelError("classes are given but label_kind is regression", key: "classes")
            }
            guard Set(classes).count == classes.count else { throw FlywheelError("classes \(classes) repeat a name", key: "classes") }
            guard classes.count >= 2 else {
                throw FlywheelError("classification needs at least two classes; \(classes) has \(classes.count)", key: "classes")
            }
        }
        let featureNames = m.numeric + m.categorical
        var seen = Set<String>()
        for f in featureNames {
            guard seen.insert(f).inserted else { throw FlywheelError("column '\(f)' is listed twice among the features", key: "numeric") }
        }
        guard !seen.contains(m.label) else {
            throw FlywheelError("the label column '\(m.label)' is also listed as a feature", key: "label", hint: "remove it from the features")
        }
        for c in m.categories.keys where !m.categorical.contains(c) {
            throw FlywheelError("categories are given for '\(c)', which is not a categorical column", key: "categories.\(c)")
        }
        parser = try m.timestamp.map { _ in try TimestampParser(m.timestampFormat) }

        // The columns.
        let names = rows.columns
        columns = names
        func column(_ name: String, _ key: String) throws -> Int {
            let hits = names.indices.filter { names[$0] == name }
            guard let first = hits.first else {
                let near = nearest(name, in: names)
                throw rows.error("column '\(name)' not found; \(rows.columnOwner) has: \(names.joined(separator: ", "))", key: key,
                                 hint: near.map { "did you mean '\($0)'?" })
            }
            guard hits.count == 1 else {
                throw rows.error("column '\(name)' appears \(hits.count) times in \(rows.columnOwner) (fields \(hits.map { $0 + 1 }))", key: key)
            }
            return first
        }
        tsIndex = try m.timestamp.map { try column($0, "timestamp") }
        labelIndex = try column(m.label, "label")
        numericIndex = try m.numeric.enumerated().map { try column($1, "numeric[\($0)]") }
        categoricalIndex = try m.categorical.enumerated().map { try column($1, "categorical[\($0)]") }
        sliceIndex = try m.slice.map { try column($0, "slice") }

        classesFixed = m.classes != nil
        if let classes = m.classes { classVocab = ByteVocabulary(classes) }
        categoryVocabs = m.categorical.map { ByteVocabulary(m.categories[$0] ?? []) }
        categoryLearned = m.categorical.map { m.categories[$0] == nil }
        slicesFixed = m.slices != nil
        if let s = m.slices { sliceVocab = ByteVocabulary(s) }

        // Sorting by time: the source's own order (an SQL ORDER BY), or an external merge sort.
        let sorting = m.order == .sort && m.timestamp != nil && !rows.sortsByTime
        let needsPass = validateFirst || (m.labelKind == .classification && m.classes == nil) || categoryLearned.contains(true)
            || (m.slice != nil && m.slices == nil) || sorting
        schema = FeatureSchema(features: [], classes: [])
        layoutFeatures()

        if needsPass {
            if sorting { sorter = RecordSorter(chunkBytes: sortChunkBytes) }
            var count = 0
            var minTime = Int64.max, maxTime = Int64.min
            do {
                while try rows.next(into: &record) {
                    count += 1
                    try learn(record)
                    try decode(record, checkOrder: !sorting, encodeCategories: false)
                    minTime = min(minTime, rowTime)
                    maxTime = max(maxTime, rowTime)
                    if let sorter { try sorter.add(record, time: rowTime) }
                }
            } catch {
                sorter?.removeFiles()
                throw error
            }
            rows.close()
            guard count > 0 else { throw rows.error(rows.noRowsMessage) }
            rowCount = count
            switch m.tick {
            case .rows(let n): tickCount = (count + n - 1) / n
            case .span(let span):
                let o = m.origin ?? TableReplay.defaultOrigin(first: minTime, span: span.seconds)
                tickCount = maxTime >= o ? Int((maxTime - o) / span.seconds) + 1 : nil
                if let n = tickCount, n > Limits.maxTicks {
                    sorter?.removeFiles()
                    let (first, last) = (ISOTime.format(minTime), ISOTime.format(maxTime))
                    throw rows.error("the rows span \(Limits.grouped(n)) ticks of \(span), from \(first) to \(last): "
                                     + "at most \(Limits.grouped(Limits.maxTicks)) ticks", row: nil, key: "tick",
                                     hint: "use a longer tick, or remove the rows whose timestamps lie far "
                                         + "from the others")
                }
            }
            if let sorter { try sorter.finish() }
        }
        if m.labelKind == .classification && classVocab.count < 2 {
            let only = classVocab.names.first.map { " ('\($0)')" } ?? ""
            throw rows.error("the label column '\(m.label)' has only \(classVocab.count) class\(only); classification needs at least two",
                             key: "label", hint: "check the label column, or use label_kind: regression")
        }
        layoutFeatures()
        try start()
    }

    /// Feature names and offsets from the current vocabularies.
    private func layoutFeatures() {
        var features = mapping.numeric
        categoryOffsets = []
        for (k, name) in mapping.categorical.enumerated() {
            categoryOffsets.append(features.count)
            switch mapping.encoding {
            case .ordinal: features.append(name)
            case .oneHot:
                features += categoryVocabs[k].names.map { "\(name)=\($0)" }
                features.append("\(name)=?")
            }
        }
        dimension = features.count
        schema = FeatureSchema(features: features, classes: mapping.labelKind == .classification ? classVocab.names : [],
                               slices: mapping.slice == nil ? [] : sliceVocab.names)
        rowFeatures = Array(repeating: 0, count: dimension)
    }

    /// Restarts the rows (or the merge of the sorted runs) and reads the first row.
    private func start() throws {
        if let sorter {
            merger = try RunMerger(runs: sorter.runs)
        } else {
            try rows.rewind()
        }
        lastTime = .min
        lastTimeLine = 0
        nextTickIndex = 0
        rowsRead = 0
        failure = nil
        hasRow = try readRow()
        guard hasRow else { throw rows.error(rows.noRowsMessage) }
        if case .span(let span) = mapping.tick {
            let s = span.seconds
            if let o = mapping.origin {
                guard rowTime >= o else {
                    throw rows.error("the first timestamp \(ISOTime.format(rowTime)) (\(rows.position(record.line))) is before the origin \(ISOTime.format(o))",
                                     row: record.line, key: "origin")
                }
                origin = o
            } else {
                origin = TableReplay.defaultOrigin(first: rowTime, span: s)
            }
        } else {
            origin = nil
        }
    }

    /// The default start of tick 0: midnight (UTC) of the first row's day, advanced by whole
    /// spans while the next span still starts at or before the first row.
    public static func defaultOrigin(first: Int64, span: Int64) -> Int64 {
        let midnight = first - ((first % 86_400) + 86_400) % 86_400
        return midnight + (first - midnight) / span * span
    }

    /// Starts the replay again from the first row (the first pass and any sorted runs are reused).
    public func rewind() throws { try start() }

    /// Learns vocabularies from one row during the first pass.
    private func learn(_ r: ReplayRecord) throws {
        if mapping.labelKind == .classification && !classesFixed {
            try r.withField(labelIndex) { f in
                guard !FieldParse.isMissing(f) else { try missingLabel(r, f) }
                if classVocab.code(of: f) == nil {
                    guard classVocab.count < ReplayMapping.maxClasses else {
                        throw rows.error("the label column '\(mapping.label)' has more than \(ReplayMapping.maxClasses) distinct values",
                                         row: r.line, key: "label",
                                         hint: "is it the right column? for a numeric target use label_kind: regression")
                    }
                    _ = classVocab.insert(f)
                }
            }
        }
        for k in categoricalIndex.indices where categoryLearned[k] && categoryVocabs[k].count < mapping.maxCategories {
            r.withField(categoricalIndex[k]) { f in
                if !FieldParse.isMissing(f) { _ = categoryVocabs[k].insert(f) }
            }
        }
        if let si = sliceIndex, !slicesFixed, sliceVocab.count < ReplayMapping.maxClasses {
            r.withField(si) { f in
                if !FieldParse.isMissing(f) { _ = sliceVocab.insert(f) }
            }
        }
    }

    private func missingLabel(_ r: ReplayRecord, _ f: UnsafeBufferPointer<UInt8>) throws -> Never {
        let what = r.isNull(labelIndex) ? "is NULL" : f.isEmpty ? "is empty" : "is missing ('\(String(decoding: f, as: UTF8.self))')"
        throw rows.error("the label '\(mapping.label)' \(what) at \(rows.position(r.line))", row: r.line,
                         key: "label", hint: "every replayed row needs a label; remove or fix the row")
    }

    /// Decodes one record into the row scratch (time, features, label, slice). The first pass
    /// validates without encoding categories (their vocabularies are still growing).
    ///
    /// - Complexity: O(fields); no allocation on success.
    private func decode(_ r: ReplayRecord, checkOrder: Bool, encodeCategories: Bool = true) throws {
        if let ti = tsIndex, let parser {
            guard let t = r.time(ti, parser) else { try badTime(r, ti, parser) }
            if checkOrder && t < lastTime {
                throw rows.error("timestamp \(ISOTime.format(t)) at \(rows.position(r.line)) is earlier than \(ISOTime.format(lastTime)) at \(rows.position(lastTimeLine))",
                                 row: r.line, key: "order",
                                 hint: "timestamps must not decrease; set order: sort to replay the rows sorted by time")
            }
            lastTime = t
            lastTimeLine = r.line
            rowTime = t
        }
        rowLabel = try r.withField(labelIndex) { f in
            guard !FieldParse.isMissing(f) else { try missingLabel(r, f) }
            switch mapping.labelKind {
            case .classification:
                guard let c = classVocab.code(of: f) else {
                    throw rows.error("label '\(String(decoding: f, as: UTF8.self))' at \(rows.position(r.line)) is not one of the classes \(classVocab.names)",
                                     row: r.line, key: "classes", hint: "add it to classes, or leave classes out to take them from the data")
                }
                return Double(c)
            case .regression:
                guard let v = r.number(labelIndex), !v.isNaN else {
                    throw rows.error("regression label '\(String(decoding: f, as: UTF8.self))' at \(rows.position(r.line)) is not a number",
                                     row: r.line, key: "label")
                }
                return v
            }
        }
        try rowFeatures.withUnsafeMutableBufferPointer { x in
            for (j, c) in numericIndex.enumerated() {
                guard let v = r.number(c) else {
                    throw rows.error("\(r.quoted(c)) in numeric column '\(mapping.numeric[j])' at \(rows.position(r.line)) is not a number",
                                     row: r.line, key: "numeric[\(j)]", hint: "declare the column categorical, or fix the cell")
                }
                x[j] = v
            }
            guard encodeCategories else { return }
            for (k, c) in categoricalIndex.enumerated() {
                let base = categoryOffsets[k]
                r.withField(c) { f in
                    let missing = FieldParse.isMissing(f)
                    let code = missing ? -1 : (categoryVocabs[k].code(of: f) ?? -1)
                    switch mapping.encoding {
                    case .ordinal:
                        x[base] = missing ? .nan : Double(code)
                    case .oneHot:
                        let width = categoryVocabs[k].count + 1
                        for j in 0..<width { x[base + j] = missing ? .nan : 0 }
                        if !missing { x[base + (code < 0 ? width - 1 : Int(code))] = 1 }
                    }
                }
            }
        }
        if let si = sliceIndex {
            rowSlice = r.withField(si) { f in FieldParse.isMissing(f) ? -1 : (sliceVocab.code(of: f) ?? -1) }
        } else {
            rowSlice = -1
        }
    }

    private func badTime(_ r: ReplayRecord, _ ti: Int, _ parser: TimestampParser) throws -> Never {
        let column = mapping.timestamp ?? ""
        if r.isNull(ti) {
            throw rows.error("timestamp in column '\(column)' is NULL at \(rows.position(r.line))", row: r.line, key: "timestamp",
                             hint: "every replayed row needs a time; remove or fix the row")
        }
        throw rows.error("timestamp \(r.quoted(ti)) in column '\(column)' does not match the format \(parser.format)",
                         row: r.line, key: "timestamp_format",
                         hint: "set timestamp_format to iso8601, epoch_s, epoch_ms, epoch_d or a pattern such as %d/%m/%Y %H:%M")
    }

    /// Reads and decodes the next row into the scratch; false at the end.
    private func readRow() throws -> Bool {
        let more = try merger?.next(into: &record) ?? rows.next(into: &record)
        guard more else { return false }
        try decode(record, checkOrder: true)
        rowsRead += 1
        return true
    }

    /// The next tick's events, or nil after the last row.
    ///
    /// With time grouping, tick `k` covers `[origin + k·span, origin + (k+1)·span)` and `start`
    /// is its beginning; spans without rows give empty batches. With row grouping, `start` is the
    /// first row's timestamp (nil without a timestamp column). After an error, every later call
    /// throws the same error.
    ///
    /// - Complexity: O(rows in the tick × fields); allocates only the batch's arrays.
    public func nextTick() throws -> (tick: Int, start: Int64?, batch: EventBatch)? {
        if let failure { throw failure }
        guard hasRow else { return nil }
        let k = nextTickIndex
        var batch = EventBatch(dimension: dimension, capacity: capacityHint)
        var start: Int64? = nil
        do {
            switch mapping.tick {
            case .span(let span):
                let o = origin ?? 0
                start = o + Int64(k) * span.seconds
                let end = start! + span.seconds
                while hasRow && rowTime < end {
                    append(to: &batch)
                    hasRow = try readRow()
                }
            case .rows(let n):
                if tsIndex != nil { start = rowTime }
                while hasRow && batch.count < n {
                    if tsIndex != nil { lastRowTime = rowTime }
                    append(to: &batch)
                    hasRow = try readRow()
                }
            }
        } catch let e as FlywheelError {
            failure = e
            hasRow = false
            throw e
        }
        nextTickIndex += 1
        capacityHint = max(capacityHint, batch.count)
        return (k, start, batch)
    }

    @inline(__always)
    private func append(to batch: inout EventBatch) {
        batch.features.append(contentsOf: rowFeatures)
        batch.labels.append(rowLabel)
        batch.concept.append(0)
        batch.slice.append(rowSlice)
        batch.bayes.append(.nan)
    }
}
