import Dispatch
import FlywheelCore
import Foundation
import Learners
import Strategies
import Streams

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
    /// The hindsight-optimal schedule to compute beside the run (the scenario's `oracle:`).
    public var oracle: OracleSpec?

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
/// **Streaming.** Traffic is read in chunks of ticks (at most ``defaultChunkBytes`` of events
/// across replicates at once): every strategy × replicate simulation consumes the chunk, then the
/// next chunk is read. A simulation keeps no past traffic (only its labelled rows), so a horizon
/// or a replayed file larger than memory runs in memory bounded by the chunk; a short run is a
/// single chunk.
///
/// Determinism by construction: each replicate's traffic depends only on the seed and the
/// replicate index and is generated once, then shared read-only by all strategies; each
/// strategy × replicate simulation is single-threaded and draws only from its own named streams;
/// results are stored by index, never in completion order. Any thread count and any chunk size
/// give the same bytes.
public enum Runner {
    /// Bytes of events held at once by default (all replicates together).
    public static let defaultChunkBytes = 64 << 20

    public static func run(_ plan: SimulationPlan, threads: Int = ProcessInfo.processInfo.activeProcessorCount,
                           observer: (any TrainingObserver)? = nil, chunkBytes: Int = defaultChunkBytes,
                           progress: (@Sendable (_ done: Double, _ total: Int) -> Void)? = nil) throws -> RunRecord {
        let reps = plan.manifest.replicates
        let schema = plan.source.schema
        let classCount = schema.classes.count
        let seed = plan.manifest.seed
        let workers = max(1, threads)
        let ticks = plan.source.ticks
        // Replayed data is read once and shared by every replicate.
        let streams = plan.source.replicatesShareTraffic ? 1 : reps
        @Sendable func stream(of r: Int) -> Int { streams == 1 ? 0 : r }

        // Phase 1: open each replicate's traffic and fit the initial model on its warm-up.
        let cursors = Slots<TrafficCursor>(count: streams)
        try parallel(streams, workers: workers) { i in cursors[i] = try plan.source.open(replicate: i, seed: seed) }
        let starts = Slots<(model: any Model, training: TrainingSet)>(count: reps)
        try parallel(reps, workers: workers) { r in
            let warmup = cursors[stream(of: r)].warmup
            let set = TrainingSet(dimension: warmup.dimension, features: warmup.features, labels: warmup.labels,
                                  ticks: [Int32](repeating: -1, count: warmup.count))
            let (model, _) = plan.initialLearner.fit(set, classCount: classCount, warmStart: nil,
                                                     rng: RandomStream(seed: seed, path: "replicate", r, "initial-model"))
            starts[r] = (model, set)
        }

        // Phase 2: chunk by chunk, every strategy × replicate simulation consumes the chunk.
        let s = plan.strategies.count
        let simulations = Slots<StrategySimulation>(count: s * reps)
        let done = Counter()
        // Costliest strategies first (longest-processing-time scheduling), so the last items to
        // finish are short ones; results are still stored by index.
        let order = (0..<(s * reps)).sorted { a, b in
            let ca = plan.strategies[a / reps].simulationCost, cb = plan.strategies[b / reps].simulationCost
            return ca != cb ? ca > cb : a < b
        }
        var volume = [[Double]](repeating: [], count: streams), bayes = volume
        let budget = max(1, chunkBytes / streams)
        var read = 0
        while read < ticks {
            let chunks = Slots<[EventBatch]>(count: streams)
            let wanted = ticks - read
            try parallel(streams, workers: workers) { i in
                var cursor = cursors[i]
                var chunk: [EventBatch] = [], bytes = 0
                while chunk.count < wanted, bytes < budget, let batch = try cursor.next() {
                    bytes += batch.count * (8 * batch.dimension + 32)
                    chunk.append(batch)
                }
                cursors[i] = cursor
                chunks[i] = chunk
            }
            let length = chunks[0].count
            for i in 1..<streams where chunks[i].count != length {
                throw FlywheelError("replicate \(i)'s traffic gave \(chunks[i].count) ticks where replicate 0's gave \(length)")
            }
            guard length > 0 else { break }
            for i in 0..<streams {
                volume[i] += chunks[i].map { Double($0.count) }
                bayes[i] += chunks[i].map { b in b.bayes.isEmpty ? .nan : b.bayes.reduce(0, +) / Double(b.bayes.count) }
            }
            let first = read
            read += length
            try parallel(s * reps, workers: workers) { position in
                let item = order[position]
                let (si, r) = (item / reps, item % reps)
                var simulation: StrategySimulation
                if first == 0 {
                    var sim = StrategySimulator(spec: plan.strategies[si], classCount: classCount, costs: plan.costs, seed: seed,
                                                observer: observer, extraMetrics: plan.extraMetrics)
                    sim.sliceNames = schema.slices
                    sim.unknownCategoryColumns = schema.features.indices.filter { schema.features[$0].hasSuffix("=?") }
                    simulation = try StrategySimulation(sim, replicate: r, ticks: ticks, initialModel: starts[r].model,
                                                        initialTraining: starts[r].training)
                } else {
                    simulation = simulations.take(item)
                }
                for batch in chunks[stream(of: r)] { try simulation.step(batch) }
                simulations[item] = simulation
                // Strategy × replicate runs done, a partly simulated run counting by its share of ticks.
                let simulated = done.add(length)
                progress?(Double(simulated) / Double(max(ticks, 1)), s * reps)
            }
        }
        guard read == ticks else {
            throw FlywheelError("the traffic ended after \(read) of its \(ticks) ticks (a replayed file changed during the run?)")
        }
        let records = (0..<reps).map { TrafficRecord(replicate: $0, volume: volume[stream(of: $0)], bayes: bayes[stream(of: $0)]) }
        return RunRecord(manifest: plan.manifest, strategies: plan.strategies.map(\.name), runs: simulations.values().map { $0.result() },
                         traffic: records, drifts: plan.source.groundTruth())
    }

    /// Runs `body(0..<count)` on `workers` threads; rethrows the first error by index.
    static func parallel(_ count: Int, workers: Int, _ body: @Sendable (Int) throws -> Void) throws {
        let next = Counter(), errors = Slots<any Error>(count: count)
        DispatchQueue.concurrentPerform(iterations: min(workers, max(count, 1))) { _ in
            while true {
                let i = next.increment() - 1
                if i >= count { break }
                do { try body(i) } catch { errors[i] = error }
            }
        }
        if let first = errors.optionalValues().compactMap({ $0 }).first { throw first }
    }
}

/// Results stored by index from several threads. Only `Sendable` values go in, so the compiler
/// checks what crosses threads; the class itself is `@unchecked` because every access to
/// `storage` holds `lock`, which the compiler cannot see.
final class Slots<T: Sendable>: @unchecked Sendable {
    private var storage: [T?]
    private let lock = NSLock()
    init(count: Int) { storage = Array(repeating: nil, count: count) }
    subscript(i: Int) -> T {
        get { lock.lock(); defer { lock.unlock() }; return storage[i]! }
        set { lock.lock(); storage[i] = newValue; lock.unlock() }
    }
    /// The value at `i`, leaving the slot empty (so the caller mutates it without a copy).
    func take(_ i: Int) -> T { lock.lock(); defer { lock.unlock() }; let v = storage[i]!; storage[i] = nil; return v }
    func values() -> [T] { lock.lock(); defer { lock.unlock() }; return storage.map { $0! } }
    func optionalValues() -> [T?] { lock.lock(); defer { lock.unlock() }; return storage }
}

/// A shared counter. `@unchecked` because every access to `value` holds `lock`, which the
/// compiler cannot see.
final class Counter: @unchecked Sendable {
    private var value = 0
    private let lock = NSLock()
    func increment() -> Int { add(1) }
    func add(_ n: Int) -> Int { lock.lock(); defer { lock.unlock() }; value += n; return value }
}
