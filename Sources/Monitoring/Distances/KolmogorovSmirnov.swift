import FlywheelCore

/// The two-sample Kolmogorov–Smirnov test, two-sided, as SciPy 1.17's `stats.ks_2samp` computes it.
///
/// Statistic: `D = sup_x |F_ref(x) − F_cur(x)|` over the empirical CDFs (right-continuous).
/// p-values:
/// - **exact**: the probability that a random lattice path stays outside the band, by the
///   inside method of Hodges (1958) in Viehmann's (2021, arXiv:2102.08037) numerically stable
///   `1 − p` recursion (or the closed Horner form when the sizes are equal); the statistic is
///   first rounded to a multiple of `1/lcm(n₁, n₂)`, as SciPy does.
/// - **asymptotic**: the finite-n one-sample distribution `kstwo.sf(D, round(n₁n₂/(n₁+n₂)))`
///   (see ``KolmogorovDistribution``).
/// - **auto** (default): exact when `max(n₁, n₂) ≤ 10 000`, else asymptotic.
public enum KolmogorovSmirnov {
    /// How the p-value is computed.
    public enum Method: String, Sendable, CaseIterable {
        case auto, exact, asymptotic
    }

    /// Largest sample size for which `auto` uses the exact p-value (SciPy's `MAX_AUTO_N`).
    public static let maxAutoExactSize = 10_000

    /// The statistic, where it is attained, and its p-value.
    public struct Result: Hashable, Sendable {
        /// `D` (rounded to a multiple of `1/lcm(n₁, n₂)` when the exact method ran).
        public var statistic: Double
        public var pValue: Double
        /// The method that produced `pValue` (`auto` resolves to one of the other two).
        public var method: Method
        /// The sample value at which `D` is attained (SciPy's `statistic_location`).
        public var location: Double
        /// +1 when the reference ECDF is above the current one at `location`, −1 otherwise.
        public var sign: Int
    }

    /// Runs the test.
    ///
    /// - Complexity: O(n log n) for the statistic; the exact p-value costs
    ///   O(max(n₁,n₂) · D·min(n₁,n₂)) at most.
    public static func test(reference: [Double], current: [Double], method: Method = .auto) throws(FlywheelError) -> Result {
        try SampleCheck.finite(reference, name: "reference")
        try SampleCheck.finite(current, name: "current")
        let a = SampleCheck.sorted(reference)
        let b = SampleCheck.sorted(current)
        return test(sortedReference: a, sortedCurrent: b, method: method)
    }

    /// Runs the test on samples already sorted ascending (no copies; finiteness is not checked,
    /// and an empty sample gives NaN).
    public static func test(sortedReference a: [Double], sortedCurrent b: [Double], method: Method = .auto) -> Result {
        guard !a.isEmpty, !b.isEmpty else { return Result(statistic: .nan, pValue: .nan, method: method, location: .nan, sign: 0) }
        let (d0, location, sign) = statistic(sortedReference: a, sortedCurrent: b)
        let n1 = a.count, n2 = b.count
        var mode = method
        if mode == .auto { mode = max(n1, n2) <= maxAutoExactSize ? .exact : .asymptotic }
        var d = d0
        var p = Double.nan
        if mode == .exact {
            let g = gcd(n1, n2)
            if n1 / g >= Int(Int32.max) / (n2 / g) {
                mode = .asymptotic
            } else if let exact = exactPValue(n1: n1, n2: n2, statistic: d0) {
                d = exact.statistic
                p = exact.pValue
            } else {
                mode = .asymptotic
            }
        }
        if mode == .asymptotic { p = asymptoticPValue(n1: n1, n2: n2, statistic: d) }
        return Result(statistic: d, pValue: min(max(p, 0), 1), method: mode, location: location, sign: sign)
    }

    /// `D`, the value where it is attained and its sign, from two ascending samples, computed
    /// as SciPy does (differences of `count/n` at every pooled value; ties resolve to the first
    /// value in reference-then-current order).
    ///
    /// - Complexity: O(n₁ + n₂).
    public static func statistic(sortedReference a: [Double], sortedCurrent b: [Double]) -> (statistic: Double, location: Double, sign: Int) {
        let n1 = Double(a.count), n2 = Double(b.count)
        var maxDiff = -Double.infinity, maxLoc = Double.nan
        var minDiff = Double.infinity, minLoc = Double.nan
        func scan(_ values: [Double]) {
            var ia = 0, ib = 0
            for v in values {
                while ia < a.count && a[ia] <= v { ia += 1 }
                while ib < b.count && b[ib] <= v { ib += 1 }
                let diff = Double(ia) / n1 - Double(ib) / n2
                if diff > maxDiff { maxDiff = diff; maxLoc = v }
                if diff < minDiff { minDiff = diff; minLoc = v }
            }
        }
        // SciPy scans concatenate([sorted reference, sorted current]); strict comparisons keep
        // the first extreme in that order.
        scan(a)
        scan(b)
        let minS = min(max(-minDiff, 0), 1)
        let maxS = maxDiff
        if minS > maxS { return (minS, minLoc, -1) }
        return (maxS, maxLoc, 1)
    }

    /// The exact two-sided p-value `P(D ≥ d)` under the null, and the statistic rounded to the
    /// lattice `h/lcm(n₁, n₂)` it is computed at; nil when the sizes are too large for it.
    public static func exactPValue(n1: Int, n2: Int, statistic d: Double) -> (statistic: Double, pValue: Double)? {
        guard n1 > 0, n2 > 0, d.isFinite else { return nil }
        let g = gcd(n1, n2)
        guard n1 / g < Int(Int32.max) / (n2 / g) else { return nil }
        let lcm = (n1 / g) * n2
        let h = Int((d * Double(lcm)).rounded(.toNearestOrEven))
        let dd = Double(h) / Double(lcm)
        if h == 0 { return (dd, 1) }
        let p = n1 == n2 ? probOutsideSquare(n: n1, h: h) : outerProbInside(n1, n2, g, h)
        guard p >= 0 && p <= 1 else { return nil }
        return (dd, p)
    }

    /// The asymptotic p-value SciPy's `method='asymp'` reports: `kstwo.sf(d, round(en))` with
    /// `en = n₁n₂/(n₁+n₂)` (half to even).
    public static func asymptoticPValue(n1: Int, n2: Int, statistic d: Double) -> Double {
        guard n1 > 0, n2 > 0 else { return .nan }
        let m = Double(max(n1, n2)), n = Double(min(n1, n2))
        let en = m * n / (m + n)
        let ne = max(Int(en.rounded(.toNearestOrEven)), 1)
        return min(max(KolmogorovDistribution.survival(n: ne, x: d), 0), 1)
    }

    /// `P(D_{n,n} ≥ h/n)` = `2·Σ_k (−1)^k C(2n, n − kh)/C(2n, n)` in Horner form (no cancellation).
    static func probOutsideSquare(n: Int, h: Int) -> Double {
        var P = 0.0
        var k = n / h
        while k >= 0 {
            var p1 = 1.0
            for j in 0..<h {
                p1 = Double(n - k * h - j) * p1 / Double(n + k * h + j + 1)
            }
            P = p1 * (1 - P)
            k -= 1
        }
        return 2 * P
    }

    /// The proportion of lattice paths from (0,0) to (m,n) that leave the band
    /// `|x/m − y/n| < h/lcm(m,n)`, by Viehmann's `1 − p` form of the inside recursion.
    static func outerProbInside(_ m0: Int, _ n0: Int, _ g: Int, _ h: Int) -> Double {
        var m = m0, n = n0
        if m < n { swap(&m, &n) }
        let mg = m / g, ng = n / g
        var minj = 0
        var maxj = min(Int((Double(h) / Double(mg)).rounded(.up)), n + 1)
        var curlen = maxj - minj
        let lenA = min(2 * maxj + 2, n + 1)
        var A = [Double](repeating: 1, count: lenA)
        for j in minj..<min(maxj, lenA) { A[j] = 0 }
        for i in 1...m {
            let lastminj = minj, lastlen = curlen
            minj = max(Int((Double(ng * i - h) / Double(mg)).rounded(.down)) + 1, 0)
            minj = min(minj, n)
            maxj = min(Int((Double(ng * i + h) / Double(mg)).rounded(.up)), n + 1)
            if maxj <= minj { return 1 }
            var val = minj == 0 ? 0.0 : 1.0
            let di = Double(i)
            for jj in 0..<(maxj - minj) {
                let j = jj + minj
                val = (A[jj + minj - lastminj] * di + val * Double(j)) / Double(i + j)
                A[jj] = val
            }
            curlen = maxj - minj
            if lastlen > curlen {
                let lo = maxj - minj, hi = min(maxj - minj + (lastlen - curlen), lenA)
                if lo < hi { for t in lo..<hi { A[t] = 1 } }
            }
        }
        return A[maxj - minj - 1]
    }

    static func gcd(_ a: Int, _ b: Int) -> Int {
        var x = a, y = b
        while y != 0 { (x, y) = (y, x % y) }
        return x
    }
}
