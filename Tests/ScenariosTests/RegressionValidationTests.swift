import FlywheelCore
import Foundation
import Scenarios
import Testing

/// On a regression stream, `validate` refuses what only means something for a classifier, with
/// file, line and key; amounts in the metric's units are read as MAE.
@Suite struct RegressionValidation {
    /// A Friedman scenario whose strategy is written on line 7 (`strategies[0]`).
    static func scenario(model: String? = "{family: ridge}", labels: String = "{coverage: 0.1}",
                         stream: String = "friedman", strategy: String) -> String {
        """
        name: regression-check
        clock: {tick: 1d, ticks: 20, events_per_tick: 100}
        stream: {generator: \(stream)}
        \(model.map { "model: \($0)" } ?? "# no model")
        labels: \(labels)
        strategies:
          - \(strategy)
        """
    }

    @Test(arguments: ["logistic_regression", "gaussian_nb"])
    func aClassifierFamilyIsRefusedOnARegressionStream(family: String) {
        let errors = problems(Self.scenario(model: "{family: \(family)}", strategy: "{name: s, trigger: never}"))
        #expect(errors.contains {
            $0.keyPath == "model" && $0.location?.line == 4 && $0.description.contains("classification")
                && $0.description.contains("ridge")
        }, "\(errors.map(\.description))")
    }

    @Test func withoutAModelTheDefaultClassifierIsRefusedOnARegressionStream() {
        let errors = problems(Self.scenario(model: nil, strategy: "{name: s, trigger: never}"))
        #expect(errors.contains { $0.keyPath == "model" && $0.description.contains("logistic_regression") },
                "\(errors.map(\.description))")
    }

    @Test(arguments: [
        ("{name: s, trigger: never, labels: {curation: margin}}", "strategies[0].labels.curation"),
        ("{name: s, trigger: never, labels: {curation: {committee: 3}}}", "strategies[0].labels.curation"),
        ("{name: s, trigger: never, labels: {curation: {feedback: {p: 0.5, q: 0}}}}", "strategies[0].labels.curation"),
        ("{name: s, trigger: never, labels: {curation: stratified}}", "strategies[0].labels.curation"),
        ("{name: s, trigger: never, labels: {noise: 0.1}}", "strategies[0].labels.noise"),
        ("{name: s, trigger: never, logging: {stratified: 0.5}}", "strategies[0].logging"),
        ("{name: s, trigger: {detector: {name: ddm}}}", "strategies[0].trigger.detector.name"),
        ("{name: s, trigger: {detector: {name: hddm_a}}}", "strategies[0].trigger.detector.name"),
        ("{name: s, trigger: {performance: {threshold: 0}}}", "strategies[0].trigger.performance.threshold"),
    ])
    func aClassificationOnlyOptionIsRefusedAtItsKey(strategy: String, key: String) {
        let errors = problems(Self.scenario(strategy: strategy))
        #expect(errors.contains { $0.keyPath == key && $0.location?.line == 7 && $0.location?.file == "bad.yaml" },
                "\(errors.map { "\($0.keyPath ?? "-"): \($0.description)" })")
    }

    @Test func amountsInTheMetricsUnitsAreMAEOnARegressionStream() {
        // An MAE ceiling of 3, a required MAE reduction of 1.5 and a canary margin of 2 are fine
        // for a regressor, out of range for a classifier's accuracy.
        let strategy = "{name: s, trigger: {performance: {threshold: 3, drop: 2}}, "
            + "gate: {holdout: 0.2, min_gain: 1.5}, "
            + "rollout: {canary: {fraction: 0.1, ticks: 2, margin: 2}}}"
        #expect(problems(Self.scenario(strategy: strategy)).isEmpty)
        let classifier = problems(Self.scenario(model: "{family: logistic_regression}", stream: "sea",
                                                strategy: strategy))
        for key in ["strategies[0].trigger.performance.threshold", "strategies[0].gate.min_gain",
                    "strategies[0].rollout.canary.margin"] {
            #expect(classifier.contains { $0.keyPath == key }, "\(key): \(classifier.map(\.description))")
        }
    }

    @Test func theResidualOfTheErrorStreamIsChosenOnRegressionAndRefusedOnClassification() {
        let squared = "{name: s, trigger: {detector: {name: adwin, residual: squared}}}"
        #expect(problems(Self.scenario(strategy: squared)).isEmpty)
        let absolute = "{name: s, trigger: {detector: {name: page_hinkley, residual: absolute}}}"
        #expect(problems(Self.scenario(strategy: absolute)).isEmpty)
        let classifier = problems(Self.scenario(model: "{family: logistic_regression}", stream: "sea",
                                                strategy: squared))
        let key = "strategies[0].trigger.detector.residual"
        #expect(classifier.contains { $0.keyPath == key && $0.description.contains("0/1") },
                "\(classifier.map(\.description))")
        let cubed = "{name: s, trigger: {detector: {name: adwin, residual: cubed}}}"
        let misspelt = problems(Self.scenario(strategy: cubed))
        #expect(misspelt.contains { $0.keyPath == key }, "\(misspelt.map(\.description))")
    }
}
