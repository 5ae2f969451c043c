import FlywheelCore
import Testing
@testable import Learners

/// A data-quality fault upstream turns inputs into NaN: every model imputes the training mean.
@Suite struct MissingInputTests {
    static let families = ["gaussian_nb", "ridge", "mlp", "majority", "no_change"]

    @Test(arguments: families)
    func missingFeatureIsPredictedAsTheTrainingMean(family: String) throws {
        let data = seaLike(1_000, dimension: 3, seed: 71)
        let learner = try LearnerCatalog.make(family, parameters: family == "mlp" ? ["epochs": 3] : [:])
        let classCount = family == "ridge" ? 0 : 2
        let (model, _) = learner.fit(data, classCount: classCount, warmStart: nil, rng: RandomStream(seed: 1))
        var means = [0.0, 0.0, 0.0]
        for i in 0..<data.count { for j in 0..<3 { means[j] += data.features[3 * i + j] / Double(data.count) } }
        let faulty: [Double] = [.nan, 2, 7, 4, .infinity, 1, .nan, .nan, .nan]
        let imputed: [Double] = [means[0], 2, 7, 4, means[1], 1, means[0], means[1], means[2]]
        let a = predictions(model, faulty, rows: 3), b = predictions(model, imputed, rows: 3)
        #expect(a.allSatisfy { $0.isFinite })
        for (u, v) in zip(a, b) { #expect(close(u, v, 1e-9)) }
        if let p = probabilities(model, faulty, rows: 3), let q = probabilities(model, imputed, rows: 3) {
            #expect(p.allSatisfy { $0.isFinite })
            for (u, v) in zip(p, q) { #expect(close(u, v, 1e-9)) }
        }
    }

    @Test(arguments: ["gaussian_nb", "ridge", "mlp"])
    func missingTrainingValuesAreImputedBeforeFitting(family: String) throws {
        let rows: [[Double]] = [[1, 2], [.nan, 4], [10, 0], [12, .nan], [14, 3], [3, 1]]
        let labels: [Double] = [0, 0, 1, 1, 1, 0]
        // Means over the finite values: x0 = 40/5 = 8, x1 = 10/5 = 2.
        let filled: [[Double]] = [[1, 2], [8, 4], [10, 0], [12, 2], [14, 3], [3, 1]]
        let learner = try LearnerCatalog.make(family, parameters: [:])
        let classCount = family == "ridge" ? 0 : 2
        let (a, _) = learner.fit(trainingSet(rows, labels), classCount: classCount, warmStart: nil, rng: RandomStream(seed: 1))
        let (b, _) = learner.fit(trainingSet(filled, labels), classCount: classCount, warmStart: nil, rng: RandomStream(seed: 1))
        let grid: [Double] = [0, 0, 5, 5, 9, 1, 13, 4]
        let pa = probabilities(a, grid, rows: 4) ?? predictions(a, grid, rows: 4)
        let pb = probabilities(b, grid, rows: 4) ?? predictions(b, grid, rows: 4)
        for (u, v) in zip(pa, pb) { #expect(close(u, v, 1e-9)) }
    }
}
