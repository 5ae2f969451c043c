import FlywheelCore
import Foundation
import GRDB
import Scenarios
import Storage
import Testing
import Workbench

/// `run.sqlite`'s `training_time` table: one row per training with its rows and work units (which
/// must equal the run's own series), a measured wall time, and CSVs that stay byte-identical.
@Suite(.serialized) struct TrainingTimeTests {
    static let text = """
    name: training-time
    seed: 8
    replicates: 2
    clock: {tick: 1d, ticks: 20, events_per_tick: 100}
    stream: {generator: sea, noise: 0.1}
    model: {family: hoeffding_tree, grace_period: 50}
    labels: {coverage: 0.5, delay: 1d, cost: 0}
    strategies:
      - {name: online, trigger: online}
      - {name: every-tick, trigger: every_tick, dataset: {window: 5d}}
      - {name: weekly, trigger: {every: 7d}, model: {family: xgboost, trees: 4, depth: 2}}
    """

    @Test func everyTrainingHasATimedRowAndTheCSVsDoNotChange() throws {
        let a = temporaryDirectory("time-a"), b = temporaryDirectory("time-b")
        defer { for u in [a, b] { try? FileManager.default.removeItem(at: u) } }
        let scenario = try ScenarioLoader.parse(Self.text, file: "training-time.yaml")
        let outputs = try Workbench.run(scenario, outDirectory: a.path, threads: 1)
        _ = try Workbench.run(ScenarioLoader.parse(Self.text, file: "training-time.yaml"), outDirectory: b.path, threads: 2)
        let csvs = try FileManager.default.contentsOfDirectory(atPath: a.path).filter { $0.hasSuffix(".csv") }
        #expect(csvs.contains("metrics.csv"))
        for file in csvs { #expect(try read(a, file) == read(b, file), "\(file) differs between runs") }

        let queue = try DatabaseQueue(path: a.appendingPathComponent("run.sqlite").path)
        defer { try? queue.close() }
        let rows = try queue.read { db in
            try Row.fetchAll(db, sql: """
                SELECT s.name AS name, t.replicate AS replicate, t.tick AS tick, t.rows AS rows,
                       t.work_units AS units, t.seconds AS seconds
                FROM training_time t JOIN strategy s ON s.id = t.strategy_id ORDER BY 1, 2, 3
                """)
        }
        for run in outputs.record.runs {
            let mine = rows.filter { $0["name"] == run.strategy && $0["replicate"] == run.replicate }
            let trained = run.values("trained")!, samples = run.values("training_samples")!
            // One row per training, at its tick, with the run's own row count.
            #expect(mine.map { $0["tick"] as Int } == trained.indices.filter { trained[$0] == 1 }, "\(run.strategy)")
            #expect(mine.map { Double($0["rows"] as Int) } == mine.map { samples[$0["tick"] as Int] })
            for r in mine {
                let n: Double = Double(r["rows"] as Int), units: Double = r["units"], seconds: Double = r["seconds"]
                #expect(units == (run.strategy == "weekly" ? n * 4 * 2 : n))
                #expect(seconds >= 0 && seconds < 60)
            }
        }
        #expect(rows.contains { $0["name"] == "online" })
    }

    /// The database reads the trainings back (a run rebuilt from it, or merged, keeps them), and
    /// `flywheel report` writes them again unchanged.
    @Test func theTrainingTimesReadBackAndSurviveARegeneratedReport() throws {
        let out = temporaryDirectory("time-read")
        defer { try? FileManager.default.removeItem(at: out) }
        let outputs = try Workbench.run(ScenarioLoader.parse(Self.text, file: "training-time.yaml"), outDirectory: out.path, threads: 1)
        let database = out.appendingPathComponent("run.sqlite")
        let read = try RunStore.read(database)
        #expect(read.runs.count == outputs.record.runs.count)
        for (a, b) in zip(outputs.record.runs, read.runs) {
            #expect(a.strategy == b.strategy && a.replicate == b.replicate)
            #expect(!a.trainingTimes.isEmpty && a.trainingTimes == b.trainingTimes, "\(a.strategy) replicate \(a.replicate)")
        }
        _ = try Workbench.regenerate(runDirectory: out.path)
        #expect(try RunStore.read(database).runs.map(\.trainingTimes) == outputs.record.runs.map(\.trainingTimes))
    }
}
