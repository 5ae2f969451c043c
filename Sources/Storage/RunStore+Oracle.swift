import FlywheelCore
import Foundation
import GRDB

/// What `run.sqlite` keeps of a run's hindsight-optimal schedule (migration `v2-oracle`), so that
/// `flywheel report` redraws the oracle's section, curve and age-matrix heatmap without
/// re-simulating:
///
/// - `oracle(strategy, max_age)`: the strategy whose dataset policy the oracle uses, and the
///   longest a retrained model may serve, in ticks;
/// - `oracle_replicate(replicate, ticks, optimum, deploy_cost, price, classification)`;
/// - `oracle_tick(replicate, tick, cost, initial_errors, train_cost, train_rows, label_cost, events)`:
///   the optimal schedule's cost per tick, the initial model's errors, and the price and rows of a
///   model that goes live at that tick (NULL where none can);
/// - `oracle_training(replicate, tick)`: the ticks at which the optimal schedule's models go live;
/// - `age_matrix(replicate, training_tick, evaluation_tick, errors)`: the errors (wrong predictions,
///   or summed absolute errors) of the evaluation tick under the model live at the training tick,
///   e.g. `SELECT evaluation_tick - training_tick AS age, avg(errors) FROM age_matrix GROUP BY age`.
public struct StoredOracle: Sendable, Equatable {
    public struct Replicate: Sendable, Equatable {
        public var replicate: Int, ticks: Int, optimum: Double
        public var trainings: [Int], costPerTick: [Double]
        public var initial: [Double], cells: [Double], trainCost: [Double], trainSamples: [Int]
        public var labelCost: [Double], events: [Double]
        public var deployCost: Double, price: Double, classification: Bool

        public init(replicate: Int, ticks: Int, optimum: Double, trainings: [Int], costPerTick: [Double],
                    initial: [Double], cells: [Double], trainCost: [Double], trainSamples: [Int], labelCost: [Double],
                    events: [Double], deployCost: Double, price: Double, classification: Bool) {
            self.replicate = replicate; self.ticks = ticks; self.optimum = optimum
            self.trainings = trainings; self.costPerTick = costPerTick
            self.initial = initial; self.cells = cells; self.trainCost = trainCost; self.trainSamples = trainSamples
            self.labelCost = labelCost; self.events = events
            self.deployCost = deployCost; self.price = price; self.classification = classification
        }
    }
    public var strategy: String
    public var maxAge: Int
    public var replicates: [Replicate]

    public init(strategy: String, maxAge: Int, replicates: [Replicate]) {
        self.strategy = strategy
        self.maxAge = maxAge
        self.replicates = replicates
    }
}

extension RunStore {
    static func registerOracle(_ m: inout DatabaseMigrator) {
        m.registerMigration("v2-oracle") { db in
            try db.create(table: "oracle") { t in
                t.column("strategy", .text).notNull()
                t.column("max_age", .integer).notNull()
            }
            try db.create(table: "oracle_replicate") { t in
                t.column("replicate", .integer).primaryKey()
                t.column("ticks", .integer).notNull()
                t.column("optimum", .double).notNull()
                t.column("deploy_cost", .double).notNull()
                t.column("price", .double).notNull()
                t.column("classification", .boolean).notNull()
            }
            try db.create(table: "oracle_tick") { t in
                t.column("replicate", .integer).notNull()
                t.column("tick", .integer).notNull()
                t.column("cost", .double)
                t.column("initial_errors", .double)
                t.column("train_cost", .double)
                t.column("train_rows", .integer).notNull()
                t.column("label_cost", .double).notNull()
                t.column("events", .double).notNull()
                t.primaryKey(["replicate", "tick"])
            }
            try db.create(table: "oracle_training") { t in
                t.column("replicate", .integer).notNull()
                t.column("tick", .integer).notNull()
            }
            try db.create(table: "age_matrix") { t in
                t.column("replicate", .integer).notNull()
                t.column("training_tick", .integer).notNull()
                t.column("evaluation_tick", .integer).notNull()
                t.column("errors", .double).notNull()
            }
        }
    }

    /// NaN is stored as NULL.
    private static func value(_ x: Double) -> Double? { x.isNaN ? nil : x }

    static func insertOracle(_ o: StoredOracle, _ db: Database) throws {
        try db.execute(sql: "INSERT INTO oracle VALUES (?, ?)", arguments: [o.strategy, o.maxAge])
        let tick = try db.makeStatement(sql: "INSERT INTO oracle_tick VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
        let training = try db.makeStatement(sql: "INSERT INTO oracle_training VALUES (?, ?)")
        let cell = try db.makeStatement(sql: "INSERT INTO age_matrix VALUES (?, ?, ?, ?)")
        for r in o.replicates {
            try db.execute(sql: "INSERT INTO oracle_replicate VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [r.replicate, r.ticks, r.optimum, r.deployCost, r.price, r.classification])
            for t in 0..<r.ticks {
                try tick.execute(arguments: [r.replicate, t, value(r.costPerTick[t]), value(r.initial[t]), value(r.trainCost[t]),
                                             r.trainSamples[t], r.labelCost[t], r.events[t]])
            }
            for t in r.trainings { try training.execute(arguments: [r.replicate, t]) }
            for s in 0..<r.ticks {
                for k in 0..<o.maxAge where s * o.maxAge + k < r.cells.count {
                    let e = r.cells[s * o.maxAge + k]
                    if !e.isNaN { try cell.execute(arguments: [r.replicate, s, s + k + 1, e]) }
                }
            }
        }
    }

    /// The oracle stored with a run, nil when the run had none (or the database predates it).
    public static func readOracle(_ url: URL) throws -> StoredOracle? {
        var config = Configuration()
        config.readonly = true
        let queue = try DatabaseQueue(path: url.path, configuration: config)
        defer { try? queue.close() }
        return try queue.read { db -> StoredOracle? in
            guard try db.tableExists("oracle"), let head = try Row.fetchOne(db, sql: "SELECT strategy, max_age FROM oracle")
            else { return nil }
            let maxAge: Int = head["max_age"]
            var replicates: [StoredOracle.Replicate] = []
            for row in try Row.fetchAll(db, sql: "SELECT * FROM oracle_replicate ORDER BY replicate") {
                let rep: Int = row["replicate"], ticks: Int = row["ticks"]
                guard ticks >= 0, ticks <= 10_000_000, maxAge >= 0, maxAge <= 10_000_000 else {
                    throw FlywheelError("the oracle tables are damaged", at: SourceLocation(file: url.path, line: 0))
                }
                var r = StoredOracle.Replicate(
                    replicate: rep, ticks: ticks, optimum: row["optimum"], trainings: [],
                    costPerTick: .init(repeating: 0, count: ticks), initial: .init(repeating: .nan, count: ticks),
                    cells: .init(repeating: .nan, count: ticks * maxAge), trainCost: .init(repeating: .nan, count: ticks),
                    trainSamples: .init(repeating: 0, count: ticks), labelCost: .init(repeating: 0, count: ticks),
                    events: .init(repeating: 0, count: ticks), deployCost: row["deploy_cost"], price: row["price"],
                    classification: row["classification"])
                for t in try Row.fetchAll(db, sql: "SELECT * FROM oracle_tick WHERE replicate = ?", arguments: [rep]) {
                    let k: Int = t["tick"]
                    guard k >= 0, k < ticks else { continue }
                    r.costPerTick[k] = (t["cost"] as Double?) ?? .nan
                    r.initial[k] = (t["initial_errors"] as Double?) ?? .nan
                    r.trainCost[k] = (t["train_cost"] as Double?) ?? .nan
                    r.trainSamples[k] = t["train_rows"]
                    r.labelCost[k] = t["label_cost"]
                    r.events[k] = t["events"]
                }
                r.trainings = try Int.fetchAll(db, sql: "SELECT tick FROM oracle_training WHERE replicate = ? ORDER BY tick",
                                               arguments: [rep])
                for c in try Row.fetchAll(db, sql: "SELECT training_tick, evaluation_tick, errors FROM age_matrix WHERE replicate = ?",
                                          arguments: [rep]) {
                    let s: Int = c["training_tick"], t: Int = c["evaluation_tick"]
                    let k = t - s - 1
                    if s >= 0, s < ticks, k >= 0, k < maxAge { r.cells[s * maxAge + k] = c["errors"] }
                }
                replicates.append(r)
            }
            return StoredOracle(strategy: head["strategy"], maxAge: maxAge, replicates: replicates)
        }
    }
}
