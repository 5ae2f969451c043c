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
    /// A random sample of `size` arrived labels; with a `halfLife` (ticks), weighted toward recent
    /// data: a row served `a` ticks ago has weight `2^(−a / halfLife)` (sampling without
    /// replacement, Efraimidis & Spirakis' keys `u^(1/w)`).
    case sample(size: Int, halfLife: Double?)
    /// Online batch selection: the `size` arrived labels with the highest loss under the current
    /// champion (Loshchilov & Hutter 2015), from the last `window` ticks.
    case hardest(size: Int, window: Double)
    /// Only labels that arrived since the last training (continual fine-tuning with `warm_start`).
    case sinceLastTraining

    public static let catalog: [ComponentInfo] = [
        ComponentInfo(family: "dataset", name: "all", summary: "Every label that has arrived so far."),
        ComponentInfo(family: "dataset", name: "window", summary: "Labels of events served within the last duration (`{window: 30d}`).",
                      parameters: [ParameterInfo("window", "—", "ticks or a duration")]),
        ComponentInfo(family: "dataset", name: "count", summary: "The most recent N labelled events (`{count: 5000}`).",
                      parameters: [ParameterInfo("count", "—", "rows")]),
        ComponentInfo(family: "dataset", name: "sample", summary: "A random sample of fixed size, uniform or weighted toward recent data (`{sample: 2000, half_life: 14d}`).",
                      parameters: [ParameterInfo("sample", "—", "rows"), ParameterInfo("half_life", "none (uniform)", "age at which a row's weight halves")],
                      reference: "Efraimidis & Spirakis, Information Processing Letters 2006 (weighted sampling)"),
        ComponentInfo(family: "dataset", name: "hardest", summary: "Online batch selection: the rows with the highest loss under the champion (`{hardest: 2000, window: 30d}`).",
                      parameters: [ParameterInfo("hardest", "—", "rows"), ParameterInfo("window", "all", "where to look")],
                      reference: "Loshchilov & Hutter, 2015 (online batch selection)"),
        ComponentInfo(family: "dataset", name: "since_last_training", summary: "Only labels that arrived since the last training; with `warm_start: true` this is continual fine-tuning."),
    ]
}

/// What the strategy keeps of the traffic it serves.
public enum LoggingPolicy: Hashable, Sendable {
    /// Every event.
    case all
    /// A uniform random share of events.
    case sample(rate: Double)
    /// A share of each predicted class (observable at serving time) or, `bySlice`, of each slice,
    /// so rare groups are kept as often as common ones: each group keeps `rate × n / groups`
    /// events at most.
    case stratified(rate: Double, bySlice: Bool)
    /// No raw rows: only mergeable quantile sketches of each monitored input and output per tick.
    /// Drift triggers compare sketches (KS, Wasserstein-1, PSI within the sketches' rank-error
    /// bound); training data is limited to the events sent for labelling, which carry their
    /// inputs with the label request.
    case profiles

    public static let catalog: [ComponentInfo] = [
        ComponentInfo(family: "logging", name: "all", summary: "Keep every served event (curation and drift triggers see all of them)."),
        ComponentInfo(family: "logging", name: "sample", summary: "Keep a uniform random share of events (`{sample: 0.1}`); only kept events can be labelled or monitored.",
                      parameters: [ParameterInfo("sample", "—", "share kept")]),
        ComponentInfo(family: "logging", name: "stratified", summary: "Keep an equal share per predicted class (`{stratified: 0.1}`) or per slice (`{stratified: 0.1, by: slice}`).",
                      parameters: [ParameterInfo("stratified", "—", "share kept overall"), ParameterInfo("by", "class", "class (the predicted class) or slice")]),
        ComponentInfo(family: "logging", name: "profiles", summary: "Keep no rows, only quantile sketches of inputs and outputs: drift triggers compare sketches (ks, wasserstein, psi); training uses only labelled events.",
                      reference: "Karnin, Lang & Liberty, FOCS 2016 (mergeable quantile sketches)"),
    ]
}

/// Which logged events are sent for labelling.
public enum Curation: Hashable, Sendable {
    /// Uniformly at random.
    case random
    /// An equal number per predicted class (or per slice when the stream has slices).
    case stratified(bySlice: Bool)
    /// Simulated users complain about a wrong prediction with probability `p` and about a right one
    /// with probability `q`; complaints arrive at once and cost nothing, and complained-about events
    /// are labelled first (the rest of the budget goes at random).
    case feedback(p: Double, q: Double)
    /// Active learning by uncertainty: the least confident, smallest-margin or highest-entropy
    /// predictions first (Settles 2009).
    case uncertainty(Uncertainty)
    /// Query by committee: a bootstrap committee of `members` models trained on the champion's
    /// training set; events with the most vote disagreement first (Seung, Opper & Sompolinsky 1992).
    case committee(members: Int)

    public enum Uncertainty: String, Hashable, Sendable, CaseIterable { case leastConfidence = "least_confidence", margin, entropy }
}

/// When a label becomes visible after its event was served.
public enum LabelDelay: Hashable, Sendable {
    case fixed(Int)
    /// Uniform on `low...high` ticks.
    case uniform(Int, Int)
    /// Geometric with the given mean (in ticks), i.e. a discretised exponential wait.
    case geometric(mean: Double)

    public var minimum: Int {
        switch self {
        case .fixed(let d): return d
        case .uniform(let lo, _): return lo
        case .geometric: return 0
        }
    }
}

/// How events get labels: which, how many, how late, how right, at what price.
public struct LabelingPolicy: Hashable, Sendable {
    /// Share of each tick's logged events that get a label.
    public var coverage: Double
    /// At most this many labels per tick (nil: no cap).
    public var budgetPerTick: Int?
    public var delay: LabelDelay
    /// Probability that an annotator returns a wrong label.
    public var noise: Double
    /// Price of one label.
    public var cost: Double
    public var curation: Curation

    public init(coverage: Double = 1, budgetPerTick: Int? = nil, delay: LabelDelay = .fixed(0), noise: Double = 0, cost: Double = 0,
                curation: Curation = .random) {
        self.coverage = coverage
        self.budgetPerTick = budgetPerTick
        self.delay = delay
        self.noise = noise
        self.cost = cost
        self.curation = curation
    }

    public static let catalog: [ComponentInfo] = [
        ComponentInfo(family: "labels", name: "labels", summary: "Each tick, a share of the logged events gets a label, capped by a budget, arriving after a delay, possibly wrong, at a price.",
                      parameters: [ParameterInfo("coverage", "1", "share of logged events labelled"), ParameterInfo("budget_per_tick", "none", "cap on labels per tick (never exceeded)"),
                                   ParameterInfo("delay", "0", "ticks or a duration; or {uniform: [1d, 5d]} or {geometric: 3d}"),
                                   ParameterInfo("noise", "0", "annotator error rate"), ParameterInfo("cost", "0", "price per label"),
                                   ParameterInfo("curation", "random", "random, stratified, stratified_slice, {feedback: {p, q}}, least_confidence, margin, entropy, {committee: 5}")]),
        ComponentInfo(family: "curation", name: "random", summary: "Label a uniform random choice of logged events."),
        ComponentInfo(family: "curation", name: "stratified", summary: "Label an equal number per predicted class; `stratified_slice`: per slice."),
        ComponentInfo(family: "curation", name: "feedback", summary: "Users complain about wrong predictions with probability p and right ones with probability q; complaints are labelled first.",
                      parameters: [ParameterInfo("p", "0.3", "complaint rate on wrong predictions"), ParameterInfo("q", "0.02", "complaint rate on right ones")]),
        ComponentInfo(family: "curation", name: "least_confidence / margin / entropy", summary: "Active learning by uncertainty of the deployed model.", reference: "Settles, Active Learning Literature Survey, 2009"),
        ComponentInfo(family: "curation", name: "committee", summary: "Query by committee: bootstrap models' vote disagreement (vote entropy).",
                      parameters: [ParameterInfo("committee", "5", "members")], reference: "Seung, Opper & Sompolinsky, COLT 1992"),
    ]
}

/// A named edge case: a region of input space (see ``Region``) whose holdout rows the gate
/// judges separately.
public typealias EdgeCase = Region

/// The offline gate: does the candidate go out?
public struct GatePolicy: Hashable, Sendable {
    /// Share of the training set's most recent rows held out for the comparison (0: no gate).
    public var holdout: Double
    /// The candidate must beat the champion's holdout accuracy by at least this much.
    public var minGain: Double
    /// On every slice of the holdout, the candidate may be worse than the champion by at most this
    /// (nil: no per-slice rule).
    public var sliceMargin: Double?
    /// Named edge cases (regions of the input space); on the holdout rows of each, the candidate
    /// may be worse than the champion by at most `edgeMargin`.
    public var edgeCases: [EdgeCase]
    public var edgeMargin: Double

    public init(holdout: Double = 0, minGain: Double = 0, sliceMargin: Double? = nil, edgeCases: [EdgeCase] = [], edgeMargin: Double = 0) {
        self.holdout = holdout
        self.minGain = minGain
        self.sliceMargin = sliceMargin
        self.edgeCases = edgeCases
        self.edgeMargin = edgeMargin
    }

    public var isOpen: Bool { holdout <= 0 }

    public static let catalog: [ComponentInfo] = [
        ComponentInfo(family: "gate", name: "holdout", summary: "Candidate vs champion on the most recent labelled rows held out of training; deploy only with a minimum gain and no slice worse than a margin.",
                      parameters: [ParameterInfo("holdout", "0", "share of the training set held out (0: no gate)"), ParameterInfo("min_gain", "0", "required accuracy gain"),
                                   ParameterInfo("slice_margin", "none", "non-inferiority margin on every slice"),
                                   ParameterInfo("edge_cases", "none", "names from the scenario's edge_cases: the candidate may not lose more than edge_margin on any"),
                                   ParameterInfo("edge_margin", "0", "non-inferiority margin on every edge case")]),
    ]
}

/// How a candidate that passed the gate reaches users.
public enum RolloutPolicy: Hashable, Sendable {
    /// Replaces the champion from the next tick.
    case immediate
    /// Predicts beside the champion for `ticks` ticks without serving; promoted when its accuracy on
    /// the labels that arrived for those events beats the champion's by `margin`.
    case shadow(ticks: Int, margin: Double)
    /// Serves a `fraction` of traffic for `ticks` ticks; rolled back when its observed accuracy is
    /// worse than the champion's by more than `margin`, promoted otherwise.
    case canary(fraction: Double, ticks: Int, margin: Double)
    /// Serves a `split` of traffic for `ticks` ticks; promoted when a one-sided two-proportion z-test
    /// finds it better at level `alpha`.
    case ab(split: Double, ticks: Int, alpha: Double)

    public static let catalog: [ComponentInfo] = [
        ComponentInfo(family: "rollout", name: "immediate", summary: "The candidate replaces the champion from the next tick."),
        ComponentInfo(family: "rollout", name: "shadow", summary: "The candidate predicts beside the champion without serving; promoted if better on the labels that arrive.",
                      parameters: [ParameterInfo("ticks", "7", "shadow period"), ParameterInfo("margin", "0", "required gain")]),
        ComponentInfo(family: "rollout", name: "canary", summary: "The candidate serves a fraction of traffic; rolled back when worse by a margin.",
                      parameters: [ParameterInfo("fraction", "0.1", "share of traffic"), ParameterInfo("ticks", "7", "canary period"), ParameterInfo("margin", "0.01", "tolerated loss")]),
        ComponentInfo(family: "rollout", name: "ab", summary: "A/B split; promotion when a one-sided two-proportion z-test says the candidate is better.",
                      parameters: [ParameterInfo("split", "0.5", "candidate's share"), ParameterInfo("ticks", "14", "test period"), ParameterInfo("alpha", "0.05", "significance level")]),
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
    /// Price of one rollback.
    public var rollback: Double

    public init(error: Double = 1, retrain: Double = 0, retrainPerSample: Double = 0, deploy: Double = 0, rollback: Double = 0) {
        self.error = error
        self.retrain = retrain
        self.retrainPerSample = retrainPerSample
        self.deploy = deploy
        self.rollback = rollback
    }

    public var dictionary: [String: Double] {
        ["error": error, "retrain": retrain, "retrain_per_sample": retrainPerSample, "deploy": deploy, "rollback": rollback]
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
    public var logging: LoggingPolicy
    public var rollout: RolloutPolicy
    /// Start each training from the champion (continual fine-tuning) instead of from scratch.
    public var warmStart: Bool
    /// Ticks between the start of a training job and the candidate being ready.
    public var trainingLatency: Int

    public init(name: String, trigger: TriggerConfig, dataset: DatasetPolicy, labeling: LabelingPolicy, learner: any Learner,
                gate: GatePolicy = GatePolicy(), logging: LoggingPolicy = .all, rollout: RolloutPolicy = .immediate,
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
}
