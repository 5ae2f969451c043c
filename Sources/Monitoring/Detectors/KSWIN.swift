import Foundation
import FlywheelCore

/// Where KSWIN's random sample of old window positions comes from.
///
/// River draws with Python's `random.Random(seed).sample(range(n − r), r)` and re-creates the
/// generator with the same seed on every reset; a conforming type makes that draw replaceable
/// (our seeded GSL stream by default, or a recorded sequence to replay another implementation).
public protocol KSWINSampler {
    /// Writes `positions.count` distinct positions drawn uniformly from `0..<population`.
    mutating func draw(from population: Int, into positions: UnsafeMutableBufferPointer<Int>)
    /// Called when the detector resets: restart the sequence of draws from its seed.
    mutating func restart()
}

/// The default ``KSWINSampler``: a partial Fisher–Yates shuffle driven by a seeded
/// ``RandomStream`` (GSL MT19937), restarted from its seed on every reset as River does.
///
/// The stream is a reference: copies of a detector share it (create one detector per task).
public struct SeededKSWINSampler: KSWINSampler, Sendable {
    public let seed: UInt64
    private var rng: RandomStream
    private var scratch: [Int] = []

    public init(seed: UInt64) {
        self.seed = seed
        rng = RandomStream(seed: seed)
    }

    /// - Complexity: O(population), no allocation once the scratch buffer has grown.
    public mutating func draw(from population: Int, into positions: UnsafeMutableBufferPointer<Int>) {
        if scratch.count != population { scratch = Array(0..<population) }
        let rng = self.rng
        scratch.withUnsafeMutableBufferPointer { s in
            for i in 0..<population { s[i] = i }
            for i in 0..<positions.count {
                let j = i + rng.int(below: population - i)
                s.swapAt(i, j)
                positions[i] = s[i]
            }
        }
    }

    public mutating func restart() { rng = RandomStream(seed: seed) }
}

/// The two-sample Kolmogorov–Smirnov test for two samples of the same size n (KSWIN's fast path), computed as SciPy's
/// `scipy.stats.ks_2samp(method="exact", alternative="two-sided")` does for n1 = n2.
///
/// D = max_x |F1(x) − F2(x)| over the pooled values, kept as the integer h = n·D. The p-value is
/// P(D_{n,n} ≥ h/n) from the reflection formula
/// 2 Σ_{k≥1} (−1)^{k−1} C(2n, n − kh) / C(2n, n), evaluated as SciPy does with a Horner scheme over
/// ratios of h factors each (no subtractive cancellation); it is 1 when h = 0. GSL has no
/// two-sample KS distribution; samples of unequal sizes are not handled here.
extension KolmogorovSmirnov {
    /// The statistic h (D = h / n) of two sorted samples of equal size (without NaN).
    /// - Complexity: O(n).
    public static func scaledStatistic(sortedA a: UnsafeBufferPointer<Double>, sortedB b: UnsafeBufferPointer<Double>) -> Int {
        let n = a.count
        var i = 0, j = 0, h = 0
        while i < n || j < n {
            // the next pooled value; F evaluated just right of it (ties moved together)
            let x = j >= n || (i < n && a[i] <= b[j]) ? a[i] : b[j]
            let (i0, j0) = (i, j)
            while i < n && a[i] <= x { i += 1 }
            while j < n && b[j] <= x { j += 1 }
            if i == i0 && j == j0 { if i < n { i += 1 } else { j += 1 } }   // unordered input: still progress
            h = max(h, abs(i - j))
        }
        return h
    }

    /// P(D_{n,n} ≥ h / n) under the null hypothesis (SciPy's `_compute_prob_outside_square`, the
    /// recurrence ``probOutsideSquare(n:h:)`` that the general exact p-value uses too), clamped to [0, 1].
    public static func exactPValue(n: Int, h: Int) -> Double {
        guard h > 0 else { return 1 }
        return min(max(probOutsideSquare(n: n, h: h), 0), 1)
    }
}

/// Sorts a short buffer in place without allocating (the KS samples hold `statSize` values).
/// - Complexity: O(n²) comparisons in the worst case; fast for the tens of values KSWIN sorts.
@inline(__always) func insertionSort(_ a: UnsafeMutableBufferPointer<Double>) {
    guard a.count > 1 else { return }
    for i in 1..<a.count {
        let x = a[i]
        var j = i
        while j > 0 && a[j - 1] > x {
            a[j] = a[j - 1]
            j -= 1
        }
        a[j] = x
    }
}

/// KSWIN, Kolmogorov–Smirnov windowing (Raab, Heusinger & Schleif, "Reactive soft prototype
/// computing for concept drift streams", Neurocomputing 416, 2020), as in River 0.26.1.
///
/// Keeps the last n = `windowSize` values. Once the window is full, every update compares the
/// r = `statSize` most recent values R with r values W drawn without replacement from the n − r
/// older positions, by the two-sample KS test (``KolmogorovSmirnov``). A drift is flagged when the
/// p-value ≤ `alpha` and the statistic D > 0.1. The next update then starts from an empty window
/// and a restarted sampler (River's reset), so the next test happens n updates later.
///
/// Parameters (River 0.26.1 defaults): `alpha` = 0.005, `windowSize` = 100, `statSize` = 30,
/// `seed` (for the default sampler) = 42. No warning zone.
public struct KSWIN<Sampler: KSWINSampler>: DriftDetector {
    public let alpha: Double
    public let windowSize: Int
    public let statSize: Int
    private var sampler: Sampler

    private var ring: [Double]          // capacity windowSize, oldest at `head`
    private var head = 0
    private var count = 0
    private var positions: [Int]
    private var older: [Double]
    private var recent: [Double]

    /// p-value of the last test (nil until the window is full; NaN when a sample held NaN).
    public private(set) var pValue: Double?
    /// KS statistic D of the last test (nil until the window is full).
    public private(set) var statistic: Double?
    public private(set) var driftDetected = false
    /// Always false: KSWIN has no warning zone.
    public var warningDetected: Bool { false }

    /// - Throws: ``FlywheelError`` when a parameter is out of range.
    public init(alpha: Double = info.defaultNumber("alpha"), windowSize: Int = info.defaultWhole("window_size"),
                statSize: Int = info.defaultWhole("stat_size"), sampler: Sampler) throws {
        guard alpha >= 0, alpha <= 1 else { throw FlywheelError("kswin: alpha must be in [0, 1], got \(alpha)", key: "alpha") }
        guard statSize >= 1 else { throw FlywheelError("kswin: stat_size must be at least 1, got \(statSize)", key: "stat_size") }
        guard windowSize >= 2 * statSize else {
            throw FlywheelError("kswin: window_size (\(windowSize)) must be at least twice stat_size (\(statSize))", key: "window_size",
                                hint: "the random sample is drawn from the window_size - stat_size older values")
        }
        self.alpha = alpha
        self.windowSize = windowSize
        self.statSize = statSize
        self.sampler = sampler
        ring = [Double](repeating: 0, count: windowSize)
        positions = [Int](repeating: 0, count: statSize)
        older = [Double](repeating: 0, count: statSize)
        recent = [Double](repeating: 0, count: statSize)
    }

    /// Empties the window and restarts the sampler.
    public mutating func reset() {
        head = 0
        count = 0
        pValue = nil
        statistic = nil
        driftDetected = false
        sampler.restart()
    }

    /// - Complexity: O(windowSize − statSize) for the draw plus O(statSize²) for the two
    ///   insertion sorts per update once the window is full; no allocation.
    public mutating func update(_ value: Double) {
        if driftDetected { reset() }
        if count < windowSize {
            ring[(head + count) % windowSize] = value
            count += 1
        } else {
            ring[head] = value
            head = (head + 1) % windowSize
        }
        guard count == windowSize else { return }

        let n = windowSize, r = statSize, head = self.head
        positions.withUnsafeMutableBufferPointer { sampler.draw(from: n - r, into: $0) }
        let h: Int? = ring.withUnsafeBufferPointer { w in
            positions.withUnsafeBufferPointer { p in
                older.withUnsafeMutableBufferPointer { o in
                    recent.withUnsafeMutableBufferPointer { m in
                        var finite = true
                        for i in 0..<r {
                            o[i] = w[(head + p[i]) % n]
                            m[i] = w[(head + n - r + i) % n]
                            finite = finite && !o[i].isNaN && !m[i].isNaN
                        }
                        guard finite else { return nil }
                        insertionSort(o)
                        insertionSort(m)
                        return KolmogorovSmirnov.scaledStatistic(sortedA: UnsafeBufferPointer(o), sortedB: UnsafeBufferPointer(m))
                    }
                }
            }
        }
        guard let h else {
            // a NaN in either sample: no statistic (SciPy propagates NaN), hence no drift
            statistic = .nan
            pValue = .nan
            driftDetected = false
            return
        }
        let d = Double(h) * 1.0 / Double(r)
        let p = KolmogorovSmirnov.exactPValue(n: r, h: h)
        statistic = d
        pValue = p
        driftDetected = p <= alpha && d > 0.1
    }
}

/// KSWIN's catalogue entry, whatever its sampler.
private let kswinInfo = ComponentInfo(
    family: "detector", name: "kswin",
    summary: "Kolmogorov-Smirnov test between the newest values of a sliding window and a random sample of its older values.",
    parameters: [
        ParameterInfo("alpha", .real(0.005), "p-value at or below which a drift is flagged (with D > 0.1)"),
        ParameterInfo("window_size", .whole(100), "length of the sliding window"),
        ParameterInfo("stat_size", .whole(30), "size of the recent sample and of the random sample of older values"),
        ParameterInfo("seed", .whole(42), "seed of the sampler (restarted on every reset)"),
    ],
    reference: "Raab, Heusinger & Schleif, Neurocomputing 416, 2020")

extension KSWIN {
    /// The catalogue entry.
    public static var info: ComponentInfo { kswinInfo }
}

extension KSWIN where Sampler == SeededKSWINSampler {
    /// KSWIN with the seeded GSL sampler.
    public init(alpha: Double = info.defaultNumber("alpha"), windowSize: Int = info.defaultWhole("window_size"),
                statSize: Int = info.defaultWhole("stat_size"), seed: UInt64 = UInt64(info.defaultWhole("seed"))) throws {
        try self.init(alpha: alpha, windowSize: windowSize, statSize: statSize, sampler: SeededKSWINSampler(seed: seed))
    }
}

extension KSWIN: Sendable where Sampler: Sendable {}

extension KSWIN: CataloguedDetector where Sampler == SeededKSWINSampler {
    public init(_ p: ParameterReader) throws {
        let seed = try p.detectorWhole("seed")
        guard seed >= 0 else { throw FlywheelError("kswin: seed must be non-negative, got \(seed)", key: "seed") }
        try self.init(alpha: p.number("alpha"), windowSize: p.detectorWhole("window_size"), statSize: p.detectorWhole("stat_size"),
                      seed: UInt64(seed))
    }
}
