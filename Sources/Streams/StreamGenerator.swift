import FlywheelCore

/// How the covariates P(x) are transformed at one moment: `x'_j = x_j * scale_j + shift_j`,
/// then the plane rotations in order, applied to the clean inputs before they are labelled
/// (P(y|x) is unchanged: a virtual drift).
public struct CovariateState: Sendable {
    public var shift: [Double]
    public var scale: [Double]
    /// Plane rotations: features `a` and `b` turned by an angle (its cosine and sine) about a centre.
    public var rotations: [PlaneRotation]
    public var isIdentity: Bool

    /// A rotation of the plane of features `a` and `b` about `(centerA, centerB)`.
    public struct PlaneRotation: Sendable, Hashable {
        public var a: Int, b: Int
        public var cos: Double, sin: Double
        public var centerA: Double, centerB: Double
        public init(a: Int, b: Int, cos: Double, sin: Double, centerA: Double, centerB: Double) {
            self.a = a; self.b = b; self.cos = cos; self.sin = sin; self.centerA = centerA; self.centerB = centerB
        }
    }

    public init(dimension: Int) {
        shift = Array(repeating: 0, count: dimension)
        scale = Array(repeating: 1, count: dimension)
        rotations = []
        rotations.reserveCapacity(4)
        isIdentity = true
    }

    @inline(__always) public func apply(_ x: UnsafeMutableBufferPointer<Double>) {
        guard !isIdentity else { return }
        for j in 0..<x.count { x[j] = x[j] * scale[j] + shift[j] }
        for r in rotations {
            let u = x[r.a] - r.centerA, v = x[r.b] - r.centerB
            x[r.a] = r.centerA + r.cos * u - r.sin * v
            x[r.b] = r.centerB + r.sin * u + r.cos * v
        }
    }
}

/// Which concept labels an event, and (for incremental drift) how far it has moved toward the next.
public struct ConceptState: Sendable, Hashable {
    public var concept: Int
    /// For generators with continuous parameters: the concept the parameters move toward.
    public var toward: Int
    /// Position of the parameters between `concept` (0) and `toward` (1).
    public var blend: Double

    public init(concept: Int, toward: Int? = nil, blend: Double = 0) {
        self.concept = concept
        self.toward = toward ?? concept
        self.blend = blend
    }
}

/// A synthetic data-generating process with one or more concepts (labelling functions).
///
/// A generator draws clean inputs, lets the engine transform them (covariate drift), and labels
/// them with the requested concept. Generators whose classes come first (Gaussian mixtures, RBF)
/// draw the label, then the inputs given it, and apply the covariate transform after.
public protocol StreamGenerator: Sendable {
    var schema: FeatureSchema { get }
    /// How many distinct concepts the generator has (concept indices are `0..<conceptCount`).
    var conceptCount: Int { get }
    /// The Bayes-optimal accuracy of a noiseless concept (1 for a deterministic labelling
    /// function); NaN when it has no closed form. Label noise η lowers it to `(1 − η) × this`.
    var bayesAccuracy: Double { get }
    /// Draws one event: writes its inputs into `x` and returns its label (a class index as
    /// `Double`, or a regression target).
    func draw(into x: UnsafeMutableBufferPointer<Double>, concept: ConceptState, covariates: CovariateState,
              rng: RandomStream) -> Double
}
