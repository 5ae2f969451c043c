import FlywheelCore
import Foundation
import Scenarios
import Simulation
import Testing

@Suite struct MMDDriftTrigger {
    /// MMD over the joint window of the features fires after a covariate shift and not before,
    /// like the per-feature KS trigger on the same traffic.
    @Test func mmdOnFeaturesFiresAfterACovariateShiftAndNotBefore() throws {
        let r = try triggerScenario("""
          - {name: mmd, trigger: {drift: {on: features, metric: mmd, threshold: 0.05, window: 3d, rows: 300}, cooldown: 100d}}
          - {name: mmd-biased, trigger: {drift: {on: features, features: [x1, x2], metric: mmd, estimator: biased, bandwidth: 2,
                                               threshold: 0.05, window: 3d, rows: 300, reference: first_window}, cooldown: 100d}}
        """, drifts: "  - {type: instantaneous, at: 30d, target: covariates, shift: {feature: x2, by: 4}}")
        for name in ["mmd", "mmd-biased"] {
            let fired = triggerTicks(r, name)
            #expect(fired.count == 1 && (30...33).contains(fired.first ?? -1), "\(name): \(fired)")
        }
    }

    /// A shift of a feature left out of `features` moves nothing the trigger compares.
    @Test func mmdIgnoresFeaturesItWasNotGiven() throws {
        let r = try triggerScenario("""
          - {name: mmd, trigger: {drift: {on: features, features: [x0, x1], metric: mmd, threshold: 0.05, window: 3d}, cooldown: 100d}}
        """, drifts: "  - {type: instantaneous, at: 30d, target: covariates, shift: {feature: x2, by: 4}}")
        #expect(triggerTicks(r, "mmd").isEmpty, "\(triggerTicks(r, "mmd"))")
    }

    @Test func validateRefusesKeysMMDCannotUseAndMMDKeysOnOtherMetrics() {
        let share = scenarioErrors("  - {name: s, trigger: {drift: {on: features, metric: mmd, threshold: 0.1, share: 0.5}}}")
        #expect(share.count == 1)
        #expect(share.first?.location?.file == "option-check.yaml" && share.first?.location?.line == 6)
        #expect(share.first?.keyPath == "strategies[0].trigger.drift.share", "\(share)")
        #expect(share.first?.message.contains("no effect with metric: mmd") ?? false, "\(share)")

        let bandwidth = scenarioErrors("  - {name: s, trigger: {drift: {on: features, metric: ks, threshold: 0.1, bandwidth: 2}}}")
        #expect(bandwidth.first?.keyPath == "strategies[0].trigger.drift.bandwidth", "\(bandwidth)")
        #expect(bandwidth.first?.message.contains("applies to metric: mmd only") ?? false, "\(bandwidth)")

        let rows = scenarioErrors("  - {name: s, trigger: {drift: {metric: mmd, threshold: 0.1, rows: 5000}}}")
        #expect(rows.first?.keyPath == "strategies[0].trigger.drift.rows", "\(rows)")
        #expect(rows.first?.message.contains("must be ≤ \(Limits.maxMMDRows)") ?? false, "\(rows)")

        let word = scenarioErrors("  - {name: s, trigger: {drift: {metric: mmd, threshold: 0.1, bandwidth: wide}}}")
        #expect(word.first?.message.contains("not a bandwidth") ?? false, "\(word)")

        #expect(scenarioErrors("  - {name: s, trigger: {drift: {on: features, metric: mmd, threshold: 0.1, bandwidth: median_sq_half}}}").isEmpty)
    }
}
