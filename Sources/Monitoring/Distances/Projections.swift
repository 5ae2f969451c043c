import FlywheelCore

/// Names of the projection kinds, for scenarios and `flywheel list`.
public enum ProjectionKind: String, CaseIterable, Sendable {
    case feature, rowNorm = "row_norm", rowMean = "row_mean", random

    static let catalog: [ComponentInfo] = [
        ComponentInfo(family: "projection", name: "feature", summary: "One or more chosen features of each row",
                      parameters: [ParameterInfo("features", "", "feature names or indices")]),
        ComponentInfo(family: "projection", name: "row_norm", summary: "Euclidean norm ‖x‖₂ of each row"),
        ComponentInfo(family: "projection", name: "row_mean", summary: "Mean of each row's features"),
        ComponentInfo(family: "projection", name: "random",
                      summary: "k seeded random unit directions (Gaussian, normalised); row ↦ (⟨x, u₁⟩, …, ⟨x, u_k⟩)",
                      parameters: [ParameterInfo("outputs", "1", "number of directions k"),
                                   ParameterInfo("seed", "scenario seed", "directions come from the named sub-stream `projection`")],
                      reference: "Johnson & Lindenstrauss 1984; Rabanser, Günnemann & Lipton 2019 (Failing Loudly)"),
    ]
}

/// Seeded random linear directions: `k` unit vectors in ℝᵈ, each drawn as a standard Gaussian
/// vector and normalised (uniform on the sphere).
public struct RandomDirections: Hashable, Sendable {
    public let inputDimension: Int
    public let outputs: Int
    /// Row-major `outputs × inputDimension`; each row has unit Euclidean norm.
    public let directions: [Double]

    /// Draws the directions from `stream` (all randomness from the caller's seeded stream).
    public init(inputDimension: Int, outputs: Int, stream: RandomStream) throws(FlywheelError) {
        guard inputDimension >= 1, outputs >= 1 else {
            throw FlywheelError("random projection needs a dimension and an output count of at least 1 (got \(inputDimension), \(outputs))")
        }
        var u = [Double](repeating: 0, count: inputDimension * outputs)
        for r in 0..<outputs {
            var norm = 0.0
            repeat {
                norm = 0
                for j in 0..<inputDimension {
                    let g = stream.gaussian()
                    u[r * inputDimension + j] = g
                    norm += g * g
                }
            } while norm == 0
            let inv = 1 / norm.squareRoot()
            for j in 0..<inputDimension { u[r * inputDimension + j] *= inv }
        }
        self.inputDimension = inputDimension
        self.outputs = outputs
        directions = u
    }
}

/// A map from each d-dimensional row to a few numbers, so univariate distances can watch
/// high-dimensional inputs: chosen features, an analytical summary, or random linear directions.
public enum Projection: Hashable, Sendable {
    /// The listed feature columns (0-based).
    case features([Int])
    /// `‖x‖₂`.
    case rowNorm
    /// `(1/d) Σ xⱼ`.
    case rowMean
    /// `(⟨x, u₁⟩, …, ⟨x, u_k⟩)` for seeded unit directions.
    case random(RandomDirections)

    /// Values produced per row.
    public var outputsPerRow: Int {
        switch self {
        case .features(let f): return f.count
        case .rowNorm, .rowMean: return 1
        case .random(let r): return r.outputs
        }
    }

    /// Projects the row-major `rows` (`dimension` values per row) into `output`, row-major with
    /// ``outputsPerRow`` values per row. `output` must hold at least `rows × outputsPerRow` values;
    /// nothing is allocated.
    ///
    /// - Complexity: O(rows × d × outputsPerRow) for random directions, O(rows × d) otherwise.
    public func apply(rows: UnsafeBufferPointer<Double>, dimension d: Int, into output: UnsafeMutableBufferPointer<Double>) throws(FlywheelError) {
        guard d >= 1, rows.count % d == 0 else {
            throw FlywheelError("projection input must be whole rows of \(d) values (got \(rows.count) values)")
        }
        let n = rows.count / d
        let k = outputsPerRow
        guard output.count >= n * k else {
            throw FlywheelError("projection output buffer holds \(output.count) values; \(n * k) needed")
        }
        guard let x = rows.baseAddress, let out = output.baseAddress else { return }
        switch self {
        case .features(let cols):
            for c in cols where c < 0 || c >= d {
                throw FlywheelError("projection feature index \(c) is outside 0..<\(d)")
            }
            for i in 0..<n {
                for (o, c) in cols.enumerated() { out[i * k + o] = x[i * d + c] }
            }
        case .rowNorm:
            for i in 0..<n {
                var s = 0.0
                for j in 0..<d { s += x[i * d + j] * x[i * d + j] }
                out[i] = s.squareRoot()
            }
        case .rowMean:
            for i in 0..<n {
                var s = 0.0
                for j in 0..<d { s += x[i * d + j] }
                out[i] = s / Double(d)
            }
        case .random(let r):
            guard r.inputDimension == d else {
                throw FlywheelError("random projection was drawn for dimension \(r.inputDimension), rows have \(d)")
            }
            r.directions.withUnsafeBufferPointer { u in
                for i in 0..<n {
                    for o in 0..<k {
                        var s = 0.0
                        for j in 0..<d { s += x[i * d + j] * u[o * d + j] }
                        out[i * k + o] = s
                    }
                }
            }
        }
    }

    /// Array form of ``apply(rows:dimension:into:)``: `output` must already hold at least
    /// `rows × outputsPerRow` values (it is not resized).
    public func apply(rows: [Double], dimension: Int, into output: inout [Double]) throws(FlywheelError) {
        try rows.withUnsafeBufferPointer { (r: UnsafeBufferPointer<Double>) throws(FlywheelError) in
            try output.withUnsafeMutableBufferPointer { (o: inout UnsafeMutableBufferPointer<Double>) throws(FlywheelError) in
                try apply(rows: r, dimension: dimension, into: o)
            }
        }
    }

    /// Column `o` of a projected row-major buffer (a univariate sample for a distance).
    public static func column(_ projected: [Double], outputsPerRow k: Int, _ o: Int) -> [Double] {
        guard k >= 1, o >= 0, o < k else { return [] }
        return stride(from: o, to: projected.count, by: k).map { projected[$0] }
    }
}
