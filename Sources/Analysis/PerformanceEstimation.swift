import FlywheelCore

/// Isotonic calibration of scores: the non-decreasing step function closest, in squared error,
/// to 0/1 outcomes, fitted by pool-adjacent-violators (Ayer et al. 1955; Zadrozny & Elkan 2002 for
/// calibration), evaluated between fitted points by linear interpolation and clipped outside them,
/// as scikit-learn's `IsotonicRegression(out_of_bounds="clip")`, which NannyML's CBPE uses.
public struct IsotonicCalibration: Hashable, Sendable {
    /// Distinct fitted scores, increasing, and their calibrated values (non-decreasing).
    public private(set) var x: [Double] = []
    public private(set) var y: [Double] = []

    /// Fits on `scores` and `outcomes` (1 when the event was a positive, 0 otherwise), with
    /// optional weights. Pairs with a NaN are left out.
    /// - Complexity: O(n log n).
    public init(scores: [Double], outcomes: [Double], weights: [Double]? = nil) {
        var rows = (0..<min(scores.count, outcomes.count)).filter { !scores[$0].isNaN && !outcomes[$0].isNaN }
        rows.sort { scores[$0] != scores[$1] ? scores[$0] < scores[$1] : $0 < $1 }
        // Tied scores are merged first (scikit-learn's _make_unique: weighted mean of outcomes).
        var xs: [Double] = [], ys: [Double] = [], ws: [Double] = []
        for i in rows {
            let w = weights?[i] ?? 1
            if let last = xs.last, last == scores[i] {
                let k = xs.count - 1
                ys[k] = (ys[k] * ws[k] + outcomes[i] * w) / (ws[k] + w)
                ws[k] += w
            } else {
                xs.append(scores[i]); ys.append(outcomes[i]); ws.append(w)
            }
        }
        // Pool adjacent violators: blocks of (value, weight, first index, count).
        var value: [Double] = [], weight: [Double] = [], count: [Int] = []
        for k in xs.indices {
            value.append(ys[k]); weight.append(ws[k]); count.append(1)
            while value.count > 1, value[value.count - 2] > value[value.count - 1] {
                let b = value.count - 1
                let w = weight[b - 1] + weight[b]
                value[b - 1] = (value[b - 1] * weight[b - 1] + value[b] * weight[b]) / w
                weight[b - 1] = w
                count[b - 1] += count[b]
                value.removeLast(); weight.removeLast(); count.removeLast()
            }
        }
        var fitted: [Double] = []
        fitted.reserveCapacity(xs.count)
        for (v, c) in zip(value, count) { fitted += [Double](repeating: v, count: c) }
        // Keep only the points where the step function changes direction (scikit-learn keeps the
        // first and last point of each block; the interpolation is the same either way).
        var keepX: [Double] = [], keepY: [Double] = []
        for k in xs.indices {
            let interior = k > 0 && k < xs.count - 1 && fitted[k - 1] == fitted[k] && fitted[k] == fitted[k + 1]
            if !interior { keepX.append(xs[k]); keepY.append(fitted[k]) }
        }
        x = keepX
        y = keepY
    }

    /// The calibrated value of a score (the mean outcome when fitted on a single point; NaN
    /// when fitted on nothing).
    public func callAsFunction(_ s: Double) -> Double {
        guard let first = x.first else { return .nan }
        if s.isNaN { return .nan }
        if s <= first { return y[0] }
        if s >= x[x.count - 1] { return y[y.count - 1] }
        // Binary search for x[i] ≤ s < x[i + 1].
        var lo = 0, hi = x.count - 1
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if x[mid] <= s { lo = mid } else { hi = mid }
        }
        let f = (s - x[lo]) / (x[hi] - x[lo])
        return y[lo] + f * (y[hi] - y[lo])
    }
}

/// Confidence-based performance estimation (CBPE; NannyML, after Guo et al. 2017 on calibration):
/// with calibrated probabilities, the expected value of a confusion matrix needs no labels.
///
/// For a binary classifier with calibrated P(y = 1 | x) = c and served prediction ŷ, the event
/// is correct with probability c (ŷ = 1) or 1 − c (ŷ = 0). Over a batch:
///
///   E[accuracy] = (1/n) Σ [ŷᵢ c + (1 − ŷᵢ)(1 − c)],
///   E[TP] = Σ_{ŷ=1} c,  E[FP] = Σ_{ŷ=1} (1 − c),  E[FN] = Σ_{ŷ=0} c,
///
/// and precision, recall and F1 are formed from these expected counts (NannyML's estimate). For
/// more classes, the calibrated confidence of the predicted class is its probability of being
/// right (top-label calibration), and E[accuracy] is its mean.
///
/// The estimate holds while P(y | x) stays as it was when calibrated: it follows a covariate shift,
/// and it cannot see a concept drift (the model's confidence does not change when the world's
/// answer does).
public enum CBPE {
    /// Expected binary metrics of a batch.
    public struct Binary: Hashable, Sendable {
        public var accuracy: Double
        public var precision: Double
        public var recall: Double
        public var f1: Double
    }

    /// Expected accuracy, precision, recall and F1 of served predictions `predicted` (0/1) with
    /// calibrated positive probabilities `calibrated`.
    public static func binary(predicted: [Double], calibrated: [Double]) -> Binary {
        var correct = 0.0, tp = 0.0, fp = 0.0, fn = 0.0, n = 0.0
        for (p, c) in zip(predicted, calibrated) where !c.isNaN && !p.isNaN {
            n += 1
            if p == 1 { correct += c; tp += c; fp += 1 - c } else { correct += 1 - c; fn += c }
        }
        let precision = tp + fp > 0 ? tp / (tp + fp) : .nan
        let recall = tp + fn > 0 ? tp / (tp + fn) : .nan
        let f1 = precision.isNaN || recall.isNaN || precision + recall == 0 ? .nan : 2 * precision * recall / (precision + recall)
        return Binary(accuracy: n > 0 ? correct / n : .nan, precision: precision, recall: recall, f1: f1)
    }

    /// Expected accuracy from the calibrated confidence of each served prediction.
    public static func accuracy(calibratedConfidence: [Double]) -> Double {
        let v = calibratedConfidence.filter { !$0.isNaN }
        return v.isEmpty ? .nan : v.reduce(0, +) / Double(v.count)
    }
}
