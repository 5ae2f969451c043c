import FlywheelCore

/// STAGGER concepts (Schlimmer & Granger, "Incremental learning from noisy data", Machine
/// Learning 1(3), 1986), as River's `STAGGER` and MOA's `STAGGERGenerator` define them.
///
/// Three categorical attributes, each uniform over three values and encoded as the value's index:
/// - `size`: 0 = small, 1 = medium, 2 = large
/// - `color`: 0 = red, 1 = blue, 2 = green
/// - `shape`: 0 = circle, 1 = square, 2 = triangle
///
/// Concepts (class 1 when true):
/// - 0: `size = small ∧ color = red` (P(y = 1) = 1/9)
/// - 1: `color = green ∨ shape = circle` (P(y = 1) = 5/9)
/// - 2: `size = medium ∨ size = large` (P(y = 1) = 2/3)
///
/// Labels are read from the (possibly covariate-shifted) inputs rounded to the nearest index.
/// Deterministic concepts: the Bayes-optimal accuracy is 1. Concepts are discrete: `blend` and
/// `toward` are ignored (only `concept` labels); mix concepts with a gradual schedule instead.
public struct STAGGERGenerator: StreamGenerator {
    public static let info = ComponentInfo(
        family: "generator", name: "stagger",
        summary: "Three categorical attributes (size, color, shape; each 0-2); concepts 0-2: small∧red, green∨circle, medium∨large.",
        parameters: [], reference: "Schlimmer & Granger, Machine Learning 1(3), 1986")

    public let schema = FeatureSchema(features: ["size", "color", "shape"], classes: ["0", "1"])
    public var conceptCount: Int { 3 }
    public var bayesAccuracy: Double { 1 }

    public init() {}

    /// The label concept `concept` gives to inputs `x` (size, color, shape as indices).
    /// - Complexity: O(1).
    @inline(__always)
    public static func label(_ x: UnsafeBufferPointer<Double>, concept: Int) -> Double {
        let size = x[0].rounded(), color = x[1].rounded(), shape = x[2].rounded()
        let positive: Bool
        switch concept {
        case 0: positive = size == 0 && color == 0
        case 1: positive = color == 2 || shape == 0
        default: positive = size == 1 || size == 2
        }
        return positive ? 1 : 0
    }

    /// - Complexity: O(1), no allocation.
    @inline(__always)
    public func draw(into x: UnsafeMutableBufferPointer<Double>, concept: ConceptState, covariates: CovariateState,
                     rng: RandomStream) -> Double {
        x[0] = Double(rng.int(below: 3))
        x[1] = Double(rng.int(below: 3))
        x[2] = Double(rng.int(below: 3))
        covariates.apply(x)
        return STAGGERGenerator.label(UnsafeBufferPointer(x), concept: concept.concept)
    }
}

extension STAGGERGenerator: CataloguedGenerator, TickDrawing {
    public init(_ p: ParameterReader, seed: UInt64) throws {
        self.init()
    }
}
