import Foundation
import FlywheelCore

/// ADWIN, adaptive windowing (Bifet & Gavaldà, "Learning from time-changing data with adaptive
/// windowing", SIAM SDM 2007), in its ADWIN2 form: the window is summarised by an exponential
/// histogram whose row `i` holds at most `maxBuckets` buckets of 2^i values (sum and sum of squared
/// deviations per bucket; variances merged as in Babcock, Datar, Motwani & O'Callaghan 2003).
///
/// Every `clock` updates, once the window holds more than `gracePeriod` values, every bucket
/// boundary splits the window into an older part W0 (n0 values) and a newer part W1 (n1 values).
/// With n the width, σ² the window variance (sum of squared deviations / n),
/// δ' = ln(2 ln(n) / δ) and m = 1/(n0 − L + 1) + 1/(n1 − L + 1) (L = `minWindowLength`), a cut is
/// significant when
///
///     |mean(W0) − mean(W1)| > sqrt(2 m σ² δ') + (2/3) δ' m
///
/// and both parts are long enough. The oldest bucket is then dropped and the scan starts again
/// until no cut is significant; the update reports a drift if anything was dropped.
///
/// Parameters (defaults as in River 0.26.1 and MOA): `delta` = 0.002, `clock` = 32,
/// `maxBuckets` = 5, `minWindowLength` = 5, `gracePeriod` = 10.
///
/// Two conventions after a detection (``Convention``):
/// - ``Convention/river``: River 0.26.1. The detecting update cuts the window; the next update
///   starts from an empty detector (width 0, clock counter 0). Parts must hold at least
///   `minWindowLength` values.
/// - ``Convention/moa``: MOA's `ADWINChangeDetector` and the paper: the cut window is kept and
///   monitoring continues on it (the clock keeps counting). Parts must hold more than
///   `minWindowLength + 1` values, as in MOA's `ADWIN.setInput`.
public struct ADWIN: DriftDetector {
    /// What happens after a detection; see ``ADWIN``.
    public enum Convention: String, Sendable, CaseIterable {
        /// Reset to an empty window at the update that follows a detection (River).
        case river
        /// Keep the cut window and continue (the paper, MOA).
        case moa
    }

    /// The catalogue entry.
    public static let info = ComponentInfo(
        family: "detector", name: "adwin",
        summary: "Adaptive windowing: drops the older part of the window when two sub-window means differ by more than a Hoeffding-style bound.",
        parameters: [
            ParameterInfo("delta", "0.002", "confidence of the cut test (smaller: fewer false alarms, slower detection)"),
            ParameterInfo("clock", "32", "check for a cut every this many updates"),
            ParameterInfo("max_buckets", "5", "buckets kept per histogram row before two are merged"),
            ParameterInfo("min_window_length", "5", "minimum length of each sub-window of a cut"),
            ParameterInfo("grace_period", "10", "no check until the window holds more than this many values"),
            ParameterInfo("moa", "0", "1: keep the cut window after a detection (paper, MOA); 0: reset on the next update (River)"),
        ],
        reference: "Bifet & Gavaldà, SIAM SDM 2007")

    /// Histogram rows available; row i holds buckets of 2^i values, so 64 rows never fill.
    static let rowCapacity = 64

    public let delta: Double
    public let clock: Int
    public let maxBuckets: Int
    public let minWindowLength: Int
    public let gracePeriod: Int
    public let convention: Convention

    /// The exponential histogram (copied on write when a detector value is shared).
    private var buckets: ADWINBuckets
    private var rows = 1                     // rows in use
    private var untilCheck: Int              // updates left before the next cut check
    /// Whether the division-free screen runs before River's cut test (off only to test that the
    /// screen never changes a decision).
    var screensCuts = true

    /// Values in the window.
    public private(set) var width = 0
    /// Sum of the values in the window.
    public private(set) var total = 0.0
    /// Sum of squared deviations from the window mean (River's `ADWIN.variance`).
    public private(set) var sumOfSquares = 0.0
    /// Updates since the last reset (drives the clock).
    public private(set) var tick = 0
    /// Detections since the last reset (River's `n_detections`).
    public private(set) var detections = 0
    public private(set) var driftDetected = false
    /// Always false: ADWIN has no warning zone.
    public var warningDetected: Bool { false }

    /// Mean of the window (0 when empty).
    public var estimation: Double { width == 0 ? 0 : total / Double(width) }
    /// Variance of the window, `sumOfSquares / width` (River's `variance_in_window`; 0 when empty).
    public var variance: Double { width == 0 ? 0 : sumOfSquares / Double(width) }

    /// - Throws: ``FlywheelError`` when a parameter is out of range.
    public init(delta: Double = 0.002, clock: Int = 32, maxBuckets: Int = 5, minWindowLength: Int = 5,
                gracePeriod: Int = 10, convention: Convention = .river) throws {
        guard delta > 0, delta < 1 else { throw FlywheelError("adwin: delta must be in (0, 1), got \(delta)", key: "delta") }
        guard clock >= 1 else { throw FlywheelError("adwin: clock must be at least 1, got \(clock)", key: "clock") }
        guard maxBuckets >= 2, maxBuckets <= 1_024 else {
            throw FlywheelError("adwin: max_buckets must be between 2 and 1024, got \(maxBuckets)", key: "max_buckets")
        }
        guard minWindowLength >= 1 else {
            throw FlywheelError("adwin: min_window_length must be at least 1, got \(minWindowLength)", key: "min_window_length")
        }
        guard gracePeriod >= 0 else { throw FlywheelError("adwin: grace_period must be non-negative, got \(gracePeriod)", key: "grace_period") }
        self.delta = delta
        self.clock = clock
        self.maxBuckets = maxBuckets
        self.minWindowLength = minWindowLength
        self.gracePeriod = gracePeriod
        self.convention = convention
        buckets = ADWINBuckets(rows: ADWIN.rowCapacity, slots: maxBuckets + 1)
        untilCheck = clock
    }

    /// Empties the window; keeps the parameters and the storage.
    public mutating func reset() {
        if isKnownUniquelyReferenced(&buckets) {
            for i in 0..<rows { buckets.clearRow(i) }
        } else {
            buckets = ADWINBuckets(rows: ADWIN.rowCapacity, slots: maxBuckets + 1)
        }
        rows = 1
        untilCheck = clock
        width = 0
        total = 0
        sumOfSquares = 0
        tick = 0
        detections = 0
        driftDetected = false
    }

    @inline(__always) private mutating func uniqueBuckets() {
        if !isKnownUniquelyReferenced(&buckets) { buckets = buckets.copy() }
    }

    /// Adds one value and, on clock ticks, cuts the window while a cut is significant.
    /// - Complexity: amortised O(1) per value; O(maxBuckets · log(width)) per cut check, which
    ///   happens every `clock` updates. Allocates nothing (unless the detector value was copied
    ///   and its histogram is still shared, which copies it once).
    @inline(__always)
    public mutating func update(_ value: Double) {
        if driftDetected && convention == .river { reset() }
        uniqueBuckets()
        insert(value)
        tick += 1
        untilCheck -= 1
        driftDetected = false
        if untilCheck == 0 {
            untilCheck = clock
            if width > gracePeriod {
                driftDetected = cutWhileSignificant()
                if driftDetected { detections += 1 }
            }
        }
    }

    @inline(__always) private static func bucketSize(_ row: Int) -> Double { Double(UInt64(1) << UInt64(row)) }

    @inline(__always) private mutating func insert(_ value: Double) {
        let b = buckets
        b.append(row: 0, total: value, square: 0)
        width += 1
        let w = Double(width)
        if width > 1 {
            let d = value - total / (w - 1)
            sumOfSquares += (w - 1) * d * d / w
        }
        total += value
        if b.counts[0] > maxBuckets { compress() }
    }

    /// Merges the two oldest buckets of every overflowing row into the next row
    /// (Babcock et al.'s variance merge: s = s0 + s1 + n·n·(μ0 − μ1)² / 2n).
    private mutating func compress() {
        let b = buckets, maxBuckets = self.maxBuckets
        var i = 0
        while b.counts[i] == maxBuckets + 1 {
            let n = ADWIN.bucketSize(i)
            let t0 = b.total(i, 0), t1 = b.total(i, 1)
            let mu0 = t0 / n, mu1 = t1 / n
            let merged = b.square(i, 0) + b.square(i, 1) + n * n * (mu0 - mu1) * (mu0 - mu1) / (n + n)
            if i + 1 == rows { rows += 1 }
            b.append(row: i + 1, total: t0 + t1, square: merged)
            b.dropOldest(row: i, 2)
            if b.counts[i + 1] <= maxBuckets { break }
            i += 1
        }
    }

    /// Scans the cuts from the oldest bucket to the newest; drops the oldest bucket and rescans
    /// while a cut is significant. Returns whether anything was dropped.
    private mutating func cutWhileSignificant() -> Bool {
        var changed = false
        let b = buckets
        let minLength = Double(minWindowLength)
        let required = convention == .river ? minLength : minLength + 2   // n ≥ L, or n > L + 1
        while true {
            var n0 = 0.0, n1 = Double(width)
            var u0 = 0.0, u1 = total
            let w = Double(width)
            let deltaPrime = log(2 * log(w) / delta)
            let windowVariance = sumOfSquares / w
            let twoThirdsDeltaPrime = 2.0 / 3.0 * deltaPrime
            let slack = 1 - 1e-9
            var cut = false
            scan: for i in stride(from: rows - 1, through: 0, by: -1) {
                let size = ADWIN.bucketSize(i)
                let count = b.counts[i]
                let base = i * b.slots
                var j = b.heads[i]
                for k in 0..<count {
                    let u = b.totals[base + j]
                    j += 1
                    if j == b.slots { j = 0 }
                    n0 += size
                    n1 -= size
                    u0 += u
                    u1 -= u
                    if i == 0 && k == count - 1 { break scan }
                    guard n1 >= required && n0 >= required else { continue }
                    let a0 = n0 - minLength + 1, a1 = n1 - minLength + 1
                    // Division-free screen: |μ0 − μ1| ≤ (2/3) δ' m, with m = (a0 + a1) / (a0 a1), means
                    // no cut (epsilon is at least its second term). The error allowance (1e-9 relative)
                    // dwarfs rounding, so only cuts River would also reject are skipped here.
                    let cross = abs(u0 * n1 - u1 * n0) + 1e-9 * (abs(u0) * n1 + abs(u1) * n0)
                    if screensCuts && cross * a0 * a1 <= twoThirdsDeltaPrime * (a0 + a1) * n0 * n1 * slack { continue }
                    // River's test, operation for operation.
                    let m = 1 / a0 + 1 / a1
                    let gap = abs(u0 / n0 - u1 / n1)
                    let epsilon = (2 * m * windowVariance * deltaPrime).squareRoot() + twoThirdsDeltaPrime * m
                    if gap > epsilon {
                        cut = true
                        break scan
                    }
                }
            }
            guard cut else { return changed }
            changed = true
            dropOldestBucket()
        }
    }

    private mutating func dropOldestBucket() {
        let b = buckets
        let last = rows - 1
        let n = ADWIN.bucketSize(last)
        let u = b.total(last, 0), v = b.square(last, 0)
        let mu = u / n
        width -= Int(n)
        total -= u
        let w = Double(width)
        let muWindow = total / w
        sumOfSquares -= v + n * w * (mu - muWindow) * (mu - muWindow) / (n + w)
        b.dropOldest(row: last, 1)
        if b.counts[last] == 0 && rows > 1 { rows -= 1 }
    }
}

/// Fixed-capacity rows of the exponential histogram: per row a circular buffer of `slots`
/// buckets (sum, sum of squared deviations), oldest first from `heads[row]`.
final class ADWINBuckets {
    let rowCount: Int
    let slots: Int
    let totals: UnsafeMutablePointer<Double>
    let squares: UnsafeMutablePointer<Double>
    let counts: UnsafeMutablePointer<Int>
    let heads: UnsafeMutablePointer<Int>

    init(rows: Int, slots: Int) {
        rowCount = rows
        self.slots = slots
        totals = .allocate(capacity: rows * slots)
        totals.initialize(repeating: 0, count: rows * slots)
        squares = .allocate(capacity: rows * slots)
        squares.initialize(repeating: 0, count: rows * slots)
        counts = .allocate(capacity: rows)
        counts.initialize(repeating: 0, count: rows)
        heads = .allocate(capacity: rows)
        heads.initialize(repeating: 0, count: rows)
    }

    deinit {
        totals.deallocate()
        squares.deallocate()
        counts.deallocate()
        heads.deallocate()
    }

    func copy() -> ADWINBuckets {
        let c = ADWINBuckets(rows: rowCount, slots: slots)
        c.totals.update(from: totals, count: rowCount * slots)
        c.squares.update(from: squares, count: rowCount * slots)
        c.counts.update(from: counts, count: rowCount)
        c.heads.update(from: heads, count: rowCount)
        return c
    }

    @inline(__always) func index(_ row: Int, _ k: Int) -> Int {
        var j = heads[row] + k
        if j >= slots { j -= slots }
        return row * slots + j
    }

    @inline(__always) func total(_ row: Int, _ k: Int) -> Double { totals[index(row, k)] }
    @inline(__always) func square(_ row: Int, _ k: Int) -> Double { squares[index(row, k)] }

    @inline(__always) func append(row: Int, total: Double, square: Double) {
        let j = index(row, counts[row])
        totals[j] = total
        squares[j] = square
        counts[row] += 1
    }

    @inline(__always) func dropOldest(row: Int, _ n: Int) {
        var h = heads[row] + n
        if h >= slots { h -= slots }
        heads[row] = h
        counts[row] -= n
    }

    func clearRow(_ row: Int) {
        counts[row] = 0
        heads[row] = 0
    }
}
