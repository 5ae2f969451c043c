import Analysis
import FlywheelCore
import Foundation
import GRDB

/// The SQLite database of a run (`run.sqlite`): manifest, drift ground truth, traffic, per-tick
/// metrics and strategy events, queryable with plain SQL.
///
/// Schema (migration `v1`; `training_time`, migration `v2-training-time`, in `RunStore+TrainingTime.swift`;
/// `summary` and `metric.time`, migration `v3-summary`, in `RunStore+Summary.swift`; `strategy_config`,
/// migration `v3-strategy-config`, in `RunStore+Strategies.swift`):
/// - `manifest(key TEXT PRIMARY KEY, value TEXT)` — scenario name, text, file, seed, version,
///   clock, primary metric, reference, costs;
/// - `strategy(id INTEGER PRIMARY KEY, name TEXT UNIQUE)` in scenario order;
/// - `drift(id, type, target, start, end, peak, change_point, detail)`;
/// - `traffic(replicate, tick, events, bayes_accuracy)`;
/// - `metric(strategy_id → strategy, replicate, tick, name, value, time)` — NaN values are omitted;
/// - `event(strategy_id → strategy, replicate, seq, tick, kind, model_version, samples, detail)`.
public enum RunStore {
    static func migrator() -> DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try SharedTables.create(db)
            try db.create(table: "strategy") { t in
                t.column("id", .integer).primaryKey()
                t.column("name", .text).notNull().unique()
            }
            try db.create(table: "metric") { t in
                t.column("strategy_id", .integer).notNull().references("strategy")
                t.column("replicate", .integer).notNull()
                t.column("tick", .integer).notNull()
                t.column("name", .text).notNull()
                t.column("value", .double).notNull()
                t.primaryKey(["strategy_id", "replicate", "name", "tick"])
            }
            try SharedTables.createEvents(db, owner: "strategy_id", references: "strategy")
        }
        registerTrainingTime(&m)
        registerOracle(&m)
        registerSummary(&m)
        registerStrategies(&m)
        return m
    }

    /// Writes the record (and the run's hindsight-optimal schedule, if any) to a new database file
    /// at `url` (in one transaction). `summary` is the text of `summary.csv` (computed from the
    /// record when not given); `strategies` each strategy's components as the run used them
    /// (`strategy_config`).
    public static func write(_ record: RunRecord, to url: URL, oracle: StoredOracle? = nil,
                             summary: String? = nil, strategies: [StrategySetting] = []) throws {
        let summary = summary ?? CSVExport.summary(record, RunSummary.summarize(record))
        try SweepStore.writing(url) {
            try insert(record, oracle: oracle, summary: summary, strategies: strategies, into: url)
        }
    }

    private static func insert(_ record: RunRecord, oracle: StoredOracle?, summary: String,
                               strategies: [StrategySetting], into url: URL) throws {
        try? FileManager.default.removeItem(at: url)
        let queue = try DatabaseQueue(path: url.path)
        defer { try? queue.close() }
        try migrator().migrate(queue)
        try queue.write { db in
            try SharedTables.insertManifest(SharedTables.manifestRows(record.manifest), db)
            TestHook.reach("sqlite.transaction")
            for (i, s) in record.strategies.enumerated() {
                try db.execute(sql: "INSERT INTO strategy(id, name) VALUES (?, ?)", arguments: [i, s])
            }
            try SharedTables.insert(drifts: record.drifts, traffic: record.traffic, db)
            let ids = Dictionary(uniqueKeysWithValues: record.strategies.enumerated().map { ($1, $0) })
            let metric = try db.makeStatement(
                sql: "INSERT INTO metric(strategy_id, replicate, tick, name, value, time) VALUES (?, ?, ?, ?, ?, ?)")
            let times = tickTimes(record.manifest)
            let event = try db.makeStatement(sql: "INSERT INTO event VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
            for run in record.runs {
                let id = ids[run.strategy]!
                for s in run.series {
                    for (t, v) in s.values.enumerated() where !v.isNaN {
                        let time = t < times.count ? times[t] : nil
                        try metric.execute(arguments: [id, run.replicate, t, s.name, v, time])
                    }
                }
                for (seq, e) in run.events.enumerated() {
                    try event.execute(arguments: [id, run.replicate, seq, e.tick, e.kind, e.modelVersion, e.samples, e.detail])
                }
            }
            try insertTrainingTimes(record, ids: ids, db)
            if let oracle { try insertOracle(oracle, db) }
            try insertSummary(csv: summary, db)
            try insertStrategies(strategies, db)
        }
        try queue.close()
    }

    /// Reads a run record back from its database (for reports and plots without re-simulating).
    public static func read(_ url: URL) throws -> RunRecord {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw FlywheelError("no run database", at: SourceLocation(file: url.path, line: 0), hint: "run `flywheel run` first")
        }
        var config = Configuration()
        config.readonly = true
        let queue = try DatabaseQueue(path: url.path, configuration: config)
        return try queue.read { db in
            let (manifest, _) = try SharedTables.readManifest(db, url: url, kind: "run")
            let clock = manifest.clock
            let strategies = try String.fetchAll(db, sql: "SELECT name FROM strategy ORDER BY id")
            let drifts = try SharedTables.readDrifts(db)
            var traffic = try SharedTables.readTraffic(db, replicates: manifest.replicates, ticks: clock.ticks)
            if traffic.isEmpty {
                traffic = (0..<manifest.replicates).map { TrafficRecord(replicate: $0, volume: [Double](repeating: 0, count: clock.ticks), bayes: [Double](repeating: .nan, count: clock.ticks)) }
            }
            var runs: [StrategyRun] = []
            let times = try readTrainingTimes(db)
            let names = try String.fetchAll(db, sql: "SELECT DISTINCT name FROM metric ORDER BY rowid")
            for (id, s) in strategies.enumerated() {
                for rep in 0..<manifest.replicates {
                    var series = names.map { MetricSeries(name: $0, values: [Double](repeating: .nan, count: clock.ticks)) }
                    let index = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
                    for r in try Row.fetchAll(db, sql: "SELECT tick, name, value FROM metric WHERE strategy_id = ? AND replicate = ?", arguments: [id, rep]) {
                        series[index[r["name"]]!].values[r["tick"]] = r["value"]
                    }
                    let events = try SharedTables.readEvents(db, owner: "strategy_id", id: id, replicate: rep)
                    var run = StrategyRun(strategy: s, replicate: rep, series: series, events: events)
                    run.trainingTimes = times[[id, rep]] ?? []
                    runs.append(run)
                }
            }
            return RunRecord(manifest: manifest, strategies: strategies, runs: runs, traffic: traffic, drifts: drifts)
        }
    }
}
