import FlywheelCore
import Learners
import Monitoring

/// A distance-based drift trigger: compares the recent window of what the strategy observes at
/// serving time (inputs, model outputs, projections) with a reference window, and fires when the
/// distance exceeds a threshold (on more than `share` of the channels). Needs no labels.
public struct DriftTrigger: TriggerPolicy, Hashable {
    public static let info = ComponentInfo(
        family: "trigger", name: "drift",
        summary: "Retrain when a distance between a reference window (the training data, or the first window after deployment) and the recent window exceeds a threshold; needs no labels.",
        parameters: [ParameterInfo("on", "output", "output (the model's score), features, or projection"),
                     ParameterInfo("features", "all", "feature names, for on: features"),
                     ParameterInfo("projection", "norm", "norm, mean or random, for on: projection"),
                     ParameterInfo("dimensions", "3", "random projections drawn, for projection: random"),
                     ParameterInfo("metric", "wasserstein", "a distance (see family `distance`)"),
                     ParameterInfo("threshold", "—", "fire above this distance; or {sigma: k, windows: w}: above the mean "
                                       + "of the first w windows' distances after deployment by k standard deviations"),
                     ParameterInfo("window", "7", "recent window, in ticks or a duration"),
                     ParameterInfo("reference", "training", "training or first_window"),
                     ParameterInfo("share", "0", "fire when more than this share of the channels (features) drifted; 0: any one"),
                     ParameterInfo("bandwidth", "median",
                                   "metric: mmd only: median (σ = median pairwise distance), median_sq_half "
                                       + "(σ² = median d²/2), or a fixed σ > 0"),
                     ParameterInfo("estimator", "unbiased",
                                   "metric: mmd only: unbiased (U-statistic) or biased (V-statistic)"),
                     ParameterInfo("rows", "500",
                                   "metric: mmd only: rows per window, evenly spaced (2 … \(Limits.maxMMDRows))")],
        reference: "Rabanser, Günnemann & Lipton, NeurIPS 2019 (failing loudly: two-sample tests on projections)")

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
    /// A threshold learnt from the first windows after deployment instead of `threshold`.
    public var sigma: SigmaRule?
    public var window: Double
    public var reference: Reference
    /// Fires when the share of channels above the threshold exceeds this (0: any one channel).
    public var share: Double
    /// For `metric: mmd`, which compares all channels jointly as one multivariate sample (see
    /// ``MMDDriftWindows``): the kernel width rule, the estimator, and the rows per window.
    public var bandwidth: MMD.Bandwidth
    public var unbiased: Bool
    public var rows: Int

    public init(on: Channel, metric: DistanceMetric, threshold: Double, window: Double, reference: Reference,
                share: Double, bandwidth: MMD.Bandwidth = .medianDistance, unbiased: Bool = true, rows: Int = 500) {
        self.on = on
        self.metric = metric
        self.threshold = threshold
        self.window = window
        self.reference = reference
        self.share = share
        self.bandwidth = bandwidth
        self.unbiased = unbiased
        self.rows = rows
    }

    public static var examples: [Self] {
        [DriftTrigger(on: .output, metric: .wasserstein, threshold: 0.05, window: 2, reference: .training, share: 0),
         DriftTrigger(on: .inputs(.features([0, 1])), metric: .ks, threshold: 0.1, window: 2, reference: .firstWindow, share: 0.5)]
    }

    public var needsInputs: Bool { true }
    public var needsScores: Bool { on == .output }
    public var worksOnProfiles: Bool { SketchDistance.metrics.contains(metric) }
    public var expectedTrainingsPerTick: Double { 0.1 }

    public static var keys: [String] { ["drift"] }

    /// `{drift: {on: features, metric: ks, threshold: 0.1, window: 3d}}`.
    public static func read(_ key: String, _ v: ConfigValue, _ c: ReadContext) -> DriftTrigger? {
        let allowed = ["on", "features", "projection", "dimensions", "metric", "threshold", "window", "reference", "share",
                       "bandwidth", "estimator", "rows"]
        guard let m = v.mapping(allowed: allowed) else { return nil }
        enum On: String, CaseIterable { case output, features, projection }
        enum Projected: String, CaseIterable { case norm, mean, random }
        let on = (m["on"]?.oneOf(On.allCases.map(\.rawValue))).flatMap(On.init) ?? .output
        let metricNames = DistanceMetric.allCases.map(\.rawValue)
        let metric = (m["metric"]?.oneOf(metricNames)).flatMap { DistanceMetric(rawValue: $0) } ?? .wasserstein
        let mmd = readMMD(m, metric: metric)
        var sigma: SigmaRule?
        if let t = m["threshold"], t.isMapping {
            guard let rule = SigmaRule.read(t) else { return nil }
            sigma = rule
        }
        guard let threshold = sigma != nil ? Double.infinity : m["threshold"]?.double(min: 0) else {
            if m["threshold"] == nil { v.fail("missing required key 'threshold'", hint: "the distance above which to retrain, e.g. threshold: 0.1") }
            return nil
        }
        let windowTicks = m["window"]?.duration(tick: c.tick, allowZero: false)
        c.warnBeyondHorizon(windowTicks, at: m["window"], "the window never fills, so the trigger never fires")
        let window = windowTicks ?? 7
        let reference = (m["reference"]?.oneOf(["training", "first_window"])).flatMap { Reference(rawValue: $0) } ?? .training
        let share = m["share"]?.double(min: 0, max: 1) ?? 0
        var channel = Channel.output
        let d = c.schema?.dimension ?? 0
        switch on {
        case .features:
            var indices = Array(0..<d)
            if let list = m["features"]?.sequence() { indices = list.compactMap { x in x.string().flatMap { x.featureIndex($0, in: c.schema) } } }
            channel = .inputs(.features(indices))
        case .projection:
            switch (m["projection"]?.oneOf(Projected.allCases.map(\.rawValue))).flatMap(Projected.init) ?? .norm {
            case .mean: channel = .inputs(.rowMean)
            case .random:
                let k = m["dimensions"]?.int(min: 1, max: 64) ?? 3
                guard d > 0, let directions = try? RandomDirections(inputDimension: d, outputs: k,
                                                                    stream: RandomStream(seed: c.seed, path: "projection")) else { return nil }
                channel = .inputs(.random(directions))
            case .norm: channel = .inputs(.rowNorm)
            }
        case .output: break
        }
        if on != .features, m["features"] != nil { m["features"]!.fail("features apply to on: features") }
        var t = DriftTrigger(on: channel, metric: metric, threshold: threshold, window: window, reference: reference,
                             share: share, bandwidth: mmd.bandwidth, unbiased: mmd.unbiased, rows: mmd.rows)
        t.sigma = sigma
        return t
    }

    /// The MMD keys (`bandwidth`, `estimator`, `rows`), refused with any other metric; `share` is
    /// refused with MMD, which compares the channels jointly and so has a single verdict.
    static func readMMD(_ m: [String: ConfigValue], metric: DistanceMetric)
        -> (bandwidth: MMD.Bandwidth, unbiased: Bool, rows: Int) {
        var out: (bandwidth: MMD.Bandwidth, unbiased: Bool, rows: Int) = (.medianDistance, true, 500)
        guard metric == .mmd else {
            for key in ["bandwidth", "estimator", "rows"] {
                m[key]?.fail("\(key) applies to metric: mmd only", hint: "the metric here is \(metric.rawValue)")
            }
            return out
        }
        m["share"]?.fail("share has no effect with metric: mmd",
                         hint: "MMD compares all channels jointly as one multivariate sample: there is one verdict, "
                             + "not one per channel")
        if let b = m["bandwidth"] {
            switch b.scalarText {
            case "median": out.bandwidth = .medianDistance
            case "median_sq_half": out.bandwidth = .medianSquaredDistanceHalf
            case let text? where Double(text) != nil:
                if let sigma = b.double(min: 0, exclusiveMin: true) { out.bandwidth = .fixed(sigma) }
            default:
                b.fail("\"\(b.written)\" is not a bandwidth",
                       hint: "median, median_sq_half, or a fixed σ > 0 such as 1.5")
            }
        }
        if let e = m["estimator"]?.oneOf(["unbiased", "biased"]) { out.unbiased = e == "unbiased" }
        if let r = m["rows"]?.int(min: 2, max: Limits.maxMMDRows, unit: "rows") { out.rows = r }
        return out
    }

    public func makeState(_ context: TriggerContext) throws -> any TriggerState {
        metric == .mmd ? try MMDDriftWindows(self) : DriftWindows(self, profiles: context.profiles)
    }
}

/// Reference and recent windows of a distance-based drift trigger.
struct DriftWindows: TriggerState {
    let spec: DriftTrigger
    /// Per channel: the reference values.
    private var reference: [ReferenceSample?] = []
    /// Per channel: the recent ticks' values, oldest first.
    private var recent: [[[Double]]] = []
    private var recentTicks: [Int] = []
    /// For the first-window reference: values gathered since deployment.
    private var collecting: [[Double]] = []
    private var deployedTick: Int?

    /// Profiles-only logging: windows are merged per-tick quantile sketches, not raw values.
    let profiles: Bool
    private var referenceSketch: [QuantileSketch?] = []
    private var recentSketches: [[QuantileSketch]] = []
    private var collectingSketch: [QuantileSketch] = []

    /// With `threshold: {sigma: …}`: the per-channel thresholds learnt after each deployment.
    private var learnt: LearntThresholds?

    init(_ spec: DriftTrigger, profiles: Bool = false) {
        self.spec = spec
        self.profiles = profiles
        learnt = spec.sigma.map { LearntThresholds($0, window: max(1, Int(spec.window.rounded(.up)))) }
    }

    /// Whether the channels' distances (NaN: not measured) fire: each against the fixed threshold,
    /// or against its learnt one (none fires while it is being learnt).
    mutating func fires(_ distances: [Double]) -> Bool {
        var limits = [Double](repeating: spec.threshold, count: distances.count)
        if learnt != nil {
            guard let learned = learnt!.observe(distances) else { return false }
            limits = learned
        }
        var drifted = 0, measured = 0
        for (c, d) in distances.enumerated() where !d.isNaN {
            measured += 1
            if d > (c < limits.count ? limits[c] : .infinity) { drifted += 1 }
        }
        guard measured > 0 else { return false }
        return spec.share <= 0 ? drifted > 0 : Double(drifted) / Double(measured) > spec.share
    }

    static func sketch(_ values: [Double]) -> QuantileSketch {
        var s = QuantileSketch(k: 200)
        s.insert(contentsOf: values)
        return s
    }

    var channels: Int {
        switch spec.on {
        case .output: return 1
        case .inputs(let p): return p.outputsPerRow
        }
    }

    /// Channel values of rows (`count` × channels, channel-major).
    func project(_ features: [Double], dimension: Int, count: Int, scores: ArraySlice<Double>) -> [[Double]] {
        switch spec.on {
        case .output:
            return [Array(scores.prefix(count))]
        case .inputs(let p):
            let k = p.outputsPerRow
            var flat = [Double](repeating: 0, count: count * k)
            do { try p.apply(rows: Array(features.prefix(count * dimension)), dimension: dimension, into: &flat) } catch { return Array(repeating: [], count: k) }
            return (0..<k).map { c in (0..<count).compactMap { i in let v = flat[i * k + c]; return v.isNaN ? nil : v } }
        }
    }

    mutating func didDeploy(training: TrainingSet, scores: [Double]) {
        learnt?.reset()
        recent = Array(repeating: [], count: channels)
        recentTicks = []
        collecting = Array(repeating: [], count: channels)
        deployedTick = nil
        recentSketches = Array(repeating: [], count: channels)
        collectingSketch = Array(repeating: QuantileSketch(k: 200), count: channels)
        if spec.reference == .training {
            let values = project(training.features, dimension: training.dimension, count: training.count, scores: scores[...])
            reference = values.map { $0.isEmpty ? nil : try? ReferenceSample($0) }
            referenceSketch = values.map { $0.isEmpty ? nil : DriftWindows.sketch($0) }
        } else {
            reference = Array(repeating: nil, count: channels)
            referenceSketch = Array(repeating: nil, count: channels)
        }
    }

    /// The profiles-only path: the same windows over per-tick sketches.
    mutating func updateProfiles(_ o: TriggerObservation) -> Bool {
        if recentSketches.isEmpty { recentSketches = Array(repeating: [], count: channels) }
        if collectingSketch.isEmpty { collectingSketch = Array(repeating: QuantileSketch(k: 200), count: channels) }
        let values = project(o.batch.features, dimension: o.batch.dimension, count: o.batch.count, scores: o.scores)
        let window = max(1, Int(spec.window.rounded(.up)))
        if spec.reference == .firstWindow, referenceSketch.allSatisfy({ $0 == nil }) {
            let start = deployedTick ?? o.tick
            deployedTick = start
            for c in 0..<values.count { collectingSketch[c].insert(contentsOf: values[c]) }
            if o.tick - start + 1 >= window {
                referenceSketch = collectingSketch.map { $0.count > 0 ? $0 : nil }
                collectingSketch = Array(repeating: QuantileSketch(k: 200), count: channels)
            }
            return false
        }
        for c in 0..<values.count {
            recentSketches[c].append(DriftWindows.sketch(values[c]))
            if recentSketches[c].count > window { recentSketches[c].removeFirst() }
        }
        guard recentSketches.first?.count == window else { return false }
        var distances = [Double](repeating: .nan, count: recentSketches.count)
        for c in 0..<recentSketches.count {
            guard let ref = referenceSketch[c] else { continue }
            var current = QuantileSketch(k: 200)
            for s in recentSketches[c] { current.merge(s) }
            guard current.count > 0, let d = SketchDistance.compute(spec.metric, ref, current) else { continue }
            distances[c] = d
        }
        return fires(distances)
    }

    mutating func update(_ o: TriggerObservation) -> Bool {
        if profiles { return updateProfiles(o) }
        if recent.isEmpty { recent = Array(repeating: [], count: channels); collecting = Array(repeating: [], count: channels) }
        let values = project(o.batch.features, dimension: o.batch.dimension, count: o.batch.count, scores: o.scores)
        let window = max(1, Int(spec.window.rounded(.up)))
        if spec.reference == .firstWindow, reference.allSatisfy({ $0 == nil }) {
            let start = deployedTick ?? o.tick
            deployedTick = start
            for c in 0..<values.count { collecting[c] += values[c] }
            if o.tick - start + 1 >= window {
                reference = collecting.map { $0.isEmpty ? nil : try? ReferenceSample($0) }
                collecting = Array(repeating: [], count: channels)
            }
            return false
        }
        for c in 0..<values.count { recent[c].append(values[c]) }
        recentTicks.append(o.tick)
        while recentTicks.count > window {
            recentTicks.removeFirst()
            for c in recent.indices { recent[c].removeFirst() }
        }
        guard recentTicks.count == window else { return false }
        var distances = [Double](repeating: .nan, count: recent.count)
        for c in 0..<recent.count {
            guard let ref = reference[c] else { continue }
            let current = recent[c].flatMap { $0 }
            guard !current.isEmpty, let d = try? ref.compute(spec.metric, current: current) else { continue }
            distances[c] = d.value
        }
        return fires(distances)
    }
}
