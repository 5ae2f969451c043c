import FlywheelCore

/// Data-quality checks on logged traffic against a reference: the "zero-regret" monitors that
/// need no labels and no model — schema (missing values, unseen categories), ranges and volume.
///
/// From a reference sample (the data a model was trained on), per feature j:
/// - the **missing share** m_j (NaN values);
/// - the **range** [lo_j, hi_j] of its non-missing values;
/// - and for an encoded categorical, the column and value that mean "a category not in the
///   vocabulary" (ordinal code −1, or the one-hot "other" column at 1).
///
/// Each tick is then summarised by, per feature, the share of missing values, the share of
/// non-missing values outside [lo_j, hi_j], and the share of unseen categories; and by its
/// volume, whose z-score against the reference ticks' volumes is (n − μ) / σ.
public struct QualityReference: Hashable, Sendable {
    public var features: [String]
    public var missingShare: [Double]
    public var low: [Double]
    public var high: [Double]
    /// Columns whose value `unseenValue` means an unseen category, by feature index.
    public var unseen: [Int: Double]
    /// Mean and standard deviation of events per tick in the reference (σ 0 with one tick).
    public var volumeMean: Double
    public var volumeSD: Double

    /// The reference of `rows` (row-major, `features.count` wide) served over ticks of
    /// `volumes` events.
    public init(features: [String], rows: [Double], volumes: [Double], unseen: [Int: Double] = [:]) {
        let d = features.count
        let n = d > 0 ? rows.count / d : 0
        self.features = features
        self.unseen = unseen
        var missing = [Double](repeating: 0, count: d)
        var lo = [Double](repeating: .infinity, count: d), hi = [Double](repeating: -.infinity, count: d)
        for i in 0..<n {
            for j in 0..<d {
                let v = rows[i * d + j]
                if v.isNaN { missing[j] += 1; continue }
                if unseen[j] == v { continue }
                lo[j] = min(lo[j], v)
                hi[j] = max(hi[j], v)
            }
        }
        missingShare = missing.map { n > 0 ? $0 / Double(n) : 0 }
        low = lo
        high = hi
        let m = volumes.isEmpty ? 0 : volumes.reduce(0, +) / Double(volumes.count)
        volumeMean = m
        volumeSD = volumes.count > 1
            ? (volumes.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(volumes.count - 1)).squareRoot() : 0
    }

    /// One tick's quality figures.
    public struct Tick: Hashable, Sendable {
        /// Per feature: share of missing values.
        public var missing: [Double]
        /// Per feature: share of non-missing values outside the reference range.
        public var outOfRange: [Double]
        /// Per feature: share of unseen categories (0 for numeric features).
        public var unseen: [Double]
        public var volume: Double
        /// (volume − μ) / σ of the reference ticks; NaN when σ is 0.
        public var volumeZ: Double

        /// The largest share over features of each check.
        public var worstMissing: Double { missing.max() ?? 0 }
        public var worstOutOfRange: Double { outOfRange.max() ?? 0 }
        public var worstUnseen: Double { unseen.max() ?? 0 }
    }

    /// The largest rise, over features, of `tick`'s missing share above this reference's (0 with
    /// no features): the figure of the missing-value check and monitor.
    public func missingRise(_ tick: Tick) -> Double {
        zip(tick.missing, missingShare).map { $0 - $1 }.max() ?? 0
    }

    /// The fall of a tick's `volume` below `mean` events per tick, as a share (0 at or above it,
    /// 1 for no events; 0 without a positive mean): the figure of the volume check and monitor.
    public static func volumeFall(_ volume: Double, below mean: Double) -> Double {
        mean > 0 ? Swift.max(0, 1 - volume / mean) : 0
    }

    /// The figures of `count` rows (row-major) served in one tick.
    /// - Complexity: O(count × features), no allocation beyond the result.
    public func check(_ rows: UnsafeBufferPointer<Double>, count: Int) -> Tick {
        let d = features.count
        var missing = [Double](repeating: 0, count: d), out = missing, unseenShare = missing, present = missing
        for i in 0..<count {
            for j in 0..<d {
                let v = rows[i * d + j]
                if v.isNaN { missing[j] += 1; continue }
                present[j] += 1
                if let u = unseen[j], v == u { unseenShare[j] += 1; continue }
                if v < low[j] || v > high[j] { out[j] += 1 }
            }
        }
        for j in 0..<d {
            missing[j] = count > 0 ? missing[j] / Double(count) : 0
            out[j] = present[j] > 0 ? out[j] / present[j] : 0
            unseenShare[j] = present[j] > 0 ? unseenShare[j] / present[j] : 0
        }
        let volume = Double(count)
        return Tick(missing: missing, outOfRange: out, unseen: unseenShare, volume: volume,
                    volumeZ: volumeSD > 0 ? (volume - volumeMean) / volumeSD : .nan)
    }
}

/// A threshold set from the reference's own spread (NannyML's default): the metric computed on
/// each reference window, then alarms outside mean ± k·σ of those values.
public struct SigmaThreshold: Hashable, Sendable {
    public var mean: Double
    public var sd: Double
    public var k: Double

    /// From the metric's values on the reference windows (NaN ignored); σ is the sample standard
    /// deviation (n − 1), 0 with fewer than two values.
    public init(reference values: [Double], k: Double = 3) {
        let v = values.filter { !$0.isNaN }
        let m = v.isEmpty ? .nan : v.reduce(0, +) / Double(v.count)
        mean = m
        sd = v.count > 1 ? (v.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(v.count - 1)).squareRoot() : 0
        self.k = k
    }

    public var lower: Double { mean - k * sd }
    public var upper: Double { mean + k * sd }

    /// Whether `value` lies outside mean ± k·σ.
    public func alarms(_ value: Double) -> Bool { !value.isNaN && (value < lower || value > upper) }
}
