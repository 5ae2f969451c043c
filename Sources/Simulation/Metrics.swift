import FlywheelCore
import Learners

/// The metric series every strategy run records, in this order. The first two are named by the
/// task (`accuracy`, `observed_accuracy` or `mae`, `observed_mae`).
public enum RunMetric: Int, CaseIterable, Sendable {
    case served, observed, labels, labelsArrived, trained, deployed, modelVersion, challengerShare, trainingSamples,
         costError, costLabel, costRetrain, costDeploy, costRollback, costTotal

    /// The series' names in a classification run, in order (a regression run names the first
    /// two `mae` and `observed_mae`).
    public static var names: [String] { allCases.map { $0.name(.classification(classes: 0)) } }

    /// The series' name in a run of `task`.
    public func name(_ task: PredictionTask) -> String {
        switch self {
        case .served: return task.metric
        case .observed: return task.observedMetric
        case .labels: return "labels"
        case .labelsArrived: return "labels_arrived"
        case .trained: return "trained"
        case .deployed: return "deployed"
        case .modelVersion: return "model_version"
        case .challengerShare: return "challenger_share"
        case .trainingSamples: return "training_samples"
        case .costError: return "cost_error"
        case .costLabel: return "cost_label"
        case .costRetrain: return "cost_retrain"
        case .costDeploy: return "cost_deploy"
        case .costRollback: return "cost_rollback"
        case .costTotal: return "cost_total"
        }
    }
}

/// One tick of a strategy's standard series, written by name.
struct TickMetrics {
    /// Accuracy (or MAE) of what was served, and the errors it counts.
    var served = 0.0, errors = 0.0
    /// Accuracy (or MAE) of the predictions whose labels arrived this tick (NaN: none arrived).
    var observed = Double.nan
    var labels = 0.0, labelsArrived = 0.0, trained = 0.0, deployed = 0.0, modelVersion = 0.0, challengerShare = 0.0
    var trainingSamples = 0.0
    var errorCost = 0.0, labelCost = 0.0, retrainCost = 0.0, deployCost = 0.0, rollbackCost = 0.0

    func value(_ metric: RunMetric) -> Double {
        switch metric {
        case .served: return served
        case .observed: return observed
        case .labels: return labels
        case .labelsArrived: return labelsArrived
        case .trained: return trained
        case .deployed: return deployed
        case .modelVersion: return modelVersion
        case .challengerShare: return challengerShare
        case .trainingSamples: return trainingSamples
        case .costError: return errorCost
        case .costLabel: return labelCost
        case .costRetrain: return retrainCost
        case .costDeploy: return deployCost
        case .costRollback: return rollbackCost
        case .costTotal: return errorCost + labelCost + retrainCost + deployCost + rollbackCost
        }
    }
}

/// Further per-tick metrics of what was served, beyond accuracy (or MAE), recorded on request.
public enum ExtraMetric: String, CaseIterable, Sendable {
    /// Mean negative log-likelihood of the true class (clipped at 1e-15).
    case logLoss = "log_loss"
    /// Macro-averaged F1 over classes.
    case f1
    /// ROC AUC (binary; one-vs-rest macro for more classes).
    case auc
    /// Root mean squared error (regression).
    case rmse
    /// The label-free CBPE estimate of the served accuracy (classification; see
    /// ``ServedCalibration``): recorded beside the true and the observed accuracy.
    case estimatedAccuracy = "estimated_accuracy"
    /// Data-quality monitor: the largest rise, over features, of a tick's share of missing inputs
    /// above that feature's share in the initial training data (``QualityReference``); no labels,
    /// no model.
    case qualityMissing = "quality_missing"
    /// Data-quality monitor: the largest share, over features, of a tick's non-missing inputs
    /// outside that feature's [min, max] in the initial training data.
    case qualityOutOfRange = "quality_out_of_range"

    /// Whether the metric means something for a classification (true) or a regression stream.
    public func applies(classification: Bool) -> Bool {
        switch self {
        case .rmse: return !classification
        case .qualityMissing, .qualityOutOfRange: return true
        default: return classification
        }
    }

    /// Whether the metric reads the served inputs only (a data-quality monitor), not predictions.
    public var isQualityMonitor: Bool { self == .qualityMissing || self == .qualityOutOfRange }

    /// The metric of `n` served predictions `p` (class probabilities `q`, `k` per row) against
    /// `labels`; NaN when it does not apply to the task.
    func value(task: PredictionTask, predictions p: UnsafeBufferPointer<Double>, probabilities q: UnsafeBufferPointer<Double>,
               classes k: Int, labels: UnsafeBufferPointer<Double>) -> Double {
        let classification = task.isClassification
        switch self {
        case .logLoss: return classification ? Metrics.logLoss(probabilities: q, classCount: k, labels: labels) : .nan
        case .f1: return classification ? Metrics.macroF1(predictions: p, labels: labels, classCount: k) : .nan
        case .auc: return classification ? Metrics.rocAUC(probabilities: q, classCount: k, labels: labels) : .nan
        case .rmse: return Metrics.rmse(predictions: p, labels: labels)
        case .estimatedAccuracy: return .nan  // needs the calibration: StrategySimulation.estimatedAccuracy
        case .qualityMissing, .qualityOutOfRange: return .nan  // needs the reference: StrategySimulation.recordExtraMetrics
        }
    }
}
