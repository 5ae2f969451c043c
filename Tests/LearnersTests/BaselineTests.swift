import FlywheelCore
import Testing
@testable import Learners

@Suite struct BaselineTests {
    @Test func majorityPredictsMostFrequentClassWithPriorProbabilities() throws {
        let data = trainingSet([[0], [1], [2], [3], [4]], [0, 2, 2, 1, 2])
        let (model, epochs) = MajorityClass().fit(data, classCount: 3, warmStart: nil, rng: RandomStream(seed: 1))
        #expect(epochs == 1)
        #expect(predictions(model, [9, -9, .nan], rows: 3) == [2, 2, 2])
        #expect(try #require(probabilities(model, [9], rows: 1)) == [0.2, 0.2, 0.6])
    }

    @Test func majorityBreaksTiesTowardLowestClassAndSkipsInvalidLabels() {
        let data = trainingSet([[0], [0], [0], [0], [0]], [3, 1, 3, 1, .nan])
        let (model, _) = MajorityClass().fit(data, classCount: 4, warmStart: nil, rng: RandomStream(seed: 1))
        #expect(predictions(model, [0], rows: 1) == [1])
    }

    @Test func majorityOnRegressionPredictsMean() {
        let data = trainingSet([[0], [0], [0]], [1, 2, 6])
        let (model, _) = MajorityClass().fit(data, classCount: 0, warmStart: nil, rng: RandomStream(seed: 1))
        #expect(predictions(model, [7], rows: 1) == [3])
        #expect(model.classCount == 0)
    }

    @Test func noChangePredictsLabelOfLatestTick() throws {
        // Ticks 5, 3, 9, 9, 2: the latest tick is 9, rows 2 and 3; the later row (3) wins.
        let data = trainingSet([[0], [0], [0], [0], [0]], [0, 1, 1, 2, 0], ticks: [5, 3, 9, 9, 2])
        let (model, epochs) = NoChange().fit(data, classCount: 3, warmStart: nil, rng: RandomStream(seed: 1))
        #expect(epochs == 1)
        #expect(predictions(model, [1, .nan], rows: 2) == [2, 2])
        #expect(try #require(probabilities(model, [1], rows: 1)) == [0, 0, 1])
    }

    @Test func noChangeWithoutTicksUsesLastRowAndWorksForRegression() {
        let data = TrainingSet(dimension: 1, features: [0, 0, 0], labels: [4.5, 1.25, -3])
        let (model, _) = NoChange().fit(data, classCount: 0, warmStart: nil, rng: RandomStream(seed: 1))
        #expect(predictions(model, [0, 0], rows: 2) == [-3, -3])
    }
}
