import Foundation

/// Performance metrics over contiguous buffers, as scikit-learn defines them.
///
/// Conventions shared by every metric: labels are class indices (as `Double`) or regression
/// targets; a row whose label is NaN (not yet labelled) is skipped; a metric with no rows left
/// (or, for AUC, without both a positive and a negative) is NaN. Buffers of predictions and
/// labels must have the same length (a programming error otherwise). Only ROC AUC allocates
/// (one index buffer of n); the others allocate nothing beyond stack scratch for class counts.
public enum Metrics {
    /// scikit-learn's historical clipping bound for log loss.
    public static let logLossEpsilon = 1e-15

    /// Fraction of rows whose predicted class equals the label.
    /// - Complexity: O(n).
    public static func accuracy(predictions: UnsafeBufferPointer<Double>, labels: UnsafeBufferPointer<Double>) -> Double {
        precondition(predictions.count == labels.count, "predictions and labels differ in length")
        var right = 0, n = 0
        for i in 0..<labels.count where !labels[i].isNaN {
            n += 1
            if predictions[i] == labels[i] { right += 1 }
        }
        return n > 0 ? Double(right) / Double(n) : .nan
    }

    /// Mean negative log-likelihood of the true class, −(1/n) Σ log clip(p_{i,yᵢ}, ε, 1 − ε), with
    /// ε = 1e-15 (`probabilities` is n × classCount, row-major). Rows whose label is not a class
    /// index in `0..<classCount` are skipped.
    /// - Complexity: O(n).
    public static func logLoss(probabilities: UnsafeBufferPointer<Double>, classCount k: Int,
                               labels: UnsafeBufferPointer<Double>) -> Double {
        precondition(k > 0 && probabilities.count == labels.count * k, "probabilities must be n × classCount")
        var sum = 0.0, n = 0
        for i in 0..<labels.count {
            let y = labels[i]
            guard y.isFinite, y >= 0, y < Double(k), y == y.rounded(.towardZero) else { continue }
            let p = min(max(probabilities[i * k + Int(y)], logLossEpsilon), 1 - logLossEpsilon)
            sum -= log(p)
            n += 1
        }
        return n > 0 ? sum / Double(n) : .nan
    }

    /// F1 of the `positive` class: 2TP / (2TP + FP + FN); 0 when there is no positive in either
    /// the labels or the predictions (scikit-learn's `zero_division=0`).
    /// - Complexity: O(n).
    public static func binaryF1(predictions: UnsafeBufferPointer<Double>, labels: UnsafeBufferPointer<Double>,
                                positive: Double = 1) -> Double {
        precondition(predictions.count == labels.count, "predictions and labels differ in length")
        var tp = 0.0, fp = 0.0, fn = 0.0, n = 0
        for i in 0..<labels.count where !labels[i].isNaN {
            n += 1
            let p = predictions[i] == positive, t = labels[i] == positive
            if p && t { tp += 1 } else if p { fp += 1 } else if t { fn += 1 }
        }
        guard n > 0 else { return .nan }
        let denominator = 2 * tp + fp + fn
        return denominator > 0 ? 2 * tp / denominator : 0
    }

    /// Unweighted mean over classes of the per-class F1 = 2TP / (2TP + FP + FN), over the classes
    /// in `0..<classCount` that occur in the labels or the predictions (scikit-learn's
    /// `f1_score(average="macro")`, which averages over the labels present).
    /// - Complexity: O(n + classCount); allocates nothing for up to a few thousand classes.
    public static func macroF1(predictions: UnsafeBufferPointer<Double>, labels: UnsafeBufferPointer<Double>,
                               classCount k: Int) -> Double {
        precondition(predictions.count == labels.count, "predictions and labels differ in length")
        precondition(k > 0, "classCount must be positive")
        return withScratch(3 * k) { counts in
            var n = 0
            for i in 0..<labels.count where !labels[i].isNaN {
                n += 1
                let t = classIndex(labels[i], k), p = classIndex(predictions[i], k)
                if let t, let p, t == p {
                    counts[3 * t] += 1
                } else {
                    if let p { counts[3 * p + 1] += 1 }
                    if let t { counts[3 * t + 2] += 1 }
                }
            }
            guard n > 0 else { return .nan }
            var sum = 0.0, present = 0
            for c in 0..<k {
                let tp = counts[3 * c], fp = counts[3 * c + 1], fn = counts[3 * c + 2]
                guard tp + fp + fn > 0 else { continue }
                present += 1
                sum += 2 * tp / (2 * tp + fp + fn)
            }
            return present > 0 ? sum / Double(present) : 0
        }
    }

    /// Binary ROC AUC: the probability that a random positive scores above a random negative,
    /// ties counting one half — computed from mid-ranks (Mann–Whitney U):
    /// AUC = (R₊ − n₊(n₊+1)/2) / (n₊ n₋), R₊ the sum of the positives' ranks, tied scores sharing
    /// their average rank. A row is positive when its label equals `positive`. NaN scores rank lowest.
    /// - Complexity: O(n log n); allocates one index buffer of n.
    public static func rocAUC(scores: UnsafeBufferPointer<Double>, labels: UnsafeBufferPointer<Double>,
                              positive: Double = 1) -> Double {
        precondition(scores.count == labels.count, "scores and labels differ in length")
        var index: [Int] = []
        return rankAUC(count: labels.count, score: { scores[$0] }, label: { labels[$0] }, positive: positive, index: &index)
    }

    /// ROC AUC from class probabilities (n × classCount): for two classes, the binary AUC of the
    /// class-1 column; for more, the unweighted mean over classes of the one-vs-rest AUC of each
    /// class's column (scikit-learn's `multi_class="ovr", average="macro"`), over the classes that
    /// have both positives and negatives among the labels.
    /// - Complexity: O(classCount × n log n); allocates one index buffer of n.
    public static func rocAUC(probabilities: UnsafeBufferPointer<Double>, classCount k: Int,
                              labels: UnsafeBufferPointer<Double>) -> Double {
        precondition(k > 0 && probabilities.count == labels.count * k, "probabilities must be n × classCount")
        var index: [Int] = []
        if k == 2 {
            return rankAUC(count: labels.count, score: { probabilities[$0 * 2 + 1] }, label: { labels[$0] },
                           positive: 1, index: &index)
        }
        var sum = 0.0, used = 0
        for c in 0..<k {
            let auc = rankAUC(count: labels.count, score: { probabilities[$0 * k + c] }, label: { labels[$0] },
                              positive: Double(c), index: &index)
            if !auc.isNaN { sum += auc; used += 1 }
        }
        return used > 0 ? sum / Double(used) : .nan
    }

    /// Mean absolute error (1/n) Σ |ŷᵢ − yᵢ|.
    /// - Complexity: O(n).
    public static func mae(predictions: UnsafeBufferPointer<Double>, labels: UnsafeBufferPointer<Double>) -> Double {
        precondition(predictions.count == labels.count, "predictions and labels differ in length")
        var sum = 0.0, n = 0
        for i in 0..<labels.count where !labels[i].isNaN {
            sum += abs(predictions[i] - labels[i])
            n += 1
        }
        return n > 0 ? sum / Double(n) : .nan
    }

    /// Root mean squared error sqrt((1/n) Σ (ŷᵢ − yᵢ)²).
    /// - Complexity: O(n).
    public static func rmse(predictions: UnsafeBufferPointer<Double>, labels: UnsafeBufferPointer<Double>) -> Double {
        precondition(predictions.count == labels.count, "predictions and labels differ in length")
        var sum = 0.0, n = 0
        for i in 0..<labels.count where !labels[i].isNaN {
            let e = predictions[i] - labels[i]
            sum += e * e
            n += 1
        }
        return n > 0 ? (sum / Double(n)).squareRoot() : .nan
    }

    // MARK: Array conveniences

    /// ``accuracy(predictions:labels:)`` over arrays.
    public static func accuracy(_ predictions: [Double], _ labels: [Double]) -> Double {
        predictions.withUnsafeBufferPointer { p in labels.withUnsafeBufferPointer { accuracy(predictions: p, labels: $0) } }
    }
    /// ``logLoss(probabilities:classCount:labels:)`` over arrays.
    public static func logLoss(_ probabilities: [Double], classCount: Int, _ labels: [Double]) -> Double {
        probabilities.withUnsafeBufferPointer { p in labels.withUnsafeBufferPointer { logLoss(probabilities: p, classCount: classCount, labels: $0) } }
    }
    /// ``binaryF1(predictions:labels:positive:)`` over arrays.
    public static func binaryF1(_ predictions: [Double], _ labels: [Double], positive: Double = 1) -> Double {
        predictions.withUnsafeBufferPointer { p in labels.withUnsafeBufferPointer { binaryF1(predictions: p, labels: $0, positive: positive) } }
    }
    /// ``macroF1(predictions:labels:classCount:)`` over arrays.
    public static func macroF1(_ predictions: [Double], _ labels: [Double], classCount: Int) -> Double {
        predictions.withUnsafeBufferPointer { p in labels.withUnsafeBufferPointer { macroF1(predictions: p, labels: $0, classCount: classCount) } }
    }
    /// ``rocAUC(scores:labels:positive:)`` over arrays.
    public static func rocAUC(scores: [Double], _ labels: [Double], positive: Double = 1) -> Double {
        scores.withUnsafeBufferPointer { s in labels.withUnsafeBufferPointer { rocAUC(scores: s, labels: $0, positive: positive) } }
    }
    /// ``rocAUC(probabilities:classCount:labels:)`` over arrays.
    public static func rocAUC(probabilities: [Double], classCount: Int, _ labels: [Double]) -> Double {
        probabilities.withUnsafeBufferPointer { p in labels.withUnsafeBufferPointer { rocAUC(probabilities: p, classCount: classCount, labels: $0) } }
    }
    /// ``mae(predictions:labels:)`` over arrays.
    public static func mae(_ predictions: [Double], _ labels: [Double]) -> Double {
        predictions.withUnsafeBufferPointer { p in labels.withUnsafeBufferPointer { mae(predictions: p, labels: $0) } }
    }
    /// ``rmse(predictions:labels:)`` over arrays.
    public static func rmse(_ predictions: [Double], _ labels: [Double]) -> Double {
        predictions.withUnsafeBufferPointer { p in labels.withUnsafeBufferPointer { rmse(predictions: p, labels: $0) } }
    }

    // MARK: Internals

    @inline(__always)
    private static func classIndex(_ y: Double, _ k: Int) -> Int? {
        guard y.isFinite, y >= 0, y < Double(k), y == y.rounded(.towardZero) else { return nil }
        return Int(y)
    }

    /// Mid-rank AUC over the labelled rows (label not NaN); `index` is reused scratch.
    private static func rankAUC(count n: Int, score: (Int) -> Double, label: (Int) -> Double, positive: Double,
                                index: inout [Int]) -> Double {
        index.removeAll(keepingCapacity: true)
        index.reserveCapacity(n)
        var positives = 0.0
        for i in 0..<n where !label(i).isNaN {
            index.append(i)
            if label(i) == positive { positives += 1 }
        }
        let negatives = Double(index.count) - positives
        guard positives > 0, negatives > 0 else { return .nan }
        @inline(__always) func key(_ i: Int) -> Double { let s = score(i); return s.isNaN ? -.infinity : s }
        index.sort { key($0) < key($1) }
        var rankSum = 0.0
        var start = 0
        while start < index.count {
            var end = start + 1
            let s = key(index[start])
            while end < index.count && key(index[end]) == s { end += 1 }
            // Rows start..<end share the mid-rank of positions start+1 … end.
            let midRank = Double(start + 1 + end) / 2
            for r in start..<end where label(index[r]) == positive { rankSum += midRank }
            start = end
        }
        return (rankSum - positives * (positives + 1) / 2) / (positives * negatives)
    }
}
