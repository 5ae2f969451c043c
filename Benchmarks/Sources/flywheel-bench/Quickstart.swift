import Foundation
import FlywheelCore
import Learners
import Scenarios
import Simulation

/// The built-in quickstart scenario end to end: `BuiltinScenarios.quickstart` through
/// `ScenarioLoader.parse` and `Runner.run`.
enum QuickstartBench {
    static func plan() throws -> SimulationPlan {
        try ScenarioLoader.parse(BuiltinScenarios.quickstart, file: "quickstart.yaml").plan
    }

    /// Events served in one run (all replicates), from the run record's traffic volumes.
    static func events(_ record: RunRecord) -> Int {
        record.traffic.reduce(0) { $0 + Int($1.volume.reduce(0, +)) }
    }

    /// Parse and run every strategy on `threads` threads: (seconds, events per replicate set).
    /// `reversed`: the scenario's strategies in reverse order, so that `Runner` hands out the
    /// costliest items (every-tick) first — the longest-first order, with the runner unchanged.
    static func full(threads: Int, reversed: Bool = false) throws -> (seconds: Double, cpuSeconds: Double, events: Int) {
        let clock = ContinuousClock()
        let cpu0 = processCPUSeconds()
        let start = clock.now
        var p = try plan()
        if reversed { p.strategies.reverse() }
        let record = try Runner.run(p, threads: threads)
        return ((clock.now - start).seconds, processCPUSeconds() - cpu0, events(record))
    }

    /// User plus system CPU time of the process so far (all threads).
    static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func s(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) * 1e-6 }
        return s(usage.ru_utime) + s(usage.ru_stime)
    }

    /// One strategy alone (the plan with every other strategy removed), on one thread.
    static func single(_ index: Int) throws -> (name: String, seconds: Double, events: Int) {
        var p = try plan()
        let spec = p.strategies[index]
        p.strategies = [spec]
        if let r = p.manifest.reference, r != spec.name { p.manifest.reference = nil }
        let clock = ContinuousClock()
        let start = clock.now
        let record = try Runner.run(p, threads: 1)
        return (spec.name, (clock.now - start).seconds, events(record))
    }

    /// The floor: generating every replicate's traffic, fitting the initial model once and
    /// predicting every event with it, on one thread.
    static func floor() throws -> (seconds: Double, events: Int, accuracy: Double) {
        let p = try plan()
        let classCount = p.source.schema.classes.count
        let clock = ContinuousClock()
        let start = clock.now
        var events = 0, right = 0
        for r in 0..<p.manifest.replicates {
            let (warmup, batches) = try p.source.generate(replicate: r, seed: p.manifest.seed)
            let set = TrainingSet(dimension: warmup.dimension, features: warmup.features, labels: warmup.labels,
                                  ticks: [Int32](repeating: -1, count: warmup.count))
            let (model, _) = p.initialLearner.fit(set, classCount: classCount, warmStart: nil,
                                                  rng: RandomStream(seed: p.manifest.seed, path: "replicate", r, "initial-model"))
            var out = [Double](repeating: 0, count: batches.map(\.count).max() ?? 0)
            for b in batches {
                b.features.withUnsafeBufferPointer { x in
                    out.withUnsafeMutableBufferPointer { o in
                        model.predict(x, count: b.count, into: o)
                        for i in 0..<b.count where o[i] == b.labels[i] { right += 1 }
                    }
                }
                events += b.count
            }
        }
        return ((clock.now - start).seconds, events, Double(right) / Double(max(events, 1)))
    }
}

/// The cost of each work item of `Runner.run` on one thread, and what the two-phase schedule makes
/// of them on `workers` threads (list scheduling in index order, as `Runner.parallel` hands them
/// out), next to two alternative schedules. Explains the measured speed-up without the noise of a
/// shared machine.
enum QuickstartSchedule {
    struct Items {
        var phase1: [Double]          // per replicate: traffic + initial model
        var phase2: [Double]          // per strategy × replicate, item = strategy · reps + replicate
        var names: [String]
        var replicates: Int
    }

    static func measure() throws -> Items {
        let p = try QuickstartBench.plan()
        let reps = p.manifest.replicates, seed = p.manifest.seed
        let classCount = p.source.schema.classes.count
        let clock = ContinuousClock()
        var phase1: [Double] = [], traffic: [ReplicateTraffic] = []
        for r in 0..<reps {
            let start = clock.now
            let (warmup, batches) = try p.source.generate(replicate: r, seed: seed)
            let set = TrainingSet(dimension: warmup.dimension, features: warmup.features, labels: warmup.labels,
                                  ticks: [Int32](repeating: -1, count: warmup.count))
            let (model, _) = p.initialLearner.fit(set, classCount: classCount, warmStart: nil,
                                                  rng: RandomStream(seed: seed, path: "replicate", r, "initial-model"))
            traffic.append(ReplicateTraffic(replicate: r, batches: batches, initialModel: model, initialTraining: set))
            phase1.append((clock.now - start).seconds)
        }
        var phase2: [Double] = []
        for item in 0..<(p.strategies.count * reps) {
            let (si, r) = (item / reps, item % reps)
            let start = clock.now
            let sim = StrategySimulator(spec: p.strategies[si], classCount: classCount, costs: p.costs, seed: seed)
            _ = try sim.run(traffic[r])
            phase2.append((clock.now - start).seconds)
        }
        return Items(phase1: phase1, phase2: phase2, names: p.strategies.map(\.name), replicates: reps)
    }

    /// Makespan of handing `costs` out in the given order to `workers` threads, each taking the
    /// next item when it becomes free.
    static func makespan(_ costs: [Double], order: [Int], workers: Int, ready: [Double]? = nil) -> Double {
        var free = [Double](repeating: 0, count: workers)
        for i in order {
            let w = free.indices.min { free[$0] < free[$1] }!
            let start = max(free[w], ready?[i] ?? 0)
            free[w] = start + costs[i]
        }
        return free.max() ?? 0
    }
}
