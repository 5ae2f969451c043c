import FlywheelCore

/// A deterministic, mergeable quantile sketch: a stack of compactors in the style of
/// Manku, Rajagopalan & Lindsay (1998) and Karnin, Lang & Liberty (2016, "Optimal Quantile
/// Approximation in Streams", KLL), with equal capacities and alternating offsets instead of
/// random ones, so results depend only on the data and the order of operations.
///
/// Level h holds items of weight 2ʰ. When a level reaches `k` items it is sorted and every other
/// item (even or odd positions, alternating per level) moves up with twice the weight; with an
/// odd count the largest item stays behind. Total weight is preserved exactly.
///
/// **Error bound.** One compaction at level h changes the estimated rank of any value by at most
/// 2ʰ, and inserting or merging changes nothing else, so for every value y
/// `|rank̂(y) − rank(y)| ≤ rankErrorBound`, the sum of 2ʰ over all compactions performed (tracked
/// exactly, through merges). A priori, with n items and H = ⌈log₂(n/k)⌉ + 1 levels, at most
/// n/(k·2ʰ) compactions happen at level h, so `rankErrorBound ≤ H·n/k`; the normalised bound
/// ``normalizedRankErrorBound`` is at most `H/k` (e.g. k = 200, n = 10⁶: ≤ 6.5 %, typically far
/// less because compaction errors alternate in sign). Memory is at most `k·H` values.
public struct QuantileSketch: Hashable, Sendable {
    /// Items per level before it compacts (even, ≥ 2).
    public let k: Int
    /// `levels[h]` holds items of weight 2ʰ.
    private(set) var levels: [[Double]]
    /// Offset parity of the next compaction at each level.
    private var parity: [Bool]
    /// Items summarised (total weight).
    public private(set) var count: Int = 0
    /// Guaranteed bound on `|estimated rank − true rank|` for every value (see the type's docs).
    public private(set) var rankErrorBound: Double = 0
    /// Smallest and largest values seen (exact).
    public private(set) var minimum: Double = .infinity
    public private(set) var maximum: Double = -.infinity

    /// An empty sketch with `k` items per level (default 200; rounded up to even, at least 2).
    public init(k: Int = 200) {
        let kk = max(2, k + (k & 1))
        self.k = kk
        var first = [Double]()
        first.reserveCapacity(kk + 1)
        levels = [first]
        parity = [false]
    }

    /// `rankErrorBound / count`: the bound on the error of ``cdf(_:)``.
    public var normalizedRankErrorBound: Double { count == 0 ? 0 : rankErrorBound / Double(count) }

    /// Number of values retained.
    public var retained: Int { levels.reduce(0) { $0 + $1.count } }

    /// Adds one value (non-finite values are ignored: a sketch summarises numbers).
    ///
    /// - Complexity: amortised O(log k) per value; allocates only when a new level is created
    ///   (O(log n) times in all).
    public mutating func insert(_ x: Double) {
        guard x.isFinite else { return }
        levels[0].append(x)
        count += 1
        if x < minimum { minimum = x }
        if x > maximum { maximum = x }
        if levels[0].count >= k { compact(from: 0) }
    }

    /// Adds every value of `values`.
    public mutating func insert<S: Sequence>(contentsOf values: S) where S.Element == Double {
        for v in values { insert(v) }
    }

    /// Folds `other` into this sketch. The result has the same guarantee: its bound is the sum of
    /// both bounds plus the compactions the merge performs.
    ///
    /// - Complexity: O(retained · log k).
    public mutating func merge(_ other: QuantileSketch) {
        guard other.count > 0 else { return }
        while levels.count < other.levels.count { addLevel() }
        for h in 0..<other.levels.count { levels[h].append(contentsOf: other.levels[h]) }
        count += other.count
        rankErrorBound += other.rankErrorBound
        minimum = min(minimum, other.minimum)
        maximum = max(maximum, other.maximum)
        compact(from: 0)
    }

    private mutating func addLevel() {
        var l = [Double]()
        l.reserveCapacity(k + 1)
        levels.append(l)
        parity.append(false)
    }

    private mutating func compact(from start: Int) {
        var h = start
        while h < levels.count {
            if levels[h].count >= k {
                if h + 1 == levels.count { addLevel() }
                let weight = Double(1 << min(h, 62))
                let offset = parity[h] ? 1 : 0
                parity[h].toggle()
                var level = levels[h]
                levels[h] = []
                SampleCheck.sortInPlace(&level)
                let even = level.count & ~1
                var i = offset
                while i < even {
                    levels[h + 1].append(level[i])
                    i += 2
                }
                let leftover = level.count > even ? level[even] : nil
                level.removeAll(keepingCapacity: true)
                if let leftover { level.append(leftover) }
                levels[h] = level
                rankErrorBound += weight
            }
            h += 1
        }
    }

    /// Estimated number of values `≤ x`.
    ///
    /// - Complexity: O(retained).
    public func rank(_ x: Double) -> Double {
        var r = 0.0
        for (h, level) in levels.enumerated() {
            var c = 0
            for v in level where v <= x { c += 1 }
            r += Double(c) * Double(1 << min(h, 62))
        }
        return r
    }

    /// Estimated `F(x)`, within ``normalizedRankErrorBound`` of the empirical CDF of all values.
    public func cdf(_ x: Double) -> Double { count == 0 ? .nan : rank(x) / Double(count) }

    /// The retained values ascending with their cumulative weights (`cumulative[i]` = estimated
    /// rank of `values[i]`), the step function all queries read.
    ///
    /// - Complexity: O(s log s) for s retained values.
    public func sortedView() -> (values: [Double], cumulative: [Double]) {
        var pairs: [(Double, Double)] = []
        pairs.reserveCapacity(retained)
        for (h, level) in levels.enumerated() {
            let w = Double(1 << min(h, 62))
            for v in level { pairs.append((v, w)) }
        }
        pairs.sort { $0.0 < $1.0 }
        var values: [Double] = [], cumulative: [Double] = []
        values.reserveCapacity(pairs.count)
        cumulative.reserveCapacity(pairs.count)
        var acc = 0.0
        for (v, w) in pairs {
            acc += w
            if let last = values.last, last == v {
                cumulative[cumulative.count - 1] = acc
            } else {
                values.append(v)
                cumulative.append(acc)
            }
        }
        return (values, cumulative)
    }

    /// The smallest retained value whose estimated rank reaches `q·count` (q in [0, 1]); its true
    /// rank is within `rankErrorBound` (+1 for the value itself) of `q·count`.
    public func quantile(_ q: Double) -> Double {
        guard count > 0 else { return .nan }
        let view = sortedView()
        return QuantileSketch.quantile(view, q, count: count)
    }

    static func quantile(_ view: (values: [Double], cumulative: [Double]), _ q: Double, count: Int) -> Double {
        let target = min(max(q, 0), 1) * Double(count)
        var lo = 0, hi = view.values.count - 1
        while lo < hi {
            let mid = (lo + hi) >> 1
            if view.cumulative[mid] >= target { hi = mid } else { lo = mid + 1 }
        }
        return view.values[lo]
    }
}
