import FlywheelCore
import Foundation
import Learners
import Strategies
import Streams

/// The memory a run of a plan needs, estimated before anything is allocated, so that a scenario
/// whose arrays cannot exist is refused with the estimate instead of aborting mid-run.
///
/// With `S` strategies, `R` replicates, `T` ticks, `M` metric series per run, `n` the largest
/// tick's events, `d` features and `k` classes, the parts are (bytes):
/// - per-tick series: `S·R·T·(8M + 8)` (the series and the label queue of every run), plus the
///   traffic record `2·8·T` per traffic stream;
/// - `metrics.csv`, built in memory before it is written: `2·Σ R·T·M·(52 + strategy name)`;
/// - traffic: the chunk the runs share (`--traffic-memory`, at most the whole run), plus two
///   ticks per traffic stream (the chunk's last and the generator's) of `n·(8d + 32)`;
/// - the warm-up history of every replicate, three copies (the batch, the training set, the fit);
/// - per-tick scratch of every run: `S·R·n·(41 + 16k with extra metrics)`;
/// - the labelled rows each run keeps for its dataset policy (`8d + 56` each: features, slice and
///   the 48-byte `LabelRef`; twice: the store doubles before it is compacted), with
///   `L = min(budget, coverage·n)` labels a tick: a window of
///   `w` ticks keeps `L·w`, a count `c`, all history `L·T`; a strategy that never trains none;
/// - concurrent fits (one per worker): the largest training set twice, and for Newton's logistic
///   regression the Hessian, `3·8·((k−1)(d+1))²` each.
///
/// It is an estimate: the largest terms are exact array sizes, the rest are bounded from above.
public struct MemoryEstimate: Sendable {
    /// What a part of the estimate grows with, for the message's key.
    public enum Driver: Sendable, Hashable {
        /// The horizon (ticks), strategies and replicates.
        case ticks
        /// Events per tick and features.
        case traffic
        /// The warm-up history.
        case warmup
        /// The labelled rows a strategy keeps (index in the plan's strategies).
        case strategy(Int)
        /// The model family's fit.
        case model
    }

    public struct Part: Sendable {
        public var what: String
        public var bytes: Double
        public var driver: Driver
    }

    public var parts: [Part]
    public var bytes: Double { parts.reduce(0) { $0 + $1.bytes } }
    /// The largest part.
    public var dominant: Part { parts.max { $0.bytes < $1.bytes }! }

    /// - Parameters:
    ///   - largestTick: events in the largest tick (nil: taken from the source).
    ///   - workers: concurrent simulations (threads).
    public init(plan: SimulationPlan, largestTick: Int? = nil, chunkBytes: Int = Runner.defaultChunkBytes,
                workers: Int = ProcessInfo.processInfo.activeProcessorCount) {
        let source = plan.source
        let schema = source.schema
        let s = Double(plan.strategies.count), reps = Double(plan.manifest.replicates)
        let t = Double(source.ticks), d = Double(schema.dimension), k = Double(max(schema.classes.count, 2))
        let streams = source.replicatesShareTraffic ? 1.0 : reps
        let n = Double(largestTick ?? MemoryEstimate.largestTick(of: source))
        let slices = schema.isClassification ? Double(schema.slices.count) : 0
        let m = Double(RunMetric.allCases.count + plan.extraMetrics.count) + slices
        let eventBytes = 8 * d + 32
        var parts: [Part] = []

        let runs = "\(Int(m)) metrics × \(MemoryEstimate.counted(t)) ticks × \(Int(s)) strategies × "
            + "\(Int(reps)) replicates"
        parts.append(Part(what: "per-tick series (\(runs))",
                          bytes: s * reps * t * (8 * m + 8) + streams * t * 16, driver: .ticks))
        let names = plan.strategies.reduce(0.0) { $0 + 52 + Double($1.name.utf8.count) }
        parts.append(Part(what: "metrics.csv", bytes: 2 * reps * t * m * names, driver: .ticks))
        let whole = streams * t * n * eventBytes
        parts.append(Part(what: "traffic (\(MemoryEstimate.counted(n)) events × \(Int(d)) features a tick)",
                          bytes: min(whole, Double(chunkBytes)) + 2 * streams * n * eventBytes, driver: .traffic))
        let warm = Double(MemoryEstimate.warmupEvents(of: source))
        parts.append(Part(what: "warm-up history (\(MemoryEstimate.counted(warm)) events)",
                          bytes: 3 * streams * warm * eventBytes, driver: .warmup))
        let extra = plan.extraMetrics.isEmpty ? 0 : 8 + 16 * k
        parts.append(Part(what: "per-tick scratch of every run", bytes: s * reps * n * (41 + extra), driver: .traffic))

        var largestFit = 0.0, largestStrategy = 0
        for (i, spec) in plan.strategies.enumerated() {
            let kept = MemoryEstimate.rowsKept(spec, ticks: t, largestTick: n)
            if kept > largestFit { (largestFit, largestStrategy) = (kept, i) }
            let bytes = reps * kept * (8 * d + 56) * 2
            let rows = MemoryEstimate.counted(kept)
            parts.append(Part(what: "labelled rows kept by '\(spec.name)' (\(rows) rows a run)",
                              bytes: bytes, driver: .strategy(i)))
        }
        let fits = min(Double(max(workers, 1)), s * reps)
        parts.append(Part(what: "training sets (\(Int(fits)) fits at once)",
                          bytes: fits * 2 * largestFit * (8 * d + 24), driver: .strategy(largestStrategy)))
        let learners = [plan.initialLearner] + plan.strategies.map(\.learner)
        if learners.contains(where: { ($0 as? LogisticRegressionLearner)?.solver == .newton }) {
            let p = (k - 1) * (d + 1)
            let size = "\(Int(fits)) fits at once, \(Int(k)) classes, \(Int(d)) features"
            parts.append(Part(what: "Newton's Hessian (\(size))",
                              bytes: fits * 3 * 8 * p * p, driver: .model))
        }
        self.parts = parts
    }

    /// A count for the message, grouped by thousands (and safe for any size).
    private static func counted(_ x: Double) -> String { Limits.grouped(Int(min(max(x, 0), 9e18).rounded())) }

    /// Labelled rows a run of `spec` keeps at most.
    static func rowsKept(_ spec: StrategySpec, ticks t: Double, largestTick n: Double) -> Double {
        guard spec.trigger.policy.keepsLabelledRows else { return 0 }
        var perTick = spec.labeling.coverage * n
        if let b = spec.labeling.budgetPerTick { perTick = min(perTick, Double(b)) }
        return spec.dataset.rowsKept(perTick: perTick, ticks: t, minimumDelay: spec.labeling.delay.minimum)
    }

    /// Events in the largest tick of a source.
    public static func largestTick(of source: any TrafficSource) -> Int { source.largestTickEvents }

    static func warmupEvents(of source: any TrafficSource) -> Int { source.warmupEventCount }

    /// The estimate in GiB with one decimal: `12.3 GiB` (`0.4 MiB` below a GiB).
    public static func format(_ bytes: Double) -> String {
        let gib = bytes / Double(1 << 30)
        if gib >= 0.1 { return String(format: "%.1f GiB", gib) }
        return String(format: "%.1f MiB", bytes / Double(1 << 20))
    }

    /// The default memory limit: half of this machine's memory, or of the container's limit
    /// (cgroup `memory.max`) when that is smaller.
    public static var defaultLimit: Double {
        var total = Double(ProcessInfo.processInfo.physicalMemory)
        for file in ["/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"] {
            if let text = try? String(contentsOfFile: file, encoding: .utf8),
               let v = Double(text.trimmingCharacters(in: .whitespacesAndNewlines)), v > 0 {
                total = min(total, v)
            }
        }
        return total / 2
    }
}
