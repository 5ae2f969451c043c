import FlywheelCore

/// A model family's documented, deterministic measure of the work of one fit, which a scenario
/// prices with `costs: {retrain_per_unit: P}` (never a wall time, so results stay byte-identical):
///
/// | family | work units of a fit on n rows |
/// |---|---|
/// | `xgboost` | n × trees × depth (the trees added by the fit, each at most `depth` levels) |
/// | `logistic_regression` | n × Newton iterations used (`newton`), n × epochs (`sgd`) |
/// | `mlp` | n × epochs |
/// | every other family | n (one update per row: naive Bayes, ridge, Hoeffding tree, baselines) |
public protocol MeasuredWork {
    /// What one unit is, for `flywheel list model` and the report.
    static var workUnit: String { get }
    /// The work of a fit on `rows` rows that reported `epochs` passes.
    func workUnits(rows: Int, epochs: Int) -> Double
}

extension XGBoostLearner: MeasuredWork {
    public static var workUnit: String { "rows × trees × depth" }
    public func workUnits(rows: Int, epochs: Int) -> Double { Double(rows) * Double(trees) * Double(depth) }
}

extension LogisticRegressionLearner: MeasuredWork {
    public static var workUnit: String { "rows × Newton iterations (newton), rows × epochs (sgd)" }
    /// `epochs` is what the fit reports: the Newton iterations it used, or the sgd epochs.
    public func workUnits(rows: Int, epochs: Int) -> Double { Double(rows) * Double(epochs) }
}

extension MultilayerPerceptron: MeasuredWork {
    public static var workUnit: String { "rows × epochs" }
    public func workUnits(rows: Int, epochs: Int) -> Double { Double(rows) * Double(self.epochs) }
}

extension LearnerCatalog {
    /// The work unit of families that state none: one per training row.
    public static let rowUnit = "rows"

    /// The work of a fit of `learner` on `rows` rows that reported `epochs` passes.
    public static func workUnits(_ learner: any Learner, rows: Int, epochs: Int) -> Double {
        (learner as? any MeasuredWork)?.workUnits(rows: rows, epochs: epochs) ?? Double(rows)
    }

    /// What one work unit of the named family is (``MeasuredWork``); nil for an unknown family.
    public static func workUnit(family: String) -> String? {
        guard let kind = kinds.first(where: { $0.info.name == family }) else { return nil }
        return (kind as? any MeasuredWork.Type)?.workUnit ?? rowUnit
    }
}
