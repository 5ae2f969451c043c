import FlywheelCore
@testable import Streams

/// Events drawn from a generator, row-major.
struct GeneratedSample {
    var dimension: Int
    var x: [Double]
    var y: [Double]
    var count: Int { y.count }
    func row(_ i: Int) -> ArraySlice<Double> { x[(i * dimension)..<((i + 1) * dimension)] }
    func value(_ i: Int, _ j: Int) -> Double { x[i * dimension + j] }
}

/// Sampling and counting helpers for the generator tests.
enum Gen {
    static func sample(_ g: some StreamGenerator, count: Int, state: ConceptState = ConceptState(concept: 0), seed: UInt64 = 7,
                       covariates: CovariateState? = nil) -> GeneratedSample {
        let d = g.schema.dimension
        let rng = RandomStream(seed: seed)
        let cov = covariates ?? CovariateState(dimension: d)
        var out = GeneratedSample(dimension: d, x: [], y: [])
        out.x.reserveCapacity(count * d)
        var buffer = [Double](repeating: 0, count: d)
        for _ in 0..<count {
            let y = buffer.withUnsafeMutableBufferPointer { g.draw(into: $0, concept: state, covariates: cov, rng: rng) }
            out.x += buffer
            out.y.append(y)
        }
        return out
    }

    /// Calls `body` with a read-only buffer over `values`.
    static func withPoint<R>(_ values: [Double], _ body: (UnsafeBufferPointer<Double>) -> R) -> R {
        values.withUnsafeBufferPointer(body)
    }

    static func fraction(_ y: [Double], equalTo value: Double) -> Double {
        Double(y.count(where: { $0 == value })) / Double(y.count)
    }

    /// True when the empirical proportion `observed` over `n` draws is within `z` standard errors of `p`.
    static func withinBinomial(_ observed: Double, _ p: Double, n: Int, z: Double = 4.5) -> Bool {
        let se = (p * (1 - p) / Double(n)).squareRoot()
        return abs(observed - p) <= z * max(se, 1e-12)
    }

    /// Fraction of positions where two label vectors differ.
    static func disagreement(_ a: [Double], _ b: [Double]) -> Double {
        Double(zip(a, b).count(where: { $0 != $1 })) / Double(a.count)
    }

    static func shifted(dimension: Int, feature: Int, by amount: Double) -> CovariateState {
        var c = CovariateState(dimension: dimension)
        c.shift[feature] = amount
        c.isIdentity = false
        return c
    }
}
