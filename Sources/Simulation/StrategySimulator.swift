import FlywheelCore
import Learners
import Monitoring
import Strategies

/// The metric series every strategy run records, in this order.
public enum RunMetric {
    public static let names = [
        "accuracy", "observed_accuracy", "labels", "labels_arrived", "trained", "deployed", "model_version",
        "training_samples", "cost_error", "cost_label", "cost_retrain", "cost_deploy", "cost_total",
    ]
}

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
    /// Called with the tick of the training job and the served ticks of its rows.
    func didFit(strategy: String, replicate: Int, atTick tick: Int, rowTicks: [Int32])
}

/// Simulates one strategy on one replicate's traffic, tick by tick.
///
/// At each tick: the champion predicts the tick's batch (one call over the contiguous buffer) and
/// the true accuracy of what was served is recorded; a random share of events is chosen for
/// labelling and queued to arrive `delay` ticks later; arrived labels join the strategy's
/// reservoir and its observed accuracy; the trigger decides from what the strategy can observe;
/// a training job forms its dataset from arrived labels only, fits a candidate, passes the gate
/// and is deployed for the next tick. Costs accrue per tick.
public struct StrategySimulator {
    public let spec: StrategySpec
    public let classCount: Int
    public let costs: CostModel
    public let seed: UInt64
    public var observer: (any TrainingObserver)?

    public init(spec: StrategySpec, classCount: Int, costs: CostModel, seed: UInt64, observer: (any TrainingObserver)? = nil) {
        self.spec = spec
        self.classCount = classCount
        self.costs = costs
        self.seed = seed
        self.observer = observer
    }

    /// A labelled event in the reservoir: a reference into the shared traffic, not a copy.
    struct LabelRef {
        var tick: Int32
        var index: Int32
        var arrival: Int32
        var correct: Bool
    }

    public func run(_ traffic: ReplicateTraffic) throws -> StrategyRun {
        let batches = traffic.batches
        let ticks = batches.count
        let r = traffic.replicate
        var series = RunMetric.names.map { MetricSeries(name: $0, values: [Double](repeating: .nan, count: ticks)) }
        var events: [StrategyEvent] = []
        let labelRNG = RandomStream(seed: seed, path: "replicate", r, "labels", labelingKey)
        let trainRNG = RandomStream(seed: seed, path: "replicate", r, "strategy", spec.name, "train")
        var champion = traffic.initialModel
        var version = 0
        var pending: [LabelRef] = []     // ordered by arrival (fixed delay keeps FIFO order)
        var pendingHead = 0
        var reservoir: [LabelRef] = []   // arrived labels, ordered by arrival
        var lastTrain = 0.0
        var labelsSinceTrain = 0
        var trigger = try TriggerState(spec.trigger.policy)
        let needsScores = trigger.needsScores
        trigger.didDeploy(training: traffic.initialTraining,
                          scores: needsScores ? scores(of: champion, on: traffic.initialTraining.features, count: traffic.initialTraining.count) : [])
        var deployedAt = 0
        let maxVolume = batches.map(\.count).max() ?? 0
        var predictions = [Double](repeating: 0, count: maxVolume)
        var served = [Double](repeating: 0, count: needsScores ? maxVolume : 0)
        var chosen = [Int32](repeating: 0, count: maxVolume)
        var arrivedCorrect = [Bool]()
        arrivedCorrect.reserveCapacity(maxVolume)

        for t in 0..<ticks {
            let batch = batches[t]
            let n = batch.count
            // 1. Serve: predict the whole tick at once.
            batch.features.withUnsafeBufferPointer { xb in
                predictions.withUnsafeMutableBufferPointer { pb in champion.predict(xb, count: n, into: pb) }
            }
            var correct = 0
            var absError = 0.0
            for i in 0..<n {
                if classCount > 0 { if predictions[i] == batch.labels[i] { correct += 1 } }
                else { absError += abs(predictions[i] - batch.labels[i]) }
            }
            let accuracy = classCount > 0 ? Double(correct) / Double(max(n, 1)) : absError / Double(max(n, 1))
            let errorCost = classCount > 0 ? Double(n - correct) * costs.error : absError * costs.error

            // 2–3. Label a random share within the budget; labels arrive after the delay.
            var quota = Int((spec.labeling.coverage * Double(n)).rounded(.down))
            if let cap = spec.labeling.budgetPerTick { quota = min(quota, cap) }
            quota = min(quota, n)
            let picked = sampleWithoutReplacement(quota, from: n, rng: labelRNG, into: &chosen)
            for c in 0..<picked {
                let i = Int(chosen[c])
                let ok = classCount > 0 ? predictions[i] == batch.labels[i] : false
                pending.append(LabelRef(tick: Int32(t), index: Int32(i), arrival: Int32(t + spec.labeling.delay), correct: ok))
            }
            arrivedCorrect.removeAll(keepingCapacity: true)
            while pendingHead < pending.count, pending[pendingHead].arrival <= t {
                reservoir.append(pending[pendingHead])
                arrivedCorrect.append(pending[pendingHead].correct)
                pendingHead += 1
            }
            if pendingHead > 4096, pendingHead * 2 > pending.count {
                pending.removeFirst(pendingHead)
                pendingHead = 0
            }
            labelsSinceTrain += arrivedCorrect.count
            let observed = arrivedCorrect.isEmpty ? Double.nan
                : Double(arrivedCorrect.reduce(0) { $0 + ($1 ? 1 : 0) }) / Double(arrivedCorrect.count)

            // 4. Trigger, from observable signals only.
            if needsScores { fillScores(champion, batch, into: &served) }
            let fires = trigger.update(TriggerObservation(tick: t, sinceTrain: Double(t) - lastTrain, newLabels: labelsSinceTrain,
                                                          arrivedCorrect: arrivedCorrect, deployedAt: deployedAt, batch: batch,
                                                          scores: served[..<(needsScores ? n : 0)]))
            var trained = 0.0, deployed = 0.0, trainingSamples = 0.0, retrainCost = 0.0, deployCost = 0.0
            let cooled = Double(t) - lastTrain >= spec.trigger.cooldown || version == 0 && lastTrain == 0
            if fires && cooled && labelsSinceTrain >= spec.trigger.minNewLabels && !reservoir.isEmpty {
                events.append(StrategyEvent(kind: "trigger", tick: t, modelVersion: version))
                // 5. Form the dataset from arrived labels.
                let rows = datasetRows(reservoir, now: t)
                var set = TrainingSet(dimension: batch.dimension)
                set.features.reserveCapacity(rows.count * batch.dimension)
                for ref in rows {
                    let b = batches[Int(ref.tick)]
                    let base = Int(ref.index) * b.dimension
                    set.features.append(contentsOf: b.features[base..<(base + b.dimension)])
                    set.labels.append(b.labels[Int(ref.index)])
                    set.ticks.append(ref.tick)
                }
                let (fitSet, holdout) = split(set)
                observer?.didFit(strategy: spec.name, replicate: r, atTick: t, rowTicks: fitSet.ticks)
                // 6. Train.
                let (candidate, epochs) = spec.learner.fit(fitSet, classCount: classCount,
                                                           warmStart: spec.warmStart ? champion : nil, rng: trainRNG)
                trained = 1
                trainingSamples = Double(fitSet.count)
                retrainCost = costs.retrain + costs.retrainPerSample * Double(fitSet.count * epochs)
                lastTrain = Double(t)
                labelsSinceTrain = 0
                events.append(StrategyEvent(kind: "train", tick: t, modelVersion: version + 1, samples: fitSet.count,
                                            detail: "epochs=\(epochs)"))
                // 7. Offline gate.
                var pass = true
                if !spec.gate.isOpen, holdout.count > 0 {
                    let a = holdoutAccuracy(of: candidate, on: holdout), b = holdoutAccuracy(of: champion, on: holdout)
                    pass = a >= b + spec.gate.minGain
                    if !pass {
                        events.append(StrategyEvent(kind: "reject", tick: t, modelVersion: version + 1, samples: holdout.count,
                                                    detail: "holdout accuracy \(fmt(a)) vs champion \(fmt(b))"))
                    }
                }
                // 8. Roll out: the candidate serves from the next tick.
                if pass {
                    champion = candidate
                    version += 1
                    deployed = 1
                    deployCost = costs.deploy
                    deployedAt = t + 1
                    trigger.didDeploy(training: fitSet, scores: needsScores ? scores(of: champion, on: fitSet.features, count: fitSet.count) : [])
                    events.append(StrategyEvent(kind: "deploy", tick: t, modelVersion: version))
                }
            }
            // 9. Account.
            let labelCost = Double(picked) * spec.labeling.cost
            let values: [Double] = [accuracy, observed, Double(picked), Double(arrivedCorrect.count), trained, deployed,
                                    Double(version), trainingSamples, errorCost, labelCost, retrainCost, deployCost,
                                    errorCost + labelCost + retrainCost + deployCost]
            for m in 0..<values.count { series[m].values[t] = values[m] }
        }
        if classCount == 0 { series[0].name = "mae"; series[1].name = "observed_mae" }
        return StrategyRun(strategy: spec.name, replicate: r, series: series, events: events)
    }

    /// The model's score per row: P(last class) for two classes, else the top probability;
    /// the prediction itself for regression.
    private func scores(of model: any Model, on features: [Double], count: Int) -> [Double] {
        var out = [Double](repeating: 0, count: count)
        var batch = EventBatch(dimension: features.count / max(count, 1))
        batch.features = features
        batch.labels = [Double](repeating: 0, count: count)
        fillScores(model, batch, into: &out)
        return out
    }

    private func fillScores(_ model: any Model, _ batch: EventBatch, into out: inout [Double]) {
        let n = batch.count, k = model.classCount
        guard k > 0 else {
            batch.features.withUnsafeBufferPointer { xb in out.withUnsafeMutableBufferPointer { model.predict(xb, count: n, into: $0) } }
            return
        }
        var probs = [Double](repeating: 0, count: n * k)
        _ = batch.features.withUnsafeBufferPointer { xb in probs.withUnsafeMutableBufferPointer { model.probabilities(xb, count: n, into: $0) } }
        for i in 0..<n {
            if k == 2 { out[i] = probs[i * 2 + 1] } else {
                var best = 0.0
                for c in 0..<k { best = max(best, probs[i * k + c]) }
                out[i] = best
            }
        }
    }

    private var labelingKey: String {
        let l = spec.labeling
        return "\(l.coverage)/\(l.budgetPerTick ?? -1)"
    }

    private func datasetRows(_ reservoir: [LabelRef], now t: Int) -> ArraySlice<LabelRef> {
        switch spec.dataset {
        case .all: return reservoir[...]
        case .count(let c): return reservoir.suffix(c)
        case .window(let w):
            let oldest = Double(t) - w
            // The reservoir is ordered by arrival, and with a fixed delay also by serving tick.
            var lo = 0, hi = reservoir.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if Double(reservoir[mid].tick) < oldest { lo = mid + 1 } else { hi = mid }
            }
            return reservoir[lo...]
        }
    }

    private func split(_ set: TrainingSet) -> (TrainingSet, TrainingSet) {
        guard !spec.gate.isOpen else { return (set, TrainingSet(dimension: set.dimension)) }
        let h = Int((Double(set.count) * spec.gate.holdout).rounded())
        guard h > 0, h < set.count else { return (set, TrainingSet(dimension: set.dimension)) }
        let cut = set.count - h, d = set.dimension
        let fit = TrainingSet(dimension: d, features: Array(set.features[..<(cut * d)]), labels: Array(set.labels[..<cut]),
                              ticks: Array(set.ticks[..<cut]))
        let hold = TrainingSet(dimension: d, features: Array(set.features[(cut * d)...]), labels: Array(set.labels[cut...]),
                               ticks: Array(set.ticks[cut...]))
        return (fit, hold)
    }

    private func holdoutAccuracy(of model: any Model, on set: TrainingSet) -> Double {
        var out = [Double](repeating: 0, count: set.count)
        set.features.withUnsafeBufferPointer { xb in out.withUnsafeMutableBufferPointer { model.predict(xb, count: set.count, into: $0) } }
        var ok = 0
        for i in 0..<set.count where out[i] == set.labels[i] { ok += 1 }
        return Double(ok) / Double(max(set.count, 1))
    }
}

/// Chooses `k` distinct indices of `0..<n` uniformly (Floyd's algorithm on a partial shuffle),
/// in increasing order, into `out`. Returns `k`.
/// - Complexity: O(n) when k is a large share of n, no allocation.
@inline(__always)
func sampleWithoutReplacement(_ k: Int, from n: Int, rng: RandomStream, into out: inout [Int32]) -> Int {
    guard k > 0 else { return 0 }
    if k >= n {
        for i in 0..<n { out[i] = Int32(i) }
        return n
    }
    // Selection sampling (Knuth, TAOCP vol. 2, Algorithm S): sorted output in one pass.
    var chosen = 0
    var i = 0
    while chosen < k {
        if Double(n - i) * rng.uniform() < Double(k - chosen) {
            out[chosen] = Int32(i)
            chosen += 1
        }
        i += 1
    }
    return k
}

func fmt(_ v: Double) -> String {
    let r = (v * 10_000).rounded() / 10_000
    return String(r)
}
