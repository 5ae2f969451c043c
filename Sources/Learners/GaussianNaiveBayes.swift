import Foundation
import FlywheelCore

/// Gaussian naive Bayes: each feature is normal within each class, features independent given
/// the class (as scikit-learn's `GaussianNB`).
///
///     log P(y = k | x) ∝ log π_k − ½ Σ_j [ log(2π σ²_kj) + (x_j − μ_kj)² / σ²_kj ]
///
/// with class priors π_k = n_k / n from the class counts, per-class means μ_kj and variances
/// σ²_kj = (population variance of feature j in class k) + ε, where the variance floor is
/// ε = `var_smoothing` × max_j Var(x_j) over the whole training set (scikit-learn's
/// `var_smoothing`, default 1e-9); when every feature is constant, ε = `var_smoothing`.
/// A class with no training rows has prior 0 and is never predicted.
///
/// **Warm start**: given a `GaussianNaiveBayesModel` champion of the same dimension and class
/// count, the fit merges the champion's sufficient statistics (count, mean and sum of squared
/// deviations per class and feature) with the new data's by Chan, Golub & LeVeque's pairwise
/// update — the model equals one fitted on the champion's data and the new data together
/// (scikit-learn's `partial_fit`). Any other champion is ignored.
///
/// **Missing inputs**: non-finite features are imputed with the feature's training mean, both when
/// fitting and when predicting. Rows whose label is not a class index in `0..<classCount` are
/// skipped. When `classCount` ≤ 0 it is inferred from the labels.
///
/// Fitting makes two passes over the data (feature means for imputation, then the class
/// statistics); `epochs` reports 2.
public struct GaussianNaiveBayes: CataloguedLearner {
    public var varSmoothing: Double
    public var family: String { "gaussian_nb" }
    /// A classifier only: a numeric target has no classes to model.
    public var handlesRegression: Bool { false }

    public static let info = ComponentInfo(
        family: "model", name: "gaussian_nb",
        summary: "Gaussian naive Bayes: per-class normal features with a variance floor; warm start merges sufficient statistics.",
        parameters: [ParameterInfo("var_smoothing", .real(1e-9), "variance floor as a fraction of the largest feature variance", shown: "1e-9")],
        reference: "scikit-learn GaussianNB; Chan, Golub & LeVeque (1983) for merging variances")

    public init(varSmoothing: Double = info.defaultNumber("var_smoothing")) { self.varSmoothing = varSmoothing }

    /// Builds the learner from scenario parameters (`var_smoothing` ≥ 0).
    public init(_ p: ParameterReader) throws {
        self.init(varSmoothing: try p.real("var_smoothing", atLeast: 0))
    }

    /// - Complexity: O(n × dimension + classCount × dimension).
    /// Fine-tuning has an effect: the champion's sufficient statistics are merged with the new ones.
    public func warmStartProblem(warmStart: Bool) -> String? { nil }

    public func fit(_ data: TrainingSet, classCount: Int, warmStart: (any Model)?, rng: RandomStream) -> (model: any Model, epochs: Int) {
        let k = Labels.resolvedClassCount(classCount, data.labels)
        let d = data.dimension
        var use = [Bool](repeating: false, count: data.count)
        for i in 0..<data.count { use[i] = Labels.classIndex(data.labels[i], k) != nil }
        let fill = Standardizer(fitting: data, use: use)

        var stats = GaussianNaiveBayesModel.Statistics(classCount: k, dimension: d)
        data.features.withUnsafeBufferPointer { x in
            for i in 0..<data.count where use[i] {
                let c = Int(data.labels[i])
                stats.counts[c] += 1
                let n = stats.counts[c]
                let base = i * d, row = c * d
                for j in 0..<d {
                    let v = fill.imputed(x[base + j], j)
                    let delta = v - stats.means[row + j]
                    stats.means[row + j] += delta / n
                    stats.squares[row + j] += delta * (v - stats.means[row + j])
                }
            }
        }
        if let champion = warmStart as? GaussianNaiveBayesModel,
           champion.statistics.classCount == k, champion.statistics.dimension == d {
            stats = champion.statistics.merged(with: stats)
        }
        return (GaussianNaiveBayesModel(statistics: stats, varSmoothing: varSmoothing), 2)
    }
}

/// A fitted Gaussian naive Bayes model (see ``GaussianNaiveBayes``).
public struct GaussianNaiveBayesModel: Model {
    /// Sufficient statistics per class: count, mean and sum of squared deviations per feature.
    public struct Statistics: Sendable, Hashable {
        public var classCount: Int
        public var dimension: Int
        public var counts: [Double]
        /// `classCount × dimension`, row-major.
        public var means: [Double]
        /// Σ (x − mean)² per class and feature, `classCount × dimension`.
        public var squares: [Double]

        public init(classCount: Int, dimension: Int) {
            self.classCount = classCount
            self.dimension = dimension
            counts = Array(repeating: 0, count: classCount)
            means = Array(repeating: 0, count: classCount * dimension)
            squares = Array(repeating: 0, count: classCount * dimension)
        }

        /// The statistics of the union of both samples (Chan, Golub & LeVeque):
        /// n = n_a + n_b, μ = μ_a + δ n_b / n, M2 = M2_a + M2_b + δ² n_a n_b / n with δ = μ_b − μ_a.
        public func merged(with other: Statistics) -> Statistics {
            var out = self
            for c in 0..<classCount {
                let na = counts[c], nb = other.counts[c], n = na + nb
                guard nb > 0 else { continue }
                out.counts[c] = n
                for j in 0..<dimension {
                    let r = c * dimension + j
                    let delta = other.means[r] - means[r]
                    out.means[r] = means[r] + delta * nb / n
                    out.squares[r] = squares[r] + other.squares[r] + delta * delta * na * nb / n
                }
            }
            return out
        }
    }

    public let statistics: Statistics
    /// The variance floor ε added to every variance.
    public let epsilon: Double
    /// σ²_kj = M2_kj / n_k + ε, `classCount × dimension`.
    public let variances: [Double]
    /// Training mean of each feature (the imputation value).
    public let featureMeans: [Double]
    /// log π_k − ½ Σ_j log(2π σ²_kj) per class (−∞ for a class never seen).
    private let classConstants: [Double]

    public var classCount: Int { statistics.classCount }
    public var dimension: Int { statistics.dimension }
    /// Class priors n_k / n (uniform when the model saw no data).
    public var priors: [Double] {
        let n = statistics.counts.reduce(0, +)
        return statistics.counts.map { n > 0 ? $0 / n : 1 / Double(classCount) }
    }

    /// Builds the model from sufficient statistics with the variance floor
    /// ε = `varSmoothing` × max_j Var(x_j) (overall variance by the law of total variance).
    public init(statistics s: Statistics, varSmoothing: Double) {
        statistics = s
        let d = s.dimension, k = s.classCount
        let total = s.counts.reduce(0, +)
        var overall = [Double](repeating: 0, count: d)
        if total > 0 {
            for c in 0..<k where s.counts[c] > 0 {
                for j in 0..<d { overall[j] += s.counts[c] * s.means[c * d + j] }
            }
            for j in 0..<d { overall[j] /= total }
        }
        var maxVariance = 0.0
        if total > 0 {
            for j in 0..<d {
                var m2 = 0.0
                for c in 0..<k where s.counts[c] > 0 {
                    let e = s.means[c * d + j] - overall[j]
                    m2 += s.squares[c * d + j] + s.counts[c] * e * e
                }
                maxVariance = max(maxVariance, m2 / total)
            }
        }
        let eps = maxVariance > 0 && maxVariance.isFinite ? varSmoothing * maxVariance : varSmoothing
        let floor = eps > 0 ? eps : Double.leastNormalMagnitude
        epsilon = eps
        featureMeans = overall
        var vars = [Double](repeating: 1, count: k * d)
        var constants = [Double](repeating: -.infinity, count: k)
        for c in 0..<k {
            let n = s.counts[c]
            var logDet = 0.0
            for j in 0..<d {
                let v = (n > 0 ? s.squares[c * d + j] / n : 0) + floor
                vars[c * d + j] = v
                logDet += log(2 * Double.pi * v)
            }
            if total == 0 {
                constants[c] = -0.5 * logDet
            } else if n > 0 {
                constants[c] = log(n / total) - 0.5 * logDet
            }
        }
        variances = vars
        classConstants = constants
    }

    /// Joint log-likelihoods of one row into `jll` (length `classCount`).
    @inline(__always)
    private func jointLogLikelihood(_ x: UnsafeBufferPointer<Double>, row: Int, _ jll: UnsafeMutableBufferPointer<Double>) {
        let d = dimension, base = row * d
        for c in 0..<classCount {
            var s = classConstants[c]
            if s > -.infinity {
                var q = 0.0
                for j in 0..<d {
                    let v = x[base + j]
                    let e = (v.isFinite ? v : featureMeans[j]) - statistics.means[c * d + j]
                    q += e * e / variances[c * d + j]
                }
                s -= 0.5 * q
            }
            jll[c] = s
        }
    }

    /// - Complexity: O(count × classCount × dimension); allocates nothing for up to 64 classes.
    public func predict(_ x: UnsafeBufferPointer<Double>, count: Int, into out: UnsafeMutableBufferPointer<Double>) {
        precondition(x.count >= count * dimension && out.count >= count, "buffer too small")
        withScratch(classCount) { jll in
            for i in 0..<count {
                jointLogLikelihood(x, row: i, jll)
                out[i] = Double(argmax(UnsafeBufferPointer(jll)))
            }
        }
    }

    /// Posterior probabilities by a max-shifted softmax of the joint log-likelihoods.
    /// - Complexity: O(count × classCount × dimension).
    public func probabilities(_ x: UnsafeBufferPointer<Double>, count: Int, into out: UnsafeMutableBufferPointer<Double>) -> Bool {
        let k = classCount
        precondition(x.count >= count * dimension && out.count >= count * k, "buffer too small")
        for i in 0..<count {
            let row = UnsafeMutableBufferPointer(rebasing: out[(i * k)..<(i * k + k)])
            jointLogLikelihood(x, row: i, row)
            softmaxInPlace(row)
        }
        return true
    }
}
