import Foundation
import FlywheelCore

/// Distances computed from quantile sketches when raw rows are not kept.
///
/// With ε₁, ε₂ the sketches' ``QuantileSketch/normalizedRankErrorBound`` values, each estimated
/// CDF is within εᵢ of the empirical CDF everywhere, hence:
/// - KS: `|D̂ − D| ≤ ε₁ + ε₂`;
/// - Wasserstein-1: `|Ŵ − W| ≤ (ε₁ + ε₂)·(max − min)` over the pooled range;
/// - PSI: every bin fraction is within `2εᵢ` of the fraction the raw sample gives for the same
///   edges; the edges are the reference sketch's quantiles (true ranks within ε₁ of the targets).
public enum SketchDistance {
    /// The distances that have a sketch form.
    public static let metrics: [DistanceMetric] = [.ks, .wasserstein, .psi]

    /// `metric` between two sketches, or nil when it has no sketch form (only ``metrics`` do) or
    /// a sketch is empty.
    public static func compute(_ metric: DistanceMetric, _ reference: QuantileSketch, _ current: QuantileSketch) -> Double? {
        switch metric {
        case .ks: return try? ks(reference, current)
        case .wasserstein: return try? wasserstein(reference, current)
        case .psi: return try? psi(reference: reference, current: current)
        case .energy, .jensenShannon, .chiSquare, .hellinger, .l1, .linf, .mmd: return nil
        }
    }

    /// The KS statistic `sup |F̂₁ − F̂₂|` over the two sketches' step functions.
    public static func ks(_ a: QuantileSketch, _ b: QuantileSketch) throws(FlywheelError) -> Double {
        try nonEmpty(a, b)
        let va = a.sortedView(), vb = b.sortedView()
        var d = 0.0
        walk(va, a.count, vb, b.count) { fa, fb, _, _ in d = max(d, abs(fa - fb)) }
        return d
    }

    /// Wasserstein-1 `∫ |F̂₁ − F̂₂| dx` between the sketches' step functions.
    public static func wasserstein(_ a: QuantileSketch, _ b: QuantileSketch) throws(FlywheelError) -> Double {
        try nonEmpty(a, b)
        let va = a.sortedView(), vb = b.sortedView()
        var sum = 0.0
        walk(va, a.count, vb, b.count) { fa, fb, x, next in
            if let next { sum += abs(fa - fb) * (next - x) }
        }
        return sum
    }

    /// PSI with `bins` bins cut at the reference sketch's quantiles `1/bins, …, (bins−1)/bins`,
    /// fractions floored at `floor` (as ``FrequencyDistance/psi(_:_:floor:)``).
    public static func psi(reference a: QuantileSketch, current b: QuantileSketch, bins: Int = 10, floor: Double = 1e-4) throws(FlywheelError) -> Double {
        let (p, q) = try psiFractions(reference: a, current: b, bins: bins)
        return try FrequencyDistance.psi(p, q, floor: floor)
    }

    /// The PSI bin edges and the two fraction vectors ``psi(reference:current:bins:floor:)`` compares.
    public static func psiFractions(reference a: QuantileSketch, current b: QuantileSketch, bins: Int = 10) throws(FlywheelError) -> ([Double], [Double]) {
        try nonEmpty(a, b)
        guard bins >= 2 else { throw FlywheelError("PSI needs at least 2 bins (got \(bins))") }
        let va = a.sortedView(), vb = b.sortedView()
        let edges = (1..<bins).map { QuantileSketch.quantile(va, Double($0) / Double(bins), count: a.count) }
        return (fractions(va, a.count, edges), fractions(vb, b.count, edges))
    }

    /// Bin fractions for bins `(−∞, e₁), [e₁, e₂), …, [e_last, ∞)`: F̂(x⁻) differences.
    static func fractions(_ v: (values: [Double], cumulative: [Double]), _ n: Int, _ edges: [Double]) -> [Double] {
        func below(_ x: Double) -> Double { // estimated weight strictly below x
            var lo = 0, hi = v.values.count
            while lo < hi {
                let mid = (lo + hi) >> 1
                if v.values[mid] < x { lo = mid + 1 } else { hi = mid }
            }
            return lo == 0 ? 0 : v.cumulative[lo - 1]
        }
        var out: [Double] = []
        var previous = 0.0
        for e in edges {
            let c = below(e)
            out.append((c - previous) / Double(n))
            previous = c
        }
        out.append((Double(n) - previous) / Double(n))
        return out
    }

    static func nonEmpty(_ a: QuantileSketch, _ b: QuantileSketch) throws(FlywheelError) {
        guard a.count > 0, b.count > 0 else {
            throw FlywheelError("a quantile sketch is empty", hint: "the window holds no events")
        }
    }

    /// Visits every pooled retained value x in ascending order with F̂₁(x), F̂₂(x) and the next
    /// pooled value (nil at the end).
    static func walk(_ a: (values: [Double], cumulative: [Double]), _ na: Int,
                     _ b: (values: [Double], cumulative: [Double]), _ nb: Int,
                     _ body: (Double, Double, Double, Double?) -> Void) {
        var i = 0, j = 0
        var fa = 0.0, fb = 0.0
        while i < a.values.count || j < b.values.count {
            let x: Double
            if j >= b.values.count || (i < a.values.count && a.values[i] <= b.values[j]) { x = a.values[i] } else { x = b.values[j] }
            if i < a.values.count && a.values[i] == x { fa = a.cumulative[i] / Double(na); i += 1 }
            if j < b.values.count && b.values[j] == x { fb = b.cumulative[j] / Double(nb); j += 1 }
            var next: Double? = nil
            if i < a.values.count { next = a.values[i] }
            if j < b.values.count { next = min(next ?? b.values[j], b.values[j]) }
            body(fa, fb, x, next)
        }
    }
}

/// The sketches `flywheel list` shows.
public enum SketchCatalog {
    public static let all: [ComponentInfo] = [
        ComponentInfo(family: "sketch", name: "quantile",
                      summary: "Deterministic mergeable compactor quantile sketch; tracked rank-error bound ≤ ⌈log₂(n/k)+1⌉·n/k",
                      parameters: [ParameterInfo("k", "200", "items per compactor level (memory ≈ k·log₂(n/k))")],
                      reference: "Manku, Rajagopalan & Lindsay 1998; Karnin, Lang & Liberty 2016"),
        ComponentInfo(family: "sketch", name: "frequency",
                      summary: "Misra–Gries counters (exact while distinct keys ≤ capacity); undercount ≤ n/(capacity+1)",
                      parameters: [ParameterInfo("capacity", "100", "number of counters")],
                      reference: "Misra & Gries 1982; Agarwal et al. 2012, Mergeable Summaries"),
    ]
}
