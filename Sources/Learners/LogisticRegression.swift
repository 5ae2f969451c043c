import CGSL
import FlywheelCore
import Foundation

/// Multinomial logistic regression with L2 penalty.
///
/// Minimises `(1/n) Σ_i −log p(y_i | x_i) + (λ/2) ‖W‖²` over standardised inputs, with class `K−1`
/// as the reference (its weights fixed at zero, so two classes give the usual binary model).
/// The intercepts are not penalised. Two solvers:
/// - `newton` (default): Newton–Raphson with step halving on the exact Hessian, solved by GSL's
///   Cholesky decomposition; converges to the optimum in a handful of iterations for the small
///   dimensions typical of a backtest. `− Complexity:` O(n·P² + P³) per iteration, P = (K−1)(d+1).
/// - `sgd`: mini-batch-free stochastic gradient descent for `epochs` passes with learning rate
///   `learning_rate / (1 + t·λ)`, in a seeded shuffled order; warm-starts from a champion.
///
/// **Warm start.** SGD continues from the champion's weights. Newton's objective is convex, so
/// starting from the champion changes nothing; fine-tuning instead adds a pull toward the
/// champion, `(μ/2) ‖θ − θ_c‖²` with μ = `warm_pull` over every parameter (intercepts included)
/// on the new fit's standardised scale: μ = 0 is the fit from scratch, μ → ∞ keeps the champion,
/// and ‖θ − θ_c‖ shrinks as μ grows. `warm_start: true` with Newton and `warm_pull: 0` is refused,
/// and so is `warm_pull` without a warm start or with SGD (see ``warmStartProblem(warmStart:)``).
///
/// Missing inputs (NaN) are imputed with the training mean of the feature.
public struct LogisticRegressionLearner: CataloguedLearner {
    public enum Solver: String, Sendable { case newton, sgd }

    public var l2: Double
    public var solver: Solver
    public var maxIterations: Int
    public var epochs: Int
    public var learningRate: Double
    /// μ, the pull toward the champion's parameters when Newton fine-tunes (0: none).
    public var warmPull: Double

    public static let info = ComponentInfo(
        family: "model", name: "logistic_regression",
        summary: "Multinomial logistic regression with L2, fitted by Newton's method (GSL Cholesky) or SGD; NaN inputs imputed with the training mean.",
        parameters: [
            ParameterInfo("l2", .real(1e-4), "L2 penalty λ on the weights (per-sample objective)", shown: "1e-4"),
            ParameterInfo("solver", .choice(["newton", "sgd"], 0), "newton (exact batch fit) or sgd (in the catalog's numeric form: 0 or 1)"),
            ParameterInfo("max_iterations", .whole(25), "Newton iterations at most"),
            ParameterInfo("epochs", .whole(5), "passes over the data for sgd"),
            ParameterInfo("learning_rate", .real(0.1), "initial sgd step size"),
            ParameterInfo("warm_pull", .real(0),
                          "newton with warm_start: strength μ of the L2 pull (μ/2)‖θ−θ_champion‖² toward it"),
        ], reference: "Cox 1958; Hastie, Tibshirani & Friedman, ESL §4.4")

    public var family: String { "logistic_regression" }
    /// A classifier only: a numeric target has no classes to model.
    public var handlesRegression: Bool { false }

    /// Builds the learner from scenario parameters; `solver` is 0 (newton) or 1 (sgd).
    public init(_ p: ParameterReader) throws {
        let solver: Solver = try p.whole("solver", in: 0...1) == 1 ? .sgd : .newton
        self.init(l2: try p.real("l2", atLeast: 0), solver: solver,
                  maxIterations: try p.whole("max_iterations", in: 1...1000), epochs: try p.whole("epochs", in: 1...100_000),
                  learningRate: try p.real("learning_rate", atLeast: 1e-12),
                  warmPull: try p.real("warm_pull", atLeast: 0))
    }

    public init(l2: Double = info.defaultNumber("l2"), solver: Solver = .newton, maxIterations: Int = info.defaultWhole("max_iterations"),
                epochs: Int = info.defaultWhole("epochs"), learningRate: Double = info.defaultNumber("learning_rate"),
                warmPull: Double = info.defaultNumber("warm_pull")) {
        self.l2 = l2
        self.solver = solver
        self.maxIterations = maxIterations
        self.epochs = epochs
        self.learningRate = learningRate
        self.warmPull = warmPull
    }

    public func warmStartProblem(warmStart: Bool) -> String? {
        switch (solver, warmStart, warmPull > 0) {
        case (.newton, true, false):
            return "warm_start has no effect with logistic_regression's newton solver: the fit is convex and "
                + "reaches the same optimum from any start; set model warm_pull > 0 (an L2 pull toward the champion) "
                + "or solver: sgd"
        case (.newton, false, true):
            return "model warm_pull has no effect without warm_start: true (there is no champion to pull toward)"
        case (.sgd, _, true):
            return "model warm_pull applies to solver: newton; sgd fine-tunes by starting from the champion's weights"
        default:
            return nil
        }
    }

    public func fit(_ data: TrainingSet, classCount: Int, warmStart: (any Model)?, rng: RandomStream) -> (model: any Model, epochs: Int) {
        let d = data.dimension, n = data.count, k = max(classCount, 2)
        // Standardisation statistics (NaN ignored).
        var mean = [Double](repeating: 0, count: d), sd = [Double](repeating: 1, count: d)
        for j in 0..<d {
            var s = 0.0, s2 = 0.0, c = 0.0
            for i in 0..<n { let v = data.features[i * d + j]; if !v.isNaN { s += v; s2 += v * v; c += 1 } }
            if c > 0 { mean[j] = s / c; let v = s2 / c - mean[j] * mean[j]; sd[j] = v > 1e-24 ? v.squareRoot() : 1 }
        }
        var z = [Double](repeating: 0, count: n * d)
        for i in 0..<n {
            for j in 0..<d {
                let v = data.features[i * d + j]
                z[i * d + j] = v.isNaN ? 0 : (v - mean[j]) / sd[j]
            }
        }
        let p1 = d + 1
        // theta[c * p1 + 0] intercept, [c * p1 + 1 + j] weight j, for c in 0..<k-1 (standardised scale).
        var theta = [Double](repeating: 0, count: (k - 1) * p1)
        var anchor: [Double]?
        if let champ = warmStart as? LogisticRegressionModel, champ.classCount == k, champ.dimension == d {
            theta = champ.standardisedParameters(mean: mean, sd: sd)
            if warmPull > 0 { anchor = theta }
        } else if n > 0 {
            // Start intercepts at the log prior odds against the reference class.
            var counts = [Double](repeating: 1, count: k)
            for y in data.labels { counts[min(max(Int(y), 0), k - 1)] += 1 }
            for c in 0..<(k - 1) { theta[c * p1] = (counts[c] / counts[k - 1]).logOrZero }
        }
        var used = 0
        if n > 0 {
            switch solver {
            case .newton: used = newton(&theta, z: z, y: data.labels, n: n, d: d, k: k, anchor: anchor)
            case .sgd: used = sgd(&theta, z: z, y: data.labels, n: n, d: d, k: k, rng: rng)
            }
        }
        return (LogisticRegressionModel(theta: theta, mean: mean, sd: sd, dimension: d, classCount: k), max(used, 1))
    }

    /// Objective value, gradient and Hessian at theta.
    ///
    /// The per-row loops run on unsafe buffers (the Hessian is moved out of its optional for the
    /// duration), with the same operations in the same order as the plain array version, so the
    /// results are bit for bit the same; what is gone is a uniqueness check and a bounds check per
    /// Hessian element and row.
    /// - Complexity: O(n · ((K−1)·d + (K−1)² · (d+1)²)) with the Hessian, O(n · (K−1) · d) without;
    ///   no allocation beyond stack scratch for K probabilities.
    private func objective(_ theta: [Double], z: [Double], y: [Double], n: Int, d: Int, k: Int, anchor: [Double]? = nil,
                           grad: inout [Double], hess: inout [Double]?) -> Double {
        let p1 = d + 1, m = (k - 1) * p1
        let wantsHessian = hess != nil
        var h = hess.take() ?? []
        defer { if wantsHessian { hess = h } }
        for i in 0..<grad.count { grad[i] = 0 }
        if wantsHessian { for i in 0..<(m * m) { h[i] = 0 } }
        var loss = 0.0
        withScratch(k) { prob in
            theta.withUnsafeBufferPointer { theta in
                z.withUnsafeBufferPointer { z in
                    y.withUnsafeBufferPointer { y in
                        grad.withUnsafeMutableBufferPointer { grad in
                            h.withUnsafeMutableBufferPointer { hess in
                                for i in 0..<n {
                                    let row = i * d
                                    softmax(theta, z, row: row, d: d, k: k, into: prob)
                                    let yi = min(max(Int(y[i]), 0), k - 1)
                                    loss -= _log(max(prob[yi], 1e-300))
                                    for c in 0..<(k - 1) {
                                        let r = prob[c] - (yi == c ? 1 : 0)
                                        grad[c * p1] += r
                                        for j in 0..<d { grad[c * p1 + 1 + j] += r * z[row + j] }
                                    }
                                    if wantsHessian {
                                        for a in 0..<(k - 1) {
                                            for b in a..<(k - 1) {
                                                let w = (a == b ? prob[a] * (1 - prob[a]) : -prob[a] * prob[b])
                                                if w == 0 { continue }
                                                for u in 0..<p1 {
                                                    let zu = u == 0 ? 1 : z[row + u - 1]
                                                    let wu = w * zu
                                                    let ra = (a * p1 + u) * m + b * p1
                                                    for v in 0..<p1 { hess[ra + v] += wu * (v == 0 ? 1 : z[row + v - 1]) }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        let inv = 1 / Double(n)
        loss *= inv
        for i in 0..<grad.count { grad[i] *= inv }
        for c in 0..<(k - 1) {
            for j in 0..<d {
                let t = theta[c * p1 + 1 + j]
                loss += 0.5 * l2 * t * t
                grad[c * p1 + 1 + j] += l2 * t
            }
        }
        if let anchor {
            for i in 0..<m {
                let t = theta[i] - anchor[i]
                loss += 0.5 * warmPull * t * t
                grad[i] += warmPull * t
            }
        }
        if wantsHessian {
            // Scale the accumulated blocks (a ≤ b; diagonal blocks are complete), then mirror a < b.
            for a in 0..<(k - 1) {
                for b in a..<(k - 1) {
                    for u in 0..<p1 {
                        for v in 0..<p1 {
                            let i = (a * p1 + u) * m + b * p1 + v
                            h[i] *= inv
                            if a != b { h[(b * p1 + v) * m + a * p1 + u] = h[i] }
                        }
                    }
                }
            }
            for c in 0..<(k - 1) {
                for j in 0..<d {
                    let q: Int = c * p1 + 1 + j
                    h[q * m + q] += l2
                }
            }
            if anchor != nil { for q in 0..<m { h[q * m + q] += warmPull } }
            // A tiny ridge on the intercepts keeps the system positive definite on separable data.
            for c in 0..<(k - 1) {
                let q: Int = c * p1
                h[q * m + q] += 1e-10
            }
        }
        return loss
    }

    /// Class probabilities of standardised row `row` of `z` under `theta` (reference class K−1).
    @inline(__always)
    private func softmax(_ theta: [Double], _ z: [Double], row: Int, d: Int, k: Int, into prob: inout [Double]) {
        theta.withUnsafeBufferPointer { t in
            z.withUnsafeBufferPointer { zb in prob.withUnsafeMutableBufferPointer { p in softmax(t, zb, row: row, d: d, k: k, into: p) } }
        }
    }

    /// Class probabilities on buffers (the array form above calls this).
    @inline(__always)
    private func softmax(_ theta: UnsafeBufferPointer<Double>, _ z: UnsafeBufferPointer<Double>, row: Int, d: Int, k: Int,
                         into prob: UnsafeMutableBufferPointer<Double>) {
        let p1 = d + 1
        var mx = 0.0
        for c in 0..<(k - 1) {
            var s = theta[c * p1]
            for j in 0..<d { s += theta[c * p1 + 1 + j] * z[row + j] }
            prob[c] = s
            mx = max(mx, s)
        }
        prob[k - 1] = 0
        var tot = 0.0
        for c in 0..<k { prob[c] = _exp(prob[c] - mx); tot += prob[c] }
        for c in 0..<k { prob[c] /= tot }
    }

    private func newton(_ theta: inout [Double], z: [Double], y: [Double], n: Int, d: Int, k: Int,
                        anchor: [Double]?) -> Int {
        let m = (k - 1) * (d + 1)
        var grad = [Double](repeating: 0, count: m)
        var hess: [Double]? = [Double](repeating: 0, count: m * m)
        var noHess: [Double]? = nil
        var scratch = [Double](repeating: 0, count: m)
        var f = objective(theta, z: z, y: y, n: n, d: d, k: k, anchor: anchor, grad: &grad, hess: &hess)
        var iterations = 0
        for _ in 0..<maxIterations {
            iterations += 1
            guard let step = solve(hess!, grad, m) else { break }
            var decrement = 0.0
            for i in 0..<m { decrement += step[i] * grad[i] }
            var t = 1.0, improved = false
            var candidate = theta
            for _ in 0..<30 {
                for i in 0..<m { candidate[i] = theta[i] - t * step[i] }
                let fc = objective(candidate, z: z, y: y, n: n, d: d, k: k, anchor: anchor,
                                   grad: &scratch, hess: &noHess)
                if fc < f { improved = true; break }
                t *= 0.5
            }
            if !improved { break }
            theta = candidate
            f = objective(theta, z: z, y: y, n: n, d: d, k: k, anchor: anchor, grad: &grad, hess: &hess)
            if decrement * t < 1e-12 { break }
        }
        return iterations
    }

    private func solve(_ h: [Double], _ g: [Double], _ m: Int) -> [Double]? {
        var a = h, b = g
        var x = [Double](repeating: 0, count: m)
        let ok: Bool = a.withUnsafeMutableBufferPointer { ap in
            b.withUnsafeMutableBufferPointer { bp in
                x.withUnsafeMutableBufferPointer { xp in
                    var am = gsl_matrix_view_array(ap.baseAddress, m, m)
                    var bv = gsl_vector_view_array(bp.baseAddress, m)
                    var xv = gsl_vector_view_array(xp.baseAddress, m)
                    guard gsl_linalg_cholesky_decomp1(&am.matrix) == 0 else { return false }
                    return gsl_linalg_cholesky_solve(&am.matrix, &bv.vector, &xv.vector) == 0
                }
            }
        }
        return ok && x.allSatisfy({ $0.isFinite }) ? x : nil
    }

    private func sgd(_ theta: inout [Double], z: [Double], y: [Double], n: Int, d: Int, k: Int, rng: RandomStream) -> Int {
        let p1 = d + 1
        var order = Array(0..<n)
        var prob = [Double](repeating: 0, count: k)
        var t = 0.0
        for _ in 0..<epochs {
            rng.shuffle(&order)
            for i in order {
                let row = i * d
                softmax(theta, z, row: row, d: d, k: k, into: &prob)
                let eta = learningRate / (1 + t * learningRate * max(l2, 1e-8))
                t += 1
                let yi = min(max(Int(y[i]), 0), k - 1)
                for c in 0..<(k - 1) {
                    let r = prob[c] - (yi == c ? 1 : 0)
                    theta[c * p1] -= eta * r
                    for j in 0..<d { theta[c * p1 + 1 + j] -= eta * (r * z[row + j] + l2 * theta[c * p1 + 1 + j]) }
                }
            }
        }
        return epochs
    }
}

/// A fitted logistic-regression model; standardisation is folded into the weights.
public struct LogisticRegressionModel: Model {
    public let dimension: Int
    public let classCount: Int
    /// Raw-scale weights: `weights[c * (d+1)]` intercept, then `d` weights, for classes 0..<K−1.
    public let weights: [Double]
    /// Training means, used to impute missing inputs.
    public let mean: [Double]
    let sd: [Double]

    init(theta: [Double], mean: [Double], sd: [Double], dimension d: Int, classCount k: Int) {
        let p1 = d + 1
        var w = [Double](repeating: 0, count: (k - 1) * p1)
        for c in 0..<(k - 1) {
            var b = theta[c * p1]
            for j in 0..<d {
                let wj = theta[c * p1 + 1 + j] / sd[j]
                w[c * p1 + 1 + j] = wj
                b -= wj * mean[j]
            }
            w[c * p1] = b
        }
        weights = w
        self.mean = mean
        self.sd = sd
        dimension = d
        classCount = k
    }

    /// The parameters on the standardised scale of another training set (for warm starts).
    func standardisedParameters(mean m: [Double], sd s: [Double]) -> [Double] {
        let d = dimension, p1 = d + 1
        var theta = [Double](repeating: 0, count: (classCount - 1) * p1)
        for c in 0..<(classCount - 1) {
            var b = weights[c * p1]
            for j in 0..<d {
                let wj = weights[c * p1 + 1 + j]
                theta[c * p1 + 1 + j] = wj * s[j]
                b += wj * m[j]
            }
            theta[c * p1] = b
        }
        return theta
    }

    @inline(__always)
    private func score(_ x: UnsafeBufferPointer<Double>, _ row: Int, _ c: Int) -> Double {
        let d = dimension, base = c * (d + 1)
        var s = weights[base]
        for j in 0..<d {
            let v = x[row + j]
            s += weights[base + 1 + j] * (v.isNaN ? mean[j] : v)
        }
        return s
    }

    /// - Complexity: O(count · d · K), no allocation.
    public func predict(_ x: UnsafeBufferPointer<Double>, count: Int, into out: UnsafeMutableBufferPointer<Double>) {
        let d = dimension
        if classCount == 2 {
            for i in 0..<count { out[i] = score(x, i * d, 0) > 0 ? 0 : 1 }
            return
        }
        for i in 0..<count {
            var best = 0.0, arg = classCount - 1
            for c in 0..<(classCount - 1) {
                let s = score(x, i * d, c)
                if s > best { best = s; arg = c }
            }
            out[i] = Double(arg)
        }
    }

    public func probabilities(_ x: UnsafeBufferPointer<Double>, count: Int, into out: UnsafeMutableBufferPointer<Double>) -> Bool {
        let d = dimension, k = classCount
        for i in 0..<count {
            var mx = 0.0
            for c in 0..<(k - 1) { let s = score(x, i * d, c); out[i * k + c] = s; mx = max(mx, s) }
            out[i * k + k - 1] = 0
            var tot = 0.0
            for c in 0..<k { let e = _exp(out[i * k + c] - mx); out[i * k + c] = e; tot += e }
            for c in 0..<k { out[i * k + c] /= tot }
        }
        return true
    }
}

@inline(__always) func _exp(_ x: Double) -> Double { Foundation.exp(x) }
@inline(__always) func _log(_ x: Double) -> Double { Foundation.log(x) }

extension Double {
    var logOrZero: Double { self > 0 ? _log(self) : 0 }
}
