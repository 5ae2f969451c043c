import FlywheelCore
import GRDB

/// The `training_time` table of `run.sqlite` (migration `v2-training-time`): one row per training
/// of each strategy and replicate —
/// `training_time(strategy_id → strategy, replicate, tick, rows, work_units, seconds)`, the
/// measured wall time of a job's fit or of a tick's online update. Wall times differ between runs,
/// so they are stored here and in no CSV, e.g.
/// `SELECT s.name, sum(seconds) FROM training_time JOIN strategy s ON s.id = strategy_id GROUP BY 1`.
extension RunStore {
    static func registerTrainingTime(_ m: inout DatabaseMigrator) {
        m.registerMigration("v2-training-time") { db in
            try db.create(table: "training_time") { t in
                t.column("strategy_id", .integer).notNull().references("strategy")
                t.column("replicate", .integer).notNull()
                t.column("tick", .integer).notNull()
                t.column("rows", .integer).notNull()
                t.column("work_units", .double).notNull()
                t.column("seconds", .double).notNull()
            }
        }
    }

    /// The stored trainings of each strategy (by id) and replicate, in the order they were
    /// written; none for a database written before the table existed.
    static func readTrainingTimes(_ db: Database) throws -> [[Int]: [TrainingTime]] {
        guard try db.tableExists("training_time") else { return [:] }
        var out: [[Int]: [TrainingTime]] = [:]
        for r in try Row.fetchAll(db, sql: "SELECT * FROM training_time ORDER BY rowid") {
            let key: [Int] = [r["strategy_id"], r["replicate"]]
            out[key, default: []].append(TrainingTime(tick: r["tick"], rows: r["rows"], workUnits: r["work_units"],
                                                      seconds: r["seconds"]))
        }
        return out
    }

    static func insertTrainingTimes(_ record: RunRecord, ids: [String: Int], _ db: Database) throws {
        let row = try db.makeStatement(sql: "INSERT INTO training_time VALUES (?, ?, ?, ?, ?, ?)")
        for run in record.runs {
            guard let id = ids[run.strategy] else { continue }
            for t in run.trainingTimes {
                try row.execute(arguments: [id, run.replicate, t.tick, t.rows, t.workUnits, t.seconds])
            }
        }
    }
}
