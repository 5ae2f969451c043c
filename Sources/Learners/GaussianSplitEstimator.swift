import Foundation

/// The Gaussian estimator of one (numeric feature, class) pair in a Hoeffding-tree leaf, as River
/// 0.26.1's `tree.splitter.GaussianSplitter` keeps it: a weighted running mean and Welford sum of
/// squares (`stats.Var` with ddof = 1) plus the smallest and largest value seen.
///
/// Stored as five doubles `[n, mean, S, min, max]` at `e`; the update is River's operation for
/// operation (w = 1): n ← n + 1, mean ← mean + (1/n)(x − mean), S ← S + (x − mean_old)(x − mean_new),
/// so the statistics are bit for bit River's.
enum GaussianEstimator {
    /// Doubles per estimator.
    static let stride = 5
    /// ½ log(2π), River's `_HALF_LOG_TAU`.
    static let halfLogTau = 0.5 * log(6.283185307179586)

    /// The estimator's first value: min = max = x, then the update.
    @inline(__always)
    static func start(_ e: UnsafeMutablePointer<Double>, _ x: Double) {
        e[0] = 0
        e[1] = 0
        e[2] = 0
        e[3] = x
        e[4] = x
        update(e, x)
    }

    /// Adds a value (min and max kept by the caller's `observe`).
    @inline(__always)
    static func update(_ e: UnsafeMutablePointer<Double>, _ x: Double) {
        let n = e[0] + 1
        let old = e[1]
        let mean = old + (1 / n) * (x - old)
        e[0] = n
        e[1] = mean
        e[2] += (x - old) * (x - mean)
    }

    /// Adds a value to an estimator that has one, tracking min and max.
    @inline(__always)
    static func observe(_ e: UnsafeMutablePointer<Double>, _ x: Double) {
        if x < e[3] { e[3] = x }
        if x > e[4] { e[4] = x }
        update(e, x)
    }

    /// log N(x; μ, σ²) with σ² = S / (n − 1), or −∞ while n ≤ 1 or σ² ≤ 0 (River's
    /// `Gaussian.log_pdf`): (x − μ)² / (−2σ²) − ½ log(2π) − ½ log σ².
    @inline(__always)
    static func logDensity(_ e: UnsafePointer<Double>, _ x: Double) -> Double {
        let n = e[0]
        guard n > 1 else { return -.infinity }
        let variance = e[2] / (n - 1)
        guard variance > 0 else { return -.infinity }
        return libmPow(x - e[1], 2) / (-2.0 * variance) - halfLogTau - 0.5 * log(variance)
    }

    /// Φ((x − μ)/σ) with σ = (S / (n − 1))^½ (0 while n ≤ 1), and 0 when σ = 0 (River's
    /// `Gaussian.cdf`, which catches the division by zero).
    @inline(__always)
    static func cdf(_ e: UnsafePointer<Double>, _ x: Double) -> Double {
        let n = e[0]
        let variance = n > 1 ? e[2] / (n - 1) : 0
        let sigma = libmPow(variance, 0.5)
        guard sigma != 0 else { return 0 }
        return 0.5 * (1.0 + erf((x - e[1]) / sigma / 2.0.squareRoot()))
    }
}

/// `pow` from the C library, never rewritten by the optimiser (which turns pow(x, 2) into x · x):
/// River computes `(x − μ) ** 2` and `v ** 0.5` with libm's `pow`, whose results differ from
/// x · x and √v in the last bit for some x, and the tree follows it to the bit.
@inline(never) @_optimize(none)
func libmPow(_ x: Double, _ y: Double) -> Double { Foundation.pow(x, y) }

/// Information gain of class distributions (River's `InfoGainSplitCriterion`), in bits.
enum InformationGain {
    /// Accumulates −Σ d log₂ d and Σ d over the positive weights of one distribution.
    struct Entropy {
        var sum = 0.0
        var total = 0.0

        @inline(__always) mutating func add(_ d: Double) {
            if d > 0 {
                sum -= d * log2(d)
                total += d
            }
        }

        /// H = (−Σ d log₂ d + D log₂ D) / D with D = Σ d, or 0 for an empty distribution.
        var value: Double { total > 0 ? (sum + total * log2(total)) / total : 0 }
    }

    /// The merit of a binary split: H(parent) − (W_l H(left) + W_r H(right)) / (W_l + W_r), or −∞
    /// unless both sides hold more than `minBranchFraction` of the weight.
    @inline(__always)
    static func merit(parent: Double, left: Entropy, leftWeight: Double, right: Entropy, rightWeight: Double,
                      minBranchFraction: Double) -> Double {
        let total = 0.0 + leftWeight + rightWeight
        var greater = 0
        if total > 0 {
            if leftWeight / total > minBranchFraction { greater += 1 }
            if rightWeight / total > minBranchFraction { greater += 1 }
        }
        guard greater >= 2 else { return -.infinity }
        let children = (0.0 + leftWeight * left.value + rightWeight * right.value) / total
        return parent - children
    }

    /// The range R of the merit for the Hoeffding bound: log₂ of the number of classes in the
    /// leaf's distribution, at least 2.
    @inline(__always)
    static func range(classes: Int) -> Double { log2(Double(max(classes, 2))) }
}
