import Foundation
import FlywheelCore
import Streams

/// The stream of the peers' prequential workloads: SEA concept 0 (threshold 8) switching to SEA
/// concept 3 (threshold 9.5) around `position`, drawn one sample at a time.
///
/// River's `ConceptDriftStream` rule (as `safe_cds.py`): at step t = 1, 2, … one uniform draw u
/// chooses the drift stream when u ≤ p(t) = 1 / (1 + exp(min(700, −4 (t − position) / width)));
/// only the chosen sub-stream advances. Each sub-stream and the switching draws have their own
/// seeded ``RandomStream`` (River seeds 42 and 43 for the sub-streams; the switching stream is a
/// sub-stream named "switch" of seed 42), and the samples come from Flywheel's ``SEAGenerator``.
///
/// p(t) is evaluated only where it is neither below 2⁻³⁴ nor exactly 1 in double precision
/// (|t − position| ≤ 20 · width); outside that band the draw is compared with 0 or 1, which
/// gives the same choice for every draw GSL's MT19937 can produce (its uniforms are multiples of
/// 2⁻³², so u ≤ p with 0 < p < 2⁻³² only when u = 0, as with p = 0).
final class SEADriftStream {
    let generator = SEAGenerator()
    let old: RandomStream, new: RandomStream, switcher: RandomStream
    let position: Double, width: Double
    let covariates = CovariateState(dimension: 3)
    let before = ConceptState(concept: 0), after = ConceptState(concept: 3)
    var t = 0.0
    /// Whether p(t) is computed for every sample (River's cost) instead of only near the change.
    let exactEverywhere: Bool

    init(seed: UInt64 = 42, driftSeed: UInt64 = 43, position: Int = 500_000, width: Int = 1, exactEverywhere: Bool = false) {
        old = RandomStream(seed: seed)
        new = RandomStream(seed: driftSeed)
        switcher = RandomStream(seed: seed, path: "switch")
        self.position = Double(position)
        self.width = Double(width)
        self.exactEverywhere = exactEverywhere
    }

    /// Writes the next sample into `x` (3 values) and returns its label (1: x0 + x1 ≤ θ).
    /// - Complexity: O(1), no allocation.
    @inline(__always)
    func next(into x: UnsafeMutableBufferPointer<Double>) -> Double {
        t += 1
        let u = switcher.uniform()
        let offset = t - position
        let p: Double
        if exactEverywhere || abs(offset) <= 20 * width {
            p = 1 / (1 + exp(min(700, -4 * offset / width)))
        } else {
            p = offset > 0 ? 1 : 0
        }
        if u <= p { return generator.draw(into: x, concept: after, covariates: covariates, rng: new) }
        return generator.draw(into: x, concept: before, covariates: covariates, rng: old)
    }
}

/// River 0.26.1's `linear_model.LogisticRegression()` with its defaults: plain SGD with learning
/// rate 0.01 on the weights (zeros at start), the intercept updated separately with learning rate
/// 0.01 (starting at 0), log loss, no penalty, gradients clipped at ±1e12, no feature scaling.
///
/// Per sample (x, y ∈ {0, 1}): r = w·x + b; the loss gradient is
/// g = −s / (exp(s·r) + 1) with s = 2y − 1 (River's `optim.losses.Log.gradient`, including its
/// branches beyond |s·r| > 18); then b ← b − 0.01 g and w ← w − 0.01 g x.
/// The prediction is class 1 when sigmoid(r) > 1 − sigmoid(r) (River's `predict_one`).
/// The weights live in manually managed storage: copies share it, and `deallocate()` frees it.
struct OnlineLogisticRegression {
    let dimension: Int
    private let weights: UnsafeMutablePointer<Double>
    private(set) var intercept = 0.0
    let learningRate = 0.01, interceptLearningRate = 0.01, clip = 1e12

    init(dimension: Int) {
        self.dimension = dimension
        weights = .allocate(capacity: dimension)
        weights.initialize(repeating: 0, count: dimension)
    }

    func deallocate() { weights.deallocate() }

    @inline(__always) func raw(_ x: UnsafeBufferPointer<Double>) -> Double {
        var s = 0.0
        for j in 0..<dimension { s += weights[j] * x[j] }
        return s + intercept
    }

    /// River's `sigmoid`: 0 below −30, 1 above 30.
    @inline(__always) static func sigmoid(_ r: Double) -> Double {
        if r < -30 { return 0 }
        if r > 30 { return 1 }
        return 1 / (1 + exp(-r))
    }

    @inline(__always) static func lossGradient(y: Double, raw r: Double) -> Double {
        let s: Double = y == 0 ? -1 : 1
        let z = r * s
        if z > 18 { return exp(-z) * -s }
        if z < -18 { return -s }
        return -s / (exp(z) + 1)
    }

    /// River's order: `predict_one` (a dot product and a sigmoid), then `learn_one` (the dot
    /// product again and the loss gradient). Two dot products and two exponentials per sample.
    @inline(__always) func predict(_ x: UnsafeBufferPointer<Double>) -> Double {
        let p = Self.sigmoid(raw(x))
        return p > 1 - p ? 1 : 0
    }

    @inline(__always) mutating func learn(_ x: UnsafeBufferPointer<Double>, _ y: Double) {
        update(x, gradient: Self.lossGradient(y: y, raw: raw(x)))
    }

    /// Predict and learn fused: the weights do not change between River's `predict_one` and
    /// `learn_one`, so one dot product serves both, and the prediction needs no exponential
    /// (sigmoid(r) > 1 − sigmoid(r) exactly when r > 0, up to rounding within 1 ulp of r = 0 that
    /// only matters for |r| < 1e-16). One dot product and one exponential per sample.
    @inline(__always) mutating func predictLearn(_ x: UnsafeBufferPointer<Double>, _ y: Double) -> Double {
        let r = raw(x)
        update(x, gradient: Self.lossGradient(y: y, raw: r))
        return r > 0 ? 1 : 0
    }

    @inline(__always) private mutating func update(_ x: UnsafeBufferPointer<Double>, gradient: Double) {
        let g = min(max(gradient, -clip), clip)
        intercept -= interceptLearningRate * g
        for j in 0..<dimension { weights[j] -= learningRate * (g * x[j]) }
    }
}

/// River 0.26.1's `naive_bayes.GaussianNB()`, learning one sample at a time.
///
/// Per class c and feature j a running mean and Welford sum of squares (variance with ddof = 1);
/// the joint log-likelihood of class c is log(n_c / n) + Σ_j log(1e-9 + pdf_cj(x_j)), where
/// pdf_cj is the normal density with that mean and variance, and 0 while the class has at most one
/// sample or a zero variance (River's `proba.Gaussian` and `_log_gaussian_pdf`). Classes are
/// ranked in the order they were first seen; the first maximum wins (River's `max` over a dict).
/// Before any sample there is no prediction (returned as NaN: scored as an error, as River's `None`).
///
/// The density constants (μ, 1/σ, log(1/(σ√(2π)))) of a class are refreshed when it learns, so a
/// prediction costs one exponential and one logarithm per class and feature.
struct OnlineGaussianNB {
    let dimension: Int, maxClasses: Int
    private var order: [Int]            // class labels in order of first appearance
    private var counts: [Double]        // per class label
    private var stats: [Double]         // per class label × feature: n, mean, S, mu, invSigma, norm, usable
    private var total = 0.0
    static let stride = 7
    static let pdfEpsilon = 10e-10

    init(dimension: Int, maxClasses: Int) {
        self.dimension = dimension
        self.maxClasses = maxClasses
        order = []
        order.reserveCapacity(maxClasses)
        counts = [Double](repeating: 0, count: maxClasses)
        stats = [Double](repeating: 0, count: maxClasses * dimension * Self.stride)
    }

    /// - Complexity: O(classes × dimension), one exp and one log per term; no allocation.
    @inline(__always) func predict(_ x: UnsafeBufferPointer<Double>) -> Double {
        guard !order.isEmpty else { return .nan }
        var best = -Double.infinity, arg = order[0]
        stats.withUnsafeBufferPointer { s in
            for c in order {
                var jll = log(counts[c] / total)
                for j in 0..<dimension {
                    let b = (c * dimension + j) * Self.stride
                    var pdf = 0.0
                    if s[b + 6] != 0 {
                        let z = (x[j] - s[b + 3]) * s[b + 4]
                        pdf = s[b + 5] * exp(-0.5 * z * z)
                    }
                    jll += log(Self.pdfEpsilon + pdf)
                }
                if jll > best { best = jll; arg = c }
            }
        }
        return Double(arg)
    }

    /// - Complexity: O(dimension), a square root per feature; no allocation after the first
    ///   sample of each class.
    @inline(__always) mutating func learn(_ x: UnsafeBufferPointer<Double>, _ y: Double) {
        let c = Int(y)
        if counts[c] == 0 { order.append(c) }
        counts[c] += 1
        total += 1
        let dimension = self.dimension
        stats.withUnsafeMutableBufferPointer { s in
            for j in 0..<dimension {
                let b = (c * dimension + j) * Self.stride
                let n = s[b] + 1
                s[b] = n
                let old = s[b + 1]
                let mean = old + (1 / n) * (x[j] - old)
                s[b + 1] = mean
                s[b + 2] += (x[j] - old) * (x[j] - mean)
                let variance = n > 1 ? s[b + 2] / (n - 1) : 0
                if variance > 0 {
                    let sigma = variance.squareRoot()
                    s[b + 3] = mean
                    s[b + 4] = 1 / sigma
                    s[b + 5] = 1 / (sigma * (2 * Double.pi).squareRoot())
                    s[b + 6] = 1
                } else {
                    s[b + 6] = 0
                }
            }
        }
    }
}

/// Result of a prequential run.
struct PrequentialResult {
    var accuracy: Double
    var accuracyBefore: Double
    var accuracyAfter: Double
    var seconds: Double
}

enum Prequential {
    /// Test-then-train over `n` samples: predict, score, learn, one sample at a time; the stream
    /// is generated inside the timed loop, as in the peers' loops.
    static func run(n: Int, split: Int = 500_000, exactStream: Bool = false,
                    step: (UnsafeBufferPointer<Double>, Double) -> Double) -> PrequentialResult {
        let stream = SEADriftStream(exactEverywhere: exactStream)
        var right = 0, rightBefore = 0
        let x = UnsafeMutableBufferPointer<Double>.allocate(capacity: 3)
        defer { x.deallocate() }
        x.initialize(repeating: 0)
        let clock = ContinuousClock()
        let start = clock.now
        for i in 0..<n {
            let y = stream.next(into: x)
            let yhat = step(UnsafeBufferPointer(x), y)
            if yhat == y {
                right += 1
                if i < split { rightBefore += 1 }
            }
        }
        let seconds = (clock.now - start).seconds
        let before = min(n, split)
        return PrequentialResult(accuracy: Double(right) / Double(n),
                                 accuracyBefore: Double(rightBefore) / Double(before),
                                 accuracyAfter: n > split ? Double(right - rightBefore) / Double(n - split) : .nan,
                                 seconds: seconds)
    }

    /// Generating the stream alone (River's `b0_river_stream_only.py`).
    static func streamOnly(n: Int, exactStream: Bool = false) -> (positives: Int, seconds: Double) {
        let stream = SEADriftStream(exactEverywhere: exactStream)
        let x = UnsafeMutableBufferPointer<Double>.allocate(capacity: 3)
        defer { x.deallocate() }
        x.initialize(repeating: 0)
        var c = 0.0
        let clock = ContinuousClock()
        let start = clock.now
        for _ in 0..<n { c += stream.next(into: x) }
        return (Int(c), (clock.now - start).seconds)
    }
}

/// Prequential rows read from a CSV of `x0,x1,x2,y` (peer_river_sea_csv.py: River's stream), held
/// in memory so that the timed loop is the model's alone.
struct PrequentialRows {
    var features: [Double] = []
    var labels: [Double] = []
    var count: Int { labels.count }

    init(csv path: String) throws {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        for (i, line) in text.split(separator: "\n").enumerated() where i > 0 {
            let fields = line.split(separator: ",")
            guard fields.count == 4, let x0 = Double(fields[0]), let x1 = Double(fields[1]),
                  let x2 = Double(fields[2]), let y = Double(fields[3]) else {
                throw BenchError("\(path):\(i + 1): expected x0,x1,x2,y")
            }
            features += [x0, x1, x2]
            labels.append(y)
        }
    }

    /// Test-then-train over the rows, as ``Prequential/run(n:split:exactStream:step:)``.
    func run(split: Int = 500_000, step: (UnsafeBufferPointer<Double>, Double) -> Double) -> PrequentialResult {
        let n = count
        var right = 0, rightBefore = 0
        let clock = ContinuousClock()
        let start = clock.now
        features.withUnsafeBufferPointer { x in
            for i in 0..<n {
                let y = labels[i]
                if step(UnsafeBufferPointer(rebasing: x[(3 * i)..<(3 * i + 3)]), y) == y {
                    right += 1
                    if i < split { rightBefore += 1 }
                }
            }
        }
        let seconds = (clock.now - start).seconds
        let before = min(n, split)
        return PrequentialResult(accuracy: Double(right) / Double(n),
                                 accuracyBefore: Double(rightBefore) / Double(before),
                                 accuracyAfter: n > split ? Double(right - rightBefore) / Double(n - split) : .nan,
                                 seconds: seconds)
    }
}

extension Duration {
    var seconds: Double {
        let (s, a) = components
        return Double(s) + Double(a) * 1e-18
    }
}
