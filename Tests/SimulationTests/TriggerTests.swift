import Analysis
import FlywheelCore
import Foundation
import Scenarios
import Simulation
import Testing

func triggerScenario(_ strategies: String, drifts: String) throws -> RunRecord {
    let plan = try ScenarioLoader.parse("""
    name: trigger-check
    seed: 5
    replicates: 1
    clock: {tick: 1d, ticks: 60, events_per_tick: 300}
    stream: {generator: sea, noise: 0.1}
    drifts:
    \(drifts)
    labels: {coverage: 0.3, delay: 1d}
    detection: {tolerance: 8d}
    strategies:
    \(strategies)
    """, file: "trigger-check.yaml").plan
    return try Runner.run(plan, threads: 2)
}

func triggerTicks(_ record: RunRecord, _ name: String) -> [Int] {
    record.runs(of: name)[0].events.filter { $0.kind == "trigger" }.map(\.tick)
}

@Suite struct Triggers {
    @Test func driftOnFeaturesFiresAfterACovariateShiftAndNotBefore() throws {
        let r = try triggerScenario("""
          - {name: ks, trigger: {drift: {on: features, metric: ks, threshold: 0.15, window: 3d}, cooldown: 100d}, dataset: {window: 5d}}
          - {name: norm, trigger: {drift: {on: projection, projection: norm, metric: wasserstein, threshold: 0.8, window: 3d}, cooldown: 100d}}
        """, drifts: "  - {type: instantaneous, at: 30d, target: covariates, shift: {feature: x2, by: 4}}")
        for name in ["ks", "norm"] {
            let fired = triggerTicks(r, name)
            #expect(fired.count == 1, "\(name): \(fired)")
            #expect((30...33).contains(fired.first ?? -1), "\(name): \(fired)")
        }
    }

    @Test func driftOnTheOutputIsBlindToAPureConceptChange() throws {
        // P(x) does not move, so a fixed model's scores do not either: only labels reveal it.
        let r = try triggerScenario("""
          - {name: output, trigger: {drift: {on: output, metric: wasserstein, threshold: 0.05, window: 3d}}}
          - {name: adwin, trigger: {detector: {name: adwin}, cooldown: 100d}}
        """, drifts: "  - {type: instantaneous, at: 30d, target: concept, to: 3}")
        #expect(triggerTicks(r, "output").isEmpty)
        let adwin = triggerTicks(r, "adwin")
        #expect(adwin.count == 1 && (31...40).contains(adwin[0]), "\(adwin)")
    }

    @Test func detectorOnAFeatureSeesAUnitChange() throws {
        let r = try triggerScenario("""
          - {name: ph, trigger: {detector: {name: page_hinkley, on: x1, threshold: 3000}, cooldown: 100d}}
        """, drifts: "  - {type: temporary, start: 20d, duration: 5d, target: quality, fault: {feature: x1, multiply: 1000}}")
        let fired = triggerTicks(r, "ph")
        #expect(fired == [20], "\(fired)")
    }

    @Test func cooldownSpacesOutTrainings() throws {
        let r = try triggerScenario("  - {name: c, trigger: {online: true, cooldown: 10d}}".replacingOccurrences(of: "{online: true, cooldown: 10d}", with: "{every: 1d, cooldown: 10d}"),
                                    drifts: "  - {type: instantaneous, at: 30d, target: concept, to: 3}")
        let fired = triggerTicks(r, "c")
        #expect(zip(fired, fired.dropFirst()).allSatisfy { $1 - $0 >= 10 })
        #expect(fired.count == 6)
    }

    /// Before the switch the observed accuracy is 0.90 (± 0.02 over two days of labels); after it
    /// the initial model's is 0.795: a floor of 0.84 separates them.
    @Test func performanceTriggerFiresOnlyAfterTheAccuracyFalls() throws {
        let r = try triggerScenario("""
          - {name: perf, trigger: {performance: {threshold: 0.84, window: 2d}, cooldown: 100d}, dataset: {window: 5d}}
        """, drifts: "  - {type: instantaneous, at: 30d, target: concept, to: 3}")
        let fired = triggerTicks(r, "perf")
        #expect(fired.count == 1, "\(fired)")
        #expect((31...34).contains(fired.first ?? -1), "\(fired)")
    }

    @Test func compositeAllNeedsEveryPartAtOnce() throws {
        let r = try triggerScenario("""
          - {name: both, trigger: {all: [{every: 7d}, {every: 14d}]}}
          - {name: either, trigger: {any: [{every: 7d}, {every: 14d}]}}
        """, drifts: "  - {type: instantaneous, at: 30d, target: concept, to: 3}")
        #expect(triggerTicks(r, "either").count > triggerTicks(r, "both").count)
    }
}

@Suite struct DetectionQuality {
    @Test func scoresTriggersAgainstTheGroundTruthWithBaselines() throws {
        let r = try triggerScenario("""
          - {name: adwin, trigger: {detector: {name: adwin}, cooldown: 100d}}
          - {name: never, trigger: never}
        """, drifts: "  - {type: instantaneous, at: 30d, target: concept, to: 3}")
        let rows = DetectionAnalysis.score(r)
        #expect(rows.map(\.name) == ["adwin", "baseline: fire every tick", "baseline: fire every 8 ticks"])
        let adwin = rows[0]
        #expect(adwin.recall == 1 && adwin.precision == 1 && adwin.falseAlarmsPer1000 == 0)
        #expect(adwin.delay == Double(triggerTicks(r, "adwin")[0] - 30))
        let always = rows[1]
        #expect(always.alarms == 60 && always.recall == 1)
        #expect(abs(always.falseAlarmsPer1000 - 1000 * 51 / 60) < 1e-9)   // 9 of 60 ticks fall in [30, 38]
    }
}

@Suite struct ObservableOnly {
    /// A drift monitor sees only logged traffic: with 2 % of events logged its windows are small
    /// and noisy, and its statistic differs from the same monitor on all traffic.
    @Test func driftMonitorsSeeOnlyLoggedEvents() throws {
        let r = try triggerScenario("""
          - {name: all, trigger: {drift: {on: features, metric: ks, threshold: 0.12, window: 2d}, cooldown: 100d}}
          - {name: sampled, logging: {sample: 0.02}, trigger: {drift: {on: features, metric: ks, threshold: 0.12, window: 2d}, cooldown: 100d}}
        """, drifts: "  - {type: instantaneous, at: 30d, target: covariates, shift: {feature: x2, by: 4}}")
        // On all 300 events a tick, KS noise stays below 0.12 until the shift; on 6 a tick, small
        // samples cross 0.12 by chance long before it.
        #expect(triggerTicks(r, "all").first.map { $0 >= 30 } ?? false, "\(triggerTicks(r, "all"))")
        #expect(triggerTicks(r, "sampled").first.map { $0 < 30 } ?? false, "\(triggerTicks(r, "sampled"))")
    }
}

@Suite struct ProfilesOnly {
    /// With profiles-only logging the drift trigger works from mergeable sketches and fires at the
    /// same shift as on raw rows, within a tick (the sketches' rank error is below 1 %).
    @Test func sketchBasedDriftTriggersFollowTheRawOnes() throws {
        let r = try triggerScenario("""
          - {name: raw, trigger: {drift: {on: features, metric: ks, threshold: 0.15, window: 3d}, cooldown: 100d}}
          - {name: sketched, logging: profiles, trigger: {drift: {on: features, metric: ks, threshold: 0.15, window: 3d}, cooldown: 100d}}
          - {name: sketched-w1, logging: profiles, trigger: {drift: {on: output, metric: wasserstein, threshold: 0.05, window: 3d}, cooldown: 100d}}
        """, drifts: "  - {type: instantaneous, at: 30d, target: covariates, shift: {feature: x0, by: 4}}")
        let raw = triggerTicks(r, "raw"), sketched = triggerTicks(r, "sketched")
        #expect(raw.count == 1 && sketched.count == 1, "\(raw) \(sketched)")
        #expect(abs((raw.first ?? 0) - (sketched.first ?? 99)) <= 1)
        #expect((30...33).contains(triggerTicks(r, "sketched-w1").first ?? -1))
        // Labels are still bought: profiles keep no rows, but labelled events carry their inputs.
        #expect(r.runs(of: "sketched")[0].values("labels")!.allSatisfy { $0 == 90 })
        // The report will say what profiles-only logging means for this strategy.
        #expect(r.runs(of: "sketched")[0].events.contains { $0.kind == "note" && $0.detail.contains("no raw rows") })
    }

    @Test func triggersThatNeedRawRowsAreRejected() {
        #expect(throws: FlywheelErrors.self) {
            _ = try triggerScenario("  - {name: s, logging: profiles, trigger: {drift: {on: features, metric: energy, threshold: 0.1}}}",
                                    drifts: "  []")
        }
        #expect(throws: FlywheelErrors.self) {
            _ = try triggerScenario("  - {name: s, logging: profiles, trigger: {detector: {name: adwin, on: x0}}}", drifts: "  []")
        }
    }
}
