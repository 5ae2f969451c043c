import FlywheelCore

/// Per-feature training statistics used to impute missing inputs and to standardise them.
///
/// Fitted in one pass over the n training rows. Non-finite values (NaN or ±∞, which a
/// data-quality fault upstream may inject) are replaced by the mean of the finite values of their
/// feature (mean imputation, scikit-learn's `SimpleImputer(strategy="mean")`); the statistics are
/// those of the imputed data:
///
///     mean_j = Σ_i x_ij / n_j            (over the n_j finite values of feature j)
///     sd_j   = sqrt(Σ_i (x_ij − mean_j)² / n)   (imputed values add no deviation)
///
/// A feature with no finite value gets mean 0; a constant feature (sd 0) gets scale 1, as
/// scikit-learn's `StandardScaler` does. At prediction time every model replaces a non-finite
/// input with the training mean of its feature, so a missing value never turns into a NaN
/// prediction; standardised, an imputed value is exactly 0.
public struct Standardizer: Sendable, Hashable {
    public var dimension: Int
    /// The training mean of each feature (the imputation value).
    public var means: [Double]
    /// 1 / sd of each feature (1 when the feature is constant or absent).
    public var inverseScales: [Double]

    /// The identity transform: means 0, scales 1.
    public init(dimension: Int) {
        self.dimension = dimension
        means = Array(repeating: 0, count: dimension)
        inverseScales = Array(repeating: 1, count: dimension)
    }

    /// Fits means and standard deviations on the rows of `data` whose `use` flag is true
    /// (every row when `use` is nil), ignoring non-finite values, in one pass (Welford's update).
    ///
    /// - Complexity: O(n × dimension); allocates O(dimension).
    public init(fitting data: TrainingSet, use: [Bool]? = nil) {
        let d = data.dimension
        var n = [Double](repeating: 0, count: d)
        var mean = [Double](repeating: 0, count: d)
        var m2 = [Double](repeating: 0, count: d)
        let rows = data.count
        var used = 0.0
        data.features.withUnsafeBufferPointer { x in
            for i in 0..<rows where use?[i] ?? true {
                used += 1
                let base = i * d
                for j in 0..<d {
                    let v = x[base + j]
                    guard v.isFinite else { continue }
                    n[j] += 1
                    let e = v - mean[j]
                    mean[j] += e / n[j]
                    m2[j] += e * (v - mean[j])
                }
            }
        }
        var inv = [Double](repeating: 1, count: d)
        for j in 0..<d where n[j] > 0 {
            let sd = (m2[j] / used).squareRoot()
            if sd > 0 && sd.isFinite { inv[j] = 1 / sd }
        }
        dimension = d
        means = mean
        inverseScales = inv
    }

    /// Feature `j` of a row with a non-finite value replaced by the training mean.
    @inline(__always) public func imputed(_ v: Double, _ j: Int) -> Double { v.isFinite ? v : means[j] }

    /// Feature `j` imputed and standardised: `(x − mean_j) / sd_j`, 0 for a missing value.
    @inline(__always) public func standardized(_ v: Double, _ j: Int) -> Double {
        v.isFinite ? (v - means[j]) * inverseScales[j] : 0
    }
}

/// Helpers shared by the learners for reading training labels.
enum Labels {
    /// The class index a label encodes, or nil when it is not an integer in `0..<classCount`.
    @inline(__always) static func classIndex(_ y: Double, _ classCount: Int) -> Int? {
        guard y.isFinite, y >= 0, y < Double(classCount), y == y.rounded(.towardZero) else { return nil }
        return Int(y)
    }

    /// The class count to use: the one given, or (when it is 0 or less) one more than the largest
    /// valid non-negative integer label seen, at least 2.
    static func resolvedClassCount(_ given: Int, _ labels: [Double]) -> Int {
        if given > 0 { return given }
        var top = 1.0
        for y in labels where y.isFinite && y >= 0 && y == y.rounded(.towardZero) && y < 1e6 { top = max(top, y) }
        return Int(top) + 1
    }
}
