import FlywheelCore
import Foundation
import Testing
@testable import Learners

/// Two concepts on the same inputs: the champion learns x0 + x1 ≤ 8, the new data says x0 ≤ 4.
private func shiftedConcept(_ n: Int, seed: UInt64) -> TrainingSet {
    var set = seaLike(n, dimension: 3, seed: seed)
    for i in 0..<set.count { set.labels[i] = set.features[i * 3] <= 4 ? 1 : 0 }
    return set
}

/// The standardised parameters of a Newton fit, relative to the champion's on the same scale.
private func distance(_ model: LogisticRegressionModel, to champion: LogisticRegressionModel) -> Double {
    let a = champion.standardisedParameters(mean: model.mean, sd: model.sd)
    let b = model.standardisedParameters(mean: model.mean, sd: model.sd)
    return zip(a, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
}

@Suite struct WarmStart {
    let old = seaLike(600, dimension: 3, seed: 11)
    let new = shiftedConcept(150, seed: 12)

    /// Newton's objective plus (μ/2)‖θ − θ_c‖²: μ = 0 is the fit from scratch (why validate refuses
    /// warm_start without a pull), μ → ∞ is the champion, and ‖θ − θ_c‖ shrinks as μ grows.
    @Test func theNewtonPullRunsFromTheFitFromScratchToTheChampion() throws {
        let rng = RandomStream(seed: 1)
        let champion = try #require(LogisticRegressionLearner().fit(old, classCount: 2, warmStart: nil, rng: rng).model
            as? LogisticRegressionModel)
        let scratch = try #require(LogisticRegressionLearner().fit(new, classCount: 2, warmStart: nil, rng: rng).model
            as? LogisticRegressionModel)
        func tuned(_ mu: Double) throws -> LogisticRegressionModel {
            try #require(LogisticRegressionLearner(warmPull: mu).fit(new, classCount: 2, warmStart: champion, rng: rng).model
                as? LogisticRegressionModel)
        }
        let zero = try tuned(0)
        for (a, b) in zip(zero.weights, scratch.weights) { #expect(abs(a - b) <= 1e-6 * max(1, abs(b)), "\(a) vs \(b)") }
        let infinite = try tuned(1e9)
        for (a, b) in zip(infinite.weights, champion.weights) { #expect(abs(a - b) <= 1e-6 * max(1, abs(b)), "\(a) vs \(b)") }
        let path = try [0.001, 0.01, 0.1, 1, 10].map { try distance(tuned($0), to: champion) }
        #expect(zip(path, path.dropFirst()).allSatisfy { $0 > $1 }, "\(path)")
        #expect(distance(scratch, to: champion) > path[0])
        // A moderate pull is neither: it changes the served model.
        let middle = try tuned(0.1)
        #expect(zip(middle.weights, scratch.weights).contains { abs($0 - $1) > 1e-2 })
        #expect(zip(middle.weights, champion.weights).contains { abs($0 - $1) > 1e-2 })
    }

    /// Every catalogued family either fine-tunes (the warm fit differs from the fit from scratch)
    /// or says why it cannot, and then the warm fit is indeed the fit from scratch.
    @Test func everyFamilyFineTunesOrRefusesWarmStart() throws {
        var learners: [(String, any Learner)] = try LearnerCatalog.names.map { ($0, try LearnerCatalog.make($0)) }
        learners.append(("logistic_regression sgd", try LearnerCatalog.make("logistic_regression", parameters: ["solver": 1])))
        learners.append(("logistic_regression pull", try LearnerCatalog.make("logistic_regression", parameters: ["warm_pull": 1])))
        var refused: [String] = []
        let grid = seaLike(50, dimension: 3, seed: 13)
        for (name, learner) in learners {
            let classes = name == "ridge" ? 0 : 2
            let champion = learner.fit(old, classCount: classes, warmStart: nil, rng: RandomStream(seed: 2)).model
            let scratch = learner.fit(new, classCount: classes, warmStart: nil, rng: RandomStream(seed: 3)).model
            let warm = learner.fit(new, classCount: classes, warmStart: champion, rng: RandomStream(seed: 3)).model
            func outputs(_ m: any Model) -> [Double] {
                probabilities(m, grid.features, rows: grid.count) ?? predictions(m, grid.features, rows: grid.count)
            }
            let gap = zip(outputs(warm), outputs(scratch)).map { abs($0 - $1) }.max() ?? 0
            if let reason = learner.warmStartProblem(warmStart: true) {
                refused.append(name)
                #expect(reason.contains("warm_start has no effect"), "\(name): \(reason)")
                #expect(gap <= 1e-6, "\(name) refuses warm_start but its warm fit differs by \(gap)")
            } else {
                #expect(gap > 1e-3, "\(name) accepts warm_start but its warm fit equals the fit from scratch")
            }
        }
        #expect(Set(refused) == ["logistic_regression", "ridge", "majority", "no_change"], "\(refused)")
    }
}
