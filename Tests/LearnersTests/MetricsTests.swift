import Foundation
import Testing
@testable import Learners

@Suite struct MetricsTests {
    /// The pairwise definition of AUC: P(score₊ > score₋) + ½ P(tie), by enumerating every pair.
    func pairwiseAUC(_ scores: [Double], _ positive: [Bool]) -> Double {
        var wins = 0.0, pairs = 0.0
        for i in scores.indices where positive[i] {
            for j in scores.indices where !positive[j] {
                pairs += 1
                wins += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0
            }
        }
        return wins / pairs
    }

    @Test func accuracySkipsUnlabelledRows() {
        #expect(Metrics.accuracy([0, 1, 1, 0, 1], [0, 1, 0, 0, .nan]) == 0.75)
        #expect(Metrics.accuracy([1], [.nan]).isNaN)
    }

    @Test func logLossMatchesHandValueAndClips() {
        let p: [Double] = [0.9, 0.1, 0.2, 0.8, 0.6, 0.4]
        let expected = -(log(0.9) + log(0.8) + log(0.4)) / 3
        #expect(close(Metrics.logLoss(p, classCount: 2, [0, 1, 1]), expected, 1e-14))
        // A confident wrong prediction costs −log(1e-15) ≈ 34.539, not infinity.
        #expect(close(Metrics.logLoss([1, 0], classCount: 2, [1]), 34.538776394910684, 1e-12))
        #expect(close(Metrics.logLoss([1, 0], classCount: 2, [0]), -log(1 - 1e-15), 1e-3))
    }

    @Test func binaryF1MatchesHandValue() {
        // TP = 2, FP = 1, FN = 1: F1 = 4 / 6.
        #expect(close(Metrics.binaryF1([1, 0, 0, 1, 1], [1, 1, 0, 0, 1]), 2.0 / 3.0, 1e-15))
        #expect(Metrics.binaryF1([0, 0], [0, 0]) == 0)
    }

    @Test func macroF1MatchesHandValue() {
        // Per class: 0 → TP 2, FP 1, FN 0 → 0.8; 1 → TP 0 → 0; 2 → TP 0 → 0. Mean 0.8 / 3
        // (scikit-learn's documented f1_score example gives 0.2666…).
        #expect(close(Metrics.macroF1([0, 2, 1, 0, 0, 1], [0, 1, 2, 0, 1, 2], classCount: 3), 0.8 / 3, 1e-15))
        // Class 3 appears nowhere and is left out of the mean.
        #expect(close(Metrics.macroF1([0, 1, 1], [0, 1, 0], classCount: 4), (2.0 / 3.0 + 2.0 / 3.0) / 2, 1e-15))
    }

    @Test func rocAUCHandlesTiesByMidRanks() {
        // scikit-learn's documented example.
        #expect(close(Metrics.rocAUC(scores: [0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]), 0.75, 1e-15))
        // Positives score 0.5, 0.9, 0.2; negatives 0.1, 0.5, 0.5: wins 2 + 3 + 1 = 6 of 9 pairs.
        let scores = [0.1, 0.5, 0.5, 0.9, 0.2, 0.5], labels: [Double] = [0, 0, 1, 1, 1, 0]
        #expect(close(Metrics.rocAUC(scores: scores, labels), 6.0 / 9.0, 1e-15))
        #expect(Metrics.rocAUC(scores: [0.3, 0.4], [1, 1]).isNaN)
        #expect(Metrics.rocAUC(scores: [1, 1, 1, 1], [0, 1, 0, 1]) == 0.5)
    }

    @Test func rocAUCAgreesWithPairwiseDefinitionOnRandomTies() {
        var state: UInt64 = 12345
        func next() -> Int { state = state &* 6364136223846793005 &+ 1442695040888963407; return Int(state >> 33) }
        let scores = (0..<300).map { _ in Double(next() % 20) / 20 }
        let labels = scores.map { s in Double((next() % 100) < Int(30 + 40 * s) ? 1 : 0) }
        #expect(close(Metrics.rocAUC(scores: scores, labels), pairwiseAUC(scores, labels.map { $0 == 1 }), 1e-12))
    }

    @Test func multiclassRocAUCIsMacroOneVsRest() {
        let p: [Double] = [
            0.7, 0.2, 0.1,
            0.3, 0.4, 0.3,
            0.2, 0.2, 0.6,
            0.4, 0.4, 0.2,
            0.1, 0.3, 0.6,
        ]
        let labels: [Double] = [0, 1, 2, 1, 0]
        var expected = 0.0
        for c in 0..<3 {
            expected += pairwiseAUC((0..<5).map { p[3 * $0 + c] }, labels.map { $0 == Double(c) }) / 3
        }
        #expect(close(Metrics.rocAUC(probabilities: p, classCount: 3, labels), expected, 1e-15))
        // Two classes: the binary AUC of the class-1 column.
        let q: [Double] = [0.9, 0.1, 0.6, 0.4, 0.65, 0.35, 0.2, 0.8]
        #expect(close(Metrics.rocAUC(probabilities: q, classCount: 2, [0, 0, 1, 1]), 0.75, 1e-15))
    }

    @Test func regressionErrorsMatchHandValues() {
        #expect(Metrics.mae([1, 2, 3], [2, 2, 5]) == 1)
        #expect(close(Metrics.rmse([1, 2, 3, 9], [2, 2, 5, .nan]), (5.0 / 3.0).squareRoot(), 1e-15))
    }
}
