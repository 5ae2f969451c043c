import Dispatch
import FlywheelCore
import Foundation
import Learners
import Strategies

/// Everything a run needs, configured: produced by the scenario loader, consumed by ``Runner``.
public struct SimulationPlan: Sendable {
    public var manifest: RunManifest
    public var source: any TrafficSource
    public var strategies: [StrategySpec]
    /// The family that fits the initial model every strategy starts with.
    public var initialLearner: any Learner
    public var costs: CostModel
    /// Metrics recorded per tick beyond accuracy (or MAE).
    public var extraMetrics: [ExtraMetric] = []

    public init(manifest: RunManifest, source: any TrafficSource, strategies: [StrategySpec], initialLearner: any Learner, costs: CostModel) {
        self.manifest = manifest
        self.source = source
        self.strategies = strategies
        self.initialLearner = initialLearner
        self.costs = costs
    }
}

/// Runs every strategy on every replicate, in parallel, and assembles the run record.
///
/// Determinism by construction: each replicate's traffic depends only on the seed and the
/// replicate index and is generated once, then shared read-only by all strategies; each
/// strategy × replicate simulation is single-threaded and draws only from its own named streams;
/// results are stored by index, never in completion order. Any thread count gives the same bytes.
public enum Runner {
    public static func run(_ plan: SimulationPlan, threads: Int = ProcessInfo.processInfo.activeProcessorCount,
                           observer: (any TrainingObserver)? = nil,
                           progress: (@Sendable (_ done: Int, _ total: Int) -> Void)? = nil) throws -> RunRecord {
        let reps = plan.manifest.replicates
        let schema = plan.source.schema
        let classCount = schema.classes.count
        let seed = plan.manifest.seed
        let workers = max(1, threads)

        // Phase 1: traffic and the initial model, one replicate per work item.
        let trafficSlots = Slots<ReplicateTraffic>(count: reps)
        try parallel(reps, workers: workers) { r in
            let (warmup, batches) = try plan.source.generate(replicate: r, seed: seed)
            let set = TrainingSet(dimension: warmup.dimension, features: warmup.features, labels: warmup.labels,
                                  ticks: [Int32](repeating: -1, count: warmup.count))
            let (model, _) = plan.initialLearner.fit(set, classCount: classCount, warmStart: nil,
                                                     rng: RandomStream(seed: seed, path: "replicate", r, "initial-model"))
            trafficSlots[r] = ReplicateTraffic(replicate: r, batches: batches, initialModel: model, initialTraining: set)
        }
        let traffic = trafficSlots.values()

        // Phase 2: strategy × replicate simulations.
        let s = plan.strategies.count
        let runSlots = Slots<StrategyRun>(count: s * reps)
        let done = Counter()
        // Costliest strategies first (longest-processing-time scheduling), so the last items to
        // finish are short ones; results are still stored by index.
        let order = (0..<(s * reps)).sorted { a, b in
            let ca = estimatedCost(plan.strategies[a / reps]), cb = estimatedCost(plan.strategies[b / reps])
            return ca != cb ? ca > cb : a < b
        }
        try parallel(s * reps, workers: workers) { position in
            let item = order[position]
            let (si, r) = (item / reps, item % reps)
            var sim = StrategySimulator(spec: plan.strategies[si], classCount: classCount, costs: plan.costs, seed: seed, observer: observer,
                                        extraMetrics: plan.extraMetrics)
            sim.sliceNames = schema.slices
            runSlots[item] = try sim.run(traffic[r])
            let n = done.increment()
            progress?(n, s * reps)
        }
        let records = traffic.map { t in
            TrafficRecord(replicate: t.replicate, volume: t.batches.map { Double($0.count) },
                          bayes: t.batches.map { b in b.bayes.isEmpty ? .nan : b.bayes.reduce(0, +) / Double(b.bayes.count) })
        }
        return RunRecord(manifest: plan.manifest, strategies: plan.strategies.map(\.name), runs: runSlots.values(),
                         traffic: records, drifts: plan.source.groundTruth())
    }

    /// A rough relative cost of simulating a strategy: dominated by how often it trains.
    static func estimatedCost(_ spec: StrategySpec) -> Double {
        func trainings(_ p: TriggerPolicy) -> Double {
            switch p {
            case .never: return 0
            case .online: return 1
            case .periodic(let every): return 1 / max(every, 1)
            case .any(let list): return list.map(trainings).reduce(0, +)
            case .all(let list): return list.map(trainings).min() ?? 0
            default: return 0.1
            }
        }
        var cost = 1 + 20 * trainings(spec.trigger.policy) / max(1, spec.trigger.cooldown)
        if case .committee(let m) = spec.labeling.curation { cost *= Double(m) }
        return cost
    }

    /// Runs `body(0..<count)` on `workers` threads; rethrows the first error by index.
    static func parallel(_ count: Int, workers: Int, _ body: @Sendable (Int) throws -> Void) throws {
        let next = Counter(), errors = Slots<FlywheelErrorBox>(count: count)
        DispatchQueue.concurrentPerform(iterations: min(workers, max(count, 1))) { _ in
            while true {
                let i = next.increment() - 1
                if i >= count { break }
                do { try body(i) } catch { errors[i] = FlywheelErrorBox(error: error) }
            }
        }
        if let first = errors.optionalValues().compactMap({ $0 }).first { throw first.error }
    }
}

struct FlywheelErrorBox: @unchecked Sendable { let error: any Error }

/// Results stored by index from several threads.
final class Slots<T>: @unchecked Sendable {
    private var storage: [T?]
    private let lock = NSLock()
    init(count: Int) { storage = Array(repeating: nil, count: count) }
    subscript(i: Int) -> T {
        get { lock.lock(); defer { lock.unlock() }; return storage[i]! }
        set { lock.lock(); storage[i] = newValue; lock.unlock() }
    }
    func values() -> [T] { lock.lock(); defer { lock.unlock() }; return storage.map { $0! } }
    func optionalValues() -> [T?] { lock.lock(); defer { lock.unlock() }; return storage }
}

final class Counter: @unchecked Sendable {
    private var value = 0
    private let lock = NSLock()
    func increment() -> Int { lock.lock(); defer { lock.unlock() }; value += 1; return value }
}
