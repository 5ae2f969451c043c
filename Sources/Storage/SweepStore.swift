import Analysis
import FlywheelCore
import Foundation
import GRDB

/// The SQLite database of a sweep (`sweep.sqlite`): what the sweep is (manifest, the cells in
/// order, the grid design), the shared traffic and drift ground truth, and one row per
/// cell × replicate with the cell's per-tick metrics and summary. Cells are committed one by one,
/// so an interrupted sweep resumes where it stopped; shard databases merge into one.
///
/// Schema (migration `v1`; the grid columns of `cell` and the `metric` rows, migration `v3-sweep-rows`, in
/// `SweepStore+Rows.swift`):
/// - `manifest(key TEXT PRIMARY KEY, value TEXT)` — as in `run.sqlite`, plus `design` (the grid,
///   JSON);
/// - `cell(id INTEGER PRIMARY KEY, name TEXT UNIQUE, <key>, <key>_value, …)` — every strategy of the
///   sweep, in order, with the value of each swept key path (as written, and in base units);
/// - `drift(…)`, `traffic(replicate, tick, events, bayes_accuracy)` — as in `run.sqlite`;
/// - `run(cell_id → cell, replicate, mean_metric, errors, retrains, deployments, labels,
///   training_samples, cost_error, cost_label, cost_retrain, cost_deploy, cost_total,
///   series_names)` — `series_names` lists the cell's series in order (databases written before
///   `v3-sweep-rows` also hold `series`: the per-tick values as little-endian IEEE-754 doubles, series
///   after series); `errors` is Σₜ (1 − accuracy(t)) × events(t) (for regression Σₜ mae(t) × events(t));
/// - `metric(cell_id → cell, replicate, tick, name, value, time)` — the per-tick series, one row per value;
/// - `event(cell_id, replicate, seq, tick, kind, model_version, samples, detail)`.
public final class SweepStore {
    public let url: URL
    let queue: DatabaseQueue
    public let manifest: RunManifest
    public let cells: [String]
    public let design: String

    /// What a sweep database holds, read back.
    public struct Contents: Sendable {
        public var manifest: RunManifest
        /// Every cell of the sweep, in order.
        public var cells: [String]
        /// The grid design (JSON, as given when the database was created).
        public var design: String
        /// The runs of the complete cells (all replicates present), in cell order; `strategies`
        /// lists those cells. Empty traffic when no cell has run yet.
        public var record: RunRecord
        /// Cells without results.
        public var missing: [String]
    }

    /// The schema; `seed` runs in the same transaction (a new database's manifest and cells).
    static func migrator(seed: (@Sendable (Database) throws -> Void)? = nil) -> DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try SharedTables.create(db)
            try db.create(table: "cell") { t in
                t.column("id", .integer).primaryKey()
                t.column("name", .text).notNull().unique()
            }
            try db.create(table: "run") { t in
                t.column("cell_id", .integer).notNull().references("cell")
                t.column("replicate", .integer).notNull()
                for c in ["mean_metric", "errors", "retrains", "deployments", "labels", "training_samples", "cost_error", "cost_label",
                          "cost_retrain", "cost_deploy", "cost_total"] {
                    t.column(c, .double)
                }
                t.column("series_names", .text).notNull()
                t.column("series", .blob).notNull()
                t.primaryKey(["cell_id", "replicate"])
            }
            try SharedTables.createEvents(db, owner: "cell_id", references: "cell")
            try seed?(db)
        }
        registerRows(&m)
        return m
    }

    static func manifestRows(_ m: RunManifest, design: String) -> [(String, String)] {
        SharedTables.manifestRows(m, extra: [("design", design)])
    }

    private init(url: URL, queue: DatabaseQueue, manifest: RunManifest, cells: [String], design: String) {
        self.url = url
        self.queue = queue
        self.manifest = manifest
        self.cells = cells
        self.design = design
    }

    /// The files of a sweep database inside its folder (written in place, never through a link).
    public static let files = ["sweep.sqlite", "sweep.sqlite-journal", "sweep.sqlite-wal", "sweep.sqlite-shm"]

    /// Opens the sweep database at `url`, creating it when absent. An existing database must hold
    /// the same sweep: the same scenario text, seed, replicates, tool version and cells; otherwise
    /// this throws, naming what differs. A new database is created whole — schema, manifest and
    /// cells in one transaction — in a temporary sibling (`.<name>.tmp-<pid>`) that gets its final name only when
    /// complete; an empty file or a database with no manifest and no runs (left by an older
    /// version killed while creating it) is started afresh.
    public static func open(_ url: URL, manifest: RunManifest, cells: [String], design: String) throws -> SweepStore {
        let fm = FileManager.default
        let dir = url.deletingLastPathComponent()
        do { try fm.createDirectory(at: dir, withIntermediateDirectories: true) } catch {
            throw FileErrors.describe(error, path: dir)
        }
        removeStaleStaging(of: url.lastPathComponent, in: dir)
        if fileType(url) != nil {
            // Opening for writing rolls back what an interrupted transaction left in the journal.
            let queue = try writing(url) { try DatabaseQueue(path: url.path) }
            let unstarted: Bool
            do {
                unstarted = try writing(url) { try queue.read(isUnstarted) }
            } catch {
                try? queue.close()
                throw FlywheelError("\(url.path) is not a sweep database", at: SourceLocation(file: url.path, line: 0),
                                    hint: "a sweep database is the sweep.sqlite that `flywheel sweep` writes")
            }
            if !unstarted {
                let stored: Header
                do { stored = try readHeader(queue, url: url) } catch { try? queue.close(); throw error }
                if let difference = difference(stored.manifest, stored.cells, manifest, cells) {
                    try queue.close()
                    throw FlywheelError("this folder holds the results of a different sweep (\(difference))",
                                        at: SourceLocation(file: url.path, line: 0),
                                        hint: "choose another --out folder, or delete it to start afresh")
                }
                // A database written before the later migrations gets their tables (and rows).
                do { try writing(url) { try migrator().migrate(queue) } } catch { try? queue.close(); throw error }
                return SweepStore(url: url, queue: queue, manifest: stored.manifest, cells: cells,
                                  design: stored.design)
            }
            try? queue.close()
            for suffix in ["", "-journal", "-wal", "-shm"] { try? fm.removeItem(atPath: url.path + suffix) }
        }
        let temporary = dir.appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())")
        for suffix in ["", "-journal"] { try? fm.removeItem(atPath: temporary.path + suffix) }
        try writing(url) {
            let queue = try DatabaseQueue(path: temporary.path)
            do {
                let rows = manifestRows(manifest, design: design)
                try migrator(seed: { db in
                    try SharedTables.insertManifest(rows, db)
                    for (i, c) in cells.enumerated() {
                        try db.execute(sql: "INSERT INTO cell(id, name) VALUES (?, ?)", arguments: [i, c])
                    }
                }).migrate(queue)
                try queue.close()
            } catch {
                try? queue.close()
                try? fm.removeItem(at: temporary)
                throw error
            }
        }
        TestHook.reach("sweep.creating")
        guard rename(temporary.path, url.path) == 0 else {
            let e = errno
            try? fm.removeItem(at: temporary)
            throw FileErrors.posix(e, writing: url)
        }
        TestHook.reach("sweep.created")
        let queue = try writing(url) { try DatabaseQueue(path: url.path) }
        return SweepStore(url: url, queue: queue, manifest: manifest, cells: cells, design: design)
    }

    /// Whether a database holds no sweep yet: no tables, or an empty manifest and no runs.
    static func isUnstarted(_ db: Database) throws -> Bool {
        let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'")
        if tables.isEmpty { return true }
        guard tables.contains("manifest"), try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM manifest") == 0 else {
            return false
        }
        return try !tables.contains("run") || Int.fetchOne(db, sql: "SELECT COUNT(*) FROM run") == 0
    }

    /// Runs a write on the database at `url`, its errors named after the file.
    static func writing<T>(_ url: URL, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as FlywheelError { throw e } catch {
            throw FileErrors.describe(error, path: url)
        }
    }

    /// What makes two sweeps different, or nil when they are the same sweep.
    static func difference(_ a: RunManifest, _ aCells: [String], _ b: RunManifest, _ bCells: [String]) -> String? {
        if a.seed != b.seed { return "seed \(a.seed), not \(b.seed)" }
        if a.replicates != b.replicates { return "\(a.replicates) replicates, not \(b.replicates)" }
        if a.version != b.version { return "written by Flywheel \(a.version), not \(b.version)" }
        if a.scenarioText != b.scenarioText { return "the scenario text differs" }
        if aCells != bCells { return "its cells differ" }
        return nil
    }

    /// Closes the database file.
    public func close() throws { try queue.close() }

    /// Whether the shared traffic has been stored.
    public func hasTraffic() throws -> Bool {
        try queue.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM traffic")! > 0 }
    }

    /// Stores the traffic and drift ground truth shared by every cell (once).
    public func storeTraffic(_ traffic: [TrafficRecord], drifts: [DriftTruth]) throws {
        try Self.writing(url) {
            try queue.write { db in
                guard try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM traffic")! == 0 else { return }
                try Self.insert(traffic: traffic, drifts: drifts, db)
            }
        }
        TestHook.reach("sweep.traffic")
    }

    static func insert(traffic: [TrafficRecord], drifts: [DriftTruth], _ db: Database) throws {
        try db.execute(sql: "DELETE FROM drift")
        try SharedTables.insert(drifts: drifts, traffic: traffic, db)
    }

    /// Cells whose every replicate is stored.
    public func completedCells() throws -> Set<String> {
        let reps = manifest.replicates
        return try queue.read { db in
            Set(try String.fetchAll(db, sql: """
                SELECT cell.name FROM cell JOIN run ON run.cell_id = cell.id GROUP BY cell.id HAVING COUNT(*) = ?
                """, arguments: [reps]))
        }
    }

    /// Stores every replicate of one cell in one transaction. `volumes[r]` are replicate r's events
    /// per tick (for the event-weighted summary).
    public func commit(cell: String, runs: [StrategyRun], volumes: [Int: [Double]]) throws {
        guard let id = cells.firstIndex(of: cell) else {
            throw FlywheelError("'\(cell)' is not a cell of this sweep", at: SourceLocation(file: url.path, line: 0))
        }
        let metric = manifest.primaryMetric
        try Self.writing(url) {
            try queue.write { db in
                try db.execute(sql: "DELETE FROM run WHERE cell_id = ?", arguments: [id])
                try db.execute(sql: "DELETE FROM event WHERE cell_id = ?", arguments: [id])
                try db.execute(sql: "DELETE FROM metric WHERE cell_id = ?", arguments: [id])
                let times = RunStore.tickTimes(manifest)
                for run in runs {
                    try Self.insert(run: run, id: id, metric: metric, volume: volumes[run.replicate] ?? [],
                                    times: times, db)
                    TestHook.reach("sqlite.transaction")
                }
            }
        }
    }

    static func insert(run: StrategyRun, id: Int, metric: String, volume: [Double], times: [String],
                       _ db: Database) throws {
        func total(_ name: String) -> Double { (run.values(name) ?? []).reduce(0) { $0 + ($1.isNaN ? 0 : $1) } }
        let m = run.values(metric) ?? []
        var weighted = 0.0, weight = 0.0, errors = 0.0
        for t in 0..<min(m.count, volume.count) where !m[t].isNaN {
            weighted += m[t] * volume[t]
            weight += volume[t]
            errors += (metric == "accuracy" ? 1 - m[t] : m[t]) * volume[t]
        }
        let names = run.series.map(\.name).joined(separator: ",")
        let values: [(any DatabaseValueConvertible)?] = [id, run.replicate, weight > 0 ? weighted / weight : nil, errors, total("trained"), total("deployed"),
                              total("labels"), total("training_samples"), total("cost_error"), total("cost_label"),
                              total("cost_retrain"), total("cost_deploy"), total("cost_total"), names]
        try db.execute(sql: insertRun, arguments: StatementArguments(values))
        try insertSeries(run.series, id: id, replicate: run.replicate, times: times, db)
        for (seq, e) in run.events.enumerated() {
            try db.execute(sql: "INSERT INTO event VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                           arguments: [id, run.replicate, seq, e.tick, e.kind, e.modelVersion, e.samples, e.detail])
        }
    }

    /// The statement inserting one `run` row (``runColumns``).
    static let insertRun = "INSERT INTO run(\(runColumns.joined(separator: ", "))) VALUES ("
        + Array(repeating: "?", count: runColumns.count).joined(separator: ", ") + ")"

    /// The series as little-endian doubles, one after the other (as databases written before
    /// `v3-sweep-rows` hold them).
    static func encode(_ series: [MetricSeries]) -> Data {
        var bytes = [UInt8]()
        bytes.reserveCapacity(series.reduce(0) { $0 + $1.values.count } * 8)
        for s in series {
            for v in s.values {
                withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
            }
        }
        return Data(bytes)
    }

    static func decode(_ data: Data, names: [String], ticks: Int) -> [MetricSeries] {
        let bytes = [UInt8](data)
        return names.enumerated().map { (i, name) in
            var values = [Double](repeating: .nan, count: ticks)
            for t in 0..<ticks {
                let base = (i * ticks + t) * 8
                guard base + 8 <= bytes.count else { break }
                var bits: UInt64 = 0
                for b in 0..<8 { bits |= UInt64(bytes[base + b]) << (8 * UInt64(b)) }
                values[t] = Double(bitPattern: bits)
            }
            return MetricSeries(name: name, values: values)
        }
    }

    // MARK: - Reading

    struct Header {
        var manifest: RunManifest
        var cells: [String]
        var design: String
    }

    static func readHeader(_ queue: DatabaseQueue, url: URL) throws -> Header {
        try queue.read { db in
            guard try db.tableExists("manifest"), try db.tableExists("run") else {
                throw FlywheelError("\(url.path) is not a sweep database", at: SourceLocation(file: url.path, line: 0),
                                    hint: "a sweep database is the sweep.sqlite that `flywheel sweep` writes")
            }
            let (manifest, kv) = try SharedTables.readManifest(db, url: url, kind: "sweep")
            guard let design = kv["design"] else { throw FlywheelError("sweep database lacks manifest key 'design'", at: SourceLocation(file: url.path, line: 0)) }
            let cells = try String.fetchAll(db, sql: "SELECT name FROM cell ORDER BY id")
            return Header(manifest: manifest, cells: cells, design: design)
        }
    }

    static func openReadOnly(_ url: URL) throws -> DatabaseQueue {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw FlywheelError("no sweep database", at: SourceLocation(file: url.path, line: 0), hint: "run `flywheel sweep` first")
        }
        var config = Configuration()
        config.readonly = true
        return try DatabaseQueue(path: url.path, configuration: config)
    }

    /// Reads a sweep database back (for outputs and plots without re-simulating).
    public static func read(_ url: URL) throws -> Contents {
        let queue = try openReadOnly(url)
        defer { try? queue.close() }
        return try read(queue, url: url)
    }

    static func read(_ queue: DatabaseQueue, url: URL) throws -> Contents {
        let header = try readHeader(queue, url: url)
        let m = header.manifest
        return try queue.read { db in
            let drifts = try SharedTables.readDrifts(db)
            let traffic = try SharedTables.readTraffic(db, replicates: m.replicates, ticks: m.clock.ticks)
            var runs: [StrategyRun] = []
            var present: [String] = []
            var missing: [String] = []
            let seriesRows = try hasSeriesRows(db)
            let columns = seriesRows ? "replicate, series_names" : "replicate, series_names, series"
            for (id, name) in header.cells.enumerated() {
                let rows = try Row.fetchAll(db, sql: "SELECT \(columns) FROM run WHERE cell_id = ? ORDER BY replicate",
                                            arguments: [id])
                guard rows.count == m.replicates else { missing.append(name); continue }
                present.append(name)
                for r in rows {
                    let rep: Int = r["replicate"]
                    let names = (r["series_names"] as String).split(separator: ",").map(String.init)
                    let events = try SharedTables.readEvents(db, owner: "cell_id", id: id, replicate: rep)
                    let series = try readSeries(db, rows: seriesRows, id: id, replicate: rep, names: names,
                                                ticks: m.clock.ticks, blob: r)
                    runs.append(StrategyRun(strategy: name, replicate: rep, series: series, events: events))
                }
            }
            let record = RunRecord(manifest: m, strategies: present, runs: runs, traffic: traffic, drifts: drifts)
            return Contents(manifest: m, cells: header.cells, design: header.design, record: record, missing: missing)
        }
    }

    // MARK: - Merging

    /// The outcome of a merge.
    public struct MergeResult: Sendable {
        public var contents: Contents
        /// How many cells each input contributed (in input order).
        public var contributed: [Int]
    }

    /// Joins shard databases of one sweep into a new database at `output`. Every input must hold
    /// the same sweep (scenario text, seed, replicates, version, cells); a cell present in
    /// several inputs must have identical rows there. Cells missing from every input stay missing.
    public static func merge(_ inputs: [URL], into output: URL) throws -> MergeResult {
        guard !inputs.isEmpty else { throw FlywheelError("give at least one sweep database to merge") }
        let queues = try inputs.map { try openReadOnly($0) }
        defer { for q in queues { try? q.close() } }
        let headers = try zip(queues, inputs).map { try readHeader($0, url: $1) }
        let first = headers[0]
        for (h, url) in zip(headers, inputs).dropFirst() {
            if let d = difference(first.manifest, first.cells, h.manifest, h.cells) {
                throw FlywheelError("\(url.path) is not a shard of the same sweep as \(inputs[0].path) (\(d))", at: SourceLocation(file: url.path, line: 0))
            }
        }
        for suffix in ["", "-journal"] { try? FileManager.default.removeItem(atPath: output.path + suffix) }
        let out = try open(output, manifest: first.manifest, cells: first.cells, design: first.design)
        defer { try? out.close() }
        var contributed = [Int](repeating: 0, count: inputs.count)
        let reps = first.manifest.replicates
        try writing(output) { try out.queue.write { odb in
            var trafficDone = false
            for q in queues where !trafficDone {
                try q.read { db in
                    guard try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM traffic")! > 0 else { return }
                    for r in try Row.fetchAll(db, sql: "SELECT * FROM drift ORDER BY id") {
                        try odb.execute(sql: "INSERT INTO drift VALUES (?, ?, ?, ?, ?, ?, ?, ?)", arguments: StatementArguments(Array(r.databaseValues)))
                    }
                    for r in try Row.fetchAll(db, sql: "SELECT * FROM traffic ORDER BY replicate, tick") {
                        try odb.execute(sql: "INSERT INTO traffic VALUES (?, ?, ?, ?)", arguments: StatementArguments(Array(r.databaseValues)))
                    }
                    trafficDone = true
                }
            }
            let ticks = first.manifest.clock.ticks
            let times = RunStore.tickTimes(first.manifest)
            for id in first.cells.indices {
                var chosen: CellRows?
                for (i, q) in queues.enumerated() {
                    let rows = try q.read { db in try cellRows(db, id: id, ticks: ticks) }
                    guard rows.runs.count == reps else { continue }
                    if let chosen {
                        if chosen != rows {
                            throw FlywheelError("cell \(first.cells[id]) differs between the inputs; they cannot be merged",
                                                at: SourceLocation(file: inputs[i].path, line: 0))
                        }
                    } else {
                        chosen = rows
                        contributed[i] += 1
                    }
                }
                guard let chosen else { continue }
                for (run, series) in zip(chosen.runs, chosen.series) {
                    try odb.execute(sql: insertRun, arguments: StatementArguments(run))
                    try insertSeries(series, id: id, replicate: Int.fromDatabaseValue(run[1]) ?? 0, times: times, odb)
                }
                for e in chosen.events {
                    try odb.execute(sql: "INSERT INTO event VALUES (?, ?, ?, ?, ?, ?, ?, ?)", arguments: StatementArguments(Array(e.databaseValues)))
                }
            }
        } }
        let contents = try read(out.queue, url: output)
        return MergeResult(contents: contents, contributed: contributed)
    }
}
