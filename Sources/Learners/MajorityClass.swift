import FlywheelCore

/// The majority-class baseline (scikit-learn's `DummyClassifier(strategy="prior")`): predicts the
/// most frequent training class (the lowest index on ties) and gives every row the empirical
/// class frequencies n_k / n as probabilities. With no valid labels it predicts class 0 with
/// uniform probabilities. Inputs are ignored, so missing values cannot reach a prediction.
///
/// For a regression stream (`classCount` 0) it predicts the training mean of the target
/// (`DummyRegressor(strategy="mean")`). Rows with a label that is not a class index in
/// `0..<classCount` (or a non-finite target) are skipped. One pass; no parameters; a champion
/// is ignored.
public struct MajorityClass: CataloguedLearner {
    public var family: String { "majority" }

    public static let info = ComponentInfo(
        family: "model", name: "majority",
        summary: "Baseline: predicts the most frequent training class (the training mean for regression).",
        parameters: [], reference: "scikit-learn DummyClassifier(strategy=\"prior\")")

    public init() {}

    /// Builds the learner from scenario parameters (it takes none).
    public init(_ p: ParameterReader) throws {
        self.init()
    }

    /// - Complexity: O(n + classCount).
    /// Refuses `warm_start`: it counts the training labels and ignores the champion.
    public func warmStartProblem(warmStart: Bool) -> String? {
        warmStart ? "warm_start has no effect with majority: it counts the training labels and ignores the champion"
            : nil
    }

    public func fit(_ data: TrainingSet, classCount: Int, warmStart: (any Model)?, rng: RandomStream) -> (model: any Model, epochs: Int) {
        if classCount <= 0 {
            var sum = 0.0, n = 0.0
            for y in data.labels where y.isFinite { sum += y; n += 1 }
            return (ConstantModel(value: n > 0 ? sum / n : 0, classProbabilities: []), 1)
        }
        var counts = [Double](repeating: 0, count: classCount)
        var n = 0.0
        for y in data.labels {
            if let c = Labels.classIndex(y, classCount) { counts[c] += 1; n += 1 }
        }
        guard n > 0 else {
            return (ConstantModel(value: 0, classProbabilities: Array(repeating: 1 / Double(classCount), count: classCount)), 1)
        }
        var best = 0
        for c in 1..<classCount where counts[c] > counts[best] { best = c }
        return (ConstantModel(value: Double(best), classProbabilities: counts.map { $0 / n }), 1)
    }
}
