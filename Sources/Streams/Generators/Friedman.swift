import Foundation
import FlywheelCore

/// Friedman #1 regression (Friedman, "Multivariate adaptive regression splines", Annals of
/// Statistics 19(1), 1991) and its drifting variants (Ikonomovska, Gama & Džeroski, "Learning
/// model trees from evolving data streams", DMKD 23(1), 2011), as River's `Friedman` and
/// `FriedmanDrift` define them.
///
/// Ten inputs uniform on [0, 1) (only x0…x4 matter in the base concept); the target is
/// `f(x) + ε`, `ε ~ N(0, noiseSD²)` (default 1). Concepts (0-based inputs):
/// - 0 `friedman`: `10 sin(π x0 x1) + 20 (x2 − ½)² + 10 x3 + 5 x4`
/// - 1 `gra` (global recurring abrupt; the recurrence is the schedule 0 → 1 → 0):
///   `10 sin(π x3 x5) + 20 (x1 − ½)² + 10 x0 + 5 x2`
/// - 2, 3, 4 `lea1`–`lea3` (local expanding abrupt): the base function, except in two regions
///   where it is replaced by `10 x0 x1 + 20 (x2 − ½) + 10 x3 + 5 x4` (R1) and
///   `10 cos(x0 x1) + 20 (x2 − ½) + e^{x3} + 5 x4²` (R2). The regions grow from stage to stage:
///   R1 = {x1 < .3, x2 < .3, x3 > .7, x4 < .3}, then without the x4 test, then without the x3
///   test; R2 = {x1 > .7, x2 > .7, x3 < .3, x4 > .7}, likewise.
/// - 5, 6 `gsg1`, `gsg2` (global and slow gradual; the engine's gradual schedule mixes them):
///   `10 sin(π x3 x4) + 20 (x1 − ½)² + 10 x0 + 5 x2` and
///   `10 sin(π x1 x4) + 20 (x3 − ½)² + 10 x2 + 5 x0`.
///
/// `blend` interpolates the regression function, `f = (1 − b) f_concept + b f_toward`
/// (incremental drift between two concepts). The covariate transform is applied before `f`.
/// Regression: `schema.classes` is empty and `bayesAccuracy` is NaN; the Bayes-optimal mean squared
/// error is `noiseSD²` in every state.
public struct FriedmanGenerator: StreamGenerator {
    /// Concept names, by index.
    public static let conceptNames = ["friedman", "gra", "lea1", "lea2", "lea3", "gsg1", "gsg2"]

    public static let info = ComponentInfo(
        family: "generator", name: "friedman",
        summary: "Friedman #1 regression on ten uniform inputs, y = 10 sin(π x0 x1) + 20 (x2-0.5)^2 + 10 x3 + 5 x4 + N(0, noise_sd^2); concepts 1-6 are Ikonomovska et al.'s drifts (gra, lea1-3, gsg1-2).",
        parameters: [
            ParameterInfo("noise_sd", .real(1), "Standard deviation of the additive Gaussian noise ε (>= 0).", shown: "1"),
        ],
        reference: "Friedman, Annals of Statistics 1991; Ikonomovska, Gama & Džeroski, DMKD 2011")

    public let schema = FeatureSchema(features: (0..<10).map { "x\($0)" }, classes: [])
    public var conceptCount: Int { FriedmanGenerator.conceptNames.count }
    public var bayesAccuracy: Double { .nan }
    public let noiseSD: Double
    /// The Bayes-optimal mean squared error, `noiseSD²`.
    public var bayesMSE: Double { noiseSD * noiseSD }

    public init(noiseSD: Double = info.defaultNumber("noise_sd")) throws {
        guard noiseSD.isFinite, noiseSD >= 0 else {
            throw FlywheelError("friedman: noise_sd must be >= 0, got \(noiseSD)", key: "noise_sd")
        }
        self.noiseSD = noiseSD
    }

    @inline(__always) private static func base(_ x: UnsafeBufferPointer<Double>) -> Double {
        let a = x[2] - 0.5
        return 10 * sin(Double.pi * x[0] * x[1]) + 20 * a * a + 10 * x[3] + 5 * x[4]
    }

    /// The noiseless target of `concept` at `x`.
    /// - Complexity: O(1).
    public static func target(_ x: UnsafeBufferPointer<Double>, concept: Int) -> Double {
        switch concept {
        case 0:
            return base(x)
        case 1:
            let a = x[1] - 0.5
            return 10 * sin(Double.pi * x[3] * x[5]) + 20 * a * a + 10 * x[0] + 5 * x[2]
        case 2, 3, 4:
            let inR1 = x[1] < 0.3 && x[2] < 0.3 && (concept == 4 || x[3] > 0.7) && (concept != 2 || x[4] < 0.3)
            if inR1 { return 10 * x[0] * x[1] + 20 * (x[2] - 0.5) + 10 * x[3] + 5 * x[4] }
            let inR2 = x[1] > 0.7 && x[2] > 0.7 && (concept == 4 || x[3] < 0.3) && (concept != 2 || x[4] > 0.7)
            if inR2 { return 10 * cos(x[0] * x[1]) + 20 * (x[2] - 0.5) + exp(x[3]) + 5 * x[4] * x[4] }
            return base(x)
        case 5:
            let a = x[1] - 0.5
            return 10 * sin(Double.pi * x[3] * x[4]) + 20 * a * a + 10 * x[0] + 5 * x[2]
        default:
            let a = x[3] - 0.5
            return 10 * sin(Double.pi * x[1] * x[4]) + 20 * a * a + 10 * x[2] + 5 * x[0]
        }
    }

    /// The noiseless target in a (possibly blended) state.
    /// - Complexity: O(1).
    @inline(__always)
    public static func target(_ x: UnsafeBufferPointer<Double>, state: ConceptState) -> Double {
        let t = state.blend
        if t == 0 || state.toward == state.concept { return target(x, concept: state.concept) }
        if t == 1 { return target(x, concept: state.toward) }
        return (1 - t) * target(x, concept: state.concept) + t * target(x, concept: state.toward)
    }

    /// - Complexity: O(1) (ten inputs), no allocation.
    public func draw(into x: UnsafeMutableBufferPointer<Double>, concept: ConceptState, covariates: CovariateState,
                     rng: RandomStream) -> Double {
        for j in 0..<10 { x[j] = rng.uniform() }
        covariates.apply(x)
        let f = FriedmanGenerator.target(UnsafeBufferPointer(x), state: concept)
        return noiseSD > 0 ? f + rng.gaussian(noiseSD) : f
    }
}

extension FriedmanGenerator: CataloguedGenerator, TickDrawing {
    public init(_ p: ParameterReader, seed: UInt64) throws {
        try self.init(noiseSD: p.real("noise_sd"))
    }
}
