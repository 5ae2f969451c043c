import Analysis
import FlywheelCore
import Learners

/// The label-free accuracy estimate of the `estimated_accuracy` series (confidence-based
/// performance estimation, CBPE; NannyML): at each training, the confidence of the model's
/// predicted class is calibrated against whether it was right on the labelled holdout
/// (top-label isotonic calibration, ``IsotonicCalibration``); each tick, the estimate is the mean
/// calibrated confidence of the served predictions,
///
///   Â = (1/n) Σᵢ c(q̂ᵢ),  q̂ᵢ = P̂(ŷᵢ | xᵢ) the model's probability of the class it served.
///
/// The holdout is the offline gate's (`gate: {holdout: …}`); a strategy without one calibrates on
/// the rows it trained on (in-sample: an optimistic calibration, said in the estimate's
/// documentation), and the initial model on its initial training set. The estimate follows a
/// covariate shift (P(y | x) unchanged) and cannot see a concept drift (P(y | x) changes, the
/// inputs and hence the confidences do not).
public enum ServedCalibration {
    /// The top-label calibration of `model` on `set`: isotonic fit of "predicted class was right"
    /// on the predicted class's probability. Nil for a model without class probabilities or an
    /// empty set.
    public static func fit(_ model: any Model, on set: TrainingSet, classCount: Int) -> IsotonicCalibration? {
        let n = set.count, k = max(classCount, 1)
        guard n > 0, classCount >= 2 else { return nil }
        var predicted = [Double](repeating: 0, count: n), q = [Double](repeating: 0, count: n * k)
        let ok = set.features.withUnsafeBufferPointer { xb in
            predicted.withUnsafeMutableBufferPointer { model.predict(xb, count: n, into: $0) }
            return q.withUnsafeMutableBufferPointer { model.probabilities(xb, count: n, into: $0) }
        }
        guard ok else { return nil }
        var confidence = [Double](repeating: .nan, count: n), correct = [Double](repeating: .nan, count: n)
        for i in 0..<n {
            let c = Int(predicted[i])
            guard c >= 0, c < k else { continue }
            confidence[i] = q[i * k + c]
            correct[i] = predicted[i] == set.labels[i] ? 1 : 0
        }
        let fitted = IsotonicCalibration(scores: confidence, outcomes: correct)
        return fitted.x.isEmpty ? nil : fitted
    }

    /// The estimate over `n` served events: predictions `p`, probabilities `q` (`k` per row), the
    /// arm each was served by (1: the challenger), and each arm's calibration. NaN when an event's
    /// arm has no calibration or an event has no probability. Allocates nothing.
    public static func estimate(count n: Int, predictions p: UnsafeBufferPointer<Double>, probabilities q: UnsafeBufferPointer<Double>,
                         classes k: Int, arm: UnsafeBufferPointer<Int8>, champion: IsotonicCalibration?,
                         challenger: IsotonicCalibration?) -> Double {
        guard n > 0 else { return .nan }
        var sum = 0.0
        for i in 0..<n {
            guard let cal = arm[i] == 1 ? challenger : champion else { return .nan }
            let c = Int(p[i])
            guard c >= 0, c < k else { return .nan }
            sum += cal(q[i * k + c])
        }
        return sum / Double(n)
    }
}
