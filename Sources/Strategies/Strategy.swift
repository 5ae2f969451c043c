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

    /// A rough relative cost of simulating the strategy: dominated by how often it trains
    /// (`1 + 20 × trainings per tick / max(1, cooldown)`), times its curation's own cost.
    public var simulationCost: Double {
        (1 + 20 * trigger.policy.expectedTrainingsPerTick / max(1, trigger.cooldown)) * labeling.curation.simulationCost
    }
}
