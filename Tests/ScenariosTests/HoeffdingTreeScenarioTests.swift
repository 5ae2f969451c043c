import FlywheelCore
import Foundation
import Scenarios
import Testing

@Suite struct HoeffdingTreeScenarioTests {
    func scenario(stream: String, model: String, strategyModel: String? = nil) -> String {
        """
        name: tree
        clock: {tick: 1d, ticks: 10, events_per_tick: 100}
        stream: {generator: \(stream)}
        model: \(model)
        strategies:
          - {name: never, trigger: never}
          - {name: weekly, trigger: {every: 7d}\(strategyModel.map { ", model: \($0)" } ?? "")}
        """
    }

    @Test func aClassificationStreamTakesTheTreeWithNamedLeafPrediction() {
        let model = "{family: hoeffding_tree, leaf_prediction: nb, grace_period: 100}"
        let errors = problems(scenario(stream: "sea", model: model))
        #expect(errors.isEmpty, "\(errors.map(\.description))")
    }

    @Test func anUnknownLeafPredictionNamesTheChoices() {
        let errors = problems(scenario(stream: "sea", model: "{family: hoeffding_tree, leaf_prediction: naive}"))
        #expect(errors.contains { $0.keyPath == "model.leaf_prediction" && $0.description.contains("mc, nb, nba") },
                "\(errors.map(\.description))")
    }

    @Test func aRegressionStreamRefusesTheTreeWhereverItIsNamed() {
        let root = problems(scenario(stream: "friedman", model: "{family: hoeffding_tree}"))
        #expect(root.contains { e in
                    e.keyPath == "model" && e.location?.line == 4 && e.description.contains("classification")
                },
                "\(root.map(\.description))")
        let strategy = problems(scenario(stream: "friedman", model: "{family: ridge}",
                                         strategyModel: "{family: hoeffding_tree, tau: 0.1}"))
        #expect(strategy.contains { $0.keyPath == "strategies[1].model" && $0.description.contains("classification") },
                "\(strategy.map(\.description))")
        #expect(problems(scenario(stream: "friedman", model: "{family: ridge}")).isEmpty)
    }
}
