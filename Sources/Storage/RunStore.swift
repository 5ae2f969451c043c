import FlywheelCore
import Foundation
import GRDB

/// The SQLite database of a run (`run.sqlite`): manifest, drift ground truth, traffic, per-tick
/// metrics and strategy events, queryable with plain SQL.
///
/// Schema (migration `v1`):
/// - `manifest(key TEXT PRIMARY KEY, value TEXT)` — scenario name, text, file, seed, version,
///   clock, primary metric, reference, costs;
/// - `strategy(id INTEGER PRIMARY KEY, name TEXT UNIQUE)` in scenario order;
/// - `drift(id, type, target, start, end, peak, change_point, detail)`;
/// - `traffic(replicate, tick, events, bayes_accuracy)`;
/// - `metric(strategy_id → strategy, replicate, tick, name, value)` — NaN values are omitted;
/// - `event(strategy_id → strategy, replicate, seq, tick, kind, model_version, samples, detail)`.
public enum RunStore {
    /// The tables a run and a sweep database share: `manifest`, `drift` and `traffic`.
    static func createSharedTables(_ db: Database) throws {
        try db.create(table: "manifest") { t in
            t.column("key", .text).primaryKey()
            t.column("value", .text).notNull()
        }
        try db.create(table: "drift") { t in
            t.column("id", .integer).primaryKey()
            t.column("type", .text).notNull()
            t.column("target", .text).notNull()
            t.column("start", .double).notNull()
            t.column("end", .double).notNull()
            t.column("peak", .double).notNull()
            t.column("change_point", .double).notNull()
            t.column("detail", .text).notNull()
        }
        try db.create(table: "traffic") { t in
            t.column("replicate", .integer).notNull()
            t.column("tick", .integer).notNull()
            t.column("events", .double).notNull()
            t.column("bayes_accuracy", .double)
            t.primaryKey(["replicate", "tick"])
        }
    }

    static func migrator() -> DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try RunStore.createSharedTables(db)
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
            try db.create(table: "event") { t in
                t.column("strategy_id", .integer).notNull().references("strategy")
                t.column("replicate", .integer).notNull()
                t.column("seq", .integer).notNull()
                t.column("tick", .integer).notNull()
                t.column("kind", .text).notNull()
                t.column("model_version", .integer).notNull()
                t.column("samples", .integer).notNull()
                t.column("detail", .text).notNull()
                t.primaryKey(["strategy_id", "replicate", "seq"])
            }
        }
        return m
    }

    /// Writes the record to a new database file at `url` (in one transaction).
    public static func write(_ record: RunRecord, to url: URL) throws {
        try? FileManager.default.removeItem(at: url)
        let queue = try DatabaseQueue(path: url.path)
        try migrator().migrate(queue)
        try queue.write { db in
            let m = record.manifest
            let manifest: [(String, String)] = [
                ("scenario_name", m.scenarioName), ("description", m.description), ("scenario_text", m.scenarioText),
                ("scenario_file", m.scenarioFile), ("seed", String(m.seed)), ("replicates", String(m.replicates)),
                ("version", m.version), ("tick_seconds", String(m.clock.tick.seconds)), ("ticks", String(m.clock.ticks)),
                ("start", String(m.clock.start)), ("primary_metric", m.primaryMetric), ("reference", m.reference ?? ""),
                ("detection_tolerance", String(m.detectionTolerance)), ("performance_floor", m.performanceFloor.map(csvNumber) ?? ""),
            ] + m.costs.sorted { $0.key < $1.key }.map { ("cost.\($0.key)", csvNumber($0.value)) }
            for (k, v) in manifest { try db.execute(sql: "INSERT INTO manifest(key, value) VALUES (?, ?)", arguments: [k, v]) }
            for (i, s) in record.strategies.enumerated() {
                try db.execute(sql: "INSERT INTO strategy(id, name) VALUES (?, ?)", arguments: [i, s])
            }
            for d in record.drifts {
                try db.execute(sql: "INSERT INTO drift VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                               arguments: [d.id, d.type, d.target, d.start, d.end, d.peak, d.changePoint, d.detail])
            }
            let traffic = try db.makeStatement(sql: "INSERT INTO traffic VALUES (?, ?, ?, ?)")
            for tr in record.traffic {
                for t in 0..<tr.volume.count {
                    try traffic.execute(arguments: [tr.replicate, t, tr.volume[t], tr.bayes[t].isNaN ? nil : tr.bayes[t]])
                }
            }
            let ids = Dictionary(uniqueKeysWithValues: record.strategies.enumerated().map { ($1, $0) })
            let metric = try db.makeStatement(sql: "INSERT INTO metric VALUES (?, ?, ?, ?, ?)")
            let event = try db.makeStatement(sql: "INSERT INTO event VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
            for run in record.runs {
                let id = ids[run.strategy]!
                for s in run.series {
                    for (t, v) in s.values.enumerated() where !v.isNaN {
                        try metric.execute(arguments: [id, run.replicate, t, s.name, v])
                    }
                }
                for (seq, e) in run.events.enumerated() {
                    try event.execute(arguments: [id, run.replicate, seq, e.tick, e.kind, e.modelVersion, e.samples, e.detail])
                }
            }
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
            var kv: [String: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT key, value FROM manifest") { kv[row["key"]] = row["value"] }
            func need(_ k: String) throws -> String {
                guard let v = kv[k] else { throw FlywheelError("run database lacks manifest key '\(k)'", at: SourceLocation(file: url.path, line: 0)) }
                return v
            }
            let clock = Clock(tick: Span(seconds: Int64(try need("tick_seconds")) ?? 86_400), ticks: Int(try need("ticks")) ?? 0,
                              start: Int64(try need("start")) ?? 0)
            var costs: [String: Double] = [:]
            for (k, v) in kv where k.hasPrefix("cost.") { costs[String(k.dropFirst(5))] = Double(v) }
            let ref = try need("reference")
            let manifest = RunManifest(scenarioName: try need("scenario_name"), description: kv["description"] ?? "",
                                       scenarioText: try need("scenario_text"), scenarioFile: kv["scenario_file"] ?? "",
                                       seed: UInt64(try need("seed")) ?? 0, replicates: Int(try need("replicates")) ?? 1,
                                       version: try need("version"), clock: clock, primaryMetric: try need("primary_metric"),
                                       reference: ref.isEmpty ? nil : ref, costs: costs,
                                       detectionTolerance: Int(kv["detection_tolerance"] ?? "") ?? 10,
                                       performanceFloor: Double(kv["performance_floor"] ?? ""))
            let strategies = try String.fetchAll(db, sql: "SELECT name FROM strategy ORDER BY id")
            let drifts = try Row.fetchAll(db, sql: "SELECT * FROM drift ORDER BY id").map { r in
                DriftTruth(id: r["id"], type: r["type"], target: r["target"], start: r["start"], end: r["end"], peak: r["peak"],
                           changePoint: r["change_point"], detail: r["detail"])
            }
            var traffic: [TrafficRecord] = []
            for rep in 0..<manifest.replicates {
                var vol = [Double](repeating: 0, count: clock.ticks), bayes = [Double](repeating: .nan, count: clock.ticks)
                for r in try Row.fetchAll(db, sql: "SELECT tick, events, bayes_accuracy FROM traffic WHERE replicate = ?", arguments: [rep]) {
                    let t: Int = r["tick"]
                    vol[t] = r["events"]
                    bayes[t] = (r["bayes_accuracy"] as Double?) ?? .nan
                }
                traffic.append(TrafficRecord(replicate: rep, volume: vol, bayes: bayes))
            }
            var runs: [StrategyRun] = []
            let names = try String.fetchAll(db, sql: "SELECT DISTINCT name FROM metric ORDER BY rowid")
            for (id, s) in strategies.enumerated() {
                for rep in 0..<manifest.replicates {
                    var series = names.map { MetricSeries(name: $0, values: [Double](repeating: .nan, count: clock.ticks)) }
                    let index = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
                    for r in try Row.fetchAll(db, sql: "SELECT tick, name, value FROM metric WHERE strategy_id = ? AND replicate = ?", arguments: [id, rep]) {
                        series[index[r["name"]]!].values[r["tick"]] = r["value"]
                    }
                    let events = try Row.fetchAll(db, sql: "SELECT * FROM event WHERE strategy_id = ? AND replicate = ? ORDER BY seq", arguments: [id, rep]).map { r in
                        StrategyEvent(kind: r["kind"], tick: r["tick"], modelVersion: r["model_version"], samples: r["samples"], detail: r["detail"])
                    }
                    runs.append(StrategyRun(strategy: s, replicate: rep, series: series, events: events))
                }
            }
            return RunRecord(manifest: manifest, strategies: strategies, runs: runs, traffic: traffic, drifts: drifts)
        }
    }
}
