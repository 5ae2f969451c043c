import FlywheelCore
import Learners
import Monitoring

/// When the observed metric over the last `window` ticks of arrived labels is worse than
/// `threshold`, or (with `drop`) worse than the metric observed in the `window` after deployment
/// by more than `drop`. Both are in the metric's units (``PredictionTask``): for a classifier, an
/// accuracy floor and an accuracy fall (fractions in [0, 1]); for a regressor, a ceiling on the
/// observed MAE and a rise of the MAE, in the target's units (the trigger fires when the observed
/// MAE is above `threshold`, or above its post-deployment value plus `drop`).
///
/// With `estimate: cbpe` it needs no labels: the metric is the label-free CBPE estimate of the
/// served accuracy (each tick's mean calibrated confidence, NannyML's confidence-based
/// performance estimation; see `ServedCalibration`), weighted by the events observed over the
/// last `window` ticks of traffic. It follows a covariate shift and cannot see a concept drift.
/// Classification only (a regression model has no class probabilities to calibrate).
///
/// With `threshold: {sigma: k, windows: w}` the threshold is learnt from the reference (NannyML's
/// ±3σ thresholds): after each deployment the metric of the first `w` consecutive, disjoint
/// windows is the reference, and the trigger fires once the windowed metric is worse than their
/// mean by more than `k` standard deviations (sample, `w − 1` degrees of freedom). It cannot fire
/// before the reference is complete.
public struct PerformanceTrigger: TriggerPolicy, Hashable {
    public static let info = ComponentInfo(
        family: "trigger", name: "performance",
        summary: "Retrain when the observed metric over a window of arrived labels is worse than a threshold, or has "
            + "worsened from its value after deployment (accuracy, or MAE for regression).",
        parameters: [ParameterInfo("threshold", "—",
                                   "floor on observed accuracy, or ceiling on observed MAE (target units); or {sigma: k, "
                                       + "windows: w}: worse than the first w windows after deployment by k standard deviations"),
                     ParameterInfo("drop", "—",
                                   "allowed worsening from the post-deployment value: accuracy fall, or MAE rise"),
                     ParameterInfo("window", "7", "window of label arrival (of served traffic with estimate), in ticks or a duration"),
                     ParameterInfo("estimate", "—",
                                   "cbpe: judge the label-free CBPE estimate of accuracy instead of arrived labels (classification)")])

    public var threshold: Double?
    /// The learnt threshold: `k` standard deviations of the first `windows` windows' metric.
    public var sigma: SigmaRule?
    public var drop: Double?
    public var window: Double
    /// Judge the CBPE estimate (no labels) instead of the arrived labels.
    public var estimate: Bool

    public init(threshold: Double?, drop: Double?, window: Double, estimate: Bool = false) {
        self.threshold = threshold
        self.drop = drop
        self.window = window
        self.estimate = estimate
    }

    /// The estimate is computed from the served inputs: seen at once, and only the logged events
    /// under sampled logging.
    public var needsInputs: Bool { estimate }
    public var needsEstimate: Bool { estimate }

    public static var examples: [Self] { [PerformanceTrigger(threshold: 0.8, drop: nil, window: 3), PerformanceTrigger(threshold: nil, drop: 0.05, window: 2),
                                        PerformanceTrigger(threshold: 0.8, drop: nil, window: 3, estimate: true)] }

    public var expectedTrainingsPerTick: Double { 0.1 }

    public static var keys: [String] { ["performance"] }

    /// `{performance: {threshold: 0.83, window: 3d}}` or `{drop: 0.04}`: an accuracy floor, a
    /// fall from the post-deployment accuracy, or both.
    public static func read(_ key: String, _ v: ConfigValue, _ c: ReadContext) -> PerformanceTrigger? {
        guard let m = v.mapping(allowed: ["threshold", "drop", "window", "estimate"]) else { return nil }
        var estimate = false
        if let e = m["estimate"], e.oneOf(["cbpe"]) != nil {
            if c.isRegression {
                e.fail("estimate: cbpe needs class probabilities: CBPE estimates accuracy from calibrated confidences, "
                       + "and a regression model has none", hint: "judge the observed MAE: remove estimate")
                return nil
            }
            estimate = true
        }
        var sigma: SigmaRule?
        var threshold: Double?
        if let t = m["threshold"], t.isMapping {
            guard let rule = SigmaRule.read(t) else { return nil }
            sigma = rule
        } else {
            threshold = c.metricAmount(m["threshold"], min: 0, max: 1)
        }
        let drop = c.metricAmount(m["drop"], min: 0, max: 1)
        if sigma != nil, let d = m["drop"] {
            d.fail("drop and threshold: {sigma: …} both judge the metric against its post-deployment level",
                   hint: "keep one: a fixed allowed fall (drop) or one learnt from the reference windows (sigma)")
            return nil
        }
        if threshold == nil && drop == nil && sigma == nil {
            v.fail(c.isRegression
                   ? "give threshold (a ceiling on the observed MAE) or drop (a rise of the MAE after deployment)"
                   : "give threshold (an accuracy floor) or drop (a fall from the post-deployment accuracy)")
            return nil
        }
        if c.isRegression, threshold == 0 {
            m["threshold"]!.fail("a ceiling of 0 on the observed MAE fires at every tick where any prediction is off",
                                 hint: "the threshold is an MAE in the target's units, above which the trigger fires")
        }
        let window = m["window"]?.duration(tick: c.tick, allowZero: false)
        c.warnBeyondHorizon(window, at: m["window"], "the window never fills, so the trigger never fires")
        var t = PerformanceTrigger(threshold: threshold, drop: drop, window: window ?? 7, estimate: estimate)
        t.sigma = sigma
        return t
    }
    public func makeState(_ context: TriggerContext) throws -> any TriggerState { State(trigger: self) }

    /// The window of observed (right, summed loss, total) per tick and the post-deployment reference.
    struct State: TriggerState {
        let trigger: PerformanceTrigger
        var history: [(tick: Int, correct: Int, loss: Double, total: Int)] = []
        var reference: Double?
        /// For the learnt threshold: the reference windows' values, then the threshold.
        var referenceWindows: [Double] = []
        var learnt: SigmaThreshold?

        mutating func update(_ o: TriggerObservation) -> Bool {
            if trigger.estimate {
                // The estimate weighted by observed events: (tick, Σ estimate, –, events).
                let n = o.batch.count
                if n > 0, !o.estimatedAccuracy.isNaN { history.append((o.tick, 0, o.estimatedAccuracy * Double(n), n)) }
            } else if !o.arrivedLoss.isEmpty {
                var ok = 0, loss = 0.0
                for l in o.arrivedLoss {
                    if l == 0 { ok += 1 }
                    loss += l
                }
                history.append((o.tick, ok, loss, o.arrivedLoss.count))
            }
            let oldest = Double(o.tick) - trigger.window
            while let first = history.first, Double(first.tick) <= oldest { history.removeFirst() }
            var c = 0, loss = 0.0, n = 0
            for h in history { c += h.correct; loss += h.loss; n += h.total }
            guard n > 0 else { return false }
            // Accuracy counted exactly, or the MAE.
            let value = trigger.estimate ? loss / Double(n) : o.task.isClassification ? Double(c) / Double(n) : loss / Double(n)
            // The post-deployment reference: the first full window after the model went live.
            if reference == nil, Double(o.tick - o.deployedAt) >= trigger.window { reference = value }
            if let sigma = trigger.sigma {
                guard let learnt else {
                    // Reference window j ends at deployment + (j + 1) × window.
                    if Double(o.tick - o.deployedAt) >= trigger.window * Double(referenceWindows.count + 1) {
                        referenceWindows.append(value)
                    }
                    if referenceWindows.count == sigma.windows {
                        learnt = SigmaThreshold(reference: referenceWindows, k: sigma.k)
                    }
                    return false
                }
                if !o.task.atLeast(value, o.task.isClassification ? learnt.lower : learnt.upper, by: 0) { return true }
            }
            if let threshold = trigger.threshold, !o.task.atLeast(value, threshold, by: 0) { return true }
            if let drop = trigger.drop, let reference, !o.task.atLeast(value, reference, by: -drop) { return true }
            return false
        }

        mutating func didDeploy(training: TrainingSet, scores: [Double]) {
            history.removeAll()
            reference = nil
            referenceWindows.removeAll()
            learnt = nil
        }
    }
}
