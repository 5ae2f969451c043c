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

    private let slots: Int                   // maxBuckets + 1 (a row may overflow by one before merging)
    private var totals: [Double]             // rowCapacity × slots, row-major, oldest bucket first
    private var squares: [Double]            // sums of squared deviations, same layout
    private var counts: [Int]                // buckets in use per row
    private var rows = 1                     // rows in use

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
        guard maxBuckets >= 2 else { throw FlywheelError("adwin: max_buckets must be at least 2, got \(maxBuckets)", key: "max_buckets") }
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
        slots = maxBuckets + 1
        totals = [Double](repeating: 0, count: ADWIN.rowCapacity * slots)
        squares = [Double](repeating: 0, count: ADWIN.rowCapacity * slots)
        counts = [Int](repeating: 0, count: ADWIN.rowCapacity)
    }

    /// Empties the window; keeps the parameters and the storage.
    public mutating func reset() {
        for i in 0..<rows { counts[i] = 0 }
        rows = 1
        width = 0
        total = 0
        sumOfSquares = 0
        tick = 0
        detections = 0
        driftDetected = false
    }

    /// Adds one value and, on clock ticks, cuts the window while a cut is significant.
    /// - Complexity: amortised O(1) per value; O(maxBuckets · log(width)) per cut check, which
    ///   happens every `clock` updates. Allocates nothing.
    public mutating func update(_ value: Double) {
        if driftDetected && convention == .river { reset() }
        insert(value)
        tick += 1
        driftDetected = false
        if tick % clock == 0 && width > gracePeriod {
            driftDetected = cutWhileSignificant()
            if driftDetected { detections += 1 }
        }
    }

    @inline(__always) private static func bucketSize(_ row: Int) -> Double { Double(UInt64(1) << UInt64(row)) }

    @inline(__always) private mutating func insert(_ value: Double) {
        counts.withUnsafeMutableBufferPointer { c in
            totals.withUnsafeMutableBufferPointer { t in
                squares.withUnsafeMutableBufferPointer { s in
                    t[c[0]] = value
                    s[c[0]] = 0
                    c[0] += 1
                }
            }
        }
        width += 1
        let w = Double(width)
        if width > 1 {
            let d = value - total / (w - 1)
            sumOfSquares += (w - 1) * d * d / w
        }
        total += value
        if counts[0] > maxBuckets { compress() }
    }

    /// Merges the two oldest buckets of every overflowing row into the next row.
    private mutating func compress() {
        let slots = self.slots, maxBuckets = self.maxBuckets
        var rows = self.rows
        counts.withUnsafeMutableBufferPointer { c in
            totals.withUnsafeMutableBufferPointer { t in
                squares.withUnsafeMutableBufferPointer { s in
                    var i = 0
                    while c[i] == maxBuckets + 1 {
                        let base = i * slots
                        let n = ADWIN.bucketSize(i)
                        let t0 = t[base], t1 = t[base + 1]
                        let mu0 = t0 / n, mu1 = t1 / n
                        let merged = s[base] + s[base + 1] + n * n * (mu0 - mu1) * (mu0 - mu1) / (n + n)
                        if i + 1 == rows { rows += 1 }
                        let next = (i + 1) * slots + c[i + 1]
                        t[next] = t0 + t1
                        s[next] = merged
                        c[i + 1] += 1
                        for k in 2..<c[i] {
                            t[base + k - 2] = t[base + k]
                            s[base + k - 2] = s[base + k]
                        }
                        c[i] -= 2
                        if c[i + 1] <= maxBuckets { break }
                        i += 1
                    }
                }
            }
        }
        self.rows = rows
    }

    /// Scans the cuts from the oldest bucket to the newest; drops the oldest bucket and rescans
    /// while a cut is significant. Returns whether anything was dropped.
    private mutating func cutWhileSignificant() -> Bool {
        var changed = false
        let minLength = Double(minWindowLength)
        let required = convention == .river ? minLength : minLength + 2   // n ≥ L, or n > L + 1
        while true {
            var n0 = 0.0, n1 = Double(width)
            var u0 = 0.0, u1 = total
            let w = Double(width)
            let deltaPrime = log(2 * log(w) / delta)
            let windowVariance = sumOfSquares / w
            var cut = false
            scan: for i in stride(from: rows - 1, through: 0, by: -1) {
                let size = ADWIN.bucketSize(i)
                let count = counts[i]
                let base = i * slots
                for k in 0..<count {
                    let u = totals[base + k]
                    n0 += size
                    n1 -= size
                    u0 += u
                    u1 -= u
                    if i == 0 && k == count - 1 { break scan }
                    guard n1 >= required && n0 >= required else { continue }
                    let m = 1 / (n0 - minLength + 1) + 1 / (n1 - minLength + 1)
                    let epsilon = (2 * m * windowVariance * deltaPrime).squareRoot() + 2.0 / 3.0 * deltaPrime * m
                    if abs(u0 / n0 - u1 / n1) > epsilon {
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
        let last = rows - 1
        let base = last * slots
        let n = ADWIN.bucketSize(last)
        let u = totals[base], v = squares[base]
        let mu = u / n
        width -= Int(n)
        total -= u
        let w = Double(width)
        let muWindow = total / w
        sumOfSquares -= v + n * w * (mu - muWindow) * (mu - muWindow) / (n + w)
        for k in 1..<max(counts[last], 1) {
            totals[base + k - 1] = totals[base + k]
            squares[base + k - 1] = squares[base + k]
        }
        counts[last] -= 1
        if counts[last] == 0 && rows > 1 { rows -= 1 }
    }
}
