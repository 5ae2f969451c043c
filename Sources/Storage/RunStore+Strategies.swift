import FlywheelCore
import Foundation
import GRDB

/// Each strategy's components as the run used them (migration `v3-strategy-config`), so that
/// `flywheel report` re-renders the report's "Strategies under test" table without re-simulating:
///
/// - `strategy_config(strategy, role, component, parameters)`: one row per strategy and role, in
///   scenario order then the roles' order (``StrategySetting/roles``; `rowid` keeps it). `role` is
///   `trigger`, `dataset`, `model`, `labels`, `logging`, `gate`, `rollout` or `training`;
///   `component` the component's name in scenarios (`every`, `window`, `logistic_regression`…);
///   `parameters` every parameter it used, defaults filled in, as the canonical text
///   ``StrategySetting/parametersText`` (`every=7d, cooldown=0, min_new_labels=1`: entries split at
///   `, ` outside brackets, each at its first `=`; nested lists use `; `).
///
/// For example `SELECT strategy, parameters FROM strategy_config WHERE role = 'trigger'`. A database
/// written before this table reads back with no settings (the report then has no such table).
extension RunStore {
    static func registerStrategies(_ m: inout DatabaseMigrator) {
        m.registerMigration("v3-strategy-config") { db in
            try db.create(table: "strategy_config") { t in
                t.column("strategy", .text).notNull()
                t.column("role", .text).notNull()
                t.column("component", .text).notNull()
                t.column("parameters", .text).notNull()
                t.primaryKey(["strategy", "role"])
            }
        }
    }

    static func insertStrategies(_ settings: [StrategySetting], _ db: Database) throws {
        let insert = try db.makeStatement(sql: "INSERT INTO strategy_config VALUES (?, ?, ?, ?)")
        for s in settings {
            try insert.execute(arguments: [s.strategy, s.role, s.component, s.parametersText])
        }
    }

    /// The settings stored with a run, in the order they were written; empty when the database
    /// predates the `strategy_config` table. A `parameters` text that does not parse is an error
    /// naming the database, the strategy and the role.
    public static func readStrategies(_ url: URL) throws -> [StrategySetting] {
        var config = Configuration()
        config.readonly = true
        let queue = try DatabaseQueue(path: url.path, configuration: config)
        defer { try? queue.close() }
        return try queue.read { db -> [StrategySetting] in
            guard try db.tableExists("strategy_config") else { return [] }
            return try Row.fetchAll(
                db, sql: "SELECT strategy, role, component, parameters FROM strategy_config ORDER BY rowid"
            ).map { row in
                let strategy: String = row["strategy"], role: String = row["role"]
                let text: String = row["parameters"]
                guard let parameters = StrategySetting.parameters(parsing: text) else {
                    throw FlywheelError(
                        "strategy_config: the parameters of strategy '\(strategy)', role '\(role)' "
                            + "do not read as name=value entries: \(text)",
                        at: SourceLocation(file: url.path, line: 0))
                }
                return StrategySetting(
                    strategy: strategy, role: role, component: row["component"],
                    parameters: parameters)
            }
        }
    }
}
