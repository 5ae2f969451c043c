import FlywheelCore

/// SEA concepts (Street & Kim, "A streaming ensemble algorithm (SEA) for large-scale
/// classification", KDD 2001).
///
/// Three inputs uniform on [0, 10); only the first two matter. The label is
/// `x0 + x1 ≤ θ` (class 1) with θ = 8, 9, 7, 9.5 for concepts 0–3, as in Street & Kim's paper
/// (the thresholds of River's variants 0–3; River and MOA code the other side as class 1,
/// which changes no accuracy of a model that treats the classes alike).
/// Deterministic concepts: the Bayes-optimal accuracy is 1, and `1 − η` under label noise η.
public struct SEAGenerator: StreamGenerator {
    public static let thresholds: [Double] = [8, 9, 7, 9.5]
    public static let info = ComponentInfo(
        family: "generator", name: "sea",
        summary: "Three uniform inputs on [0,10); class 1 when x0 + x1 <= threshold (8, 9, 7, 9.5 for concepts 0-3).",
        parameters: [], reference: "Street & Kim, KDD 2001")

    public let schema = FeatureSchema(features: ["x0", "x1", "x2"], classes: ["0", "1"])
    public var conceptCount: Int { SEAGenerator.thresholds.count }
    public var bayesAccuracy: Double { 1 }

    public init() {}

    @inline(__always)
    public func draw(into x: UnsafeMutableBufferPointer<Double>, concept: ConceptState, covariates: CovariateState,
                     rng: RandomStream) -> Double {
        x[0] = 10 * rng.uniform()
        x[1] = 10 * rng.uniform()
        x[2] = 10 * rng.uniform()
        covariates.apply(x)
        let a = SEAGenerator.thresholds[concept.concept], b = SEAGenerator.thresholds[concept.toward]
        let theta = a + (b - a) * concept.blend
        return x[0] + x[1] <= theta ? 1 : 0
    }
}

extension SEAGenerator: CataloguedGenerator, TickDrawing {
    public init(_ p: ParameterReader, seed: UInt64) throws {
        self.init()
    }
}
