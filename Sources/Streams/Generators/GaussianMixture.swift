import CGSL
import Foundation
import FlywheelCore

/// Gaussian class-conditional mixture: the simplest toy with a known Bayes ceiling.
///
/// K classes with priors π_k; given class k, `x ~ N(μ_k, diag(σ²))` with one diagonal covariance
/// shared by all classes (isotropic when every σ_j is equal). The label is drawn first, then the
/// input, then the covariate transform is applied.
///
/// Concepts are alternative mean sets. `blend` moves the means continuously,
/// `μ = (1 − b) μ_concept + b μ_toward` (incremental drift). The parametric layout used by the
/// catalog puts the K means equally spaced on a circle in the (x0, x1) plane, adjacent means
/// `separation` apart (radius `separation / (2 sin(π/K))`), and concept c rotates that circle by
/// `c × rotation` degrees. With two classes and a 180° rotation the classes swap places: P(x) is
/// unchanged and only P(y|x) drifts. (A linear blend between opposite layouts brings the means
/// together midway, lowering the Bayes ceiling while the drift is under way.)
///
/// Bayes-optimal accuracy, for any state (`bayesAccuracy(at:)`):
/// - two classes (shared diagonal covariance, any priors): closed form with the Mahalanobis
///   distance `D = ‖(μ1 − μ0)/σ‖` and `L = ln(π0/π1)`:
///   `π0 Φ(D/2 + L/D) + π1 Φ(D/2 − L/D)`, which is `Φ(‖μ1 − μ0‖/(2σ))` for equal priors and an
///   isotropic σ;
/// - K > 2: numeric integration by Monte Carlo, `E_x[max_k P(k | x)]` over 100,000 draws from a
///   fixed seed (standard error below 0.0016), deterministic.
public struct GaussianMixtureGenerator: StreamGenerator {
    /// Default parameter values (as listed in `info`).
    public enum Defaults {
        public static let classes = 2
        public static let features = 2
        public static let separation = 2.0
        public static let sigma = 1.0
        public static let rotation = 90.0
        public static let concepts = 4
    }

    public static let info = ComponentInfo(
        family: "generator", name: "gaussian",
        summary: "K Gaussian classes (shared isotropic sigma, equal priors) with means on a circle; concept c rotates the circle by c×rotation degrees, blend moves the means continuously. Bayes accuracy Φ(separation/(2σ)) for two classes.",
        parameters: [
            ParameterInfo("classes", .whole(Defaults.classes), "Number of classes K (>= 2)."),
            ParameterInfo("features", .whole(Defaults.features), "Input dimension (>= 2); inputs beyond x0, x1 are pure noise N(0, σ²)."),
            ParameterInfo("separation", .real(Defaults.separation), "Distance between adjacent class means (>= 0)."),
            ParameterInfo("sigma", .real(Defaults.sigma), "Standard deviation of every input given the class (> 0)."),
            ParameterInfo("rotation", .real(Defaults.rotation), "Rotation of the mean circle from one concept to the next, in degrees."),
            ParameterInfo("concepts", .whole(Defaults.concepts), "Number of concepts (rotations), >= 1."),
        ],
        reference: "Bayes error of Gaussian classes with shared covariance: Duda, Hart & Stork, Pattern Classification (2001), ch. 2")

    /// Monte Carlo sample size for the Bayes accuracy of more than two classes.
    public static let monteCarloDraws = 100_000

    public let schema: FeatureSchema
    public let conceptCount: Int
    public let classCount: Int
    public let dimension: Int
    /// Class means, row-major `concept × class × dimension`.
    public let means: [Double]
    /// Per-input standard deviation (shared by all classes).
    public let sigma: [Double]
    public let priors: [Double]
    private let cumulativePriors: [Double]
    /// The Bayes-optimal accuracy of concept 0 (see `bayesAccuracy(at:)` for other states).
    public private(set) var bayesAccuracy: Double

    /// A mixture from explicit means `means[concept][class][feature]`, standard deviations `sigma`
    /// (one value: isotropic; one per feature: diagonal) and class priors (default uniform).
    public init(means: [[[Double]]], sigma: [Double], priors: [Double]? = nil) throws {
        guard let first = means.first, let firstClass = first.first, !firstClass.isEmpty else {
            throw FlywheelError("gaussian: means must hold at least one concept with classes and features", key: "means")
        }
        let k = first.count, d = firstClass.count
        guard k >= 2 else { throw FlywheelError("gaussian: at least two classes are needed, got \(k)", key: "classes") }
        for (c, concept) in means.enumerated() {
            guard concept.count == k, concept.allSatisfy({ $0.count == d && $0.allSatisfy(\.isFinite) }) else {
                throw FlywheelError("gaussian: concept \(c) must have \(k) finite means of dimension \(d)", key: "means")
            }
        }
        guard sigma.count == 1 || sigma.count == d, sigma.allSatisfy({ $0.isFinite && $0 > 0 }) else {
            throw FlywheelError("gaussian: sigma must be one positive value or \(d) of them", key: "sigma")
        }
        let p = priors ?? Array(repeating: 1.0 / Double(k), count: k)
        guard p.count == k, p.allSatisfy({ $0 > 0 && $0.isFinite }) else {
            throw FlywheelError("gaussian: priors must be \(k) positive values", key: "priors")
        }
        let total = p.reduce(0, +)
        classCount = k
        dimension = d
        conceptCount = means.count
        self.means = means.flatMap { $0.flatMap { $0 } }
        self.sigma = sigma.count == 1 ? Array(repeating: sigma[0], count: d) : sigma
        self.priors = p.map { $0 / total }
        var running = 0.0
        cumulativePriors = self.priors.map { running += $0; return running }
        schema = FeatureSchema(features: (0..<d).map { "x\($0)" }, classes: (0..<k).map { "\($0)" })
        bayesAccuracy = 0
        bayesAccuracy = bayesAccuracy(at: ConceptState(concept: 0))
    }

    /// The circular layout: K means on a circle in the (x0, x1) plane, adjacent means `separation`
    /// apart, rotated by `c × rotation` degrees for concept c; equal priors, isotropic `sigma`.
    public init(classes: Int = Defaults.classes, features: Int = Defaults.features, separation: Double = Defaults.separation,
                sigma: Double = Defaults.sigma, rotation: Double = Defaults.rotation, concepts: Int = Defaults.concepts) throws {
        guard classes >= 2 else { throw FlywheelError("gaussian: classes must be at least 2, got \(classes)", key: "classes") }
        guard features >= 2 else { throw FlywheelError("gaussian: features must be at least 2, got \(features)", key: "features") }
        guard separation.isFinite, separation >= 0 else {
            throw FlywheelError("gaussian: separation must be >= 0, got \(separation)", key: "separation")
        }
        guard sigma.isFinite, sigma > 0 else { throw FlywheelError("gaussian: sigma must be positive, got \(sigma)", key: "sigma") }
        guard rotation.isFinite else { throw FlywheelError("gaussian: rotation must be finite", key: "rotation") }
        guard concepts >= 1 else { throw FlywheelError("gaussian: concepts must be at least 1, got \(concepts)", key: "concepts") }
        let radius = separation / (2 * sin(Double.pi / Double(classes)))
        let layout: [[[Double]]] = (0..<concepts).map { c in
            (0..<classes).map { k in
                let angle = 2 * Double.pi * Double(k) / Double(classes) + Double(c) * rotation * Double.pi / 180
                var mu = [Double](repeating: 0, count: features)
                mu[0] = radius * cos(angle)
                mu[1] = radius * sin(angle)
                return mu
            }
        }
        try self.init(means: layout, sigma: [sigma])
    }

    /// Mean of feature `j` of class `k` in a (possibly blended) state.
    @inline(__always)
    public func mean(_ k: Int, _ j: Int, _ state: ConceptState) -> Double {
        let a = means[(state.concept * classCount + k) * dimension + j]
        let t = state.blend
        guard t != 0, state.toward != state.concept else { return a }
        return (1 - t) * a + t * means[(state.toward * classCount + k) * dimension + j]
    }

    /// Bayes-optimal accuracy of two Gaussian classes with shared covariance: Mahalanobis
    /// distance `D` between the means and prior `p0` of class 0.
    public static func twoClassBayesAccuracy(distance d: Double, prior0 p0: Double) -> Double {
        let p1 = 1 - p0
        guard d > 0 else { return max(p0, p1) }
        let l = log(p0 / p1)
        return p0 * gsl_cdf_ugaussian_P(d / 2 + l / d) + p1 * gsl_cdf_ugaussian_P(d / 2 - l / d)
    }

    /// The Bayes-optimal accuracy in `state` (closed form for two classes, Monte Carlo otherwise).
    /// - Complexity: O(d) for two classes; O(N K d) with N = `monteCarloDraws` otherwise.
    public func bayesAccuracy(at state: ConceptState) -> Double {
        if classCount == 2 {
            var d2 = 0.0
            for j in 0..<dimension {
                let z = (mean(1, j, state) - mean(0, j, state)) / sigma[j]
                d2 += z * z
            }
            return GaussianMixtureGenerator.twoClassBayesAccuracy(distance: d2.squareRoot(), prior0: priors[0])
        }
        let rng = RandomStream(seed: 0x5EED, path: "gaussian", "bayes")
        var x = [Double](repeating: 0, count: dimension)
        var score = [Double](repeating: 0, count: classCount)
        var sum = 0.0
        let logPriors = priors.map { log($0) }
        for _ in 0..<GaussianMixtureGenerator.monteCarloDraws {
            let y = drawClass(rng.uniform())
            for j in 0..<dimension { x[j] = mean(y, j, state) + sigma[j] * rng.gaussian() }
            var best = -Double.infinity
            for k in 0..<classCount {
                var q = 0.0
                for j in 0..<dimension {
                    let z = (x[j] - mean(k, j, state)) / sigma[j]
                    q += z * z
                }
                score[k] = logPriors[k] - 0.5 * q
                best = max(best, score[k])
            }
            var normaliser = 0.0
            for k in 0..<classCount { normaliser += exp(score[k] - best) }
            sum += 1 / normaliser  // max posterior = exp(best − best) / Σ exp(score − best)
        }
        return sum / Double(GaussianMixtureGenerator.monteCarloDraws)
    }

    @inline(__always) private func drawClass(_ u: Double) -> Int {
        for k in 0..<(classCount - 1) where u < cumulativePriors[k] { return k }
        return classCount - 1
    }

    /// - Complexity: O(K + d), no allocation.
    public func draw(into x: UnsafeMutableBufferPointer<Double>, concept: ConceptState, covariates: CovariateState,
                     rng: RandomStream) -> Double {
        let y = drawClass(rng.uniform())
        for j in 0..<dimension { x[j] = mean(y, j, concept) + sigma[j] * rng.gaussian() }
        covariates.apply(x)
        return Double(y)
    }
}

extension GaussianMixtureGenerator: CataloguedGenerator, TickDrawing {
    public static func modelSize(_ p: ParameterReader) -> (numbers: Double, formula: String)? {
        func v(_ name: String) -> Double { Swift.max(p.number(name), 0) }
        return (v("classes") * v("features") * v("concepts"), "classes × features × concepts")
    }

    public init(_ p: ParameterReader, seed: UInt64) throws {
        let g = GeneratorCatalog.wholeNumbers
        try self.init(classes: p.whole("classes", in: g), features: p.whole("features", in: g), separation: p.real("separation"),
                      sigma: p.real("sigma"), rotation: p.real("rotation"), concepts: p.whole("concepts", in: g))
    }
}
