import FlywheelCore
import Learners

/// Online learning: per-event test-then-train (prequential; Gama, Sebastião & Rodrigues,
/// "On evaluating stream learning algorithms", Machine Learning 90, 2013), as River's
/// `learn_one` and MOA's `trainOnInstance`.
///
/// A tick is served by the model as it was before that tick's labels arrived; the labels that
/// arrive at the tick (after coverage, budget, curation, delay and annotator noise, as for any
/// strategy) are then learnt one at a time, in arrival order, by the family's per-event update
/// (``IncrementalModel``), and the updated model serves from the next tick. There is no training
/// job: no dataset policy, gate, rollout, warm start (the model always continues), latency,
/// cooldown or label minimum, and `validate` refuses them. A tick that learnt at least one label
/// counts as one training and one deployment; its cost is the per-row and per-unit prices of the
/// rows learnt, with no per-job or deployment price.
///
/// Families: those whose learner is an ``IncrementalLearner`` (Hoeffding tree, Gaussian naive
/// Bayes); a full refit at every tick is `trigger: every_tick`.
public struct OnlineTrigger: StatelessTrigger, Hashable {
    public static let info = ComponentInfo(
        family: "trigger", name: "online",
        summary: "Learn each arriving label at once, one row at a time (test-then-train), for families with a "
            + "per-event update: hoeffding_tree, gaussian_nb.",
        reference: "Gama, Sebastião & Rodrigues 2013 (prequential evaluation)")

    public init() {}

    public static var keys: [String] { ["online"] }
    public static var isBareWord: Bool { true }
    public static func read(_ key: String, _ v: ConfigValue, _ c: ReadContext) -> OnlineTrigger? { OnlineTrigger() }

    public static var examples: [Self] { [OnlineTrigger()] }

    /// Every tick with labels updates the model (cheaply: one pass over the tick's labels).
    public var expectedTrainingsPerTick: Double { 1 }
    /// It never starts a training job: the simulation updates the model itself.
    public func fires(_ o: TriggerObservation) -> Bool { false }

    /// The strategy keys an online strategy refuses, and why.
    static let refusedKeys: [(key: String, reason: String)] = [
        ("dataset", "a dataset policy chooses the rows of a training job, and trigger: online has no training job: "
            + "it learns each label once, as it arrives"),
        ("gate", "an offline gate compares a trained candidate with the champion, and trigger: online has no candidate: "
            + "the one model keeps learning"),
        ("rollout", "a rollout tests a trained candidate against the champion, and trigger: online has no candidate: "
            + "the one model keeps learning"),
        ("warm_start", "trigger: online always continues from the model it has (there is no fit from scratch)"),
        ("training_latency", "trigger: online updates the model as each label arrives; there is no training job to wait for"),
    ]

    /// Refuses what an online strategy cannot mean, at the key (with its line): a family without a
    /// per-event update, training-job keys, trigger guards and committee curation. `strategy` is the
    /// strategy's mapping, `trigger` its `trigger:` value.
    public static func refuseConflicts(strategy m: [String: ConfigValue], trigger: ConfigValue, learner: any Learner,
                                       labeling: LabelingPolicy) {
        if !(learner is any IncrementalLearner) {
            let families = LearnerCatalog.incrementalFamilies.joined(separator: ", ")
            (m["model"] ?? trigger).fail(
                "trigger: online learns one row at a time, and model family '\(learner.family)' has no per-event update",
                hint: "use trigger: every_tick for a full training job every tick, or a family that learns one row at a time: "
                    + families)
        }
        for (key, reason) in refusedKeys {
            if let v = m[key] { v.fail("\(key) has no effect with trigger: online: \(reason)", hint: "remove \(key)") }
        }
        for (key, keyValue, _) in trigger.entries() ?? [] where key == "cooldown" || key == "min_new_labels" {
            keyValue.fail("\(key) has no effect with trigger: online: the model learns every label as it arrives",
                          hint: "remove \(key), or use a trigger that starts training jobs, e.g. {every: 1d, \(key): …}")
        }
        if labeling.curation is CommitteeCuration {
            (m["labels"] ?? trigger).fail(
                "committee curation retrains its committee at each deployment, and trigger: online deploys at every tick",
                hint: "use uncertainty or random curation with trigger: online")
        }
    }
}
