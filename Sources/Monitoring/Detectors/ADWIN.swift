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
public struct ADWIN: DriftDetector, Sendable {
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
            ParameterInfo("delta", .real(0.002), "confidence of the cut test (smaller: fewer false alarms, slower detection)"),
            ParameterInfo("clock", .whole(32), "check for a cut every this many updates"),
            ParameterInfo("max_buckets", .whole(5), "buckets kept per histogram row before two are merged"),
            ParameterInfo("min_window_length", .whole(5), "minimum length of each sub-window of a cut"),
            ParameterInfo("grace_period", .whole(10), "no check until the window holds more than this many values"),
            ParameterInfo("moa", .flag(false), "1: keep the cut window after a detection (paper, MOA); 0: reset on the next update (River)"),
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
    public init(delta: Double = info.defaultNumber("delta"), clock: Int = info.defaultWhole("clock"),
                maxBuckets: Int = info.defaultWhole("max_buckets"), minWindowLength: Int = info.defaultWhole("min_window_length"),
                gracePeriod: Int = info.defaultWhole("grace_period"), convention: Convention = .river) throws {
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
        tick &+= 1
        untilCheck &-= 1
        driftDetected = false
        if untilCheck == 0 {
            untilCheck = clock
            if width > gracePeriod {
                driftDetected = cutWhileSignificant()
                if driftDetected { detections &+= 1 }
            }
        }
    }

    @inline(__always) private static func bucketSize(_ row: Int) -> Double { Double(UInt64(1) << UInt64(row)) }

    @inline(__always) private mutating func insert(_ value: Double) {
        let b = buckets
        let tail = b.tails[0]
        b.cells[tail & b.mask] = SIMD2(value, 0)
        b.tails[0] = tail &+ 1
        width &+= 1
        let w = Double(width)
        if width > 1 {
            let d = value - total / (w - 1)
            sumOfSquares += (w - 1) * d * d / w
        }
        total += value
        if tail &+ 1 &- b.heads[0] > maxBuckets { compress() }
    }

    /// Merges the two oldest buckets of every overflowing row into the next row
    /// (Babcock et al.'s variance merge: s = s0 + s1 + n·n·(μ0 − μ1)² / 2n).
    ///
    /// The divisions by the bucket size n = 2^i and by 2n are multiplications by the exact
    /// reciprocals 2^−i and 2^−(i+1): the same real quotient, so the same rounded result.
    private mutating func compress() {
        let b = buckets, maxBuckets = self.maxBuckets
        let cells = b.cells, heads = b.heads, tails = b.tails, mask = b.mask, slots = b.slots
        var i = 0, base = 0
        var n = 1.0, reciprocal = 1.0          // 2^i, 2^−i
        while true {
            let head = heads[i]
            let first = cells[base &+ (head & mask)], second = cells[base &+ ((head &+ 1) & mask)]
            let mu0 = first.x * reciprocal, mu1 = second.x * reciprocal
            let merged = SIMD2(first.x + second.x,
                               first.y + second.y + n * n * (mu0 - mu1) * (mu0 - mu1) * (0.5 * reciprocal))
            heads[i] = head &+ 2
            let next = base &+ slots
            let tail = tails[i &+ 1]
            cells[next &+ (tail & mask)] = merged
            tails[i &+ 1] = tail &+ 1
            if i &+ 1 == rows { rows &+= 1 }
            if tail &+ 1 &- heads[i &+ 1] <= maxBuckets { break }
            i &+= 1
            base = next
            n += n
            reciprocal *= 0.5
        }
    }

    /// Scans the cuts from the oldest bucket to the newest; drops the oldest bucket and rescans
    /// while a cut is significant. Returns whether anything was dropped.
    ///
    /// River's test needs four divisions and a square root per cut. A cut passes it only if
    /// gap² > ε² ≥ 2mσ²δ' + (4/9)δ'²m² (from ε = sqrt(2mσ²δ') + (2/3)δ'm), and with
    /// gap = |u0·n1 − u1·n0| / (n0·n1) and m = (a0 + a1) / (a0·a1), a0 = n0 − L + 1, a1 = n1 − L + 1,
    /// that is, without divisions,
    ///
    ///     (|u0·n1 − u1·n0| · a0·a1)² > (n0·n1)² · (a0 + a1) · (2σ²δ'·a0·a1 + (4/9)δ'²·(a0 + a1))
    ///
    /// where a0 + a1 = width − 2L + 2 at every cut. Cuts that fail this screen are skipped; the
    /// others go to River's test, operation for operation and in River's order. The screen errs
    /// towards River's test: |u0·n1 − u1·n0| is enlarged by 1e-9·width·(|u0| + |u1|) (at least
    /// 1e-9 (|u0|·n1 + |u1|·n0), far more than the rounding of either side's quotients) and the
    /// right side shrunk by the relative 1e-9; an overflow makes the left side infinite and the
    /// comparison false, an infinite right side only exceeds a finite left side, and the right
    /// side is at least (4/9)δ'²·4 ≥ 0.19 (a cut needs width ≥ 2, so δ' ≥ ln(2 ln 2)), so a left
    /// side that underflows is below it.
    ///
    /// Two passes per scan: the cuts' n0 and River's running sums u0, u1 (the same additions in
    /// the same order) into scratch arrays, then the screen on four cuts at a time.
    private mutating func cutWhileSignificant() -> Bool {
        var changed = false
        let b = buckets
        let cutN0 = b.cutN0, cutU0 = b.cutU0, cutU1 = b.cutU1
        let minLength = Double(minWindowLength)
        let required = convention == .river ? minLength : minLength + 2   // n ≥ L, or n > L + 1
        let screens = screensCuts
        typealias Lanes = SIMD4<Double>
        @inline(__always) func load(_ p: UnsafeMutablePointer<Double>, _ k: Int) -> Lanes {
            UnsafeRawPointer(p + k).loadUnaligned(as: Lanes.self)
        }
        @inline(__always) func magnitude(_ x: Lanes) -> Lanes {
            unsafeBitCast(unsafeBitCast(x, to: SIMD4<UInt64>.self) & SIMD4(repeating: 0x7FFF_FFFF_FFFF_FFFF), to: Lanes.self)
        }
        while true {
            let w = Double(width)
            let deltaPrime = log(2 * log(w) / delta)
            let windowVariance = sumOfSquares / w
            let twoThirdsDeltaPrime = 2.0 / 3.0 * deltaPrime
            let cuts = b.runningSums(rows: rows, total: total)
            // The cuts with both parts long enough: n0 grows and n1 = w − n0 shrinks with k.
            var first = 0, end = cuts
            while end > 0 && w - cutN0[end - 1] < required { end -= 1 }
            while first < end && cutN0[first] < required { first += 1 }
            let slack = 1 - 1e-9
            let s = w - 2 * minLength + 2                                     // a0 + a1
            let vw = Lanes(repeating: w), vl = Lanes(repeating: minLength - 1)
            let allowance = Lanes(repeating: 1e-9 * w)
            let k1 = Lanes(repeating: 2 * windowVariance * deltaPrime * s * slack)
            let k2 = Lanes(repeating: 4.0 / 9.0 * deltaPrime * deltaPrime * s * s * slack)
            var cut = false
            var k = first
            scan: while k < end {
                if screens {
                    let n0 = load(cutN0, k), u0 = load(cutU0, k), u1 = load(cutU1, k)
                    let n1 = vw - n0
                    let p = (n0 - vl) * (n1 - vl), q = n0 * n1
                    let cross = (magnitude(u0 * n1 - u1 * n0) + allowance * (magnitude(u0) + magnitude(u1))) * p
                    let skip = cross * cross .< q * q * (k1 * p + k2)
                    if all(skip) {
                        k &+= 4
                        continue
                    }
                }
                for c in k..<min(k &+ 4, end) {
                    // River's test, operation for operation.
                    let n0 = cutN0[c], n1 = w - n0, u0 = cutU0[c], u1 = cutU1[c]
                    let a0 = n0 - minLength + 1, a1 = n1 - minLength + 1
                    let m = 1 / a0 + 1 / a1
                    let gap = abs(u0 / n0 - u1 / n1)
                    let epsilon = (2 * m * windowVariance * deltaPrime).squareRoot() + twoThirdsDeltaPrime * m
                    if gap > epsilon {
                        cut = true
                        break scan
                    }
                }
                k &+= 4
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
        let head = b.heads[last]
        let cell = b.cells[last * b.slots + (head & b.mask)]
        let u = cell.x, v = cell.y
        let mu = u / n
        width -= Int(n)
        total -= u
        let w = Double(width)
        let muWindow = total / w
        sumOfSquares -= v + n * w * (mu - muWindow) * (mu - muWindow) / (n + w)
        b.heads[last] = head &+ 1
        if b.tails[last] == head &+ 1 && rows > 1 { rows -= 1 }
    }
}

/// Fixed-capacity rows of the exponential histogram: per row a circular buffer of `slots`
/// buckets (a power of two, at least the `maxBuckets + 1` a row holds before it is compressed),
/// each bucket its (sum, sum of squared deviations). `heads[row]` and `tails[row]` count the
/// buckets ever removed from and appended to the row (wrapping; the slot is the count modulo
/// `slots`), so the row holds `tails[row] − heads[row]` buckets, oldest first.
///
/// `@unchecked Sendable`: it owns raw buffers, which the compiler cannot check. It is the storage
/// of a copy-on-write value: ``ADWIN`` writes to it only when `isKnownUniquelyReferenced` says no
/// other copy holds it (and copies it first otherwise), as `Array` does, so a shared instance is
/// only ever read.
final class ADWINBuckets: @unchecked Sendable {
    let rowCount: Int
    let slots: Int
    let mask: Int
    let cells: UnsafeMutablePointer<SIMD2<Double>>
    let heads: UnsafeMutablePointer<Int>
    let tails: UnsafeMutablePointer<Int>
    /// Scratch of a cut check: per cut, oldest first, n0 and River's running sums u0 and u1
    /// (room for every bucket plus three entries, so groups of four never read past).
    let cutN0: UnsafeMutablePointer<Double>
    let cutU0: UnsafeMutablePointer<Double>
    let cutU1: UnsafeMutablePointer<Double>

    /// - Parameter slots: the buckets a row must hold; rounded up to a power of two.
    init(rows: Int, slots: Int) {
        rowCount = rows
        var capacity = 1
        while capacity < slots { capacity <<= 1 }
        self.slots = capacity
        mask = capacity - 1
        cells = .allocate(capacity: rows * capacity)
        cells.initialize(repeating: .zero, count: rows * capacity)
        heads = .allocate(capacity: rows)
        heads.initialize(repeating: 0, count: rows)
        tails = .allocate(capacity: rows)
        tails.initialize(repeating: 0, count: rows)
        let cuts = rows * capacity + 3
        cutN0 = .allocate(capacity: cuts)
        cutN0.initialize(repeating: 0, count: cuts)
        cutU0 = .allocate(capacity: cuts)
        cutU0.initialize(repeating: 0, count: cuts)
        cutU1 = .allocate(capacity: cuts)
        cutU1.initialize(repeating: 0, count: cuts)
    }

    deinit {
        cells.deallocate()
        heads.deallocate()
        tails.deallocate()
        cutN0.deallocate()
        cutU0.deallocate()
        cutU1.deallocate()
    }

    /// Writes, for every cut of the window (after each bucket, oldest first, except after the
    /// newest), n0 and River's running sums u0 (values before the cut, added bucket by bucket)
    /// and u1 (`total` minus them, subtracted bucket by bucket); then three zero entries (read by
    /// groups of four, never used). Returns the number of cuts.
    @inline(__always)
    func runningSums(rows: Int, total: Double) -> Int {
        let cells = self.cells, heads = self.heads, tails = self.tails, mask = self.mask, slots = self.slots
        let cutN0 = self.cutN0, cutU0 = self.cutU0, cutU1 = self.cutU1
        var n0 = 0.0, u0 = 0.0, u1 = total
        var size = Double(UInt64(1) << UInt64(rows - 1))
        var k = 0
        var row = rows - 1
        while row >= 0 {
            let base = row &* slots
            var j = heads[row]
            var count = tails[row] &- j &- (row == 0 ? 1 : 0)    // no cut after the newest bucket
            while count > 0 {
                let u = cells[base &+ (j & mask)].x
                n0 += size
                u0 += u
                u1 -= u
                cutN0[k] = n0
                cutU0[k] = u0
                cutU1[k] = u1
                j &+= 1
                k &+= 1
                count &-= 1
            }
            size *= 0.5
            row &-= 1
        }
        for pad in k..<(k &+ 3) {
            cutN0[pad] = 0
            cutU0[pad] = 0
            cutU1[pad] = 0
        }
        return k
    }

    func copy() -> ADWINBuckets {
        let c = ADWINBuckets(rows: rowCount, slots: slots)
        c.cells.update(from: cells, count: rowCount * slots)
        c.heads.update(from: heads, count: rowCount)
        c.tails.update(from: tails, count: rowCount)
        return c
    }

    func clearRow(_ row: Int) {
        heads[row] = 0
        tails[row] = 0
    }
}

extension ADWIN: CataloguedDetector {
    public init(_ p: ParameterReader) throws {
        try self.init(delta: p.number("delta"), clock: p.detectorWhole("clock"), maxBuckets: p.detectorWhole("max_buckets"),
                      minWindowLength: p.detectorWhole("min_window_length"), gracePeriod: p.detectorWhole("grace_period"),
                      convention: p.flag("moa") ? .moa : .river)
    }
}
