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
        var scratch = [Double]()
        return reference.withUnsafeBufferPointer { x in
            current.withUnsafeBufferPointer { y in
                let sigma = bandwidthSigma(x, y, m: m, n: n, d: dimension, bandwidth: bandwidth, scratch: &scratch)
                if sigma == 0 { return Result(mmd2: 0, sigma: 0) }
                return Result(mmd2: estimate(x, y, m: m, n: n, d: dimension, sigma: sigma, unbiased: unbiased), sigma: sigma)
            }
        }
    }

    /// The permutation test of Gretton et al. (2012, §5): the pooled rows are relabelled at random
    /// `permutations` times (default 200) with draws from `stream`, MMD² is recomputed with the
    /// same σ, and `p = (1 + #{MMD²_perm ≥ MMD²_obs}) / (1 + permutations)`.
    ///
    /// - Complexity: O((m+n)²·(d + permutations)) time, O((m+n)²) memory (the kernel matrix).
    public static func permutationTest(reference: [Double], current: [Double], dimension: Int,
                                       permutations: Int = 200, stream: RandomStream,
                                       bandwidth: Bandwidth = .medianDistance) throws(FlywheelError) -> (result: Result, pValue: Double) {
        guard permutations >= 1 else { throw FlywheelError("the permutation test needs at least 1 permutation (got \(permutations))") }
        let observed = try compute(reference: reference, current: current, dimension: dimension, bandwidth: bandwidth)
        if observed.sigma == 0 { return (observed, 1) }
        let m = reference.count / dimension, n = current.count / dimension
        let total = m + n
        let pooled = reference + current
        let scale = -1 / (2 * observed.sigma * observed.sigma)
        var kernel = [Double](repeating: 0, count: total * total)
        pooled.withUnsafeBufferPointer { z in
            let base = z.baseAddress!
            for i in 0..<total {
                for j in (i + 1)..<max(total, i + 1) {
                    let k = exp(squaredDistance(base + i * dimension, base + j * dimension, dimension) * scale)
                    kernel[i * total + j] = k
                    kernel[j * total + i] = k
                }
            }
        }
        var labels = [Int](0..<total)
        func statistic(_ order: [Int]) -> Double {
            // order[0..<m] form the first sample, order[m...] the second.
            var inFirst = [Bool](repeating: false, count: total)
            for i in 0..<m { inFirst[order[i]] = true }
            var kxx = 0.0, kyy = 0.0, kxy = 0.0
            for i in 0..<total {
                let row = i * total
                for j in (i + 1)..<max(total, i + 1) {
                    let k = kernel[row + j]
                    switch (inFirst[i], inFirst[j]) {
                    case (true, true): kxx += k
                    case (false, false): kyy += k
                    default: kxy += k
                    }
                }
            }
            let md = Double(m), nd = Double(n)
            return 2 * kxx / (md * (md - 1)) + 2 * kyy / (nd * (nd - 1)) - 2 * kxy / (md * nd)
        }
        let observedStatistic = statistic(labels)
        var atLeast = 0
        for _ in 0..<permutations {
            stream.shuffle(&labels)
            if statistic(labels) >= observedStatistic { atLeast += 1 }
        }
        return (observed, Double(1 + atLeast) / Double(1 + permutations))
    }

    @inline(__always) static func squaredDistance(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ d: Int) -> Double {
        var s = 0.0
        for k in 0..<d {
            let t = a[k] - b[k]
            s += t * t
        }
        return s
    }

    /// σ for `bandwidth`; `scratch` holds the pooled pairwise squared distances (its capacity is
    /// kept, so a caller that reuses it allocates nothing once it is large enough).
    static func bandwidthSigma(_ x: UnsafeBufferPointer<Double>, _ y: UnsafeBufferPointer<Double>,
                               m: Int, n: Int, d: Int, bandwidth: Bandwidth, scratch sq: inout [Double]) -> Double {
        if case .fixed(let s) = bandwidth { return s }
        let total = m + n
        func row(_ i: Int) -> UnsafePointer<Double> {
            i < m ? x.baseAddress! + i * d : y.baseAddress! + (i - m) * d
        }
        sq.removeAll(keepingCapacity: true)
        sq.reserveCapacity(total * (total - 1) / 2)
        for i in 0..<total {
            let a = row(i)
            for j in (i + 1)..<max(total, i + 1) { sq.append(squaredDistance(a, row(j), d)) }
        }
        let count = sq.count
        let useDistance: Bool
        if case .medianDistance = bandwidth { useDistance = true } else { useDistance = false }
        // The two middle order statistics by selection (O(N) expected), not a full sort.
        let lo = select(&sq, (count - 1) / 2)
        var hi = lo
        if count % 2 == 0 {
            hi = sq[count / 2]
            for v in sq[(count / 2)...] where v < hi { hi = v }
        }
        var median = useDistance ? (lo.squareRoot() + hi.squareRoot()) / 2 : (lo + hi) / 2
        if median == 0 {
            var s = 0.0
            for v in sq { s += useDistance ? v.squareRoot() : v }
            median = s / Double(count)
        }
        return useDistance ? median : (median / 2).squareRoot()
    }

    /// The `k`-th smallest value (0-based) of `a`, leaving every smaller value before index `k` and
    /// every larger one after it (Hoare's selection with a median-of-three pivot).
    static func select(_ a: inout [Double], _ k: Int) -> Double {
        var lo = 0, hi = a.count - 1
        while lo < hi {
            let mid = lo + (hi - lo) / 2
            // Median of three as the pivot.
            if a[mid] < a[lo] { a.swapAt(mid, lo) }
            if a[hi] < a[lo] { a.swapAt(hi, lo) }
            if a[hi] < a[mid] { a.swapAt(hi, mid) }
            let pivot = a[mid]
            var i = lo, j = hi
            while i <= j {
                while a[i] < pivot { i += 1 }
                while a[j] > pivot { j -= 1 }
                if i <= j { a.swapAt(i, j); i += 1; j -= 1 }
            }
            if k <= j { hi = j } else if k >= i { lo = i } else { return a[k] }
        }
        return a[k]
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

extension MMD {
    /// Buffers for repeated MMD² between windows of at most ``rows`` rows per side, as a drift
    /// trigger computes every tick: the pooled pairwise distances the median heuristic selects
    /// from are kept between calls, so once the buffer has grown nothing is allocated.
    ///
    /// The estimate is the same as ``MMD/compute(reference:current:dimension:bandwidth:unbiased:)``
    /// (same kernel, bandwidth rule and estimator); windows above ``Limits/maxMMDRows`` rows per
    /// side are refused, because time and memory grow with the square of the rows.
    public struct Workspace: Sendable {
        /// The most rows either side may hold.
        public let rows: Int
        private var squared: [Double] = []

        /// A workspace for up to `rows` rows per side (1 … ``Limits/maxMMDRows``).
        public init(rows: Int) throws(FlywheelError) {
            guard rows >= 2, rows <= Limits.maxMMDRows else {
                throw FlywheelError("MMD windows hold 2 to \(Limits.maxMMDRows) rows per side (got \(rows))")
            }
            self.rows = rows
        }

        /// MMD² between `m` reference rows and `n` current rows (row-major, `dimension` values
        /// each, finite). Fewer than 2 rows on a side, or more than ``rows``, is an error.
        ///
        /// - Complexity: O((m+n)²·d) time; O((m+n)²) memory, reused between calls.
        public mutating func compute(reference x: UnsafeBufferPointer<Double>, current y: UnsafeBufferPointer<Double>,
                                     dimension d: Int, bandwidth: Bandwidth = .medianDistance,
                                     unbiased: Bool = true) throws(FlywheelError) -> Result {
            guard d > 0, x.count % d == 0, y.count % d == 0 else {
                throw FlywheelError(
                    "MMD inputs must be whole rows of \(d) values (got \(x.count) and \(y.count) values)")
            }
            let m = x.count / d, n = y.count / d
            guard m >= 2, n >= 2, m <= rows, n <= rows else {
                throw FlywheelError("MMD compares 2 to \(rows) rows per side (got \(m) and \(n))")
            }
            let sigma = MMD.bandwidthSigma(x, y, m: m, n: n, d: d, bandwidth: bandwidth, scratch: &squared)
            if sigma == 0 { return Result(mmd2: 0, sigma: 0) }
            return Result(mmd2: MMD.estimate(x, y, m: m, n: n, d: d, sigma: sigma, unbiased: unbiased), sigma: sigma)
        }
    }

    /// Copies `rows` evenly spaced rows of `source` (`count` rows of `dimension` values, row-major)
    /// to the end of `into`: row ⌊i·count/rows⌋ for i = 0 … rows−1, or every row when
    /// `count ≤ rows`. Deterministic, and it keeps the rows' order (so a window's ticks stay
    /// equally represented).
    public static func appendEvenlySpaced(_ source: UnsafeBufferPointer<Double>, count: Int, dimension: Int,
                                          rows: Int, into out: inout [Double]) {
        guard count > 0, dimension > 0, let base = source.baseAddress else { return }
        let take = min(count, rows)
        for i in 0..<take {
            let r = take == count ? i : i * count / take
            out.append(contentsOf: UnsafeBufferPointer(start: base + r * dimension, count: dimension))
        }
    }
}
