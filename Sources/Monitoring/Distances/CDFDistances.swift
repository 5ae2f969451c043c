import FlywheelCore

/// Distances between the empirical CDFs of two univariate samples, computed by one merge of the
/// sorted samples (SciPy's `_cdf_distance`):
/// `ℓ_p(F, G) = (∫ |F(x) − G(x)|^p dx)^{1/p}`, integrated exactly over the pooled sorted values.
public enum CDFDistance {
    /// Wasserstein-1 (earth mover's) distance `∫ |F − G| dx` (SciPy `wasserstein_distance`).
    ///
    /// - Complexity: O(n log n) (sorting), then O(n).
    public static func wasserstein(reference: [Double], current: [Double]) throws(FlywheelError) -> Double {
        try SampleCheck.finite(reference, name: "reference")
        try SampleCheck.finite(current, name: "current")
        return integrate(SampleCheck.sorted(reference), SampleCheck.sorted(current), power: 1)
    }

    /// Energy distance `√2 · (∫ (F − G)² dx)^{1/2}` (Székely & Rizzo 2013; SciPy
    /// `energy_distance`), equal to `(2E|X−Y| − E|X−X'| − E|Y−Y'|)^{1/2}` but computed from the
    /// sorted CDFs instead of O(n²) pairs.
    ///
    /// - Complexity: O(n log n).
    public static func energy(reference: [Double], current: [Double]) throws(FlywheelError) -> Double {
        try SampleCheck.finite(reference, name: "reference")
        try SampleCheck.finite(current, name: "current")
        return (2.0).squareRoot() * integrate(SampleCheck.sorted(reference), SampleCheck.sorted(current), power: 2)
    }

    /// `(∫ |F − G|^p dx)^{1/p}` for `p` = 1 or 2 from two ascending samples.
    ///
    /// - Complexity: O(n₁ + n₂).
    /// An empty sample gives NaN.
    public static func integrate(_ a: [Double], _ b: [Double], power: Int) -> Double {
        guard !a.isEmpty, !b.isEmpty else { return .nan }
        let n1 = Double(a.count), n2 = Double(b.count)
        var ia = 0, ib = 0
        var sum = 0.0
        // Walk the pooled sorted values; between consecutive pooled values both CDFs are flat.
        var previous: Double
        if a[0] <= b[0] { previous = a[0] } else { previous = b[0] }
        while ia < a.count || ib < b.count {
            let next: Double
            if ib >= b.count || (ia < a.count && a[ia] <= b[ib]) { next = a[ia] } else { next = b[ib] }
            let diff = abs(Double(ia) / n1 - Double(ib) / n2)
            let delta = next - previous
            sum += power == 1 ? diff * delta : diff * diff * delta
            // Consume every copy of `next` in both samples.
            while ia < a.count && a[ia] == next { ia += 1 }
            while ib < b.count && b[ib] == next { ib += 1 }
            previous = next
        }
        return power == 1 ? sum : sum.squareRoot()
    }
}
