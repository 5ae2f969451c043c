import FlywheelCore
import Foundation
import Learners
import Scenarios
import Simulation
import Streams
import Testing

/// Records, for every training job, its tick and the serving ticks of its rows. `@unchecked`:
/// `fits` is appended to under `lock`, which the compiler cannot see (and read after the run).
final class FitLog: TrainingObserver, @unchecked Sendable {
    private let lock = NSLock()
    private(set) var fits: [(strategy: String, tick: Int, rows: [Int32], arrivals: [Int32])] = []
    func didFit(strategy: String, replicate: Int, atTick tick: Int, rowTicks: [Int32], rowArrivals: [Int32]) {
        lock.lock()
        fits.append((strategy, tick, rowTicks, rowArrivals))
        lock.unlock()
    }
}

func scenario(delay: String, extra: String = "") throws -> Scenario {
    try ScenarioLoader.parse("""
    name: leak-check
    seed: 3
    replicates: 1
    clock: {tick: 1d, ticks: 40, events_per_tick: 200}
    stream: {generator: sea, noise: 0.1}
    drifts:
      - {type: instantaneous, at: 15d, target: concept, to: 3}
    labels: {coverage: 0.5, delay: \(delay)}
    strategies:
      - {name: daily, trigger: every_tick, dataset: {window: 10d}}
      - {name: weekly, trigger: {every: 7d}, dataset: all}
    \(extra)
    """, file: "leak-check.yaml")
}

@Suite struct NoLeakage {
    /// A label served at tick s with delay D arrives at s + D: no training at tick t may use a row
    /// served after t − D. The newest row of a daily fit must be exactly t − D, so the check has
    /// teeth: a simulator that exposed labels one tick early would put t − D + 1 in the set.
    @Test(arguments: [0, 1, 3, 6])
    func noStrategyTrainsOnALabelBeforeItArrives(delay: Int) throws {
        let log = FitLog()
        _ = try Runner.run(scenario(delay: "\(delay)d").plan, threads: 2, observer: log)
        #expect(!log.fits.isEmpty)
        for fit in log.fits {
            #expect(fit.rows.allSatisfy { Int($0) <= fit.tick - delay }, "\(fit.strategy) at \(fit.tick) used a label that had not arrived")
        }
        let daily = log.fits.filter { $0.strategy == "daily" && !$0.rows.isEmpty }
        #expect(!daily.isEmpty)
        for fit in daily { #expect(Int(fit.rows.max()!) == fit.tick - delay) }
        // Nothing can be trained before the first labels arrive.
        #expect(log.fits.allSatisfy { $0.tick >= delay })
    }

    /// With random delays, every row's label arrived at or before the training tick, and its
    /// arrival is at least the smallest delay after it was served.
    @Test(arguments: ["{uniform: [1d, 6d]}", "{geometric: 2d}"])
    func randomDelaysNeverLeakEither(delay: String) throws {
        let log = FitLog()
        _ = try Runner.run(scenario(delay: delay).plan, threads: 2, observer: log)
        #expect(!log.fits.isEmpty)
        var late = 0
        for fit in log.fits {
            #expect(fit.rows.count == fit.arrivals.count)
            for (served, arrived) in zip(fit.rows, fit.arrivals) {
                #expect(Int(arrived) <= fit.tick)
                #expect(arrived >= served)
                if arrived - served >= 3 { late += 1 }
            }
        }
        #expect(late > 0)   // the delays really vary
    }

    @Test func windowKeepsOnlyRecentServingTicks() throws {
        let log = FitLog()
        _ = try Runner.run(scenario(delay: "2d").plan, threads: 1, observer: log)
        for fit in log.fits where fit.strategy == "daily" {
            #expect(fit.rows.allSatisfy { Double($0) >= Double(fit.tick) - 10 })
        }
    }
}

@Suite struct Determinism {
    func csv(_ record: RunRecord) -> [String] {
        record.runs.map { run in
            run.series.map { s in s.name + ":" + s.values.map { $0.isNaN ? "nan" : String($0.bitPattern) }.joined(separator: ",") }.joined(separator: "\n")
        }
    }

    @Test func resultsDoNotDependOnTheThreadCount() throws {
        let plan = try ScenarioLoader.parse(BuiltinScenarios.quickstart, file: "quickstart.yaml", replicatesOverride: 2).plan
        var short = plan
        short.manifest.clock.ticks = 40
        if var source = short.source as? SyntheticSource { source.traffic.ticks = 40; short.source = source }
        let one = try Runner.run(short, threads: 1)
        let two = try Runner.run(short, threads: 2)
        let four = try Runner.run(short, threads: 4)
        #expect(csv(one) == csv(two))
        #expect(csv(one) == csv(four))
    }

    @Test func sharedTrafficIsIdenticalAcrossStrategies() throws {
        // Every strategy sees the same events: with the same initial model and no retraining
        // before tick 5, the first ticks' accuracies agree exactly across strategies.
        let record = try Runner.run(scenario(delay: "5d").plan, threads: 2)
        let a = record.runs(of: "daily")[0].values("accuracy")!, b = record.runs(of: "weekly")[0].values("accuracy")!
        #expect(Array(a.prefix(6)) == Array(b.prefix(6)))
        #expect(a != b)
    }
}

@Suite struct Accounting {
    @Test func costsAddUpToTheTotals() throws {
        let record = try Runner.run(scenario(delay: "1d", extra: "costs: {error: 2, retrain: 30, retrain_per_sample: 0.01, deploy: 4}").plan, threads: 2)
        for run in record.runs {
            let parts = ["cost_error", "cost_label", "cost_retrain", "cost_deploy"].map { run.values($0)! }
            let total = run.values("cost_total")!
            for t in total.indices {
                let sum: Double = parts.reduce(0.0) { $0 + $1[t] }
                #expect(abs(sum - total[t]) < 1e-9)
            }
            // Error cost is the price times the wrong predictions.
            let acc = run.values("accuracy")!
            for t in acc.indices {
                let expected: Double = 2.0 * (1.0 - acc[t]) * 200.0
                #expect(abs(parts[0][t] - expected) < 1e-6)
            }
            // Deploy cost counts deployments.
            let deployments = Double(run.events.filter { $0.kind == "deploy" }.count)
            #expect(abs(parts[3].reduce(0, +) - 4 * deployments) < 1e-9)
        }
    }

    @Test func labelQuotaIsRespectedEveryTick() throws {
        let record = try Runner.run(scenario(delay: "1d", extra: "").plan, threads: 1)
        for run in record.runs { #expect(run.values("labels")!.allSatisfy { $0 == 100 }) }
    }
}
