import FlywheelCore
import Learners

/// A retraining strategy: one independent copy of the production system, assembled from one
/// component of each role.
public struct StrategySpec: Sendable {
    public var name: String
    public var trigger: TriggerConfig
    public var dataset: any DatasetPolicy
    public var labeling: LabelingPolicy
    public var learner: any Learner
    public var gate: GatePolicy
    public var logging: any LoggingPolicy
    public var rollout: any RolloutPolicy
    /// Start each training from the champion (continual fine-tuning) instead of from scratch.
    public var warmStart: Bool
    /// Ticks between the start of a training job and the candidate being ready.
    public var trainingLatency: Int

    public init(name: String, trigger: TriggerConfig, dataset: any DatasetPolicy, labeling: LabelingPolicy, learner: any Learner,
                gate: GatePolicy = GatePolicy(), logging: any LoggingPolicy = LogAll(), rollout: any RolloutPolicy = ImmediateRollout(),
                warmStart: Bool = false, trainingLatency: Int = 0) {
        self.logging = logging
        self.rollout = rollout
        self.name = name
        self.trigger = trigger
        self.dataset = dataset
        self.labeling = labeling
        self.learner = learner
        self.gate = gate
        self.warmStart = warmStart
        self.trainingLatency = trainingLatency
    }

    /// Ticks from a change to the first tick its trigger can have seen it: the label delay's
    /// shortest value, or 0 for a trigger on served inputs or outputs
    /// (``TriggerPolicy/observableLag(labelDelay:)``).
    public var observableLag: Int { trigger.policy.observableLag(labelDelay: labeling.delay.minimum) }

    /// A rough relative cost of simulating the strategy: dominated by how often it trains
    /// (`1 + 20 × trainings per tick / max(1, cooldown)`), times its curation's own cost.
    public var simulationCost: Double {
        (1 + 20 * trigger.policy.expectedTrainingsPerTick / max(1, trigger.cooldown)) * labeling.curation.simulationCost
    }

    /// The keys of a strategy mapping.
    public static let keys = ["name", "trigger", "dataset", "labels", "logging", "model", "gate", "rollout", "warm_start",
                              "training_latency"]

    /// Reads one entry of `strategies:`: each role's component from its registry, over the
    /// scenario's `model` and `labels`; `edgeCases` are the scenario's named regions.
    public static func read(_ v: ConfigValue, _ c: ReadContext, model: any Learner, labels: LabelingPolicy,
                            edgeCases: [EdgeCase] = []) -> StrategySpec? {
        guard let m = v.mapping(allowed: keys) else { return nil }
        guard let nameValue = m["name"] else { v.fail("missing required key 'name'"); return nil }
        guard let name = nameValue.name() else { return nil }
        var trigger = TriggerConfig(policy: NeverTrigger())
        if let t = m["trigger"] { trigger = Triggers.readConfig(t, c) ?? trigger }
        var dataset: any DatasetPolicy = AllLabels()
        if let d = m["dataset"] { dataset = Datasets.read(d, c) ?? dataset }
        let labeling = m["labels"].flatMap { LabelingPolicy.read($0, c, base: labels) } ?? labels
        let learner = m["model"].flatMap { LearnerCatalog.read($0, schema: c.schema) } ?? model
        let hasSlices = c.schema.map { !$0.slices.isEmpty } ?? true
        let gate = m["gate"].flatMap { GatePolicy.read($0, c, edgeCases: edgeCases, slices: hasSlices) } ?? GatePolicy()
        var logging: any LoggingPolicy = LogAll()
        if let l = m["logging"] {
            logging = Loggings.read(l) ?? logging
            if let s = logging as? StratifiedLogging, !s.bySlice {
                c.refuseOnRegression(l, "logging stratified by predicted class",
                                     hint: "use {sample: 0.1}, or by: slice")
            }
            if let s = logging as? StratifiedLogging, s.bySlice, !hasSlices {
                l.fail("stratified logging by slice has no effect: the stream has no slices",
                       hint: "synthetic streams have no slices; use by: class, or a replay with a slice: column")
            }
            if logging.profilesOnly, !trigger.policy.worksOnProfiles {
                l.fail("with profiles-only logging there are no raw rows: drift triggers use ks, wasserstein or psi on sketches, "
                       + "and detectors run only on the error stream")
            }
        }
        var rollout: any RolloutPolicy = ImmediateRollout()
        if let ro = m["rollout"] { rollout = Rollouts.read(ro, c) ?? rollout }
        let warm = m["warm_start"]?.bool() ?? false
        // An option that would change nothing is refused, with the reason: at warm_start when it is
        // written, else at the strategy's own model (a scenario-wide model may serve strategies
        // that fine-tune and others that do not).
        if let problem = learner.warmStartProblem(warmStart: warm), let at = m["warm_start"] ?? m["model"] {
            at.fail(problem)
        }
        if trigger.policy is OnlineTrigger, let t = m["trigger"] {
            OnlineTrigger.refuseConflicts(strategy: m, trigger: t, learner: learner, labeling: labeling)
        }
        let latency = m["training_latency"].flatMap { $0.wholeTicks(tick: c.tick) } ?? 0
        c.warnBeyondHorizon(Double(latency), at: m["training_latency"], "no training finishes within the run")
        return StrategySpec(name: name, trigger: trigger, dataset: dataset, labeling: labeling, learner: learner, gate: gate,
                            logging: logging, rollout: rollout, warmStart: warm, trainingLatency: latency)
    }
}
