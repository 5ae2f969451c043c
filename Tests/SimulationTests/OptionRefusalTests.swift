import FlywheelCore
import Foundation
import Scenarios
import Testing

/// The errors `ScenarioLoader.parse` reports for `text` (none when it parses).
func scenarioErrors(_ strategies: String, stream: String = "{generator: sea}", extra: String = "") -> [FlywheelError] {
    do {
        _ = try ScenarioLoader.parse("""
        name: option-check
        clock: {tick: 1d, ticks: 20, events_per_tick: 50}
        stream: \(stream)
        \(extra)
        strategies:
        \(strategies)
        """, file: "option-check.yaml")
        return []
    } catch let e as FlywheelErrors {
        return e.errors
    } catch {
        return [FlywheelError("\(error)")]
    }
}

/// Options that would change nothing are refused by validate, naming file, line, key and reason.
@Suite struct OptionRefusals {
    @Test func warmStartIsRefusedWhereTheFamilyCannotFineTune() {
        let newton = scenarioErrors("  - {name: s, warm_start: true, dataset: since_last_training}")
        #expect(newton.count == 1, "\(newton)")
        #expect(newton.first?.location?.file == "option-check.yaml" && newton.first?.location?.line == 6, "\(newton)")
        #expect(newton.first?.keyPath == "strategies[0].warm_start", "\(newton)")
        #expect(newton.first?.message.contains("newton solver") ?? false, "\(newton)")
        for family in ["ridge", "majority", "no_change"] {
            let stream = family == "ridge" ? "{generator: friedman}" : "{generator: sea}"
            // A regression stream needs a scenario-wide model too (its default is a classifier).
            let e = scenarioErrors("  - {name: s, warm_start: true, model: {family: \(family)}}", stream: stream,
                                   extra: family == "ridge" ? "model: {family: ridge}" : "")
            #expect(e.first?.keyPath == "strategies[0].warm_start", "\(family): \(e)")
            #expect(e.first?.message.contains("warm_start has no effect with \(family)") ?? false, "\(family): \(e)")
        }
        let pullAlone = scenarioErrors("  - {name: s, model: {family: logistic_regression, warm_pull: 1}}")
        #expect(pullAlone.first?.keyPath == "strategies[0].model", "\(pullAlone)")
        #expect(pullAlone.first?.message.contains("warm_pull has no effect without warm_start") ?? false, "\(pullAlone)")
        let pullSGD = scenarioErrors("  - {name: s, warm_start: true, model: {family: logistic_regression, solver: sgd, warm_pull: 1}}")
        #expect(pullSGD.first?.message.contains("applies to solver: newton") ?? false, "\(pullSGD)")
        // What fine-tunes is accepted.
        for model in ["{family: logistic_regression, warm_pull: 0.5}", "{family: logistic_regression, solver: sgd}",
                      "{family: gaussian_nb}", "{family: hoeffding_tree}", "{family: xgboost}", "{family: mlp}"] {
            #expect(scenarioErrors("  - {name: s, warm_start: true, model: \(model)}").isEmpty, "\(model)")
        }
    }
}

/// A stream without slices (every synthetic generator) puts every event in one slice: the keys
/// that compare or balance slices are refused there, with what to use instead.
@Suite struct SliceRefusals {
    @Test func sliceKeysAreRefusedOnAStreamWithoutSlices() {
        let gate = scenarioErrors("  - {name: s, trigger: {every: 5d}, gate: {holdout: 0.2, slice_margin: 0.05}}")
        #expect(gate.count == 1, "\(gate)")
        #expect(gate.first?.location?.file == "option-check.yaml" && gate.first?.location?.line == 6, "\(gate)")
        #expect(gate.first?.keyPath == "strategies[0].gate.slice_margin", "\(gate)")
        #expect(gate.first?.message.contains("the stream has no slices") ?? false, "\(gate)")
        #expect(gate.first?.hint?.contains("edge_cases") ?? false, "\(gate)")

        let curation = scenarioErrors("  - {name: s, labels: {curation: stratified_slice}}")
        #expect(curation.first?.keyPath == "strategies[0].labels.curation", "\(curation)")
        #expect(curation.first?.message.contains("stratified_slice has no effect") ?? false, "\(curation)")

        let scenarioWide = scenarioErrors("  - {name: s}", extra: "labels: {curation: stratified_slice}")
        #expect(scenarioWide.first?.keyPath == "labels.curation", "\(scenarioWide)")
        #expect(scenarioWide.first?.location?.line == 4, "\(scenarioWide)")

        let logging = scenarioErrors("  - {name: s, logging: {stratified: 0.1, by: slice}}")
        #expect(logging.first?.keyPath == "strategies[0].logging", "\(logging)")
        #expect(logging.first?.message.contains("by slice has no effect") ?? false, "\(logging)")

        #expect(scenarioErrors("  - {name: s, labels: {curation: stratified}, logging: {stratified: 0.1}}").isEmpty)
    }
}
