import FlywheelCore
import Learners

/// When a strategy starts a retraining job: the configuration of one trigger kind, evaluated once
/// per tick on what the strategy can observe (its arrived labels, what it served, its own
/// history), never the simulator's truth. Its live memory is a ``TriggerState``.
///
/// To add a trigger: one file with a type conforming to this protocol (and, when it remembers
/// anything, its ``TriggerState``), and one line in ``Triggers/all``.
public protocol TriggerPolicy: StrategyComponent {
    /// The keys that name this kind in a strategy's `trigger:` mapping (`every`; `any` and `all`).
    static var keys: [String] { get }
    /// Whether its key alone names it (`trigger: never`).
    static var isBareWord: Bool { get }
    /// Reads the value of `key`, one of ``keys``, in a `trigger:` mapping (or the bare word),
    /// reporting what is wrong at the value.
    static func read(_ key: String, _ v: ConfigValue, _ c: ReadContext) -> Self?
    /// Whether it looks at served inputs or outputs (not only at labels): with sampled logging,
    /// such a trigger sees only the logged events.
    var needsInputs: Bool { get }
    /// Whether it compares the model's outputs (the engine then computes the served scores).
    var needsScores: Bool { get }
    /// Whether it reads the label-free CBPE estimate of the served accuracy
    /// (``TriggerObservation/estimatedAccuracy``): the engine then calibrates each model on its
    /// holdout and estimates every tick, without labels.
    var needsEstimate: Bool { get }
    /// Whether it can work from profiles-only logging (sketches, no raw rows).
    var worksOnProfiles: Bool { get }
    /// Whether the strategy needs its labelled rows at all (a trigger that never fires does not).
    var keepsLabelledRows: Bool { get }
    /// The expected number of trainings per tick, before cooldown: the runner schedules the
    /// costliest simulations first.
    var expectedTrainingsPerTick: Double { get }
    /// The live state of this trigger for one simulation.
    func makeState(_ context: TriggerContext) throws -> any TriggerState
    /// Ticks from a change to the first tick at which this trigger can have seen it, when labels
    /// arrive `labelDelay` ticks after their events: 0 for a trigger that reads served inputs or
    /// outputs (it sees a tick's events at that tick), the label delay for every other (it reads
    /// arrived labels, or fires on a calendar or a label count: what it and the training see of a
    /// change arrives with the labels). Detection scoring counts no hit before it.
    func observableLag(labelDelay: Int) -> Int
}

extension TriggerPolicy {
    public static var isBareWord: Bool { false }
    public var needsInputs: Bool { false }
    public var needsScores: Bool { false }
    public var needsEstimate: Bool { false }
    /// A trigger that looks only at labels works on profiles.
    public var worksOnProfiles: Bool { !needsInputs }
    public var keepsLabelledRows: Bool { true }
    public func observableLag(labelDelay: Int) -> Int { needsInputs ? 0 : max(labelDelay, 0) }
}

/// What a trigger's state is opened with.
public struct TriggerContext: Sendable {
    /// Profiles-only logging: input and output windows are merged quantile sketches.
    public var profiles: Bool
    /// The scenario's prices (a cost-aware trigger weighs errors against a training's price).
    public var costs: CostModel
    /// The shortest label delay, in ticks: labels arriving sooner after a deployment than this
    /// are all of events the previous model served.
    public var labelDelay: Int
    public init(profiles: Bool, costs: CostModel = CostModel(), labelDelay: Int = 0) {
        self.profiles = profiles
        self.costs = costs
        self.labelDelay = labelDelay
    }
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
    /// For each label that arrived this tick, the loss of the prediction served for its event
    /// (``PredictionTask/loss(_:_:)``: 1 wrong / 0 right, or the absolute error).
    public var arrivedLoss: [Double]
    /// What the model predicts: how the losses read.
    public var task: PredictionTask
    /// The tick the deployed model went live.
    public var deployedAt: Int
    /// The served events the strategy observes (only the logged ones under sampled logging).
    public var batch: EventBatch
    /// The deployed model's score per observed event (filled only when a trigger needs it).
    public var scores: ArraySlice<Double>
    /// The number of events served this tick (every one, logged or not).
    public var served: Int
    /// The CBPE estimate of the deployed model's accuracy on the observed events (filled only
    /// when a trigger needs it; NaN otherwise).
    public var estimatedAccuracy: Double = .nan

    public init(tick: Int, sinceTrain: Double, newLabels: Int, arrivedLoss: [Double], task: PredictionTask,
                deployedAt: Int, batch: EventBatch, scores: ArraySlice<Double>, served: Int? = nil) {
        self.served = served ?? batch.count
        self.tick = tick
        self.sinceTrain = sinceTrain
        self.newLabels = newLabels
        self.arrivedLoss = arrivedLoss
        self.task = task
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
        NeverTrigger.self, PeriodicTrigger.self, EveryTickTrigger.self, OnlineTrigger.self, VolumeTrigger.self,
        PerformanceTrigger.self,
        DetectorTrigger.self, DriftTrigger.self, CompositeTrigger.self, CostTrigger.self, QualityTrigger.self,
    ]

    /// The catalogue: every kind, then the options every trigger takes.
    public static var catalog: [ComponentInfo] { all.map { $0.info } + TriggerConfig.options }

    /// The words that name a trigger on their own.
    static var bareWords: [String] { all.filter { $0.isBareWord }.flatMap { $0.keys } }
    /// Every key that names a trigger, the bare words first.
    public static var keys: [String] { bareWords + all.filter { !$0.isBareWord }.flatMap { $0.keys } }

    /// Reads a strategy's `trigger:` value: a bare word (`never`), or a mapping of one trigger and
    /// its guards (`{every: 7d, cooldown: 2d}`).
    public static func readConfig(_ v: ConfigValue, _ c: ReadContext) -> TriggerConfig? {
        if let s = v.scalarText, v.node.mapping == nil {
            guard let kind = all.first(where: { $0.isBareWord && $0.keys.contains(s) }), let policy = kind.read(s, v, c) else {
                v.fail("'\(s)' is not a trigger", hint: nearest(s, in: bareWords).map { "did you mean '\($0)'?" }
                                                     ?? "write \(bareWords.joined(separator: ", ")), or a mapping such as {every: 7d}")
                return nil
            }
            return TriggerConfig(policy: policy)
        }
        guard let m = v.mapping(allowed: keys + ["cooldown", "min_new_labels"]) else { return nil }
        let cooldown = m["cooldown"]?.duration(tick: c.tick) ?? 0
        c.warnBeyondHorizon(cooldown, at: m["cooldown"], "the trigger fires at most once")
        let minNew = m["min_new_labels"]?.count(min: 0, unit: "labels") ?? 1
        c.warnBeyondEvents(minNew, at: m["min_new_labels"], "the trigger never fires")
        let policies = m.filter { $0.key != "cooldown" && $0.key != "min_new_labels" }
        guard policies.count == 1, let (key, value) = policies.first else {
            v.fail(policies.isEmpty ? "name a trigger: never, every_tick, online, every, volume, performance, detector, any or all"
                                    : "give one trigger per strategy; combine several with any: [...] or all: [...]")
            return nil
        }
        guard let policy = read(key, value, c) else { return nil }
        return TriggerConfig(policy: policy, cooldown: cooldown, minNewLabels: minNew)
    }

    /// Reads the trigger that `key` names, its value `v`.
    public static func read(_ key: String, _ v: ConfigValue, _ c: ReadContext) -> (any TriggerPolicy)? {
        all.first { $0.keys.contains(key) }?.read(key, v, c)
    }
}
