import FlywheelCore
import Foundation
import GRDB

/// The parts a run database and a sweep database share: the manifest, the drift ground truth and
/// the traffic, written and read the same way.
enum SharedTables {
    static func create(_ db: Database) throws {
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

    /// The `event` table: what each strategy did, per replicate, in order; `owner` is the column
    /// naming the strategy (`strategy_id` in a run, `cell_id` in a sweep) and `table` what it references.
    static func createEvents(_ db: Database, owner: String, references table: String) throws {
        try db.create(table: "event") { t in
            t.column(owner, .integer).notNull().references(table)
            t.column("replicate", .integer).notNull()
            t.column("seq", .integer).notNull()
            t.column("tick", .integer).notNull()
            t.column("kind", .text).notNull()
            t.column("model_version", .integer).notNull()
            t.column("samples", .integer).notNull()
            t.column("detail", .text).notNull()
            t.primaryKey([owner, "replicate", "seq"])
        }
    }

    /// The events of one strategy (by its `owner` column) on one replicate, in order.
    static func readEvents(_ db: Database, owner: String, id: Int, replicate: Int) throws -> [StrategyEvent] {
        try Row.fetchAll(db, sql: "SELECT * FROM event WHERE \(owner) = ? AND replicate = ? ORDER BY seq", arguments: [id, replicate]).map { r in
            StrategyEvent(kind: r["kind"], tick: r["tick"], modelVersion: r["model_version"], samples: r["samples"], detail: r["detail"])
        }
    }

    /// The manifest as key–value rows (costs as `cost.<name>`), plus any `extra` rows.
    static func manifestRows(_ m: RunManifest, extra: [(String, String)] = []) -> [(String, String)] {
        [
            ("scenario_name", m.scenarioName), ("description", m.description), ("scenario_text", m.scenarioText),
            ("scenario_file", m.scenarioFile), ("seed", String(m.seed)), ("replicates", String(m.replicates)),
            ("version", m.version), ("tick_seconds", String(m.clock.tick.seconds)), ("ticks", String(m.clock.ticks)),
            ("start", String(m.clock.start)), ("primary_metric", m.primaryMetric), ("reference", m.reference ?? ""),
            ("detection_tolerance", String(m.detectionTolerance)), ("performance_floor", m.performanceFloor.map(NumberText.plain) ?? ""),
            ("traffic", m.replayed ? "replay" : "synthetic"), ("requested_metrics", m.requestedMetrics.joined(separator: ",")),
        ] + tickBasisRows(m.clock.basis) + extra + m.costs.sorted { $0.key < $1.key }.map { ("cost.\($0.key)", NumberText.plain($0.value)) }
            + m.observableLag.sorted { $0.key < $1.key }.map { ("observable_lag.\($0.key)", String($0.value)) }
    }

    /// The manifest rows saying what a tick is: `tick_basis` (`synthetic`, `file_time` or `rows`)
    /// and, for row ticks, `tick_rows` and the scored rows' `first_time` / `last_time` (epoch
    /// seconds, empty without a timestamp column).
    static func tickBasisRows(_ basis: TickBasis) -> [(String, String)] {
        guard case .rows(let n, let first, let last) = basis else { return [("tick_basis", basis.name)] }
        return [("tick_basis", basis.name), ("tick_rows", String(n)), ("first_time", first.map(String.init) ?? ""),
                ("last_time", last.map(String.init) ?? "")]
    }

    /// The tick basis of manifest rows; a database written before they were recorded has the
    /// basis of its traffic (a replay's ticks taken as the file's time).
    static func tickBasis(_ kv: [String: String]) -> TickBasis {
        switch kv["tick_basis"] {
        case "synthetic": return .synthetic
        case "file_time": return .fileTime
        case "rows":
            return .rows(Int(kv["tick_rows"] ?? "") ?? 1, first: Int64(kv["first_time"] ?? ""),
                         last: Int64(kv["last_time"] ?? ""))
        default:
            let replayed = kv["traffic"].map { $0 == "replay" } ?? replaysAFile(kv["scenario_text"] ?? "")
            return replayed ? .fileTime : .synthetic
        }
    }

    static func insertManifest(_ rows: [(String, String)], _ db: Database) throws {
        for (k, v) in rows { try db.execute(sql: "INSERT INTO manifest(key, value) VALUES (?, ?)", arguments: [k, v]) }
    }

    /// Every manifest row, and the manifest they describe; `kind` names the database in errors.
    static func readManifest(_ db: Database, url: URL, kind: String) throws -> (RunManifest, [String: String]) {
        var kv: [String: String] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT key, value FROM manifest") { kv[row["key"]] = row["value"] }
        func need(_ k: String) throws -> String {
            guard let v = kv[k] else { throw FlywheelError("\(kind) database lacks manifest key '\(k)'", at: SourceLocation(file: url.path, line: 0)) }
            return v
        }
        var clock = Clock(tick: Span(seconds: Int64(try need("tick_seconds")) ?? 86_400), ticks: Int(try need("ticks")) ?? 0,
                          start: Int64(try need("start")) ?? 0)
        clock.basis = tickBasis(kv)
        var costs: [String: Double] = [:]
        for (k, v) in kv where k.hasPrefix("cost.") { costs[String(k.dropFirst(5))] = Double(v) }
        let ref = try need("reference")
        var manifest = RunManifest(scenarioName: try need("scenario_name"), description: kv["description"] ?? "",
                                   scenarioText: try need("scenario_text"), scenarioFile: kv["scenario_file"] ?? "",
                                   seed: UInt64(try need("seed")) ?? 0, replicates: Int(try need("replicates")) ?? 1,
                                   version: try need("version"), clock: clock, primaryMetric: try need("primary_metric"),
                                   reference: ref.isEmpty ? nil : ref, costs: costs,
                                   detectionTolerance: Int(kv["detection_tolerance"] ?? "") ?? 10,
                                   performanceFloor: Double(kv["performance_floor"] ?? ""),
                                   replayed: kv["traffic"].map { $0 == "replay" } ?? replaysAFile(kv["scenario_text"] ?? ""))
        // A database written before it was recorded reads as none requested.
        manifest.requestedMetrics = (kv["requested_metrics"] ?? "").split(separator: ",").map(String.init)
        for (k, v) in kv where k.hasPrefix("observable_lag.") {
            manifest.observableLag[String(k.dropFirst("observable_lag.".count))] = Int(v)
        }
        return (manifest, kv)
    }

    /// For databases written before the manifest said where the traffic came from: the scenario's
    /// stream has a `replay:` mapping.
    static func replaysAFile(_ scenarioText: String) -> Bool {
        scenarioText.split(separator: "\n").contains { line in
            let code = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            return code.trimmingCharacters(in: .whitespaces).hasPrefix("replay:") || code.contains("replay: {")
        }
    }

    static func insert(drifts: [DriftTruth], traffic: [TrafficRecord], _ db: Database) throws {
        for d in drifts {
            try db.execute(sql: "INSERT INTO drift VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                           arguments: [d.id, d.type, d.target, d.start, d.end, d.peak, d.changePoint, d.detail])
        }
        try insertChangePoints(drifts, db)
        let st = try db.makeStatement(sql: "INSERT INTO traffic VALUES (?, ?, ?, ?)")
        for tr in traffic {
            for t in 0..<tr.volume.count {
                try st.execute(arguments: [tr.replicate, t, tr.volume[t], tr.bayes[t].isNaN ? nil : tr.bayes[t]])
            }
        }
    }

    static func readDrifts(_ db: Database) throws -> [DriftTruth] {
        var points: [Int: [Double]] = [:]
        if try db.tableExists("change_point") {
            for r in try Row.fetchAll(db, sql: "SELECT drift_id, position FROM change_point ORDER BY drift_id, seq") {
                points[r["drift_id"], default: []].append(r["position"])
            }
        }
        return try Row.fetchAll(db, sql: "SELECT * FROM drift ORDER BY id").map { r in
            let id: Int = r["id"]
            return DriftTruth(id: id, type: r["type"], target: r["target"], start: r["start"], end: r["end"],
                              peak: r["peak"], changePoint: r["change_point"], detail: r["detail"],
                              changePoints: points[id])
        }
    }

    /// Every change point of each drift (a periodic drift's cycle onsets, a temporary drift's onset
    /// and revert), in a table of its own so that databases written before it still read: a drift
    /// without rows there has its one `change_point`.
    static func insertChangePoints(_ drifts: [DriftTruth], _ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE IF NOT EXISTS change_point (drift_id INTEGER NOT NULL, seq INTEGER NOT NULL,
            position DOUBLE NOT NULL, PRIMARY KEY (drift_id, seq))
            """)
        try db.execute(sql: "DELETE FROM change_point")
        for d in drifts {
            for (i, p) in d.changePoints.enumerated() {
                try db.execute(sql: "INSERT INTO change_point VALUES (?, ?, ?)", arguments: [d.id, i, p])
            }
        }
    }

    /// Each replicate's traffic over `ticks` ticks (empty when none is stored).
    static func readTraffic(_ db: Database, replicates: Int, ticks: Int) throws -> [TrafficRecord] {
        guard try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM traffic")! > 0 else { return [] }
        return try (0..<replicates).map { rep in
            var vol = [Double](repeating: 0, count: ticks), bayes = [Double](repeating: .nan, count: ticks)
            for r in try Row.fetchAll(db, sql: "SELECT tick, events, bayes_accuracy FROM traffic WHERE replicate = ?", arguments: [rep]) {
                let t: Int = r["tick"]
                guard t < ticks else { continue }
                vol[t] = r["events"]
                bayes[t] = (r["bayes_accuracy"] as Double?) ?? .nan
            }
            return TrafficRecord(replicate: rep, volume: vol, bayes: bayes)
        }
    }
}
