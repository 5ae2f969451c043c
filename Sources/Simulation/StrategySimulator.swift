import FlywheelCore
import Learners
import Strategies

/// One replicate's traffic, shared read-only by every strategy (common random numbers).
public struct ReplicateTraffic: Sendable {
    public var replicate: Int
    public var batches: [EventBatch]
    /// The model every strategy starts with, fitted on the replicate's warm-up data.
    public var initialModel: any Model
    /// The warm-up data the initial model was fitted on (the drift triggers' first reference).
    public var initialTraining: TrainingSet

    public init(replicate: Int, batches: [EventBatch], initialModel: any Model, initialTraining: TrainingSet) {
        self.replicate = replicate
        self.batches = batches
        self.initialModel = initialModel
        self.initialTraining = initialTraining
    }
}

/// Observes what a strategy trains on (tests use it to prove no label is used before arrival).
public protocol TrainingObserver: Sendable {
    /// Called with the tick of the training job, the served ticks of its rows and the ticks their
    /// labels arrived.
    func didFit(strategy: String, replicate: Int, atTick tick: Int, rowTicks: [Int32], rowArrivals: [Int32])
}

/// A strategy configured for simulation: what ``StrategySimulation`` needs besides the traffic.
///
/// At each tick: the champion (and, during a canary or A/B test, the challenger on its share)
/// predicts the tick's batch in one call over the contiguous buffer, and the true accuracy of what
/// was served is recorded; the logging policy decides which events are kept; the curation policy
/// picks logged events to label within the budget, and their labels (possibly wrong) arrive after
/// a delay; arrived labels join the strategy's reservoir and its observed accuracy; the trigger
/// decides from what the strategy can observe; a training job forms its dataset from arrived
/// labels only, fits a candidate (ready after the training latency), passes the offline gate and
/// rolls out (at once, in shadow, as a canary or an A/B test). Costs accrue per tick.
public struct StrategySimulator: Sendable {
    public let spec: StrategySpec
    public let classCount: Int
    public let costs: CostModel
    public let seed: UInt64
    public var observer: (any TrainingObserver)?
    /// Metrics recorded per tick after the standard series.
    public var extraMetrics: [ExtraMetric]
    /// Names of the stream's slices: the served accuracy of each is recorded per tick as
    /// `accuracy@<slice>` (empty: no slices).
    public var sliceNames: [String] = []
    /// The inputs that are a one-hot categorical's unknown column (`name=?`), for `quality_unseen`.
    public var unknownCategoryColumns: [Int] = []

    public init(spec: StrategySpec, classCount: Int, costs: CostModel, seed: UInt64, observer: (any TrainingObserver)? = nil,
                extraMetrics: [ExtraMetric] = []) {
        self.spec = spec
        self.classCount = classCount
        self.costs = costs
        self.seed = seed
        self.observer = observer
        self.extraMetrics = extraMetrics
    }

    /// Classification over `classCount` classes, or regression.
    public var task: PredictionTask { PredictionTask(classCount: classCount) }

    /// Simulates the strategy over one replicate's traffic held in memory.
    public func run(_ traffic: ReplicateTraffic) throws -> StrategyRun {
        var simulation = try StrategySimulation(self, replicate: traffic.replicate, ticks: traffic.batches.count,
                                                initialModel: traffic.initialModel, initialTraining: traffic.initialTraining)
        for batch in traffic.batches { try simulation.step(batch) }
        return simulation.result()
    }
}

extension Model {
    /// The model's score per row, what an output monitor sees: P(last class) for two classes,
    /// else the top probability; the prediction itself for regression.
    func scores(_ batch: EventBatch, into out: inout [Double]) {
        let n = batch.count, k = classCount
        guard k > 0 else {
            batch.features.withUnsafeBufferPointer { xb in out.withUnsafeMutableBufferPointer { predict(xb, count: n, into: $0) } }
            return
        }
        var probs = [Double](repeating: 0, count: n * k)
        _ = batch.features.withUnsafeBufferPointer { xb in probs.withUnsafeMutableBufferPointer { probabilities(xb, count: n, into: $0) } }
        for i in 0..<n {
            if k == 2 { out[i] = probs[i * 2 + 1] } else {
                var best = 0.0
                for c in 0..<k { best = max(best, probs[i * k + c]) }
                out[i] = best
            }
        }
    }

    /// The scores of the rows of a training set.
    func scores(_ set: TrainingSet) -> [Double] {
        var out = [Double](repeating: 0, count: set.count)
        var batch = EventBatch(dimension: set.features.count / max(set.count, 1))
        batch.features = set.features
        batch.labels = [Double](repeating: 0, count: set.count)
        scores(batch, into: &out)
        return out
    }
}
