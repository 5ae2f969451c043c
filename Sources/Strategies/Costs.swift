import FlywheelCore

/// Prices of what a strategy does (in the scenario's money unit).
///
/// A training job on n rows whose fit did W work units (the family's ``MeasuredWork``) costs
///
///     retrain + retrain_per_sample × n + retrain_per_unit × W
///
/// and a deployment `deploy`, a rollback `rollback`. An online update (`trigger: online`) that
/// learnt n rows costs retrain_per_sample × n + retrain_per_unit × W, with no job or deployment
/// price. ``ruleText`` states each rule in words, for reports.
public struct CostModel: Hashable, Sendable {
    /// Per wrong prediction (classification) or per unit of absolute error (regression).
    public var error: Double
    /// Fixed price of one training job.
    public var retrain: Double
    /// Price per training row (each row once, whatever the passes or iterations of the fit).
    public var retrainPerSample: Double
    /// Price per unit of the model family's work measure (``MeasuredWork``).
    public var retrainPerUnit: Double
    /// Price of one deployment.
    public var deploy: Double
    /// Price of one rollback.
    public var rollback: Double

    public init(error: Double = 1, retrain: Double = 0, retrainPerSample: Double = 0, retrainPerUnit: Double = 0,
                deploy: Double = 0, rollback: Double = 0) {
        self.error = error
        self.retrain = retrain
        self.retrainPerSample = retrainPerSample
        self.retrainPerUnit = retrainPerUnit
        self.deploy = deploy
        self.rollback = rollback
    }

    /// The price of a training job on `samples` rows whose fit did `units` work units.
    public func training(samples: Int, units: Double) -> Double {
        retrain + retrainPerSample * Double(samples) + retrainPerUnit * units
    }

    /// The price of an online update that learnt `samples` rows in `units` work units: per row and
    /// per unit only (no job price).
    public func onlineTraining(samples: Int, units: Double) -> Double {
        retrainPerSample * Double(samples) + retrainPerUnit * units
    }

    /// The price keys of a scenario's `costs:` mapping.
    public static let keys = ["error", "retrain", "retrain_per_sample", "retrain_per_unit", "deploy", "rollback"]

    /// How each price is charged, by its key: the one statement of the cost model, for reports.
    public static let ruleText: [String: String] = [
        "error": "× each wrong prediction (classification) or each unit of absolute error (regression)",
        "retrain": "× each training job (not charged by trigger: online)",
        "retrain_per_sample": "× each training row (each row once, whatever the passes; each label learnt online)",
        "retrain_per_unit": "× each unit of the model family's work measure (flywheel list model: work measure)",
        "deploy": "× each deployment (a challenger serving users counts; not charged by trigger: online)",
        "rollback": "× each rollback of a challenger that served users",
    ]

    /// The prices by key (`retrain_per_unit` only when the scenario sets it, so that the manifests
    /// of scenarios without it are unchanged).
    public var dictionary: [String: Double] {
        var out = ["error": error, "retrain": retrain, "retrain_per_sample": retrainPerSample, "deploy": deploy,
                   "rollback": rollback]
        if retrainPerUnit != 0 { out["retrain_per_unit"] = retrainPerUnit }
        return out
    }
}
