import Analysis
import FlywheelCore
import Foundation
import Testing

@Suite struct PerformanceEstimationTests {
    struct Oracle: Decodable {
        struct Case: Decodable { var name: String; var scores: [Double]; var outcomes: [Double]; var grid: [Double]; var calibrated: [Double] }
        var cases: [Case]
    }

    /// scikit-learn's `IsotonicRegression(out_of_bounds="clip")` (scripts/oracles/isotonic_oracle.py).
    @Test func isotonicCalibrationMatchesScikitLearn() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Oracles/isotonic.json")
        let oracle = try JSONDecoder().decode(Oracle.self, from: Data(contentsOf: url))
        for c in oracle.cases {
            let f = IsotonicCalibration(scores: c.scores, outcomes: c.outcomes)
            for (s, expected) in zip(c.grid, c.calibrated) {
                #expect(abs(f(s) - expected) < 1e-12, "\(c.name) at \(s): \(f(s)) vs \(expected)")
            }
        }
    }

    @Test func poolAdjacentViolatorsByHand() {
        // Outcomes 1, 0, 1, 1 at scores 1…4: the first two pool to 0.5.
        let f = IsotonicCalibration(scores: [1, 2, 3, 4], outcomes: [1, 0, 1, 1])
        #expect(f(1) == 0.5 && f(2) == 0.5 && f(2.5) == 0.75 && f(3) == 1 && f(9) == 1 && f(0) == 0.5)
    }

    /// A calibrated binary model: scores uniform on [0, 1], y ~ Bernoulli(score). The expected
    /// accuracy of predicting 1 above 0.5 is E[max(s, 1 − s)] = 3/4, and E[TP] = ∫_{½}^1 s ds = 3/8,
    /// E[FP] = 1/8, E[FN] = 1/8: precision = recall = F1 = 3/4.
    @Test func cbpeOfACalibratedModelIsTheClosedForm() {
        let rng = RandomStream(seed: 21)
        let n = 200_000
        let s = (0..<n).map { _ in rng.uniform() }
        let predicted = s.map { $0 > 0.5 ? 1.0 : 0 }
        let e = CBPE.binary(predicted: predicted, calibrated: s)
        #expect(abs(e.accuracy - 0.75) < 0.003)
        #expect(abs(e.precision - 0.75) < 0.004 && abs(e.recall - 0.75) < 0.004 && abs(e.f1 - 0.75) < 0.004)
        // And it agrees with the realised accuracy once labels are drawn.
        let y = s.map { rng.uniform() < $0 ? 1.0 : 0 }
        let realised = Double(zip(predicted, y).filter { $0 == $1 }.count) / Double(n)
        #expect(abs(e.accuracy - realised) < 0.005)
    }

    @Test func calibrationRepairsAnOverconfidentModel() {
        // True P(y = 1 | s) = 0.5 + (s − 0.5) / 2: the raw score overstates confidence.
        let rng = RandomStream(seed: 2)
        let s = (0..<50_000).map { _ in rng.uniform() }
        let y = s.map { rng.uniform() < 0.5 + ($0 - 0.5) / 2 ? 1.0 : 0 }
        let f = IsotonicCalibration(scores: s, outcomes: y)
        let predicted = s.map { $0 > 0.5 ? 1.0 : 0 }
        let raw = CBPE.binary(predicted: predicted, calibrated: s).accuracy
        let calibrated = CBPE.binary(predicted: predicted, calibrated: s.map { f($0) }).accuracy
        // Truth: E[0.5 + |s − 0.5| / 2] = 0.625.
        #expect(abs(raw - 0.75) < 0.01 && abs(calibrated - 0.625) < 0.01)
    }
}
