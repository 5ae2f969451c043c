import Foundation
import FlywheelCore

/// SINE concepts (Gama, Medas, Castillo & Rodrigues, "Learning with drift detection", SBIA 2004),
/// as River's `Sine` defines them.
///
/// Two relevant inputs `x0, x1` uniform on [0, 1), plus `irrelevant` extra uniform inputs (River's
/// `has_noise` adds two). Concepts (class 1 when true):
/// - 0 SINE1: `x0 < sin(x1)` (P(y = 1) = 1 − cos 1 ≈ 0.4597)
/// - 1 reversed SINE1: `x0 ≥ sin(x1)`
/// - 2 SINE2: `x0 < 0.5 + 0.3 sin(3π x1)` (P(y = 1) = 0.5 + 0.2/π ≈ 0.5637)
/// - 3 reversed SINE2: `x0 ≥ 0.5 + 0.3 sin(3π x1)`
///
/// Deterministic concepts: the Bayes-optimal accuracy is 1. Concepts are discrete: `blend` and
/// `toward` are ignored (only `concept` labels); mix concepts with a gradual schedule instead.
public struct SineGenerator: StreamGenerator {
    public static let info = ComponentInfo(
        family: "generator", name: "sine",
        summary: "Two uniform inputs on [0,1); concepts 0-3: x0 < sin(x1), reversed, x0 < 0.5 + 0.3 sin(3π x1), reversed.",
        parameters: [
            ParameterInfo("irrelevant", .whole(0), "Number of extra uniform inputs that do not affect the label (River's has_noise adds 2)."),
        ],
        reference: "Gama, Medas, Castillo & Rodrigues, SBIA 2004")

    public let schema: FeatureSchema
    public var conceptCount: Int { 4 }
    public var bayesAccuracy: Double { 1 }
    public let dimension: Int

    public init(irrelevant: Int = info.defaultWhole("irrelevant")) throws {
        guard irrelevant >= 0 else { throw FlywheelError("sine: irrelevant must be >= 0, got \(irrelevant)", key: "irrelevant") }
        dimension = 2 + irrelevant
        schema = FeatureSchema(features: (0..<(2 + irrelevant)).map { "x\($0)" }, classes: ["0", "1"])
    }

    /// The label concept `concept` gives to `x`.
    /// - Complexity: O(1).
    @inline(__always)
    public static func label(_ x: UnsafeBufferPointer<Double>, concept: Int) -> Double {
        let below: Bool
        switch concept {
        case 0, 1: below = x[0] < sin(x[1])
        default: below = x[0] < 0.5 + 0.3 * sin(3 * Double.pi * x[1])
        }
        return below == (concept % 2 == 0) ? 1 : 0
    }

    /// - Complexity: O(d), no allocation.
    @inline(__always)
    public func draw(into x: UnsafeMutableBufferPointer<Double>, concept: ConceptState, covariates: CovariateState,
                     rng: RandomStream) -> Double {
        for j in 0..<dimension { x[j] = rng.uniform() }
        covariates.apply(x)
        return SineGenerator.label(UnsafeBufferPointer(x), concept: concept.concept)
    }
}

extension SineGenerator: CataloguedGenerator, TickDrawing {
    public static func modelSize(_ p: ParameterReader) -> (numbers: Double, formula: String)? {
        func v(_ name: String) -> Double { Swift.max(p.number(name), 0) }
        return (v("irrelevant"), "irrelevant")
    }

    public init(_ p: ParameterReader, seed: UInt64) throws {
        try self.init(irrelevant: p.whole("irrelevant", in: GeneratorCatalog.wholeNumbers))
    }
}
