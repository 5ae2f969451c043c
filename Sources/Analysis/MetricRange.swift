import CGSL
import FlywheelCore
import Foundation

/// The values a per-tick metric can take, which its 95 % bands must respect.
///
/// - ``unit``: accuracies, shares and rates, in [0, 1]: the band is ``BoundedInterval/logitT(_:epsilon:)``.
/// - ``nonNegative``: errors, losses, counts and costs, ≥ 0: the band is
///   ``BoundedInterval/logT(_:)``, a t-interval on the log scale mapped back.
/// - ``real``: anything else: the plain t-interval (``Interval``).
public enum MetricRange: Hashable, Sendable {
    case unit, nonNegative, real

    /// The range of a series by its name (`accuracy`, `accuracy@slice`, `observed_accuracy`, `f1`,
    /// `auc`, `…_share`, `…_rate` are shares; `mae`, `rmse`, `log_loss`, costs and counts are ≥ 0).
    public static func of(_ metric: String) -> MetricRange {
        let unit: Set = ["accuracy", "observed_accuracy", "f1", "auc", "bayes_accuracy", "estimated_accuracy"]
        if unit.contains(metric) || metric.hasPrefix("accuracy@") || metric.hasPrefix("quality_")
            || metric.hasSuffix("_share") || metric.hasSuffix("_rate") {
            return .unit
        }
        let nonNegative: Set = ["mae", "observed_mae", "rmse", "observed_rmse", "log_loss", "labels", "labels_arrived",
                                "trained", "deployed", "training_samples"]
        if nonNegative.contains(metric) || metric.hasPrefix("cost_") { return .nonNegative }
        return .real
    }

    /// The closed range of the values (`0...1`, `0...∞`), nil for ``real``.
    public var bounds: ClosedRange<Double>? {
        switch self {
        case .unit: return 0...1
        case .nonNegative: return 0...Double.infinity
        case .real: return nil
        }
    }

    /// The 95 % band of `values` (one per replicate) that stays in the range, around their
    /// arithmetic mean: `eventCount` (the events a share was measured on, when known) moves shares
    /// of exactly 0 or 1 in by half an event before the logit.
    public func band(_ values: [Double], eventCount: Double? = nil) -> (mean: Double, low: Double, high: Double) {
        let i = Interval(values)
        switch self {
        case .real:
            return (i.mean, i.lower, i.upper)
        case .unit:
            let (low, high) = eventCount.flatMap { $0 > 0 ? BoundedInterval.logitT(values, epsilon: 0.5 / $0) : nil }
                ?? BoundedInterval.logitT(values)
            return (i.mean, low, high)
        case .nonNegative:
            let (low, high) = BoundedInterval.logT(values)
            return (i.mean, low, high)
        }
    }
}

extension BoundedInterval {
    /// The 95 % t-interval of non-negative values over replicates computed on the log scale,
    /// `exp(m ± t₀.₉₇₅,ₙ₋₁ · s / √n)` with `m`, `s` the mean and standard deviation of `ln x`, so it
    /// never goes below 0 (an error or a cost cannot). Zeros are moved up to half the smallest
    /// positive value before the log; with no positive value the band is (0, 0); with one value
    /// or no spread, both ends are that value. Like ``logitT(_:epsilon:)`` the band is widened to hold the
    /// arithmetic mean it surrounds.
    public static func logT(_ values: [Double]) -> (low: Double, high: Double) {
        let x = values.filter { !$0.isNaN }
        guard let first = x.first else { return (.nan, .nan) }
        guard x.count > 1 else { return (first, first) }
        guard x.allSatisfy({ $0 >= 0 }) else {
            let i = Interval(x)   // not a non-negative quantity after all: the plain interval
            return (i.lower, i.upper)
        }
        guard let smallest = x.filter({ $0 > 0 }).min() else { return (0, 0) }
        let z = x.map { log(Swift.max($0, smallest / 2)) }
        let n = Double(z.count)
        let arithmetic = x.reduce(0, +) / n
        guard z.min()! < z.max()! else { return (arithmetic, arithmetic) }
        let mean = z.reduce(0, +) / n
        let variance = z.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)
        let half = gsl_cdf_tdist_Pinv(0.975, n - 1) * (variance / n).squareRoot()
        return (Swift.min(exp(mean - half), arithmetic), Swift.max(exp(mean + half), arithmetic))
    }
}
