import FlywheelCore
import Foundation
@testable import Learners

/// Predictions of a model on row-major inputs.
func predictions(_ model: any Model, _ x: [Double], rows: Int) -> [Double] {
    var out = [Double](repeating: .nan, count: rows)
    x.withUnsafeBufferPointer { xs in out.withUnsafeMutableBufferPointer { model.predict(xs, count: rows, into: $0) } }
    return out
}

/// Class probabilities of a classifier on row-major inputs.
func probabilities(_ model: any Model, _ x: [Double], rows: Int) -> [Double]? {
    var out = [Double](repeating: .nan, count: rows * max(model.classCount, 1))
    let ok = x.withUnsafeBufferPointer { xs in out.withUnsafeMutableBufferPointer { model.probabilities(xs, count: rows, into: $0) } }
    return ok ? out : nil
}

/// A training set from rows.
func trainingSet(_ rows: [[Double]], _ labels: [Double], ticks: [Int32]? = nil) -> TrainingSet {
    TrainingSet(dimension: rows.first?.count ?? 0, features: rows.flatMap { $0 }, labels: labels,
                ticks: ticks ?? labels.indices.map { Int32($0) })
}

/// Two classes with equal priors: N(0, I) and N((2, 2), I) in two dimensions.
func twoGaussians(_ n: Int, seed: UInt64) -> TrainingSet {
    let rng = RandomStream(seed: seed)
    var set = TrainingSet(dimension: 2)
    for i in 0..<n {
        let y = rng.bernoulli(0.5) ? 1.0 : 0.0
        set.features.append(2 * y + rng.gaussian())
        set.features.append(2 * y + rng.gaussian())
        set.labels.append(y)
        set.ticks.append(Int32(i))
    }
    return set
}

/// SEA-like rows: `dimension` inputs uniform on [0, 10), class 1 when x0 + x1 ≤ 8.
func seaLike(_ n: Int, dimension: Int, seed: UInt64) -> TrainingSet {
    let rng = RandomStream(seed: seed)
    var set = TrainingSet(dimension: dimension)
    set.features.reserveCapacity(n * dimension)
    for i in 0..<n {
        for _ in 0..<dimension { set.features.append(10 * rng.uniform()) }
        let x0 = set.features[i * dimension], x1 = set.features[i * dimension + 1]
        set.labels.append(x0 + x1 <= 8 ? 1 : 0)
        set.ticks.append(Int32(i / 100))
    }
    return set
}

/// Standard normal CDF.
func phi(_ z: Double) -> Double { 0.5 * (1 + erf(z / 2.0.squareRoot())) }

/// Inverse of a 2 × 2 matrix [[a, b], [c, d]] applied to (u, v).
func solve2(_ a: Double, _ b: Double, _ c: Double, _ d: Double, _ u: Double, _ v: Double) -> (Double, Double) {
    let det = a * d - b * c
    return ((d * u - b * v) / det, (-c * u + a * v) / det)
}

func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-9) -> Bool {
    abs(a - b) <= tolerance * max(1, abs(a), abs(b))
}
