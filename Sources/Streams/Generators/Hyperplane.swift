import FlywheelCore

/// Rotating hyperplane (Hulten, Spencer & Domingos, "Mining time-changing data streams", KDD
/// 2001), as MOA's `HyperplaneGenerator` and River's `Hyperplane` define it.
///
/// `d` inputs uniform on [0, 1). With weights `w`, the label is 1 when
/// `Σ_j w_j x_j ≥ ½ Σ_j w_j`, else 0; by the symmetry of `x_j − ½` the classes are balanced
/// whatever the weights.
///
/// Concepts are weight vectors derived deterministically from `modelSeed`: concept 0 draws
/// `w_j ~ U(0, 1)`; each following concept moves the first `driftFeatures` weights by
/// `magnitude` in their current direction (initially +1), and each direction reverses with
/// probability `sigma` after the step (MOA's per-example rule, taken one step per concept).
/// `blend` interpolates the weights linearly, `w = (1 − b) w_concept + b w_toward` (incremental
/// drift: the hyperplane rotates continuously).
///
/// Deterministic concepts: the Bayes-optimal accuracy is 1. Label noise (MOA's and River's
/// `noise_percentage`) is applied by the engine, as for every classification generator.
public struct HyperplaneGenerator: StreamGenerator {
    /// Default parameter values (as listed in `info`).
    public enum Defaults {
        public static let features = 10
        public static let driftFeatures = 2
        public static let magnitude = 0.5
        public static let sigma = 0.1
        public static let concepts = 5
    }

    public static let info = ComponentInfo(
        family: "generator", name: "hyperplane",
        summary: "Uniform inputs on [0,1)^d; class 1 when w·x >= sum(w)/2. Concepts are weight vectors that rotate step by step; blend rotates continuously.",
        parameters: [
            ParameterInfo("features", .whole(Defaults.features), "Input dimension d (>= 2)."),
            ParameterInfo("drift_features", .whole(Defaults.driftFeatures), "How many weights (the first ones) change from one concept to the next (0...d)."),
            ParameterInfo("magnitude", .real(Defaults.magnitude), "Change of each drifting weight per concept step (> 0)."),
            ParameterInfo("sigma", .real(Defaults.sigma), "Probability that a drifting weight's direction reverses after each step (0...1)."),
            ParameterInfo("concepts", .whole(Defaults.concepts), "Number of concepts (weight vectors), >= 1."),
            ParameterInfo("model_seed", "scenario seed", "Seed of the weight vectors."),
        ],
        reference: "Hulten, Spencer & Domingos, KDD 2001")

    public let schema: FeatureSchema
    public let conceptCount: Int
    public var bayesAccuracy: Double { 1 }
    public let dimension: Int
    /// Concept weight vectors, row-major `concept × dimension`.
    public let weights: [Double]

    public init(features: Int = Defaults.features, driftFeatures: Int = Defaults.driftFeatures,
                magnitude: Double = Defaults.magnitude, sigma: Double = Defaults.sigma,
                concepts: Int = Defaults.concepts, modelSeed: UInt64 = 1) throws {
        guard features >= 2 else { throw FlywheelError("hyperplane: features must be at least 2, got \(features)", key: "features") }
        guard (0...features).contains(driftFeatures) else {
            throw FlywheelError("hyperplane: drift_features must be in 0...\(features), got \(driftFeatures)", key: "drift_features")
        }
        guard magnitude.isFinite, magnitude > 0 else {
            throw FlywheelError("hyperplane: magnitude must be positive, got \(magnitude)", key: "magnitude")
        }
        guard sigma >= 0, sigma <= 1 else { throw FlywheelError("hyperplane: sigma must be in [0, 1], got \(sigma)", key: "sigma") }
        guard concepts >= 1 else { throw FlywheelError("hyperplane: concepts must be at least 1, got \(concepts)", key: "concepts") }
        dimension = features
        conceptCount = concepts
        schema = FeatureSchema(features: (0..<features).map { "x\($0)" }, classes: ["0", "1"])
        let rng = RandomStream(seed: modelSeed, path: "hyperplane", "weights")
        var w = (0..<features).map { _ in rng.uniform() }
        var direction = [Double](repeating: 1, count: driftFeatures)
        var all = w
        for _ in 1..<max(concepts, 1) {
            for i in 0..<driftFeatures {
                w[i] += direction[i] * magnitude
                if rng.uniform() < sigma { direction[i] = -direction[i] }
            }
            all += w
        }
        weights = all
    }

    /// A hyperplane with explicit concept weight vectors `weights[concept][feature]`.
    public init(weights: [[Double]]) throws {
        guard let first = weights.first, first.count >= 2 else {
            throw FlywheelError("hyperplane: weights need at least one concept of at least 2 features", key: "weights")
        }
        guard weights.allSatisfy({ $0.count == first.count && $0.allSatisfy(\.isFinite) }) else {
            throw FlywheelError("hyperplane: every concept needs \(first.count) finite weights", key: "weights")
        }
        dimension = first.count
        conceptCount = weights.count
        schema = FeatureSchema(features: (0..<first.count).map { "x\($0)" }, classes: ["0", "1"])
        self.weights = weights.flatMap { $0 }
    }

    /// The label of `x` under the weights of `concept` (blended toward `toward`).
    /// - Complexity: O(d), no allocation.
    @inline(__always)
    public func label(_ x: UnsafeBufferPointer<Double>, concept: ConceptState) -> Double {
        let d = dimension
        let a = concept.concept * d, b = concept.toward * d, t = concept.blend
        var dot = 0.0, total = 0.0
        if t == 0 || a == b {
            for j in 0..<d { let w = weights[a + j]; dot += w * x[j]; total += w }
        } else {
            for j in 0..<d {
                let w = (1 - t) * weights[a + j] + t * weights[b + j]
                dot += w * x[j]
                total += w
            }
        }
        return dot >= 0.5 * total ? 1 : 0
    }

    /// - Complexity: O(d), no allocation.
    @inline(__always)
    public func draw(into x: UnsafeMutableBufferPointer<Double>, concept: ConceptState, covariates: CovariateState,
                     rng: RandomStream) -> Double {
        for j in 0..<dimension { x[j] = rng.uniform() }
        covariates.apply(x)
        return label(UnsafeBufferPointer(x), concept: concept)
    }
}

extension HyperplaneGenerator: CataloguedGenerator, TickDrawing {
    public static func modelSize(_ p: ParameterReader) -> (numbers: Double, formula: String)? {
        func v(_ name: String) -> Double { Swift.max(p.number(name), 0) }
        return (v("features") * v("concepts"), "features × concepts")
    }

    public init(_ p: ParameterReader, seed: UInt64) throws {
        let g = GeneratorCatalog.wholeNumbers
        try self.init(features: p.whole("features", in: g), driftFeatures: p.whole("drift_features", in: g),
                      magnitude: p.real("magnitude"), sigma: p.real("sigma"), concepts: p.whole("concepts", in: g),
                      modelSeed: p.seed("model_seed", else: seed))
    }
}
