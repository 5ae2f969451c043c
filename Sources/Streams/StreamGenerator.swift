import FlywheelCore

/// How the covariates P(x) are transformed at one moment: `x'_j = x_j * scale_j + shift_j`
/// applied to the clean inputs before they are labelled (P(y|x) is unchanged: a virtual drift).
public struct CovariateState: Sendable {
    public var shift: [Double]
    public var scale: [Double]
    public var isIdentity: Bool

    public init(dimension: Int) {
        shift = Array(repeating: 0, count: dimension)
        scale = Array(repeating: 1, count: dimension)
        isIdentity = true
    }

    @inline(__always) public func apply(_ x: UnsafeMutableBufferPointer<Double>) {
        guard !isIdentity else { return }
        for j in 0..<x.count { x[j] = x[j] * scale[j] + shift[j] }
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
