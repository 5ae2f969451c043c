import FlywheelCore
import Foundation

/// Uncertainty for a single realisation of a time series: the circular block bootstrap over ticks.
///
/// A replayed file is one realisation of its traffic: replicates of it are identical, so an
/// interval over replicates would be zero-width and false. The circular block bootstrap
/// (Politis & Romano, "A circular block-resampling procedure for stationary data", 1992) resamples
/// blocks of `ℓ` consecutive ticks, wrapping at the end, so the serial dependence inside a block
/// (autocorrelated traffic, a model's decay) is kept. A statistic that is a function of column
/// sums, θ = f(Σₜ x₁(t), …, Σₜ xₘ(t)), is recomputed on every resample; the interval is the
/// percentile interval of those values, so a bounded statistic (an accuracy) gets a bounded
/// interval.
///
/// The block length is chosen automatically by Politis & White's rule ("Automatic block-length
/// selection for the dependent bootstrap", Econometric Reviews 2004, with the correction of
/// Patton, Politis & White 2009), computed exactly as the `arch` package (8.0) computes it:
///
///   b = (2 G² / D)^{1/3} · n^{1/3},  G = Σ_{|k|≤M} λ(k/M) |k| γ̂(k),  D = 4/3 · (Σ_{|k|≤M} λ(k/M) γ̂(k))²,
///
/// with the flat-top kernel λ(x) = min(1, 2(1 − |x|)), γ̂(k) = n⁻¹ Σ (xₜ − x̄)(xₜ₋ₖ − x̄), and M twice
/// the first lag after which K = max(5, ⌊log₁₀ n⌋) consecutive autocorrelations lie within
/// ±2 √(log₁₀ n / n), capped at ⌈√n⌉ + K; b is capped at ⌈min(3√n, n/3)⌉.
public enum BlockBootstrap {
    /// Politis & White's optimal block length for the circular block bootstrap of the mean of `x`
    /// (not rounded; `arch.bootstrap.optimal_block_length(x)["circular"]`). Returns 1 for series
    /// shorter than 4 or without variance.
    /// - Complexity: O(n √n).
    public static func optimalBlockLength(_ x: [Double]) -> Double {
        let n = x.count
        guard n >= 4 else { return 1 }
        let mean = x.reduce(0, +) / Double(n)
        let eps = x.map { $0 - mean }
        let nobs = Double(n)
        let bMax = (min(3 * nobs.squareRoot(), nobs / 3)).rounded(.up)
        let kn = max(5, Int(log10(nobs)))
        let mMax = min(Int(nobs.squareRoot().rounded(.up)) + kn, n - 2)
        let cv = 2 * (log10(nobs) / nobs).squareRoot()
        var acv = [Double](repeating: 0, count: mMax + 1)
        var absAcorr = [Double](repeating: 0, count: mMax + 1)
        var optM: Int?
        // arch's normalisers use the tails of length n − (i + 1) while the cross product has lag i.
        for i in 0...mMax {
            var v1 = 0.0, v2 = 0.0, cross = 0.0
            for t in (i + 1)..<n { v1 += eps[t] * eps[t] }
            for t in 0..<(n - i - 1) { v2 += eps[t] * eps[t] }
            for t in i..<n { cross += eps[t] * eps[t - i] }
            acv[i] = cross / nobs
            absAcorr[i] = abs(cross) / (v1 * v2).squareRoot()
            if i >= kn, optM == nil, absAcorr[(i - kn)..<i].allSatisfy({ $0 < cv }) { optM = i - kn }
        }
        var m = optM.map { 2 * max($0, 1) } ?? mMax
        m = min(m, mMax)
        var g = 0.0, longRun = acv[0]
        if m >= 1 {
            for k in 1...m {
                let ratio = Double(k) / Double(m)
                let lambda = ratio <= 0.5 ? 1 : 2 * (1 - ratio)
                g += 2 * lambda * Double(k) * acv[k]
                longRun += 2 * lambda * acv[k]
            }
        }
        let d = 4.0 / 3.0 * longRun * longRun
        guard d > 0, g.isFinite else { return 1 }
        let b = pow(2 * g * g / d, 1.0 / 3.0) * pow(nobs, 1.0 / 3.0)
        guard b.isFinite else { return 1 }
        return min(b, bMax)
    }

    /// The block length used for `x`: Politis & White's, rounded up, at least 1 and at most `n`.
    public static func blockLength(for x: [Double]) -> Int {
        max(1, min(x.count, Int(optimalBlockLength(x).rounded(.up))))
    }

    /// An interval from the bootstrap: the statistic on the data, the percentile interval, and the
    /// method's parameters (for the report's sentence on how it was computed).
    public struct Result: Hashable, Sendable {
        public var estimate: Double
        public var low: Double
        public var high: Double
        public var blockLength: Int
        public var resamples: Int
    }

    /// The exact circular-block-bootstrap variance of the mean of `x` with blocks of `length`
    /// when `length` divides `n`: Var*(x̄*) = (1 / (n/ℓ)) · (1/n) Σᵢ (B̄ᵢ − x̄)², over the n circular
    /// blocks Bᵢ = (xᵢ, …, xᵢ₊ℓ₋₁ mod n). A closed form that resampling must approach.
    public static func exactVarianceOfMean(_ x: [Double], blockLength length: Int) -> Double {
        let n = x.count
        precondition(length >= 1 && n % length == 0, "the block length must divide the series length")
        let mean = x.reduce(0, +) / Double(n)
        var s = 0.0
        for i in 0..<n {
            var b = 0.0
            for j in 0..<length { b += x[(i + j) % n] }
            let d = b / Double(length) - mean
            s += d * d
        }
        return s / Double(n) / Double(n / length)
    }

    /// The circular block bootstrap of a statistic of column sums: the percentile interval.
    ///
    /// - Parameters:
    ///   - columns: m aligned per-tick series (each of n values; NaN counts as 0).
    ///   - statistic: θ from the m column sums (e.g. `{ $0[0] }` for a total, `{ $0[0] / $0[1] }`
    ///     for an event-weighted mean, `{ ($0[0] − $0[1]) / $0[2] }` for a paired difference of
    ///     means).
    ///   - blockLength: ℓ; nil chooses Politis & White's on `selection` (or on the first column).
    ///   - resamples: B, the number of resampled series.
    ///   - level: the interval's coverage (0.95: the 2.5 % and 97.5 % percentiles).
    ///   - rng: the stream the block starts are drawn from (a named sub-stream: deterministic).
    public static func interval(columns: [[Double]], statistic: ([Double]) -> Double, blockLength: Int? = nil,
                                selection: [Double]? = nil, resamples: Int = 2000, level: Double = 0.95,
                                rng: RandomStream) -> Result {
        let n = columns.first?.count ?? 0
        let full = statistic(columns.map { $0.reduce(0) { $0 + ($1.isNaN ? 0 : $1) } })
        guard n > 1, resamples > 1 else {
            return Result(estimate: full, low: full, high: full, blockLength: max(n, 1), resamples: 0)
        }
        let l = max(1, min(n, blockLength ?? Self.blockLength(for: (selection ?? columns[0]).map { $0.isNaN ? 0 : $0 })))
        let values = resample(columns: columns, statistic: statistic, blockLength: l, resamples: resamples, rng: rng)
        let finite = values.filter { $0.isFinite }.sorted()
        guard !finite.isEmpty else { return Result(estimate: full, low: .nan, high: .nan, blockLength: l, resamples: resamples) }
        let alpha = (1 - level) / 2
        return Result(estimate: full, low: quantile(finite, alpha), high: quantile(finite, 1 - alpha), blockLength: l,
                      resamples: resamples)
    }

    /// The statistic on `resamples` circular-block resamples of the ticks, in draw order: each
    /// resample joins ⌊n/ℓ⌋ blocks of ℓ ticks and one block of n mod ℓ, every block starting at a
    /// uniformly drawn tick and wrapping past the last one.
    /// - Complexity: O(n·m) to precompute the circular block sums, then O(B·(n/ℓ + ℓ)·m).
    public static func resample(columns: [[Double]], statistic: ([Double]) -> Double, blockLength l: Int,
                                resamples: Int, rng: RandomStream) -> [Double] {
        let m = columns.count
        let n = columns.first?.count ?? 0
        precondition(columns.allSatisfy { $0.count == n }, "every column needs one value per tick")
        precondition(l >= 1 && l <= n, "the block length must be in 1...n")
        let clean = columns.map { $0.map { $0.isNaN ? 0 : $0 } }
        // blockSum[c][i]: the sum of column c over the circular block starting at tick i.
        var blockSum = [[Double]](repeating: [Double](repeating: 0, count: n), count: m)
        for c in 0..<m {
            let x = clean[c]
            for i in 0..<n {
                var s = 0.0
                for j in 0..<l { s += x[(i + j) % n] }
                blockSum[c][i] = s
            }
        }
        let whole = n / l, rest = n % l
        var values = [Double](repeating: 0, count: resamples)
        var sums = [Double](repeating: 0, count: m)
        for b in 0..<resamples {
            for c in 0..<m { sums[c] = 0 }
            for _ in 0..<whole {
                let start = rng.int(below: n)
                for c in 0..<m { sums[c] += blockSum[c][start] }
            }
            if rest > 0 {
                let start = rng.int(below: n)
                for c in 0..<m {
                    for j in 0..<rest { sums[c] += clean[c][(start + j) % n] }
                }
            }
            values[b] = statistic(sums)
        }
        return values
    }

    /// The `p` quantile of sorted values by linear interpolation between order statistics
    /// (NumPy's default, "linear", Hyndman & Fan type 7).
    public static func quantile(_ sorted: [Double], _ p: Double) -> Double {
        guard let first = sorted.first else { return .nan }
        guard sorted.count > 1 else { return first }
        let h = Double(sorted.count - 1) * p
        let lo = Int(h.rounded(.down)), hi = min(lo + 1, sorted.count - 1)
        return sorted[lo] + (h - Double(lo)) * (sorted[hi] - sorted[lo])
    }
}
