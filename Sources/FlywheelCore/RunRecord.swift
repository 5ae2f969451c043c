/// The ground truth of one injected drift: what changed, when, and how strongly.
public struct DriftTruth: Hashable, Sendable, Codable {
    public var id: Int
    /// `instantaneous`, `gradual`, `incremental`, `periodic` or `temporary`.
    public var type: String
    /// `concept`, `covariates`, `prior`, `label_noise` or `quality`.
    public var target: String
    /// First tick at which the drift has any effect (intensity above 1 %).
    public var start: Double
    /// Tick after which the drift has reached its final state (or reverted, for a temporary one).
    public var end: Double
    /// The largest intensity reached, in [0, 1].
    public var peak: Double
    /// The tick a detector should be judged against (the change point; for gradual, the centre).
    public var changePoint: Double
    /// Every change a detector is scored against, in order: `[changePoint]` for a drift that
    /// changes once; each cycle's onset for a periodic drift; onset and revert for a temporary one.
    public var changePoints: [Double]
    /// A human-readable description of the drift's parameters.
    public var detail: String

    public init(id: Int, type: String, target: String, start: Double, end: Double, peak: Double, changePoint: Double,
                detail: String, changePoints: [Double]? = nil) {
        self.id = id
        self.type = type
        self.target = target
        self.start = start
        self.end = end
        self.peak = peak
        self.changePoint = changePoint
        self.changePoints = changePoints ?? [changePoint]
        self.detail = detail
    }
}

/// One named per-tick series of a run, e.g. `accuracy`; NaN where a tick has no value.
public struct MetricSeries: Hashable, Sendable {
    public var name: String
    public var values: [Double]
    public init(name: String, values: [Double]) {
        self.name = name
        self.values = values
    }
}

/// Something a strategy did at a tick: a trigger firing, a training job, a deployment.
public struct StrategyEvent: Hashable, Sendable {
    /// `trigger`, `train`, `deploy`, `reject`, `rollback`.
    public var kind: String
    public var tick: Int
    public var modelVersion: Int
    /// Training-set size for `train`; 0 otherwise.
    public var samples: Int
    public var detail: String

    public init(kind: String, tick: Int, modelVersion: Int, samples: Int = 0, detail: String = "") {
        self.kind = kind
        self.tick = tick
        self.modelVersion = modelVersion
        self.samples = samples
        self.detail = detail
    }
}

/// The record of one strategy on one replicate: its per-tick series and what it did.
public struct StrategyRun: Sendable {
    public var strategy: String
    public var replicate: Int
    public var series: [MetricSeries]
    public var events: [StrategyEvent]
    /// Each training's measured wall time (for `run.sqlite` only; never in a CSV).
    public var trainingTimes: [TrainingTime] = []

    public init(strategy: String, replicate: Int, series: [MetricSeries], events: [StrategyEvent]) {
        self.strategy = strategy
        self.replicate = replicate
        self.series = series
        self.events = events
    }

    public func values(_ metric: String) -> [Double]? { series.first { $0.name == metric }?.values }
}

/// Per-replicate facts about the traffic itself, shared by every strategy.
public struct TrafficRecord: Sendable {
    public var replicate: Int
    /// Events per tick.
    public var volume: [Double]
    /// The Bayes-optimal accuracy per tick (NaN where unknown, e.g. replayed data).
    public var bayes: [Double]
    public init(replicate: Int, volume: [Double], bayes: [Double]) {
        self.replicate = replicate
        self.volume = volume
        self.bayes = bayes
    }
}

/// What identifies a run: the scenario as written, the seed and the tool version.
public struct RunManifest: Sendable, Hashable {
    public var scenarioName: String
    public var description: String
    public var scenarioText: String
    public var scenarioFile: String
    public var seed: UInt64
    public var replicates: Int
    public var version: String
    public var clock: Clock
    /// The metric a strategy is judged by (`accuracy`, or `mae` for regression).
    public var primaryMetric: String
    /// The task the primary metric scores.
    public var task: PredictionTask { PredictionTask(primaryMetric: primaryMetric) }
    /// The strategy opportunity cost is measured against, if the scenario names one.
    public var reference: String?
    public var costs: [String: Double]
    /// How many ticks after a change point a trigger's firing still counts as detecting it.
    public var detectionTolerance: Int
    /// The metric value below which a tick counts as "below the floor" in summaries (nil: none).
    public var performanceFloor: Double?
    /// Per strategy, ticks from a change to the first tick its trigger can have seen it (the
    /// label delay, or 0 for a trigger on served inputs or outputs): detection scoring counts no
    /// hit before. A strategy not listed (a run stored before it was recorded) counts from the
    /// change point.
    public var observableLag: [String: Int] = [:]
    /// The series the scenario's `metrics:` requested (`estimated_accuracy`, `quality_missing`, …),
    /// in its order: the summary, the ranked table and the figures carry each beside the primary
    /// metric.
    public var requestedMetrics: [String] = []
    /// The traffic replays a file: one realisation, the same rows on every replicate, so intervals
    /// come from the block bootstrap over ticks rather than from replicates.
    public var replayed: Bool
    /// The ticks are spans of real time: a replayed file's timestamp column grouped by a span
    /// (`tick: 1d`), so tick `t` starts at `clock.time(ofTick: t)`. False for a synthetic stream's
    /// clock and for ticks that group rows (`tick: 500 rows`), whose times the clock invents.
    public var timedTicks: Bool {
        if case .fileTime = clock.basis { return true }
        return false
    }

    public init(scenarioName: String, description: String, scenarioText: String, scenarioFile: String, seed: UInt64,
                replicates: Int, version: String, clock: Clock, primaryMetric: String, reference: String?, costs: [String: Double],
                detectionTolerance: Int = 10, performanceFloor: Double? = nil, replayed: Bool = false) {
        self.replayed = replayed
        self.detectionTolerance = detectionTolerance
        self.performanceFloor = performanceFloor
        self.scenarioName = scenarioName
        self.description = description
        self.scenarioText = scenarioText
        self.scenarioFile = scenarioFile
        self.seed = seed
        self.replicates = replicates
        self.version = version
        self.clock = clock
        self.primaryMetric = primaryMetric
        self.reference = reference
        self.costs = costs
    }
}

/// A finished run: everything analysis, plots, reports and storage need, and nothing live.
public struct RunRecord: Sendable {
    public var manifest: RunManifest
    /// Strategy names in scenario order.
    public var strategies: [String]
    /// Strategy × replicate runs, sorted by strategy order then replicate.
    public var runs: [StrategyRun]
    public var traffic: [TrafficRecord]
    public var drifts: [DriftTruth]

    public init(manifest: RunManifest, strategies: [String], runs: [StrategyRun], traffic: [TrafficRecord], drifts: [DriftTruth]) {
        self.manifest = manifest
        self.strategies = strategies
        self.runs = runs
        self.traffic = traffic
        self.drifts = drifts
    }

    public func runs(of strategy: String) -> [StrategyRun] { runs.filter { $0.strategy == strategy } }
}

/// The version written into every run's manifest.
public enum FlywheelVersion {
    public static let current = "0.1.0"
}
