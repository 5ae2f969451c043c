import FlywheelCore
import Testing
@testable import Learners

@Suite struct MultilayerPerceptronTests {
    let xor = trainingSet([[0, 0], [0, 1], [1, 0], [1, 1]], [0, 1, 1, 0])

    func distance(_ a: [Double], _ b: [Double]) -> Double {
        zip(a, b).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot()
    }

    @Test(arguments: [(8, 0, false), (8, 0, true), (8, 4, false), (8, 4, true)])
    func learnsXOR(hidden: Int, hidden2: Int, relu: Bool) throws {
        let learner = MultilayerPerceptron(hidden: hidden, hidden2: hidden2, relu: relu, epochs: 1_500, batchSize: 4, learningRate: 0.02)
        let (model, epochs) = learner.fit(xor, classCount: 2, warmStart: nil, rng: RandomStream(seed: 3))
        #expect(epochs == 1_502)
        #expect(predictions(model, xor.features, rows: 4) == xor.labels)
        let p = try #require(probabilities(model, xor.features, rows: 4))
        for i in 0..<4 { #expect(abs(p[2 * i] + p[2 * i + 1] - 1) < 1e-12) }
        #expect(Metrics.logLoss(p, classCount: 2, xor.labels) < 0.1)
    }

    @Test func warmStartMovesWeightsLessThanColdFit() throws {
        let first = seaLike(2_000, dimension: 3, seed: 31), second = seaLike(2_000, dimension: 3, seed: 32)
        let learner = MultilayerPerceptron(hidden: 8, epochs: 10)
        let (champion, _) = learner.fit(first, classCount: 2, warmStart: nil, rng: RandomStream(seed: 1))
        let short = MultilayerPerceptron(hidden: 8, epochs: 2)
        let (warm, warmPasses) = short.fit(second, classCount: 2, warmStart: champion, rng: RandomStream(seed: 2))
        let (cold, coldPasses) = short.fit(second, classCount: 2, warmStart: nil, rng: RandomStream(seed: 2))
        #expect(warmPasses == 3 && coldPasses == 4)
        let c = try #require(champion as? MLPModel), w = try #require(warm as? MLPModel), k = try #require(cold as? MLPModel)
        #expect(w.scaler == c.scaler)
        #expect(distance(w.parameters, c.parameters) < 0.5 * distance(k.parameters, c.parameters))
        // Continuing from a good model keeps it good.
        let test = seaLike(4_000, dimension: 3, seed: 33)
        let accuracy = Metrics.accuracy(predictions(warm, test.features, rows: test.count), test.labels)
        #expect(accuracy > 0.95)
    }

    @Test func championOfAnotherShapeIsIgnored() throws {
        let data = seaLike(500, dimension: 3, seed: 41)
        let (champion, _) = MultilayerPerceptron(hidden: 4, epochs: 2).fit(data, classCount: 2, warmStart: nil, rng: RandomStream(seed: 1))
        let learner = MultilayerPerceptron(hidden: 8, epochs: 2)
        let (a, _) = learner.fit(data, classCount: 2, warmStart: champion, rng: RandomStream(seed: 9))
        let (b, _) = learner.fit(data, classCount: 2, warmStart: nil, rng: RandomStream(seed: 9))
        #expect(try #require(a as? MLPModel).parameters == (try #require(b as? MLPModel)).parameters)
    }

    @Test func fixedSeedGivesIdenticalModelsAndOtherSeedsDiffer() throws {
        let data = seaLike(1_000, dimension: 4, seed: 51)
        let learner = MultilayerPerceptron(hidden: 6, hidden2: 3, epochs: 3)
        let a = try #require(learner.fit(data, classCount: 2, warmStart: nil, rng: RandomStream(seed: 7)).model as? MLPModel)
        let b = try #require(learner.fit(data, classCount: 2, warmStart: nil, rng: RandomStream(seed: 7)).model as? MLPModel)
        let c = try #require(learner.fit(data, classCount: 2, warmStart: nil, rng: RandomStream(seed: 8)).model as? MLPModel)
        #expect(a.parameters == b.parameters)
        #expect(a.parameters != c.parameters)
        #expect(a.layerSizes == [4, 6, 3, 2])
        #expect(a.parameters.count == 4 * 6 + 6 + 6 * 3 + 3 + 3 * 2 + 2)
    }

    @Test func regressionNetworkFitsASmoothFunction() {
        let rng = RandomStream(seed: 61)
        var set = TrainingSet(dimension: 1)
        for i in 0..<2_000 {
            let x = rng.uniform(-2, 2)
            set.features.append(x)
            set.labels.append(50 + 10 * x * x)
            set.ticks.append(Int32(i))
        }
        let (model, _) = MultilayerPerceptron(hidden: 16, epochs: 60).fit(set, classCount: 0, warmStart: nil, rng: RandomStream(seed: 1))
        #expect(model.classCount == 0)
        let grid = stride(from: -1.5, through: 1.5, by: 0.25).map { $0 }
        let mae = Metrics.mae(predictions(model, grid, rows: grid.count), grid.map { 50 + 10 * $0 * $0 })
        // The target spans 50…90 over the training range; a constant would miss by ≈ 6.
        #expect(mae < 1.5)
    }
}
