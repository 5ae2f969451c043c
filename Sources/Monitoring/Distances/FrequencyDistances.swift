import CGSL
import Foundation
import FlywheelCore

/// Distances between two frequency vectors (category counts, or counts in shared bins).
///
/// Counts are normalised to probability vectors `p` (reference) and `q` (current) before the
/// comparison unless stated otherwise.
public enum FrequencyDistance {
    /// Result of Pearson's chi-square test of homogeneity on a 2 × c table.
    public struct ChiSquare: Hashable, Sendable {
        public var statistic: Double
        public var degreesOfFreedom: Int
        public var pValue: Double
        /// Columns that were zero in both rows and so were left out.
        public var droppedColumns: Int
    }

    static func check(_ a: [Double], _ b: [Double]) throws(FlywheelError) {
        guard a.count == b.count, !a.isEmpty else {
            throw FlywheelError("frequency vectors must have the same non-zero length (got \(a.count) and \(b.count))")
        }
        var sa = 0.0, sb = 0.0
        for i in 0..<a.count {
            guard a[i].isFinite, b[i].isFinite, a[i] >= 0, b[i] >= 0 else {
                throw FlywheelError("frequencies must be finite and non-negative (position \(i): \(a[i]), \(b[i]))")
            }
            sa += a[i]; sb += b[i]
        }
        guard sa > 0, sb > 0 else {
            throw FlywheelError("a frequency vector sums to zero", hint: "the window holds no events")
        }
    }

    static func normalised(_ a: [Double]) -> [Double] {
        var s = 0.0
        for v in a { s += v }
        return a.map { $0 / s }
    }

    /// `rel_entr(x, y)`: `x·ln(x/y)` for x > 0, y > 0; 0 for x = 0; +∞ otherwise.
    @inline(__always) static func relEntr(_ x: Double, _ y: Double) -> Double {
        if x > 0 && y > 0 { return x * log(x / y) }
        if x == 0 && y >= 0 { return 0 }
        return .infinity
    }

    /// Jensen–Shannon divergence `JS(p, q) = ½ KL(p‖m) + ½ KL(q‖m)`, `m = (p + q)/2`, in nats
    /// (`base` = e, default) or in bits (`base` = 2); Lin (1991). The distance is its square root
    /// (SciPy `spatial.distance.jensenshannon`), in [0, √ln 2] for base e and [0, 1] for base 2.
    public static func jensenShannonDivergence(_ reference: [Double], _ current: [Double], base: Double = M_E) throws(FlywheelError) -> Double {
        try check(reference, current)
        let p = normalised(reference), q = normalised(current)
        var left = 0.0, right = 0.0
        for i in 0..<p.count {
            let m = (p[i] + q[i]) / 2
            left += relEntr(p[i], m)
            right += relEntr(q[i], m)
        }
        var js = left + right
        if base != M_E { js /= log(base) }
        return js / 2
    }

    /// Jensen–Shannon distance, the square root of ``jensenShannonDivergence(_:_:base:)``.
    public static func jensenShannonDistance(_ reference: [Double], _ current: [Double], base: Double = M_E) throws(FlywheelError) -> Double {
        try jensenShannonDivergence(reference, current, base: base).squareRoot()
    }

    /// Pearson's chi-square test of homogeneity on the 2 × c table `[reference; current]` of
    /// counts (SciPy `chi2_contingency`, after dropping columns that are zero in both rows):
    /// `χ² = Σ (O − E)²/E` with `E_ij = rowᵢ·colⱼ/N`, `dof = c − 1`; Yates' continuity correction
    /// when `dof = 1` (each O moved towards E by min(0.5, |O − E|)); p-value `Q_χ²(χ², dof)` from
    /// GSL's `gsl_cdf_chisq_Q`. With a single column left, χ² = 0 and p = 1.
    public static func chiSquare(_ reference: [Double], _ current: [Double], yates: Bool = true) throws(FlywheelError) -> ChiSquare {
        try check(reference, current)
        var r: [Double] = [], c: [Double] = []
        var dropped = 0
        for i in 0..<reference.count {
            if reference[i] == 0 && current[i] == 0 { dropped += 1; continue }
            r.append(reference[i]); c.append(current[i])
        }
        let cols = r.count
        let dof = cols - 1
        if dof == 0 { return ChiSquare(statistic: 0, degreesOfFreedom: 0, pValue: 1, droppedColumns: dropped) }
        var rowR = 0.0, rowC = 0.0
        for j in 0..<cols { rowR += r[j]; rowC += c[j] }
        let total = rowR + rowC
        var stat = 0.0
        for j in 0..<cols {
            let col = r[j] + c[j]
            for (obs0, row) in [(r[j], rowR), (c[j], rowC)] {
                let expected = row * col / total
                var obs = obs0
                if dof == 1 && yates {
                    let diff = expected - obs
                    obs += min(0.5, abs(diff)) * (diff > 0 ? 1 : (diff < 0 ? -1 : 0))
                }
                let dev = obs - expected
                stat += dev * dev / expected
            }
        }
        let p = gsl_cdf_chisq_Q(stat, Double(dof))
        return ChiSquare(statistic: stat, degreesOfFreedom: dof, pValue: p, droppedColumns: dropped)
    }

    /// Population stability index `PSI = Σ (p − q)·ln(p/q)` over bin fractions, each fraction
    /// first floored at `floor` (default 1e-4, no renormalisation) so empty bins stay finite.
    /// Inputs are counts (or fractions); they are divided by their totals.
    public static func psi(_ reference: [Double], _ current: [Double], floor: Double = 1e-4) throws(FlywheelError) -> Double {
        try check(reference, current)
        let p = normalised(reference), q = normalised(current)
        var s = 0.0
        for i in 0..<p.count {
            let a = max(p[i], floor), b = max(q[i], floor)
            s += (a - b) * log(a / b)
        }
        return s
    }

    /// Hellinger distance `H(p, q) = ( ½ Σ (√p − √q)² )^{1/2}`, in [0, 1].
    public static func hellinger(_ reference: [Double], _ current: [Double]) throws(FlywheelError) -> Double {
        try check(reference, current)
        let p = normalised(reference), q = normalised(current)
        var s = 0.0
        for i in 0..<p.count {
            let d = p[i].squareRoot() - q[i].squareRoot()
            s += d * d
        }
        return (s / 2).squareRoot()
    }

    /// L1 distance `Σ |p − q|` between frequency vectors, in [0, 2] (twice the total variation).
    public static func l1(_ reference: [Double], _ current: [Double]) throws(FlywheelError) -> Double {
        try check(reference, current)
        let p = normalised(reference), q = normalised(current)
        var s = 0.0
        for i in 0..<p.count { s += abs(p[i] - q[i]) }
        return s
    }

    /// L∞ distance `max |p − q|` between frequency vectors, in [0, 1].
    public static func linf(_ reference: [Double], _ current: [Double]) throws(FlywheelError) -> Double {
        try check(reference, current)
        let p = normalised(reference), q = normalised(current)
        var s = 0.0
        for i in 0..<p.count { s = max(s, abs(p[i] - q[i])) }
        return s
    }
}
