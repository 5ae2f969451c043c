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
                    let z = UnsafeMutableBufferPointer<Double>.allocate(capacity: window * 4)
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
                            var i = row
                            while i + 1 < stop {
                                let (a0, a1, a2) = standardised(x, pairAt: i, mu, sd)
                                let s = a0 * w.0 + a1 * w.1 + a2 * w.2 + w.3
                                if (s[0] > 0 ? 1.0 : 0.0) == y[i] { right += 1 }
                                if (s[1] > 0 ? 1.0 : 0.0) == y[i + 1] { right += 1 }
                                i += 2
                            }
                            if i < stop {
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

    /// The standardised features (x − μ)/σ of rows i and i + 1, one column per result and the two
    /// rows in its lanes: the six values x[3i ..< 3i + 6] in three two-lane divisions (the same
    /// quotients as one by one).
    @inline(__always)
    static func standardised(_ x: UnsafeBufferPointer<Double>, pairAt i: Int, _ mu: (Double, Double, Double),
                             _ sd: (Double, Double, Double)) -> (SIMD2<Double>, SIMD2<Double>, SIMD2<Double>) {
        let p = UnsafeRawPointer(x.baseAddress! + 3 * i)
        let u = (p.loadUnaligned(as: SIMD2<Double>.self) - SIMD2(mu.0, mu.1)) / SIMD2(sd.0, sd.1)                      // row i: x0, x1
        let v = (p.loadUnaligned(fromByteOffset: 16, as: SIMD2<Double>.self) - SIMD2(mu.2, mu.0)) / SIMD2(sd.2, sd.0)  // row i: x2; row i + 1: x0
        let t = (p.loadUnaligned(fromByteOffset: 32, as: SIMD2<Double>.self) - SIMD2(mu.1, mu.2)) / SIMD2(sd.1, sd.2)  // row i + 1: x1, x2
        return (SIMD2(u[0], v[1]), SIMD2(u[1], t[0]), SIMD2(v[0], t[1]))
    }

    /// One refit on `rows`: standardised columns into `z` (column-major, W × 3; a fourth column
    /// holds the residuals of the vectorised steps), then 50 gradient steps.
    /// - Complexity: O(iterations × W), one exponential per row and step; no allocation.
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
        var r = 0
        while r + 1 < m {
            let (a0, a1, a2) = standardised(x, pairAt: first + r, mu, sd)
            UnsafeMutableRawPointer(z0 + r).storeBytes(of: a0, as: SIMD2<Double>.self)
            UnsafeMutableRawPointer(z1 + r).storeBytes(of: a1, as: SIMD2<Double>.self)
            UnsafeMutableRawPointer(z2 + r).storeBytes(of: a2, as: SIMD2<Double>.self)
            r += 2
        }
        if r < m {
            let i = (first + r) * 3
            z0[r] = (x[i] - mu.0) / sd.0
            z1[r] = (x[i + 1] - mu.1) / sd.1
            z2[r] = (x[i + 2] - mu.2) / sd.2
        }
        let yw = y.baseAddress! + first
        var w0 = 0.0, w1 = 0.0, w2 = 0.0, w3 = 0.0
        if vectorised { return descend(z0, z1, z2, yw, residuals: z2 + m, count: m) }
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

extension PeriodicBacktest {
    /// The gradient steps of ``fit(_:_:rows:vectorised:z:mu:sd:)`` two rows at a time with the
    /// branch-free ``expPair(_:table:)``, in two passes per step: the residuals σ(z·w) − y of
    /// every row into `e` (``residuals(_:_:_:_:into:count:weights:)``), then the gradient from
    /// them with four partial sums per component; the remainder rows (fewer than four) with
    /// `Foundation.exp`.
    static func descend(_ z0: UnsafeMutablePointer<Double>, _ z1: UnsafeMutablePointer<Double>, _ z2: UnsafeMutablePointer<Double>,
                        _ yw: UnsafePointer<Double>, residuals e: UnsafeMutablePointer<Double>, count m: Int) -> (Double, Double, Double, Double) {
        typealias Pair = SIMD2<Double>
        @inline(__always) func load(_ p: UnsafePointer<Double>, _ r: Int) -> Pair { UnsafeRawPointer(p + r).loadUnaligned(as: Pair.self) }
        let inv = Double(m)
        let m4 = m - m % 4
        var w0 = 0.0, w1 = 0.0, w2 = 0.0, w3 = 0.0
        for _ in 0..<iterations {
            residuals(z0, z1, z2, yw, into: e, count: m4, weights: (w0, w1, w2, w3))
            var g0 = Pair(), g1 = Pair(), g2 = Pair(), g3 = Pair()
            var h0 = Pair(), h1 = Pair(), h2 = Pair(), h3 = Pair()
            var r = 0
            while r < m4 {
                let ea = load(e, r), eb = load(e, r &+ 2)
                g0 += ea * load(z0, r); g1 += ea * load(z1, r); g2 += ea * load(z2, r); g3 += ea
                h0 += eb * load(z0, r &+ 2); h1 += eb * load(z1, r &+ 2); h2 += eb * load(z2, r &+ 2); h3 += eb
                r &+= 4
            }
            var s0 = (g0[0] + h0[0]) + (g0[1] + h0[1]), s1 = (g1[0] + h1[0]) + (g1[1] + h1[1])
            var s2 = (g2[0] + h2[0]) + (g2[1] + h2[1]), s3 = (g3[0] + h3[0]) + (g3[1] + h3[1])
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

    /// e[r] = 1 / (1 + exp(−((z0·w0 + z1·w1) + (z2·w2 + w3)))) − y[r] for r in 0..<m (m even), two
    /// rows at a time.
    ///
    /// The loop is bound by the latency of each pair's chain of dependent operations (about 60
    /// cycles: dot product, range reduction, polynomial, division) against the floating-point
    /// operations the core can hold waiting, not by their number. So it is software-pipelined in
    /// four stages: one iteration forms the dot product of pair i + 3, reduces the argument of
    /// pair i + 2 (``expReduce(_:)``), evaluates the polynomial and table of pair i + 1
    /// (``expFinish(_:_:table:)``) and divides for pair i, each from values the previous
    /// iteration left ready. The dot product is summed as a tree and 1 + exp as (1 + s) + s·m,
    /// both to shorten the chain; the negated weights give −(z·w) exactly (rounding is
    /// symmetric). A function of its own, and only this loop in it: in a larger body LLVM's SLP
    /// vectoriser mixes the lanes of the polynomial (see ``expPair(_:table:)``).
    @inline(never)
    static func residuals(_ z0: UnsafePointer<Double>, _ z1: UnsafePointer<Double>, _ z2: UnsafePointer<Double>,
                          _ yw: UnsafePointer<Double>, into e: UnsafeMutablePointer<Double>, count m: Int,
                          weights w: (Double, Double, Double, Double)) {
        typealias Pair = SIMD2<Double>
        @inline(__always) func load(_ p: UnsafePointer<Double>, _ r: Int) -> Pair { UnsafeRawPointer(p + r).loadUnaligned(as: Pair.self) }
        let v0 = Pair(repeating: -w.0), v1 = Pair(repeating: -w.1), v2 = Pair(repeating: -w.2), v3 = Pair(repeating: -w.3)
        let one = Pair(repeating: 1)
        let table = expTable
        @inline(__always) func dot(_ r: Int) -> Pair { (load(z0, r) * v0 + load(z1, r) * v1) + (load(z2, r) * v2 + v3) }
        @inline(__always) func store(_ r: Int, _ s: Pair, _ expm1: Pair) {
            UnsafeMutableRawPointer(e + r).storeBytes(of: one / ((one + s) + s * expm1) - load(yw, r), as: Pair.self)
        }
        guard m >= 6 else {
            for r in stride(from: 0, to: m, by: 2) {
                let (s, expm1) = expParts(dot(r), table: table)
                store(r, s, expm1)
            }
            return
        }
        let first = expReduce(dot(0))
        var (s1, expm1) = expFinish(first.kd, first.r, table: table)      // pair i
        var (kd, reduced) = expReduce(dot(2))                              // pair i + 1
        var t = dot(4)                                                      // pair i + 2
        var r = 6
        while r < m {
            let next = dot(r)
            let (kdNext, reducedNext) = expReduce(t)
            let (sNext, expm1Next) = expFinish(kd, reduced, table: table)
            store(r &- 6, s1, expm1)
            (s1, expm1, kd, reduced, t) = (sNext, expm1Next, kdNext, reducedNext, next)
            r &+= 2
        }
        store(r &- 6, s1, expm1)
        let (sLast, expm1Last) = expFinish(kd, reduced, table: table)
        store(r &- 4, sLast, expm1Last)
        let (sFinal, expm1Final) = expParts(t, table: table)
        store(r &- 2, sFinal, expm1Final)
    }
}

/// A fixed buffer of doubles written at distinct indices by several workers. `@unchecked`: the
/// compiler cannot see that no two workers write the same index (each owns its own range).
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

/// Hands out 0, 1, 2, … to several workers. `@unchecked`: `value` changes under `lock` only,
/// which the compiler cannot see.
final class AtomicCounter: @unchecked Sendable {
    private var value = 0
    private let lock = NSLock()
    func next() -> Int { lock.lock(); defer { lock.unlock() }; let v = value; value += 1; return v }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}
