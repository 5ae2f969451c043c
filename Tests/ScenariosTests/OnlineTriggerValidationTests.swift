import FlywheelCore
import Foundation
import Scenarios
import Testing

/// `validate` refuses what `trigger: online` cannot mean, naming the line, the key and the reason.
@Suite struct OnlineTriggerValidationTests {
    func scenario(model: String = "{family: hoeffding_tree}", stream: String = "sea", _ strategy: String) -> String {
        """
        name: online
        clock: {tick: 1d, ticks: 10, events_per_tick: 100}
        stream: {generator: \(stream)}
        model: \(model)
        strategies:
          - {name: never, trigger: never}
          \(strategy)
        """
    }

    func expectRefusal(_ text: String, key: String, line: Int, _ fragment: String) {
        let errors = problems(text)
        #expect(errors.contains { $0.keyPath == key && $0.location?.line == line && $0.description.contains(fragment) },
                "\(errors.map { "\($0.keyPath ?? "-") @\($0.location?.line ?? 0): \($0.description)" })")
    }

    @Test func anIncrementalFamilyIsAccepted() {
        #expect(problems(scenario("- {name: online, trigger: online}")).isEmpty)
        #expect(problems(scenario(model: "{family: gaussian_nb}", "- {name: online, trigger: online, labels: {coverage: 0.2}}"))
                .isEmpty)
        #expect(problems(scenario(model: "{family: logistic_regression}",
                                  "- {name: online, trigger: online, model: {family: gaussian_nb}}")).isEmpty)
    }

    @Test func aFamilyWithoutPerEventUpdateIsRefusedWithEveryTickSuggested() {
        let text = scenario(model: "{family: logistic_regression}", "- {name: online, trigger: online}")
        expectRefusal(text, key: "strategies[1].trigger", line: 7, "no per-event update")
        #expect(problems(text).contains { ($0.hint ?? "").contains("every_tick") && ($0.hint ?? "").contains("hoeffding_tree") })
        expectRefusal(scenario("- {name: online, trigger: online, model: {family: xgboost}}"),
                      key: "strategies[1].model", line: 7, "'xgboost' has no per-event update")
        // A regression stream: its families have no per-event update either.
        expectRefusal(scenario(model: "{family: ridge}", stream: "friedman", "- {name: online, trigger: online}"),
                      key: "strategies[1].trigger", line: 7, "no per-event update")
    }

    @Test(arguments: [
        ("dataset: {window: 3d}", "dataset", "no training job"),
        ("gate: {holdout: 0.2}", "gate", "no candidate"),
        ("rollout: {shadow: {ticks: 3}}", "rollout", "no candidate"),
        ("warm_start: true", "warm_start", "always continues"),
        ("training_latency: 1d", "training_latency", "no training job"),
    ])
    func trainingJobKeysAreRefused(option: String, key: String, fragment: String) {
        expectRefusal(scenario("- {name: online, trigger: online, \(option)}"), key: "strategies[1].\(key)", line: 7,
                      "\(key) has no effect with trigger: online: ")
        expectRefusal(scenario("- {name: online, trigger: online, \(option)}"), key: "strategies[1].\(key)", line: 7, fragment)
    }

    @Test(arguments: ["cooldown: 2d", "min_new_labels: 50"])
    func triggerGuardsAreRefused(guardOption: String) {
        let key = String(guardOption.prefix { $0 != ":" })
        expectRefusal(scenario("- {name: online, trigger: {online: true, \(guardOption)}}"),
                      key: "strategies[1].trigger.\(key)", line: 7, "\(key) has no effect with trigger: online")
    }

    @Test func committeeCurationIsRefused() {
        expectRefusal(scenario("- {name: online, trigger: online, labels: {curation: {committee: 3}}}"),
                      key: "strategies[1].labels", line: 7, "committee curation")
    }

    @Test(arguments: ["any", "all"])
    func onlineInsideACompositeIsRefused(rule: String) {
        expectRefusal(scenario("- {name: c, trigger: {\(rule): [{every: 3d}, online]}}"),
                      key: "strategies[1].trigger.\(rule)[1]", line: 7, "cannot be part of \(rule)")
    }
}
