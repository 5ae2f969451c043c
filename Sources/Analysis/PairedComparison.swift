import CGSL
import FlywheelCore
import Foundation

/// How an interval was computed: the report names it beside every interval it prints.
public enum IntervalMethod: Hashable, Sendable, CustomStringConvertible {
    /// Student's t over per-replicate values (or per-replicate paired differences), n − 1 degrees
    /// of freedom.
    case studentT(replicates: Int)
    /// Student's t on the logit scale, mapped back: for a share in [0, 1] (an accuracy), so the
    /// interval stays inside [0, 1].
    case logitT(replicates: Int)
    /// Percentile interval of a circular block bootstrap over ticks (one realisation).
    case blockBootstrap(blockLength: Int, resamples: Int)
    /// No interval: a single value with no source of variation (one replicate of synthetic
    /// traffic, or a statistic that is the same on every resample).
    case none

    /// A short name for CSV columns.
    public var name: String {
        switch self {
        case .studentT: return "paired-t"
        case .logitT: return "logit-t"
        case .blockBootstrap: return "block-bootstrap"
        case .none: return "none"
        }
    }

    /// The sentence-fragment a report prints after an interval.
    public var description: String {
        switch self {
        case .studentT(let n): return "95 % t-interval over \(n) replicates"
        case .logitT(let n): return "95 % t-interval on the logit scale over \(n) replicates"
        case .blockBootstrap(let l, let b): return "95 % circular block bootstrap over ticks (block \(l) ticks, \(b) resamples)"
        case .none: return "no interval (a single realisation)"
        }
    }
}

/// A paired comparison of two strategies on one measure: the strategies ran on the same traffic
/// (common random numbers), so their difference is measured per replicate (or per tick of a single
/// realisation), never by comparing two marginal intervals.
public struct PairedComparison: Hashable, Sendable {
    public var strategy: String
    public var versus: String
    /// What is compared (`total_cost`, `accuracy`, …): the difference is strategy − versus.
    public var measure: String
    public var meanDifference: Double
    public var low: Double
    public var high: Double
    /// Replicates whose difference was taken (1 for a bootstrap over ticks).
    public var replicates: Int
    public var method: IntervalMethod

    public init(strategy: String, versus: String, measure: String, meanDifference: Double, low: Double, high: Double,
                replicates: Int, method: IntervalMethod) {
        self.strategy = strategy
        self.versus = versus
        self.measure = measure
        self.meanDifference = meanDifference
        self.low = low
        self.high = high
        self.replicates = replicates
        self.method = method
    }

    /// The interval excludes zero: the difference is larger than the noise the method measures.
    public var isDistinguishable: Bool { low.isFinite && high.isFinite && (low > 0 || high < 0) && method != .none }

    /// The paired t-interval of per-replicate differences `a[r] − b[r]` (replicates where either is
    /// NaN are left out): d̄ ± t₀.₉₇₅,ₙ₋₁ · s_d / √n. With one pair the interval is the point and the
    /// method `.none`.
    public static func pairedT(strategy: String, versus: String, measure: String, _ a: [Double], _ b: [Double])
        -> PairedComparison {
        let d = zip(a, b).compactMap { x, y -> Double? in x.isNaN || y.isNaN ? nil : x - y }
        let i = Interval(d)
        return PairedComparison(strategy: strategy, versus: versus, measure: measure, meanDifference: i.mean,
                                low: i.n > 1 ? i.lower : i.mean, high: i.n > 1 ? i.upper : i.mean, replicates: i.n,
                                method: i.n > 1 ? .studentT(replicates: i.n) : .none)
    }
}

/// Intervals for shares (accuracies, rates), which must stay in [0, 1].
public enum BoundedInterval {
    /// The 95 % t-interval of shares over replicates computed on the logit scale,
    /// logit(p) = ln(p / (1 − p)), and mapped back with the logistic function, so it never leaves
    /// [0, 1]. Shares of exactly 0 or 1 are moved in by `epsilon` (e.g. half an event over the
    /// events they were measured on) before the transform. Returns (low, high); with one value,
    /// or no spread on the logit scale, both are that value.
    public static func logitT(_ shares: [Double], epsilon: Double = 1e-6) -> (low: Double, high: Double) {
        let p = shares.filter { !$0.isNaN }
        guard let first = p.first else { return (.nan, .nan) }
        guard p.count > 1 else { return (first, first) }
        let e = min(max(epsilon, 1e-12), 0.25)
        let z = p.map { q -> Double in
            let c = min(max(q, e), 1 - e)
            return log(c / (1 - c))
        }
        let n = Double(z.count)
        let mean = z.reduce(0, +) / n
        let variance = z.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)
        let arithmetic = p.reduce(0, +) / n
        guard variance > 0, z.min()! < z.max()! else { return (arithmetic, arithmetic) }
        let half = gsl_cdf_tdist_Pinv(0.975, n - 1) * (variance / n).squareRoot()
        func expit(_ x: Double) -> Double { 1 / (1 + exp(-x)) }
        var low = expit(mean - half), high = expit(mean + half)
        // The band must hold the curve it surrounds (the arithmetic mean of the shares).
        low = min(low, arithmetic)
        high = max(high, arithmetic)
        return (low, high)
    }
}
