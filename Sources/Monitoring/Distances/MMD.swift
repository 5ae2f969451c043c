import Foundation
import FlywheelCore

/// Maximum mean discrepancy between two multivariate samples with a Gaussian kernel
/// (Gretton, Borgwardt, Rasch, Schölkopf & Smola 2012, "A Kernel Two-Sample Test", JMLR 13).
///
/// `k(a, b) = exp(−‖a − b‖² / (2σ²))`. Unbiased estimator (default):
/// `MMD²_u = Σ_{i≠j} k(xᵢ,xⱼ)/(m(m−1)) + Σ_{i≠j} k(yᵢ,yⱼ)/(n(n−1)) − 2 Σ_{i,j} k(xᵢ,yⱼ)/(mn)`
/// (it can be slightly negative when the samples agree). The biased (V-statistic) form divides the
/// within-sample sums, diagonal included, by m² and n².
public enum MMD {
    /// How the kernel width σ is chosen.
    public enum Bandwidth: Hashable, Sendable {
        /// σ = the median of the Euclidean distances ‖zᵢ − zⱼ‖ over all pairs i < j of the pooled
        /// sample (an even count of pairs takes the mean of the two middle distances). Default.
        case medianDistance
        /// σ² = median(‖zᵢ − zⱼ‖²)/2, i.e. `k = exp(−d²/median(d²))`.
        case medianSquaredDistanceHalf
        /// A fixed σ > 0.
        case fixed(Double)
    }

    /// The estimate and the σ used.
    public struct Result: Hashable, Sendable {
        public var mmd2: Double
        public var sigma: Double
    }

    /// MMD² between `reference` (m rows) and `current` (n rows), both row-major with `dimension`
    /// columns.
    ///
    /// When the median heuristic gives σ = 0 (more than half of the pooled pairs coincide), the
    /// mean pairwise distance is used; if that is 0 too the samples are identical and MMD² = 0.
    ///
    /// - Complexity: O((m+n)²·d) time and O((m+n)²) memory for the median heuristic (one sort of
    ///   the pairwise distances); O((m+n)²·d) time and O(1) extra memory with a fixed σ.
    public static func compute(reference: [Double], current: [Double], dimension: Int,
                               bandwidth: Bandwidth = .medianDistance, unbiased: Bool = true) throws(FlywheelError) -> Result {
        guard dimension > 0 else { throw FlywheelError("MMD needs a dimension of at least 1 (got \(dimension))") }
        guard reference.count % dimension == 0, current.count % dimension == 0 else {
            throw FlywheelError("MMD inputs must be whole rows of \(dimension) values (got \(reference.count) and \(current.count) values)")
        }
        try SampleCheck.finite(reference, name: "reference", minimum: 2 * dimension)
        try SampleCheck.finite(current, name: "current", minimum: 2 * dimension)
        let m = reference.count / dimension, n = current.count / dimension
        return reference.withUnsafeBufferPointer { x in
            current.withUnsafeBufferPointer { y in
                let sigma = bandwidthSigma(x, y, m: m, n: n, d: dimension, bandwidth: bandwidth)
                if sigma == 0 { return Result(mmd2: 0, sigma: 0) }
                return Result(mmd2: estimate(x, y, m: m, n: n, d: dimension, sigma: sigma, unbiased: unbiased), sigma: sigma)
            }
        }
    }

    @inline(__always) static func squaredDistance(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ d: Int) -> Double {
        var s = 0.0
        for k in 0..<d {
            let t = a[k] - b[k]
            s += t * t
        }
        return s
    }

    static func bandwidthSigma(_ x: UnsafeBufferPointer<Double>, _ y: UnsafeBufferPointer<Double>, m: Int, n: Int, d: Int, bandwidth: Bandwidth) -> Double {
        if case .fixed(let s) = bandwidth { return s }
        let total = m + n
        func row(_ i: Int) -> UnsafePointer<Double> {
            i < m ? x.baseAddress! + i * d : y.baseAddress! + (i - m) * d
        }
        var sq = [Double]()
        sq.reserveCapacity(total * (total - 1) / 2)
        for i in 0..<total {
            let a = row(i)
            for j in (i + 1)..<max(total, i + 1) { sq.append(squaredDistance(a, row(j), d)) }
        }
        SampleCheck.sortInPlace(&sq)
        let count = sq.count
        let useDistance: Bool
        if case .medianDistance = bandwidth { useDistance = true } else { useDistance = false }
        let lo = sq[(count - 1) / 2], hi = sq[count / 2]
        var median = useDistance ? (lo.squareRoot() + hi.squareRoot()) / 2 : (lo + hi) / 2
        if median == 0 {
            var s = 0.0
            for v in sq { s += useDistance ? v.squareRoot() : v }
            median = s / Double(count)
        }
        return useDistance ? median : (median / 2).squareRoot()
    }

    static func estimate(_ x: UnsafeBufferPointer<Double>, _ y: UnsafeBufferPointer<Double>, m: Int, n: Int, d: Int, sigma: Double, unbiased: Bool) -> Double {
        let scale = -1 / (2 * sigma * sigma)
        let xb = x.baseAddress!, yb = y.baseAddress!
        var kxx = 0.0, kyy = 0.0, kxy = 0.0
        for i in 0..<m {
            for j in (i + 1)..<max(m, i + 1) { kxx += exp(squaredDistance(xb + i * d, xb + j * d, d) * scale) }
        }
        for i in 0..<n {
            for j in (i + 1)..<max(n, i + 1) { kyy += exp(squaredDistance(yb + i * d, yb + j * d, d) * scale) }
        }
        for i in 0..<m {
            for j in 0..<n { kxy += exp(squaredDistance(xb + i * d, yb + j * d, d) * scale) }
        }
        let md = Double(m), nd = Double(n)
        if unbiased {
            return 2 * kxx / (md * (md - 1)) + 2 * kyy / (nd * (nd - 1)) - 2 * kxy / (md * nd)
        }
        return (2 * kxx + md) / (md * md) + (2 * kyy + nd) / (nd * nd) - 2 * kxy / (md * nd)
    }
}
