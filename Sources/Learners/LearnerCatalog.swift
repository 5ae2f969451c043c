import FlywheelCore

/// The model families a scenario can name (`model: {family: …}`), for `flywheel list` and the
/// scenario factory.
///
/// To add a family: give its learner a `static let info: ComponentInfo` and an
/// `init(parameters: [String: Double]) throws` (``ParameterReader`` checks names and ranges),
/// append its `info` to ``all`` and add one `case` to ``make(_:parameters:)``.
public enum LearnerCatalog {
    /// Every model family, in the order `flywheel list` shows them.
    public static let all: [ComponentInfo] = [
        LogisticRegressionLearner.info,
        GaussianNaiveBayes.info,
        RidgeRegression.info,
        MultilayerPerceptron.info,
        MajorityClass.info,
        NoChange.info,
        HoeffdingTree.info,
        XGBoostLearner.info,
    ]

    /// The family names ``make(_:parameters:)`` accepts.
    public static var names: [String] { all.map(\.name) }

    /// A learner of the named family with the given parameters (defaults for the rest).
    ///
    /// Throws a ``FlywheelError`` for an unknown family (naming the valid ones and the nearest
    /// one), an unknown parameter (naming the family's parameters) or an out-of-range value.
    public static func make(_ family: String, parameters: [String: Double] = [:]) throws -> any Learner {
        switch family {
        case "logistic_regression": return try LogisticRegressionLearner(parameters: parameters)
        case "gaussian_nb": return try GaussianNaiveBayes(parameters: parameters)
        case "ridge": return try RidgeRegression(parameters: parameters)
        case "mlp": return try MultilayerPerceptron(parameters: parameters)
        case "majority": return try MajorityClass(parameters: parameters)
        case "no_change": return try NoChange(parameters: parameters)
        case "hoeffding_tree": return try HoeffdingTree(parameters: parameters)
        case "xgboost": return try XGBoostLearner(parameters: parameters)


        default:
            let valid = names
            var hint = "valid families: \(valid.joined(separator: ", "))"
            if let near = nearest(family, in: valid) { hint = "did you mean \(near)? " + hint }
            throw FlywheelError("unknown model family '\(family)'", key: "model.family", hint: hint)
        }
    }
}
