import CGSL
import FlywheelCore

/// GSL aborts the process on an error unless its handler is off; switched off once, process-wide,
/// so every GSL status is checked by the caller instead.
let gslErrorHandlerOff: Void = { _ = gsl_set_error_handler_off() }()

/// Ridge regression: least squares with an L2 penalty on the coefficients (Hoerl & Kennard, 1970).
///
/// With inputs standardised to z_j = (x_j − mean_j) / sd_j (when `standardize` = 1) and the
/// target centred at ȳ (when `intercept` = 1), the coefficients solve the normal equations
///
///     (ZᵀZ + λ I) β = Zᵀ (y − ȳ)
///
/// by a Cholesky factorisation (GSL `gsl_linalg_cholesky_decomp1`). The intercept is not
/// penalised: it is ȳ on the centred problem. Coefficients are mapped back to the raw inputs,
/// w_j = β_j / sd_j and b = ȳ − Σ_j w_j mean_j, so a prediction is w·x + b. With `standardize` = 0
/// the penalty applies to the raw coefficients (scikit-learn's `Ridge(alpha=λ)`); with
/// `intercept` = 0 as well, β = (XᵀX + λI)⁻¹Xᵀy exactly. If the system is not positive definite
/// (λ = 0 with collinear inputs), λ is raised in steps of ×10 from 1e-12 × (trace/d) until the
/// factorisation succeeds.
///
/// Parameters: `l2` = λ ≥ 0 (default 1), `standardize` (default 1), `intercept` (default 1).
/// A regression model (`classCount` 0): the `classCount` given to `fit` is ignored. Rows with a
/// non-finite target are skipped; non-finite inputs are imputed with the training mean. No warm
/// start (the solution is exact). Two passes over the data (input statistics, normal equations).
public struct RidgeRegression: CataloguedLearner {
    public var handlesClassification: Bool { false }
    public var l2: Double
    public var standardize: Bool
    public var intercept: Bool
    public var family: String { "ridge" }

    public static let info = ComponentInfo(
        family: "model", name: "ridge",
        summary: "Ridge regression (L2-penalised least squares, unpenalised intercept, standardised inputs), solved by Cholesky.",
        parameters: [
            ParameterInfo("l2", .real(1), "penalty λ on the (standardised) coefficients"),
            ParameterInfo("standardize", .flag(true), "1 to standardise inputs to zero mean and unit variance before penalising, 0 not to"),
            ParameterInfo("intercept", .flag(true), "1 to fit an unpenalised intercept, 0 to fit through the origin"),
        ],
        reference: "Hoerl & Kennard (1970); scikit-learn Ridge; GSL Cholesky")

    public init(l2: Double = info.defaultNumber("l2"), standardize: Bool = info.defaultNumber("standardize") == 1,
                intercept: Bool = info.defaultNumber("intercept") == 1) {
        self.l2 = l2
        self.standardize = standardize
        self.intercept = intercept
    }

    /// Builds the learner from scenario parameters.
    public init(_ p: ParameterReader) throws {
        self.init(l2: try p.real("l2", atLeast: 0), standardize: try p.whole("standardize", in: 0...1) == 1,
                  intercept: try p.whole("intercept", in: 0...1) == 1)
    }

    /// - Complexity: O(n × dimension² + dimension³).
    /// Refuses `warm_start`: the closed-form least-squares fit does not depend on a starting point.
    public func warmStartProblem(warmStart: Bool) -> String? {
        warmStart ? "warm_start has no effect with ridge: the closed-form least-squares fit does not depend on "
            + "a starting point" : nil
    }

    public func fit(_ data: TrainingSet, classCount: Int, warmStart: (any Model)?, rng: RandomStream) -> (model: any Model, epochs: Int) {
        let d = data.dimension
        var use = [Bool](repeating: false, count: data.count)
        var n = 0.0
        for i in 0..<data.count where data.labels[i].isFinite { use[i] = true; n += 1 }
        let stats = Standardizer(fitting: data, use: use)
        guard n > 0 else {
            return (RidgeModel(weights: Array(repeating: 0, count: d), intercept: 0, featureMeans: stats.means), 2)
        }
        let centre = intercept ? stats.means : Array(repeating: 0, count: d)
        let scale = standardize ? stats.inverseScales : Array(repeating: 1, count: d)

        // One pass: ZᵀZ, Zᵀy, Σz and Σy.
        var gram = [Double](repeating: 0, count: d * d)
        var zty = [Double](repeating: 0, count: d)
        var zsum = [Double](repeating: 0, count: d)
        var ysum = 0.0
        withScratch(d) { z in
            data.features.withUnsafeBufferPointer { x in
                for i in 0..<data.count where use[i] {
                    let y = data.labels[i]
                    ysum += y
                    for j in 0..<d {
                        z[j] = (stats.imputed(x[i * d + j], j) - centre[j]) * scale[j]
                        zsum[j] += z[j]
                        zty[j] += z[j] * y
                    }
                    for a in 0..<d {
                        let za = z[a]
                        for b in a..<d { gram[a * d + b] += za * z[b] }
                    }
                }
            }
        }
        let ybar = intercept ? ysum / n : 0
        // Zᵀ(y − ȳ) = Zᵀy − ȳ Σz.
        var rhs = [Double](repeating: 0, count: d)
        for j in 0..<d { rhs[j] = zty[j] - ybar * zsum[j] }
        for a in 0..<d { for b in 0..<a { gram[a * d + b] = gram[b * d + a] } }

        let beta = RidgeRegression.solve(gram: gram, rhs: rhs, dimension: d, lambda: l2)
        var w = [Double](repeating: 0, count: d)
        var b = ybar
        for j in 0..<d {
            w[j] = beta[j] * scale[j]
            b -= w[j] * centre[j]
        }
        return (RidgeModel(weights: w, intercept: b, featureMeans: stats.means), 2)
    }

    /// Solves (G + λI) β = r by Cholesky, raising λ when G + λI is not positive definite.
    static func solve(gram: [Double], rhs: [Double], dimension d: Int, lambda: Double) -> [Double] {
        guard d > 0 else { return [] }
        _ = gslErrorHandlerOff
        let m = gsl_matrix_alloc(d, d)!
        let r = gsl_vector_alloc(d)!
        let x = gsl_vector_alloc(d)!
        defer { gsl_matrix_free(m); gsl_vector_free(r); gsl_vector_free(x) }
        var trace = 0.0
        for j in 0..<d { trace += gram[j * d + j] }
        var jitter = 1e-12 * max(trace / Double(d), 1)
        var penalty = lambda
        for _ in 0..<40 {
            for a in 0..<d {
                for c in 0..<d { gsl_matrix_set(m, a, c, gram[a * d + c] + (a == c ? penalty : 0)) }
                gsl_vector_set(r, a, rhs[a])
            }
            if Int(gsl_linalg_cholesky_decomp1(m)) == GSL_SUCCESS, Int(gsl_linalg_cholesky_solve(m, r, x)) == GSL_SUCCESS {
                var out = [Double](repeating: 0, count: d)
                var finite = true
                for j in 0..<d { out[j] = gsl_vector_get(x, j); finite = finite && out[j].isFinite }
                if finite { return out }
            }
            penalty = lambda + jitter
            jitter *= 10
        }
        return Array(repeating: 0, count: d)
    }
}

/// A fitted linear regression model: ŷ = w·x + b, with non-finite inputs imputed by the training mean.
public struct RidgeModel: Model {
    /// Coefficients on the raw (unstandardised) inputs.
    public let weights: [Double]
    public let intercept: Double
    /// Training mean of each feature (the imputation value).
    public let featureMeans: [Double]

    public var classCount: Int { 0 }
    public var dimension: Int { weights.count }

    public init(weights: [Double], intercept: Double, featureMeans: [Double]) {
        self.weights = weights
        self.intercept = intercept
        self.featureMeans = featureMeans
    }

    /// - Complexity: O(count × dimension); allocates nothing.
    public func predict(_ x: UnsafeBufferPointer<Double>, count: Int, into out: UnsafeMutableBufferPointer<Double>) {
        let d = dimension
        precondition(x.count >= count * d && out.count >= count, "buffer too small")
        weights.withUnsafeBufferPointer { w in
            featureMeans.withUnsafeBufferPointer { m in
                for i in 0..<count {
                    var s = intercept
                    for j in 0..<d {
                        let v = x[i * d + j]
                        s += w[j] * (v.isFinite ? v : m[j])
                    }
                    out[i] = s
                }
            }
        }
    }

    /// A regression model has no class probabilities: writes nothing and returns false.
    public func probabilities(_ x: UnsafeBufferPointer<Double>, count: Int, into out: UnsafeMutableBufferPointer<Double>) -> Bool { false }
}
