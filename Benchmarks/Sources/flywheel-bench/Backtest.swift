import Dispatch
import Foundation

/// The data of `b4_periodic_retrain.py`: three features per row (row-major) and 0/1 labels.
struct BacktestData {
    var features: [Double]
    var labels: [Double]
    var count: Int { labels.count }

    /// Reads the CSV the peer script writes with `--dump-csv` (header `x0,x1,x2,y`, gunzipped).
    /// Python's `repr` of a float round-trips, so the values are NumPy's draws bit for bit.
    static func read(csv path: String) throws -> BacktestData {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        var features: [Double] = [], labels: [Double] = []
        features.reserveCapacity(3_000_000)
        labels.reserveCapacity(1_000_000)
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let bytes = raw.bindMemory(to: UInt8.self)
            var i = 0, line = 1
            while i < bytes.count && bytes[i] != 10 { i += 1 }   // header
            i += 1
            var field = [UInt8](repeating: 0, count: 64)
            while i < bytes.count {
                line += 1
                for column in 0..<4 {
                    var k = 0
                    while i < bytes.count && bytes[i] != 44 && bytes[i] != 10 && k < 63 { field[k] = bytes[i]; k += 1; i += 1 }
                    field[k] = 0
                    i += 1
                    let value = field.withUnsafeBufferPointer { strtod(UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self), nil) }
                    guard k > 0, value.isFinite else {
                        throw BenchError("\(path):\(line): column \(column + 1) is not a number")
                    }
                    if column < 3 { features.append(value) } else { labels.append(value) }
                }
            }
        }
        guard features.count == 3 * labels.count, !labels.isEmpty else { throw BenchError("\(path): no rows") }
        return BacktestData(features: features, labels: labels)
    }
}

/// The outputs the peer script reports.
struct BacktestResult {
    var chunkAccuracy: [Double]
    var weights: [[Double]]      // per refit: w0, w1, w2, bias
    var means: [[Double]]
    var sds: [[Double]]
    var seconds: Double
}

/// `b4_periodic_retrain.py`: every R = 10,000 samples refit a logistic regression from scratch
/// on the last W = 10,000 samples (standardise with the window's mean and population standard
/// deviation; 50 full-batch gradient steps w ← w − lr · Aᵀ(σ(Aw) − y)/W with lr = 1.0 from w = 0,
/// A = [Z, 1]) and predict the next R samples with `((x − μ)/σ)·w + b > 0`; before the first refit
/// predict 0. Accuracy per 1,000-sample chunk.
///
/// Refits are independent of each other (each starts from zero on raw data), so they run on
/// `threads` workers; each writes only its own prediction rows and chunk accuracies.
enum PeriodicBacktest {
    static let retrainEvery = 10_000, window = 10_000, iterations = 50, learningRate = 1.0, chunk = 1_000

    static func run(_ data: BacktestData, threads: Int, vectorised: Bool = true) -> BacktestResult {
        let n = data.count, d = 3
        let refits = (n - 1) / retrainEvery          // t = R, 2R, … < N
        let chunks = n / chunk
        let accuracy = SharedBuffer(count: chunks)
        let weights = SharedBuffer(count: refits * 4), means = SharedBuffer(count: refits * 3), sds = SharedBuffer(count: refits * 3)
        let clock = ContinuousClock()
        let start = clock.now
        data.features.withUnsafeBufferPointer { xb in
            data.labels.withUnsafeBufferPointer { yb in
                nonisolated(unsafe) let x = xb, y = yb
                // Rows before the first model: predicted 0.
                for c in 0..<(retrainEvery / chunk) {
                    var right = 0
                    for i in (c * chunk)..<((c + 1) * chunk) where y[i] == 0 { right += 1 }
                    accuracy[c] = Double(right) / Double(chunk)
                }
                let next = AtomicCounter()
                DispatchQueue.concurrentPerform(iterations: max(1, threads)) { _ in
                    let z = UnsafeMutableBufferPointer<Double>.allocate(capacity: window * 3)
                    defer { z.deallocate() }
                    while true {
                        let k = next.next()
                        if k >= refits { break }
                        let t = (k + 1) * retrainEvery
                        var mu = (0.0, 0.0, 0.0), sd = (0.0, 0.0, 0.0)
                        let w = fit(x, y, rows: (t - window)..<t, vectorised: vectorised, z: z, mu: &mu, sd: &sd)
                        weights[k * 4] = w.0; weights[k * 4 + 1] = w.1; weights[k * 4 + 2] = w.2; weights[k * 4 + 3] = w.3
                        means[k * 3] = mu.0; means[k * 3 + 1] = mu.1; means[k * 3 + 2] = mu.2
                        sds[k * 3] = sd.0; sds[k * 3 + 1] = sd.1; sds[k * 3 + 2] = sd.2
                        let end = min(t + retrainEvery, n)
                        var c = t / chunk
                        var row = t
                        while row < end {
                            var right = 0
                            let stop = min(row + chunk, end)
                            for i in row..<stop {
                                let b = i * d
                                let s = ((x[b] - mu.0) / sd.0) * w.0 + ((x[b + 1] - mu.1) / sd.1) * w.1 + ((x[b + 2] - mu.2) / sd.2) * w.2 + w.3
                                if (s > 0 ? 1.0 : 0.0) == y[i] { right += 1 }
                            }
                            accuracy[c] = Double(right) / Double(stop - row)
                            c += 1
                            row = stop
                        }
                    }
                }
            }
        }
        let seconds = (clock.now - start).seconds
        return BacktestResult(chunkAccuracy: accuracy.array,
                              weights: (0..<refits).map { Array(weights.array[($0 * 4)..<($0 * 4 + 4)]) },
                              means: (0..<refits).map { Array(means.array[($0 * 3)..<($0 * 3 + 3)]) },
                              sds: (0..<refits).map { Array(sds.array[($0 * 3)..<($0 * 3 + 3)]) },
                              seconds: seconds)
    }

    /// One refit on `rows`: standardised columns into `z` (column-major, W × 3), then 50 gradient
    /// steps. - Complexity: O(iterations × W), one exponential per row and step; no allocation.
    @inline(__always)
    static func fit(_ x: UnsafeBufferPointer<Double>, _ y: UnsafeBufferPointer<Double>, rows: Range<Int>, vectorised: Bool,
                    z: UnsafeMutableBufferPointer<Double>, mu: inout (Double, Double, Double),
                    sd: inout (Double, Double, Double)) -> (Double, Double, Double, Double) {
        let m = rows.count, first = rows.lowerBound
        var s0 = 0.0, s1 = 0.0, s2 = 0.0
        for i in rows { s0 += x[i * 3]; s1 += x[i * 3 + 1]; s2 += x[i * 3 + 2] }
        let inv = Double(m)
        mu = (s0 / inv, s1 / inv, s2 / inv)
        var q0 = 0.0, q1 = 0.0, q2 = 0.0
        for i in rows {
            let a = x[i * 3] - mu.0, b = x[i * 3 + 1] - mu.1, c = x[i * 3 + 2] - mu.2
            q0 += a * a; q1 += b * b; q2 += c * c
        }
        sd = ((q0 / inv).squareRoot(), (q1 / inv).squareRoot(), (q2 / inv).squareRoot())
        let z0 = z.baseAddress!, z1 = z0 + m, z2 = z1 + m
        for r in 0..<m {
            let i = (first + r) * 3
            z0[r] = (x[i] - mu.0) / sd.0
            z1[r] = (x[i + 1] - mu.1) / sd.1
            z2[r] = (x[i + 2] - mu.2) / sd.2
        }
        let yw = y.baseAddress! + first
        var w0 = 0.0, w1 = 0.0, w2 = 0.0, w3 = 0.0
        if vectorised {
            // Four rows per step with the branch-free exp4; four partial sums per gradient component.
            let m4 = m - m % 4
            for _ in 0..<iterations {
                var g0 = SIMD4<Double>(), g1 = SIMD4<Double>(), g2 = SIMD4<Double>(), g3 = SIMD4<Double>()
                let v0 = SIMD4(repeating: w0), v1 = SIMD4(repeating: w1), v2 = SIMD4(repeating: w2), v3 = SIMD4(repeating: w3)
                var r = 0
                while r < m4 {
                    let a0 = UnsafeRawPointer(z0 + r).loadUnaligned(as: SIMD4<Double>.self)
                    let a1 = UnsafeRawPointer(z1 + r).loadUnaligned(as: SIMD4<Double>.self)
                    let a2 = UnsafeRawPointer(z2 + r).loadUnaligned(as: SIMD4<Double>.self)
                    let yv = UnsafeRawPointer(yw + r).loadUnaligned(as: SIMD4<Double>.self)
                    let a = a0 * v0 + a1 * v1 + a2 * v2 + v3
                    let e = 1 / (1 + exp4(-a)) - yv
                    g0 += e * a0; g1 += e * a1; g2 += e * a2; g3 += e
                    r += 4
                }
                var s0 = g0.sum(), s1 = g1.sum(), s2 = g2.sum(), s3 = g3.sum()
                while r < m {
                    let a = z0[r] * w0 + z1[r] * w1 + z2[r] * w2 + w3
                    let e = 1 / (1 + exp(-a)) - yw[r]
                    s0 += e * z0[r]; s1 += e * z1[r]; s2 += e * z2[r]; s3 += e
                    r += 1
                }
                w0 -= learningRate * s0 / inv
                w1 -= learningRate * s1 / inv
                w2 -= learningRate * s2 / inv
                w3 -= learningRate * s3 / inv
            }
            return (w0, w1, w2, w3)
        }
        for _ in 0..<iterations {
            var g0 = 0.0, g1 = 0.0, g2 = 0.0, g3 = 0.0
            for r in 0..<m {
                let a = z0[r] * w0 + z1[r] * w1 + z2[r] * w2 + w3
                let e = 1 / (1 + exp(-a)) - yw[r]
                g0 += e * z0[r]; g1 += e * z1[r]; g2 += e * z2[r]; g3 += e
            }
            w0 -= learningRate * g0 / inv
            w1 -= learningRate * g1 / inv
            w2 -= learningRate * g2 / inv
            w3 -= learningRate * g3 / inv
        }
        return (w0, w1, w2, w3)
    }
}

/// A fixed buffer of doubles written at distinct indices by several workers.
final class SharedBuffer: @unchecked Sendable {
    let pointer: UnsafeMutableBufferPointer<Double>
    init(count: Int) { pointer = .allocate(capacity: count); pointer.initialize(repeating: 0) }
    deinit { pointer.deallocate() }
    subscript(i: Int) -> Double {
        get { pointer[i] }
        set { pointer[i] = newValue }
    }
    var array: [Double] { Array(pointer) }
}

/// Hands out 0, 1, 2, … to several workers.
final class AtomicCounter: @unchecked Sendable {
    private var value = 0
    private let lock = NSLock()
    func next() -> Int { lock.lock(); defer { lock.unlock() }; let v = value; value += 1; return v }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}
