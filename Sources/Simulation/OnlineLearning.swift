import FlywheelCore
import Learners
import Strategies

/// The live model of a `trigger: online` strategy (``OnlineTrigger``) and the scratch it learns
/// from: at each tick, after serving, the labels that arrived are gathered into one contiguous
/// batch (in arrival order) and learnt one row at a time by the family's per-event update, in a
/// single call. The buffers grow to the largest tick's arrivals and are reused.
struct OnlineLearning {
    /// The model that serves and learns (always uniquely held, so it updates in place).
    var model: any IncrementalModel
    private var features: [Double] = []
    private var labels: [Double] = []

    /// The live model continuing from `initial`; nil when the strategy's trigger is not online.
    /// Throws when the family has no per-event update (`validate` refuses that scenario first).
    init?(_ spec: StrategySpec, initial: any Model, dimension: Int, classCount: Int) throws {
        guard spec.trigger.policy is OnlineTrigger else { return nil }
        guard let learner = spec.learner as? any IncrementalLearner else {
            throw FlywheelError("strategy '\(spec.name)': trigger: online needs a model family that learns one row at a time; "
                                + "'\(spec.learner.family)' does not (use trigger: every_tick)", key: "trigger")
        }
        model = learner.incremental(from: initial, dimension: dimension, classCount: classCount)
    }

    /// Learns the labels `arrived` (their rows in `rows`), one at a time in order; returns how many
    /// the model learnt (labels that are class indices).
    mutating func learn(_ arrived: ArraySlice<LabelRef>, rows: LabelledRows) -> Int {
        guard !arrived.isEmpty else { return 0 }
        let d = rows.dimension
        features.removeAll(keepingCapacity: true)
        labels.removeAll(keepingCapacity: true)
        for ref in arrived {
            features.append(contentsOf: rows.features(of: ref.row))
            labels.append(ref.label)
        }
        precondition(features.count == labels.count * d, "a label without its row")
        let n = labels.count
        return features.withUnsafeBufferPointer { x in
            labels.withUnsafeBufferPointer { y in model.learn(x, labels: y, count: n) }
        }
    }
}
