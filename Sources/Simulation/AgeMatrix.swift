import FlywheelCore
import Foundation
import Learners
import Strategies
import Streams

/// The scenario's `oracle:` section: the strategy whose dataset policy the hindsight-optimal
/// schedule uses, and the longest a retrained model may serve.
public struct OracleSpec: Sendable, Hashable {
    /// Index of the strategy in the plan.
    public var strategy: Int
    /// H: a retrained model serves at most this many ticks (the initial model has no limit).
    public var maxAge: Int

    public init(strategy: Int, maxAge: Int) {
        self.strategy = strategy
        self.maxAge = maxAge
    }
}

/// The age matrix of one replicate: the serving cost c(s, t) of tick t under the model that went
/// live at tick s, for a strategy whose training set depends only on when it trains.
///
/// A model trained at tick s − L (L the training latency) goes live at the end of tick s and
/// serves from s + 1, as in ``StrategySimulation``. For every s the matrix trains a model on the
/// set that strategy would have formed at s − L (the dataset policy over the labels arrived by
/// then: same logging, curation, annotation noise and delays, drawn from the same named streams,
/// so on the same traffic as the strategy) and evaluates it on ticks s + 1 … s + H:
///
///   c(s, t) = errors of the model on tick t × the error price (classification), or the summed
///             absolute error × the error price (regression), exactly as the simulator prices it.
///
/// Row s = −1 is the initial model on every tick. Each replicate costs T fits and at most
/// T·(H + 1) tick evaluations, in O(T·H) memory (8 bytes a cell) plus H live models; the traffic
/// is read once, tick by tick.
///
/// A dataset policy that draws (`sample`) or a learner that draws (SGD) is given its own named
/// stream per training tick, `replicate/r/strategy/NAME/oracle/s`; with a deterministic learner
/// and dataset the row of a tick the strategy trained at reproduces the strategy's own model.
public struct AgeMatrix: Sendable {
    public let ticks: Int
    public let maxAge: Int
    public let replicate: Int
    /// Errors (wrong predictions, or summed absolute error) of every tick under the initial model.
    public var initial: [Double]
    /// `cells[s·H + (t − s − 1)]`: the errors of tick t under the model live at s; NaN where no
    /// model went live at s or t ≥ T.
    public var cells: [Double]
    /// Price of the training behind the model live at s (fixed + per sample × epochs); NaN where
    /// no model can go live at s (no label had arrived, or s < L).
    public var trainCost: [Double]
    /// Rows of the training set behind the model live at s (0 where none).
    public var trainSamples: [Int]
    /// The replicate's label cost per tick (the same for every schedule: the labels do not depend
    /// on the served model).
    public var labelCost: [Double]
    /// The price of a deployment.
    public var deployCost: Double
    /// The error price: c(s, t) = errors × price.
    public var price: Double
    /// Events served per tick.
    public var events: [Double]
    /// Whether errors are wrong predictions (else summed absolute errors).
    public var classification: Bool

    /// A matrix from its parts (as stored in `run.sqlite`).
    public init(ticks: Int, maxAge: Int, replicate: Int, initial: [Double], cells: [Double], trainCost: [Double],
                trainSamples: [Int], labelCost: [Double], deployCost: Double, price: Double, events: [Double],
                classification: Bool) {
        self.ticks = ticks; self.maxAge = maxAge; self.replicate = replicate
        self.initial = initial; self.cells = cells; self.trainCost = trainCost; self.trainSamples = trainSamples
        self.labelCost = labelCost; self.deployCost = deployCost; self.price = price; self.events = events
        self.classification = classification
    }

    /// c(s, t), s = −1 for the initial model; NaN outside the matrix.
    public func cost(_ s: Int, _ t: Int) -> Double { errors(s, t) * price }

    /// The errors of tick t under the model live at s (s = −1: the initial model); NaN outside.
    public func errors(_ s: Int, _ t: Int) -> Double {
        if s < 0 { return initial[t] }
        let k = t - s - 1
        guard k >= 0, k < maxAge, t < ticks else { return .nan }
        return cells[s * maxAge + k]
    }

    /// The served metric of tick t under the model live at s: accuracy 1 − errors/n, or MAE
    /// errors/n (NaN for an empty tick).
    public func metric(_ s: Int, _ t: Int) -> Double {
        let n = events[t]
        guard n > 0 else { return .nan }
        return classification ? 1 - errors(s, t) / n : errors(s, t) / n
    }

    /// Whether a model can go live at tick s.
    public func canDeploy(_ s: Int) -> Bool { s >= 0 && s < ticks && !trainCost[s].isNaN }

    /// Dataset policies whose training set depends only on when it is formed.
    public static let timeOnlyDatasets: Set<String> = ["all", "window", "count", "sample"]

    /// Why a strategy's age matrix would not be the serving cost of its schedules (nil: it is).
    public static func refusal(_ spec: StrategySpec) -> String? {
        let dataset = type(of: spec.dataset).info.name
        if !timeOnlyDatasets.contains(dataset) {
            return "its dataset '\(dataset)' depends on the schedule or the served model, not only on when it trains "
                + "(use all, window, count or sample)"
        }
        let curation = type(of: spec.labeling.curation).info.name
        if curation != "random" {
            return "its curation '\(curation)' picks the events to label from the served model's predictions, so the "
                + "labels depend on the schedule (use random curation)"
        }
        let logging = type(of: spec.logging).info.name
        if logging != "all" && logging != "sample" {
            return "its logging '\(logging)' keeps events by the served model's predictions or keeps no rows "
                + "(use logging all or sample)"
        }
        let rollout = type(of: spec.rollout).info.name
        if rollout != "immediate" {
            return "its rollout '\(rollout)' lets the served model decide what goes live (use the immediate rollout)"
        }
        if !spec.gate.isOpen { return "its gate can refuse a candidate, so a training need not change the served model" }
        if spec.warmStart { return "it fine-tunes from the served model (warm_start), so each model depends on the schedule" }
        return nil
    }

    /// Bytes the matrices of `replicates` replicates need: `R·T·(H + 1)·8` for the cells and the
    /// initial row, `R·T·24` for the training prices and sizes, and the labelled rows the
    /// strategy's dataset policy keeps (as ``MemoryEstimate`` counts them, for each replicate
    /// computed at once).
    public static func bytes(plan: SimulationPlan, oracle: OracleSpec, workers: Int) -> Double {
        let t = Double(plan.source.ticks), h = Double(oracle.maxAge), r = Double(plan.manifest.replicates)
        let spec = plan.strategies[oracle.strategy]
        let n = Double(MemoryEstimate.largestTick(of: plan.source))
        let d = Double(plan.source.schema.dimension)
        let perTick = min(spec.labeling.coverage * n, spec.labeling.budgetPerTick.map(Double.init) ?? .infinity)
        let rows = spec.dataset.rowsKept(perTick: perTick, ticks: t, minimumDelay: spec.labeling.delay.minimum)
        return r * t * (h + 1) * 8 + r * t * 24 + min(r, Double(max(workers, 1))) * 2 * rows * (8 * d + 56)
    }

    /// The age matrix of every replicate, replicates in parallel (the result does not depend on
    /// `threads`).
    public static func compute(_ plan: SimulationPlan, oracle: OracleSpec,
                               threads: Int = ProcessInfo.processInfo.activeProcessorCount) throws -> [AgeMatrix] {
        let reps = plan.manifest.replicates
        let out = Slots<AgeMatrix>(count: reps)
        try Runner.parallel(reps, workers: max(1, threads)) { r in out[r] = try compute(plan, oracle: oracle, replicate: r) }
        return out.values()
    }

    /// The age matrix of replicate `r`.
    public static func compute(_ plan: SimulationPlan, oracle: OracleSpec, replicate r: Int) throws -> AgeMatrix {
        let spec = plan.strategies[oracle.strategy]
        if let why = refusal(spec) { throw FlywheelError("no age matrix for strategy '\(spec.name)': \(why)") }
        let seed = plan.manifest.seed
        let schema = plan.source.schema
        let classCount = schema.classes.count
        let ticks = plan.source.ticks, h = oracle.maxAge, latency = spec.trainingLatency
        var cursor = try plan.source.open(replicate: plan.source.replicatesShareTraffic ? 0 : r, seed: seed)
        let warmup = cursor.warmup
        let initialSet = TrainingSet(dimension: warmup.dimension, features: warmup.features, labels: warmup.labels,
                                     ticks: [Int32](repeating: -1, count: warmup.count))
        let (initialModel, _) = plan.initialLearner.fit(initialSet, classCount: classCount, warmStart: nil,
                                                        rng: RandomStream(seed: seed, path: "replicate", r, "initial-model"))
        // The strategy's logging and labelling, with a trigger that never fires: its reservoir is
        // the one the strategy would have at every tick.
        var observing = spec
        observing.trigger = TriggerConfig(policy: ObservingTrigger())
        var simulator = StrategySimulator(spec: observing, classCount: classCount, costs: plan.costs, seed: seed)
        simulator.sliceNames = schema.slices
        var simulation = try StrategySimulation(simulator, replicate: r, ticks: ticks, initialModel: initialModel,
                                                initialTraining: initialSet)
        let task = PredictionTask(classCount: classCount)
        var m = AgeMatrix(ticks: ticks, maxAge: h, replicate: r, initial: [Double](repeating: .nan, count: ticks),
                          cells: [Double](repeating: .nan, count: ticks * h),
                          trainCost: [Double](repeating: .nan, count: ticks), trainSamples: [Int](repeating: 0, count: ticks),
                          labelCost: [], deployCost: plan.costs.deploy, price: plan.costs.error,
                          events: [Double](repeating: 0, count: ticks), classification: task.isClassification)
        var live = [(any Model)?](repeating: nil, count: ticks)
        var predictions: [Double] = []
        func servingCost(_ model: any Model, _ batch: EventBatch) -> Double {
            let n = batch.count
            if predictions.count < n { predictions = [Double](repeating: 0, count: n) }
            batch.features.withUnsafeBufferPointer { xb in
                predictions.withUnsafeMutableBufferPointer { pb in model.predict(xb, count: n, into: pb) }
            }
            return task.score(count: n, labels: batch.labels) { predictions[$0] }.errors
        }
        for t in 0..<ticks {
            guard let batch = try cursor.next() else {
                throw FlywheelError("the traffic ended after \(t) of its \(ticks) ticks")
            }
            m.events[t] = Double(batch.count)
            m.initial[t] = servingCost(initialModel, batch)
            for s in max(0, t - h)..<t {
                if let model = live[s] { m.cells[s * h + (t - s - 1)] = servingCost(model, batch) }
            }
            if t - h >= 0 { live[t - h] = nil }
            try simulation.step(batch)
            // A model trained now goes live at t + L and serves from t + L + 1.
            let s = t + latency
            guard s < ticks - 1 else { continue }
            let rng = RandomStream(seed: seed, path: "replicate", r, "strategy", spec.name, "oracle", t)
            let set = simulation.trainingSetNow(rng: rng)
            guard set.count > 0 else { continue }
            let (model, epochs) = spec.learner.fit(set, classCount: classCount, warmStart: nil, rng: rng)
            live[s] = model
            m.trainCost[s] = plan.costs.training(
                samples: set.count, units: LearnerCatalog.workUnits(spec.learner, rows: set.count, epochs: epochs))
            m.trainSamples[s] = set.count
        }
        let run = simulation.result()
        m.labelCost = run.series[RunMetric.costLabel.rawValue].values.map { $0.isNaN ? 0 : $0 }
        return m
    }
}

/// A trigger that never fires but keeps the labelled rows: the age matrix reads the reservoir of
/// the strategy it observes at every tick. Not registered: no scenario can name it.
struct ObservingTrigger: StatelessTrigger, Hashable {
    static let info = ComponentInfo(family: "trigger", name: "observing",
                                    summary: "Never fires; keeps the labelled rows (the age matrix's observer).")
    static var keys: [String] { [] }
    static func read(_ key: String, _ v: ConfigValue, _ c: ReadContext) -> ObservingTrigger? { ObservingTrigger() }
    static var examples: [Self] { [ObservingTrigger()] }
    var expectedTrainingsPerTick: Double { 0 }
    func fires(_ o: TriggerObservation) -> Bool { false }
}
