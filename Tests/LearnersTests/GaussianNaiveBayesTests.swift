import FlywheelCore
import Foundation
import Testing
@testable import Learners

@Suite struct GaussianNaiveBayesTests {
    /// Class 0: (1, 2), (3, 4); class 1: (10, 0), (12, 0), (14, 3).
    let tiny = trainingSet([[1, 2], [3, 4], [10, 0], [12, 0], [14, 3]], [0, 0, 1, 1, 1])

    @Test func parametersEqualHandComputedMeansAndVariances() throws {
        let (fitted, epochs) = GaussianNaiveBayes().fit(tiny, classCount: 2, warmStart: nil, rng: RandomStream(seed: 1))
        let model = try #require(fitted as? GaussianNaiveBayesModel)
        #expect(epochs == 2)
        // Overall variances: x0 = 130/5 = 26, x1 = 12.8/5 = 2.56, so ε = 1e-9 × 26.
        #expect(close(model.epsilon, 26e-9, 1e-12))
        #expect(model.statistics.means == [2, 3, 12, 1])
        let expected = [1.0, 1.0, 8.0 / 3.0, 2.0].map { $0 + 26e-9 }
        for (v, e) in zip(model.variances, expected) { #expect(close(v, e, 1e-12)) }
        #expect(model.priors == [0.4, 0.6])
        #expect(close(model.featureMeans[0], 8, 1e-12) && close(model.featureMeans[1], 1.8, 1e-12))
    }

    @Test func posteriorMatchesDirectDensityProduct() throws {
        let (model, _) = GaussianNaiveBayes().fit(tiny, classCount: 2, warmStart: nil, rng: RandomStream(seed: 1))
        let x = [4.0, 2.5]
        func density(_ v: Double, _ mu: Double, _ s2: Double) -> Double { exp(-(v - mu) * (v - mu) / (2 * s2)) / (2 * .pi * s2).squareRoot() }
        let eps = 26e-9
        let p0 = 0.4 * density(4, 2, 1 + eps) * density(2.5, 3, 1 + eps)
        let p1 = 0.6 * density(4, 12, 8.0 / 3 + eps) * density(2.5, 1, 2 + eps)
        let p = try #require(probabilities(model, x, rows: 1))
        #expect(close(p[0], p0 / (p0 + p1), 1e-12))
        #expect(close(p[1], p1 / (p0 + p1), 1e-12))
        #expect(predictions(model, x, rows: 1) == [p0 > p1 ? 0 : 1])
    }

    @Test func reachesBayesAccuracyOnTwoGaussians() {
        // Equal priors, identity covariances, means (0,0) and (2,2): the Bayes boundary is
        // x0 + x1 = 2 at distance √2 from each mean, so the Bayes accuracy is Φ(√2) ≈ 0.921.
        let train = twoGaussians(5_000, seed: 11)
        let test = twoGaussians(40_000, seed: 12)
        let (model, _) = GaussianNaiveBayes().fit(train, classCount: 2, warmStart: nil, rng: RandomStream(seed: 1))
        let accuracy = Metrics.accuracy(predictions(model, test.features, rows: test.count), test.labels)
        // Sampling sd of the test accuracy ≈ 0.0014; estimation adds well under 0.002.
        #expect(abs(accuracy - phi(2.0.squareRoot())) < 0.008)
    }

    @Test func warmStartMergesSufficientStatistics() throws {
        let all = twoGaussians(3_000, seed: 21)
        var first = TrainingSet(dimension: 2), second = TrainingSet(dimension: 2)
        for i in 0..<all.count {
            let part = i < 1_000
            let row = Array(all.features[(2 * i)..<(2 * i + 2)])
            if part { first.features += row; first.labels.append(all.labels[i]) } else { second.features += row; second.labels.append(all.labels[i]) }
        }
        let learner = GaussianNaiveBayes()
        let (champion, _) = learner.fit(first, classCount: 2, warmStart: nil, rng: RandomStream(seed: 1))
        let (merged, _) = learner.fit(second, classCount: 2, warmStart: champion, rng: RandomStream(seed: 1))
        let (joint, _) = learner.fit(all, classCount: 2, warmStart: nil, rng: RandomStream(seed: 1))
        let m = try #require(merged as? GaussianNaiveBayesModel), j = try #require(joint as? GaussianNaiveBayesModel)
        #expect(m.statistics.counts == j.statistics.counts)
        for (a, b) in zip(m.statistics.means, j.statistics.means) { #expect(close(a, b, 1e-12)) }
        for (a, b) in zip(m.variances, j.variances) { #expect(close(a, b, 1e-10)) }
        #expect(close(m.epsilon, j.epsilon, 1e-10))
    }

    @Test func warmStartIgnoresAnIncompatibleChampion() throws {
        let (champion, _) = MajorityClass().fit(tiny, classCount: 2, warmStart: nil, rng: RandomStream(seed: 1))
        let (a, _) = GaussianNaiveBayes().fit(tiny, classCount: 2, warmStart: champion, rng: RandomStream(seed: 1))
        let (b, _) = GaussianNaiveBayes().fit(tiny, classCount: 2, warmStart: nil, rng: RandomStream(seed: 1))
        #expect((a as? GaussianNaiveBayesModel)?.statistics == (b as? GaussianNaiveBayesModel)?.statistics)
    }

    @Test func unseenClassIsNeverPredictedAndConstantFeaturesStayFinite() throws {
        let data = trainingSet([[1, 5], [1, 5], [1, 5]], [2, 2, 2])
        let (model, _) = GaussianNaiveBayes().fit(data, classCount: 3, warmStart: nil, rng: RandomStream(seed: 1))
        #expect(predictions(model, [1, 5, 0, 0], rows: 2) == [2, 2])
        let p = try #require(probabilities(model, [1, 5, 0, 0], rows: 2))
        #expect(p.allSatisfy { $0.isFinite })
        #expect(p[0] == 0 && p[1] == 0 && p[2] == 1)
    }
}
