import FlywheelCore

/// The no-change (persistence) baseline: predicts the label of the most recent training row —
/// the row with the largest tick, the last such row in training-set order on ties (the last row
/// when the set carries no ticks). Classification rows get probability 1 on that class.
///
/// In stream-learning evaluation this is the classifier that always predicts the last label seen
/// (Žliobaitė, "How good is the Electricity benchmark for evaluating concept drift adaptation",
/// 2013; Bifet et al., 2013). Rows with an invalid label are skipped; with none left it predicts
/// class 0 (or 0 for regression). Inputs are ignored. One pass; no parameters; a champion is ignored.
public struct NoChange: CataloguedLearner {
    public var family: String { "no_change" }

    public static let info = ComponentInfo(
        family: "model", name: "no_change",
        summary: "Baseline: persistence, predicts the label of the most recent training row (by tick).",
        parameters: [], reference: "Žliobaitė (2013); Bifet et al. (2013) no-change classifier")

    public init() {}

    /// Builds the learner from scenario parameters (it takes none).
    public init(_ p: ParameterReader) throws {
        self.init()
    }

    /// - Complexity: O(n).
    /// Refuses `warm_start`: it repeats the latest training label and ignores the champion.
    public func warmStartProblem(warmStart: Bool) -> String? {
        warmStart ? "warm_start has no effect with no_change: it repeats the latest training label and ignores "
            + "the champion" : nil
    }

    public func fit(_ data: TrainingSet, classCount: Int, warmStart: (any Model)?, rng: RandomStream) -> (model: any Model, epochs: Int) {
        let hasTicks = data.ticks.count == data.count
        var latest: Int? = nil
        for i in 0..<data.count {
            let y = data.labels[i]
            let valid = classCount > 0 ? Labels.classIndex(y, classCount) != nil : y.isFinite
            guard valid else { continue }
            if let l = latest, hasTicks, data.ticks[i] < data.ticks[l] { continue }
            latest = i
        }
        let value = latest.map { data.labels[$0] } ?? 0
        guard classCount > 0 else { return (ConstantModel(value: value, classProbabilities: []), 1) }
        var p = [Double](repeating: 0, count: classCount)
        p[Int(value)] = 1
        return (ConstantModel(value: value, classProbabilities: p), 1)
    }
}
