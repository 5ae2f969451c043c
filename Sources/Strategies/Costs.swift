import FlywheelCore

/// Prices of what a strategy does (in the scenario's money unit).
public struct CostModel: Hashable, Sendable {
    /// Per wrong prediction (classification) or per unit of absolute error (regression).
    public var error: Double
    /// Fixed price of one training job.
    public var retrain: Double
    /// Price per training sample per epoch.
    public var retrainPerSample: Double
    /// Price of one deployment.
    public var deploy: Double
    /// Price of one rollback.
    public var rollback: Double

    public init(error: Double = 1, retrain: Double = 0, retrainPerSample: Double = 0, deploy: Double = 0, rollback: Double = 0) {
        self.error = error
        self.retrain = retrain
        self.retrainPerSample = retrainPerSample
        self.deploy = deploy
        self.rollback = rollback
    }

    /// The price of a training job on `samples` rows over `epochs` passes.
    public func training(samples: Int, epochs: Int) -> Double { retrain + retrainPerSample * Double(samples * epochs) }

    /// The price of an online update on `samples` rows: per row only (no job price).
    public func onlineTraining(samples: Int) -> Double { retrainPerSample * Double(samples) }

    public var dictionary: [String: Double] {
        ["error": error, "retrain": retrain, "retrain_per_sample": retrainPerSample, "deploy": deploy, "rollback": rollback]
    }
}
