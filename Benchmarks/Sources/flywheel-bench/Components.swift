import FlywheelCore
import Foundation
import Learners
import Monitoring
import Scenarios
import Simulation

/// Flywheel-only workloads: every detector's updates per second, every distance's computations
/// per second at three window sizes, training time per model family, and a full-loop strategy's
/// events per second against a never-retrain one.
enum ComponentBench {
    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = ContinuousClock.now
        try body()
        let d = ContinuousClock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    /// 1M error bits (p 0.2 then 0.4 at the middle) through each detector.
    static func detectors(reps: Int) throws {
        let n = 1_000_000
        let rng = RandomStream(seed: 11)
        let bits = (0..<n).map { i in rng.uniform() < (i < n / 2 ? 0.2 : 0.4) ? 1.0 : 0.0 }
        for name in ["adwin", "ddm", "eddm", "hddm_a", "hddm_w", "kswin", "page_hinkley"] {
            var drifts = 0
            let (_, t, _) = try repeated(reps) { () -> (Int, Double) in
                var d = try DetectorCatalog.make(name, parameters: [:])
                drifts = 0
                let s = seconds {
                    for v in bits {
                        d.update(v)
                        if d.driftDetected { drifts += 1 }
                    }
                }
                return (drifts, s)
            }
            emit(["workload": "detector", "detector": name, "n": n, "drifts": drifts, "seconds": t, "per_s": Double(n) / t])
        }
    }

    /// Reference and current windows of n Gaussian values (the current one shifted by 0.1).
    static func distances(reps: Int) throws {
        for n in [1_000, 10_000, 100_000] {
            let rng = RandomStream(seed: UInt64(n))
            let ref = (0..<n).map { _ in rng.gaussian() }, cur = (0..<n).map { _ in rng.gaussian() + 0.1 }
            for metric in DistanceMetric.allCases where metric != .mmd {
                let calls = max(1, 200_000 / n)
                var value = 0.0
                let (_, t, _) = try repeated(reps) { () -> (Double, Double) in
                    let s = try seconds { for _ in 0..<calls { value = try metric.compute(reference: ref, current: cur).value } }
                    return (value, s)
                }
                emit(["workload": "distance", "metric": metric.rawValue, "n": n, "value": value, "seconds_per_call": t / Double(calls),
                      "per_s": Double(calls) / t])
            }
            // MMD² is O(n²): only the smaller windows.
            if n <= 10_000 {
                let m = min(n, 2_000)
                let a = Array(ref.prefix(m)), b = Array(cur.prefix(m))
                let (_, t, _) = repeated(reps) { () -> (Double, Double) in
                    var v = 0.0
                    let s = seconds { v = (try? MMD.compute(reference: a, current: b, dimension: 1).mmd2) ?? .nan }
                    return (v, s)
                }
                emit(["workload": "distance", "metric": "mmd", "n": m, "seconds_per_call": t, "per_s": 1 / t])
            }
        }
    }

    /// Fit time per model family on 10k and 100k rows of 8 SEA-like features.
    static func training(reps: Int) throws {
        for rows in [10_000, 100_000] {
            let rng = RandomStream(seed: UInt64(rows))
            var set = TrainingSet(dimension: 8)
            for _ in 0..<rows {
                var s = 0.0
                for j in 0..<8 { let v = 10 * rng.uniform(); set.features.append(v); if j < 2 { s += v } }
                set.labels.append(s <= 8 ? (rng.uniform() < 0.9 ? 1 : 0) : (rng.uniform() < 0.9 ? 0 : 1))
                set.ticks.append(0)
            }
            for family in ["logistic_regression", "gaussian_nb", "ridge", "mlp", "majority", "no_change"] {
                let learner = try LearnerCatalog.make(family, parameters: [:])
                let (epochs, t, _) = repeated(family == "mlp" ? 1 : reps) { () -> (Int, Double) in
                    var e = 0
                    let s = seconds { e = learner.fit(set, classCount: 2, warmStart: nil, rng: RandomStream(seed: 1)).epochs }
                    return (e, s)
                }
                emit(["workload": "training", "family": family, "rows": rows, "epochs": epochs, "seconds": t])
            }
        }
    }

    /// The full-loop scenario's strategies one at a time (1 replicate), against never retraining.
    static func fullLoop(reps: Int, scenarioPath: String) throws {
        var plan = try ScenarioLoader.load(path: scenarioPath).plan
        plan.manifest.replicates = 1
        let all = plan.strategies
        for name in ["never", "weekly", "label-committee", "hardest-first", "mlp", "canary", "profiles-only"] {
            guard let s = all.first(where: { $0.name == name }) else { continue }
            plan.strategies = [s]
            var events = 0.0
            let (_, t, _) = try repeated(reps) { () -> (Double, Double) in
                var record: RunRecord?
                let secs = try seconds { record = try Runner.run(plan, threads: 1) }
                events = record!.traffic[0].volume.reduce(0, +)
                return (events, secs)
            }
            emit(["workload": "full-loop-strategy", "strategy": name, "events": events, "seconds": t, "per_s": events / t])
        }
    }
}
