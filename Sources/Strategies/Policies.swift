import FlywheelCore
import Learners
import Monitoring

/// When a strategy starts a retraining job. Evaluated once per tick on what the strategy can
/// observe: its arrived labels and its own history, never the simulator's truth.
public indirect enum TriggerPolicy: Hashable, Sendable {
    /// Never retrain: the initial model serves throughout.
    case never
    /// Every `every` ticks since the last training (a retraining schedule).
    case periodic(every: Double)
    /// Every tick: the upper reference of what retraining can buy.
    case online
    /// When at least `labels` new labels have arrived since the last training.
    case volume(labels: Int)
    /// When the observed accuracy over the last `window` ticks of arrived labels falls below
    /// `threshold`, or (with `drop`) below the accuracy observed in the `window` after deployment
    /// by more than `drop`.
    case performance(threshold: Double?, drop: Double?, window: Double)
    /// When a drift detector signals a drift: fed with the 0/1 error stream of arrived labels, or
    /// (with `feature`) with the served values of one input feature.
    case detector(name: String, parameters: [String: Double], feature: Int?)
    /// When the distance between a reference window and the recent window of served inputs or
    /// model outputs exceeds a threshold (see ``DriftTriggerSpec``).
    case drift(DriftTriggerSpec)
    /// Fires when any of the triggers fires.
    case any([TriggerPolicy])
    /// Fires when all of the triggers fire at the same tick.
    case all([TriggerPolicy])

    public static let catalog: [ComponentInfo] = [
        ComponentInfo(family: "trigger", name: "never", summary: "Never retrain: the initial model serves throughout."),
        ComponentInfo(family: "trigger", name: "every", summary: "Periodic: retrain every duration since the last training (`{every: 7d}`).",
                      parameters: [ParameterInfo("every", "—", "interval, in ticks or as a duration")]),
        ComponentInfo(family: "trigger", name: "online", summary: "Retrain every tick: the upper reference."),
        ComponentInfo(family: "trigger", name: "volume", summary: "Retrain when N new labels have arrived since the last training.",
                      parameters: [ParameterInfo("labels", "—", "number of new labels")]),
        ComponentInfo(family: "trigger", name: "performance",
                      summary: "Retrain when the observed accuracy over a window of arrived labels is below a threshold, or has dropped from its value after deployment.",
                      parameters: [ParameterInfo("threshold", "—", "absolute floor on observed accuracy"), ParameterInfo("drop", "—", "allowed drop from the post-deployment accuracy"),
                                   ParameterInfo("window", "7", "window of label arrival, in ticks or a duration")]),
        ComponentInfo(family: "trigger", name: "detector", summary: "Retrain when a drift detector signals a drift: on the 0/1 error stream of arrived labels, or on one served feature (see family `detector`).",
                      parameters: [ParameterInfo("name", "—", "detector name (adwin, ddm, eddm, hddm_a, hddm_w, kswin, page_hinkley)"),
                                   ParameterInfo("on", "error", "error (arrived labels) or a feature name"), ParameterInfo("…", "", "the detector's own parameters")]),
        ComponentInfo(family: "trigger", name: "drift",
                      summary: "Retrain when a distance between a reference window (the training data, or the first window after deployment) and the recent window exceeds a threshold; needs no labels.",
                      parameters: [ParameterInfo("on", "output", "output (the model's score), features, or projection"),
                                   ParameterInfo("features", "all", "feature names, for on: features"),
                                   ParameterInfo("projection", "norm", "norm, mean or random, for on: projection"),
                                   ParameterInfo("dimensions", "3", "random projections drawn, for projection: random"),
                                   ParameterInfo("metric", "wasserstein", "a distance (see family `distance`)"),
                                   ParameterInfo("threshold", "—", "fire above this distance"),
                                   ParameterInfo("window", "7", "recent window, in ticks or a duration"),
                                   ParameterInfo("reference", "training", "training or first_window"),
                                   ParameterInfo("share", "0", "fire when more than this share of the channels (features) drifted; 0: any one")],
                      reference: "Rabanser, Günnemann & Lipton, NeurIPS 2019 (failing loudly: two-sample tests on projections)"),
        ComponentInfo(family: "trigger", name: "any / all", summary: "Composite: fire when any / all of the listed triggers fire."),
        ComponentInfo(family: "trigger-option", name: "cooldown", summary: "Minimum time between two trainings.", parameters: [ParameterInfo("cooldown", "0", "ticks or a duration")]),
        ComponentInfo(family: "trigger-option", name: "min_new_labels", summary: "Minimum new labels since the last training before any trigger may fire.",
                      parameters: [ParameterInfo("min_new_labels", "1", "count")]),
    ]
}

/// A distance-based drift trigger: compares the recent window of what the strategy observes at
/// serving time (inputs, model outputs, projections) with a reference window.
public struct DriftTriggerSpec: Hashable, Sendable {
    /// What is compared.
    public enum Channel: Hashable, Sendable {
        /// The model's score: the probability of the last class (binary: P(y = 1)); for more
        /// classes, the probability of the predicted class (its confidence).
        case output
        /// A projection of the served inputs, each output of it a channel: chosen features, the
        /// row norm or mean, or seeded random directions.
        case inputs(Projection)
    }
    /// Which window the recent one is compared with.
    public enum Reference: String, Hashable, Sendable {
        /// The inputs the deployed model was trained on (and its outputs on them).
        case training
        /// The first `window` ticks after the model went live.
        case firstWindow = "first_window"
    }

    public var on: Channel
    public var metric: DistanceMetric
    public var threshold: Double
    public var window: Double
    public var reference: Reference
    /// Fires when the share of channels above the threshold exceeds this (0: any one channel).
    public var share: Double

    public init(on: Channel, metric: DistanceMetric, threshold: Double, window: Double, reference: Reference, share: Double) {
        self.on = on
        self.metric = metric
        self.threshold = threshold
        self.window = window
        self.reference = reference
        self.share = share
    }
}

/// A trigger with its guards.
public struct TriggerConfig: Hashable, Sendable {
    public var policy: TriggerPolicy
    /// No training within `cooldown` ticks of the previous one.
    public var cooldown: Double
    /// No training before this many new labels arrived since the previous one.
    public var minNewLabels: Int

    public init(policy: TriggerPolicy, cooldown: Double = 0, minNewLabels: Int = 1) {
        self.policy = policy
        self.cooldown = cooldown
        self.minNewLabels = minNewLabels
    }
}

/// Which arrived labels form the training set.
public enum DatasetPolicy: Hashable, Sendable {
    /// Every label that has arrived.
    case all
    /// Labels of events served in the last `ticks` ticks.
    case window(ticks: Double)
    /// The most recent `count` labelled events.
    case count(Int)

    public static let catalog: [ComponentInfo] = [
        ComponentInfo(family: "dataset", name: "all", summary: "Every label that has arrived so far."),
        ComponentInfo(family: "dataset", name: "window", summary: "Labels of events served within the last duration (`{window: 30d}`).",
                      parameters: [ParameterInfo("window", "—", "ticks or a duration")]),
        ComponentInfo(family: "dataset", name: "count", summary: "The most recent N labelled events (`{count: 5000}`).",
                      parameters: [ParameterInfo("count", "—", "rows")]),
    ]
}

/// How events get labels: what share, how many at most, how late, at what price.
public struct LabelingPolicy: Hashable, Sendable {
    /// Share of each tick's events that get a label (uniformly at random).
    public var coverage: Double
    /// At most this many labels per tick (nil: no cap).
    public var budgetPerTick: Int?
    /// Ticks between serving an event and its label becoming visible.
    public var delay: Int
    /// Price of one label.
    public var cost: Double

    public init(coverage: Double = 1, budgetPerTick: Int? = nil, delay: Int = 0, cost: Double = 0) {
        self.coverage = coverage
        self.budgetPerTick = budgetPerTick
        self.delay = delay
        self.cost = cost
    }

    public static let catalog: [ComponentInfo] = [
        ComponentInfo(family: "labels", name: "random", summary: "Each tick, a uniform random share of events gets a label, capped by a budget, arriving after a delay.",
                      parameters: [ParameterInfo("coverage", "1", "share of events labelled"), ParameterInfo("budget_per_tick", "none", "cap on labels per tick"),
                                   ParameterInfo("delay", "0", "label delay, in ticks or a duration"), ParameterInfo("cost", "0", "price per label")]),
    ]
}

/// The offline gate: does the candidate go out?
public struct GatePolicy: Hashable, Sendable {
    /// Share of the training set's most recent rows held out for the comparison (0: no gate).
    public var holdout: Double
    /// The candidate must beat the champion's holdout accuracy by at least this much.
    public var minGain: Double

    public init(holdout: Double = 0, minGain: Double = 0) {
        self.holdout = holdout
        self.minGain = minGain
    }

    public var isOpen: Bool { holdout <= 0 }

    public static let catalog: [ComponentInfo] = [
        ComponentInfo(family: "gate", name: "holdout", summary: "Candidate vs champion on the most recent labelled rows held out of training; deploy only with a minimum gain.",
                      parameters: [ParameterInfo("holdout", "0", "share of the training set held out (0: no gate)"), ParameterInfo("min_gain", "0", "required accuracy gain")]),
    ]
}

/// Prices of what a strategy does (in the scenario's money unit).
public struct CostModel: Hashable, Sendable {
    /// Per wrong prediction (classification) or per unit of absolute error (regression).
    public var error: Double
    /// Fixed price of one training job.
    public var retrain: Double
    /// Price per training sample per epoch.
    public var retrainPerSample: Double
    /// Price of one deployment.
    public var deploy: Double

    public init(error: Double = 1, retrain: Double = 0, retrainPerSample: Double = 0, deploy: Double = 0) {
        self.error = error
        self.retrain = retrain
        self.retrainPerSample = retrainPerSample
        self.deploy = deploy
    }

    public var dictionary: [String: Double] {
        ["error": error, "retrain": retrain, "retrain_per_sample": retrainPerSample, "deploy": deploy]
    }
}

/// A retraining strategy: one independent copy of the production system.
public struct StrategySpec: Sendable {
    public var name: String
    public var trigger: TriggerConfig
    public var dataset: DatasetPolicy
    public var labeling: LabelingPolicy
    public var learner: any Learner
    public var gate: GatePolicy
    /// Start each training from the champion (continual fine-tuning) instead of from scratch.
    public var warmStart: Bool
    /// Ticks between the start of a training job and the candidate being ready.
    public var trainingLatency: Int

    public init(name: String, trigger: TriggerConfig, dataset: DatasetPolicy, labeling: LabelingPolicy, learner: any Learner,
                gate: GatePolicy = GatePolicy(), warmStart: Bool = false, trainingLatency: Int = 0) {
        self.name = name
        self.trigger = trigger
        self.dataset = dataset
        self.labeling = labeling
        self.learner = learner
        self.gate = gate
        self.warmStart = warmStart
        self.trainingLatency = trainingLatency
    }
}
