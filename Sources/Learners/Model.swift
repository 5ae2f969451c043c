import FlywheelCore

/// A labelled training set in a contiguous row-major layout.
public struct TrainingSet: Sendable {
    public var dimension: Int
    public var features: [Double]
    public var labels: [Double]
    /// The tick each row was served at (for recency weighting and windows).
    public var ticks: [Int32]

    public init(dimension: Int, features: [Double] = [], labels: [Double] = [], ticks: [Int32] = []) {
        self.dimension = dimension
        self.features = features
        self.labels = labels
        self.ticks = ticks
    }

    public var count: Int { labels.count }
}

/// A trained model: immutable, shared read-only, predicts a whole batch at once.
public protocol Model: Sendable {
    /// Number of classes, or 0 for a regression model.
    var classCount: Int { get }
    /// Predicts `count` rows of `x` (row-major, `dimension` wide) into `out`: a class index as
    /// `Double`, or the regression estimate. Writes `count` values; allocates nothing.
    func predict(_ x: UnsafeBufferPointer<Double>, count: Int, into out: UnsafeMutableBufferPointer<Double>)
    /// Class probabilities, `count × classCount` row-major, for classifiers; regression models
    /// write nothing and return false.
    func probabilities(_ x: UnsafeBufferPointer<Double>, count: Int, into out: UnsafeMutableBufferPointer<Double>) -> Bool
}

/// A model family that fits models from training sets.
public protocol Learner: Sendable {
    /// The family name scenarios use (`logistic_regression`, …).
    var family: String { get }
    /// Fits a model. `warmStart` is the current champion when the strategy fine-tunes; a learner
    /// that cannot warm-start ignores it. Returns the model and the number of passes over the data
    /// (epochs) it used, for the training cost model.
    func fit(_ data: TrainingSet, classCount: Int, warmStart: (any Model)?, rng: RandomStream) -> (model: any Model, epochs: Int)
    /// Whether the family can learn a regression target; a scenario with a regression stream
    /// refuses a family that cannot. True unless the family says otherwise.
    var handlesRegression: Bool { get }
    /// Whether the family can learn class labels; a scenario with a classification stream refuses
    /// a family that cannot (a regressor's numbers are not classes). True unless the family says
    /// otherwise.
    var handlesClassification: Bool { get }
    /// Why `warm_start` (when `warmStart` is true), or a fine-tuning option of the family (when
    /// false), would change nothing, for `validate` to refuse it; nil when the setting has an effect.
    func warmStartProblem(warmStart: Bool) -> String?
}

extension Learner {
    public var handlesRegression: Bool { true }
    public var handlesClassification: Bool { true }
}
