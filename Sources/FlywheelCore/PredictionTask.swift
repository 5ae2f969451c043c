/// What a model predicts: a class among `classes`, or a real number. The one place that knows
/// how each task names, scores and ranks what was served, for every role and every output.
///
/// - Classification: an event is served right when the prediction equals the label; the primary
///   metric is the accuracy (the share served right, higher is better) and an error costs once.
/// - Regression: no prediction is "right"; the primary metric is the mean absolute error
///   `Σ|ŷ − y| / n` (lower is better) and the error cost is per unit of absolute error.
///
/// Every role judges predictions through ``loss(_:_:)`` (0/1 for a classifier, `|ŷ − y|` for a
/// regressor), ``metric(losses:)`` and ``atLeast(_:_:by:)``: the observed metric, the trigger's
/// error stream, the gate and the online tests never compare a prediction with a label themselves.
public enum PredictionTask: Hashable, Sendable {
    case classification(classes: Int)
    case regression

    /// A classifier over `classCount` classes, or regression when `classCount` is 0.
    public init(classCount: Int) { self = classCount > 0 ? .classification(classes: classCount) : .regression }

    /// The task of a stored run, from its primary metric's name (a stored run does not keep its
    /// class count: it reads as 0).
    public init(primaryMetric: String) { self = primaryMetric == "accuracy" ? .classification(classes: 0) : .regression }

    /// The number of classes (0 for regression).
    @inlinable public var classCount: Int {
        switch self {
        case .classification(let k): return k
        case .regression: return 0
        }
    }

    @inlinable public var isClassification: Bool {
        if case .classification = self { return true }
        return false
    }

    /// The per-tick metric of what was served: `accuracy` or `mae`.
    public var metric: String { isClassification ? "accuracy" : "mae" }
    /// The same over the labels that arrived: `observed_accuracy` or `observed_mae`.
    public var observedMetric: String { "observed_" + metric }
    /// Whether a larger value of ``metric`` is better.
    public var higherIsBetter: Bool { isClassification }
    /// What the area between two metric curves counts (the opportunity cost's unit).
    public var extraErrorsName: String { isClassification ? "extra errors" : "extra absolute error" }
    /// A description of the metric for figure captions.
    public var metricDescription: String {
        isClassification ? "true accuracy of served predictions (fraction correct)"
                         : "mean absolute error of served predictions (lower is better)"
    }
    /// The metric's name in prose: `accuracy` or `MAE`.
    public var metricName: String { isClassification ? "accuracy" : "MAE" }

    /// The loss of one prediction: 1 when a classifier's prediction differs from the label, else
    /// 0; a regressor's absolute error `|ŷ − y|`.
    @inlinable public func loss(_ prediction: Double, _ label: Double) -> Double {
        isClassification ? (prediction == label ? 0 : 1) : abs(prediction - label)
    }

    /// The metric of predictions with these losses (NaN when there are none): the share of zero
    /// losses (accuracy, counted exactly), or their mean (MAE).
    @inlinable public func metric<S: Sequence<Double>>(losses: S) -> Double {
        var n = 0, right = 0, sum = 0.0
        for l in losses {
            n += 1
            if l == 0 { right += 1 }
            sum += l
        }
        guard n > 0 else { return .nan }
        return isClassification ? Double(right) / Double(n) : sum / Double(n)
    }

    /// Whether metric value `a` is at least as good as `b` improved by `gain` (in the metric's
    /// units; a negative gain is a non-inferiority margin): `a ≥ b + gain` for accuracy,
    /// `a ≤ b − gain` for MAE.
    @inlinable public func atLeast(_ a: Double, _ b: Double, by gain: Double) -> Bool {
        isClassification ? a >= b + gain : a <= b - gain
    }

    /// Whether `a` is strictly better than `b` improved by `gain`: `a > b + gain` for accuracy,
    /// `a < b − gain` for MAE.
    @inlinable public func better(_ a: Double, _ b: Double, by gain: Double) -> Bool {
        isClassification ? a > b + gain : a < b - gain
    }

    /// The expected errors of a tick whose metric was `value` over `events` events: the wrong
    /// predictions `(1 − accuracy) · n`, or the absolute error `mae · n`.
    @inlinable public func errors(metric value: Double, events: Double) -> Double {
        (isClassification ? 1 - value : value) * events
    }

    /// Scores the predictions served for a tick's events (`served(i)` is event i's prediction):
    /// the metric (accuracy or MAE, over `max(n, 1)` events) and the errors it counts (wrong
    /// predictions, or the summed absolute error), which the error price multiplies.
    @inlinable public func score(count n: Int, labels: [Double], served: (Int) -> Double) -> (metric: Double, errors: Double) {
        if isClassification {
            var correct = 0
            for i in 0..<n where served(i) == labels[i] { correct += 1 }
            return (Double(correct) / Double(max(n, 1)), Double(n - correct))
        }
        var absError = 0.0
        for i in 0..<n { absError += abs(served(i) - labels[i]) }
        return (absError / Double(max(n, 1)), absError)
    }
}
