import FlywheelCore
import Learners

/// When a strategy starts a retraining job: the configuration of one trigger kind, evaluated once
/// per tick on what the strategy can observe (its arrived labels, what it served, its own
/// history), never the simulator's truth. Its live memory is a ``TriggerState``.
///
/// To add a trigger: one file with a type conforming to this protocol (and, when it remembers
/// anything, its ``TriggerState``), and one line in ``Triggers/all``.
public protocol TriggerPolicy: StrategyComponent {
    /// Whether it looks at served inputs or outputs (not only at labels): with sampled logging,
    /// such a trigger sees only the logged events.
    var needsInputs: Bool { get }
    /// Whether it compares the model's outputs (the engine then computes the served scores).
    var needsScores: Bool { get }
    /// Whether it can work from profiles-only logging (sketches, no raw rows).
    var worksOnProfiles: Bool { get }
    /// Whether the strategy needs its labelled rows at all (a trigger that never fires does not).
    var keepsLabelledRows: Bool { get }
    /// The expected number of trainings per tick, before cooldown: the runner schedules the
    /// costliest simulations first.
    var expectedTrainingsPerTick: Double { get }
    /// The live state of this trigger for one simulation.
    func makeState(_ context: TriggerContext) throws -> any TriggerState
}

extension TriggerPolicy {
    public var needsInputs: Bool { false }
    public var needsScores: Bool { false }
    /// A trigger that looks only at labels works on profiles.
    public var worksOnProfiles: Bool { !needsInputs }
    public var keepsLabelledRows: Bool { true }
}

/// What a trigger's state is opened with.
public struct TriggerContext: Sendable {
    /// Profiles-only logging: input and output windows are merged quantile sketches.
    public var profiles: Bool
    public init(profiles: Bool) { self.profiles = profiles }
}

/// The live memory of a strategy's trigger (a window of observed accuracy, a drift detector,
/// reference and recent windows), updated once per tick.
public protocol TriggerState: Sendable {
    /// Updates the state with what the strategy observed this tick and says whether it fires.
    mutating func update(_ o: TriggerObservation) -> Bool
    /// A new model went live, trained on `training` (its scores on it in `scores`, when the
    /// trigger needs them): windows and detectors start afresh on the new model.
    mutating func didDeploy(training: TrainingSet, scores: [Double])
}

/// A trigger that remembers nothing: its configuration is its state.
public protocol StatelessTrigger: TriggerPolicy, TriggerState {
    func fires(_ o: TriggerObservation) -> Bool
}

extension StatelessTrigger {
    public func makeState(_ context: TriggerContext) throws -> any TriggerState { self }
    public mutating func update(_ o: TriggerObservation) -> Bool { fires(o) }
    public mutating func didDeploy(training: TrainingSet, scores: [Double]) {}
}

/// What a trigger may observe at a tick: the strategy's own history, the labels that arrived,
/// and what was served (inputs and the model's outputs) — never the simulator's truth.
public struct TriggerObservation {
    public var tick: Int
    /// Ticks since the last training.
    public var sinceTrain: Double
    /// Labels arrived since the last training.
    public var newLabels: Int
    /// For each label that arrived this tick, whether the prediction served for its event was right.
    public var arrivedCorrect: [Bool]
    /// The tick the deployed model went live.
    public var deployedAt: Int
    /// The served events the strategy observes (only the logged ones under sampled logging).
    public var batch: EventBatch
    /// The deployed model's score per observed event (filled only when a trigger needs it).
    public var scores: ArraySlice<Double>

    public init(tick: Int, sinceTrain: Double, newLabels: Int, arrivedCorrect: [Bool], deployedAt: Int, batch: EventBatch,
                scores: ArraySlice<Double>) {
        self.tick = tick
        self.sinceTrain = sinceTrain
        self.newLabels = newLabels
        self.arrivedCorrect = arrivedCorrect
        self.deployedAt = deployedAt
        self.batch = batch
        self.scores = scores
    }
}

/// A trigger with its guards.
public struct TriggerConfig: Sendable {
    public var policy: any TriggerPolicy
    /// No training within `cooldown` ticks of the previous one.
    public var cooldown: Double
    /// No training before this many new labels arrived since the previous one.
    public var minNewLabels: Int

    public init(policy: any TriggerPolicy, cooldown: Double = 0, minNewLabels: Int = 1) {
        self.policy = policy
        self.cooldown = cooldown
        self.minNewLabels = minNewLabels
    }

    /// The options every trigger takes, for `flywheel list`.
    public static let options: [ComponentInfo] = [
        ComponentInfo(family: "trigger-option", name: "cooldown", summary: "Minimum time between two trainings.",
                      parameters: [ParameterInfo("cooldown", "0", "ticks or a duration")]),
        ComponentInfo(family: "trigger-option", name: "min_new_labels",
                      summary: "Minimum new labels since the last training before any trigger may fire.",
                      parameters: [ParameterInfo("min_new_labels", "1", "count")]),
    ]
}

/// Every trigger kind, in the order `flywheel list` shows them.
public enum Triggers {
    public static let all: [any TriggerPolicy.Type] = [
        NeverTrigger.self, PeriodicTrigger.self, OnlineTrigger.self, VolumeTrigger.self, PerformanceTrigger.self,
        DetectorTrigger.self, DriftTrigger.self, CompositeTrigger.self,
    ]

    /// The catalogue: every kind, then the options every trigger takes.
    public static var catalog: [ComponentInfo] { all.map { $0.info } + TriggerConfig.options }
}
