import Analysis
import FlywheelCore
import Scenarios
import Simulation
import Testing

/// A synthetic stream with a week of half of x1 missing and a concept drift: the missing-share monitor
/// reads 0.5 (± sampling) during the fault, 0 outside, and crosses its quiet maximum at the fault's
/// first tick; the concept drift leaves it at 0.
@Suite struct QualityMonitorScoringOnAKnownFault {
    @Test func theFaultIsSeenAndTheConceptDriftIsNot() throws {
        let plan = try ScenarioLoader.parse("""
        name: fault
        seed: 5
        replicates: 2
        clock: {tick: 1d, ticks: 60, events_per_tick: 400}
        stream: {generator: sea, concept: 0, noise: 0.1, warmup: 1000}
        drifts:
          - {type: instantaneous, at: 15d, target: concept, to: 3}
          - {type: temporary, start: 40d, duration: 7d, target: quality, fault: {feature: x1, missing: 0.5}}
        model: {family: logistic_regression}
        metrics: [quality_missing, quality_out_of_range]
        strategies: [{name: never, trigger: never}]
        """, file: "fault.yaml").plan
        let rows = QualityMonitorScoring.rows(try Runner.run(plan, threads: 1))
        let fault = try #require(rows.first { $0.monitor == "quality_missing" && $0.target == "quality" })
        #expect(abs(fault.during - 0.5) < 0.05, "\(fault)")
        #expect(fault.outside == 0 && fault.delay == 0, "\(fault)")
        let concept = try #require(rows.first { $0.monitor == "quality_missing" && $0.target == "concept" })
        #expect(concept.peak == 0 && concept.delay == nil, "\(concept)")
        // SEA draws every input uniformly on [0, 10): after a 1,000-row warmup few values fall outside its range.
        let range = try #require(rows.first { $0.monitor == "quality_out_of_range" && $0.target == "concept" })
        #expect(range.during < 0.01, "\(range)")
    }
}

/// A fault inside a periodic drift (as in the quickstart): the estimate's windows around the fault
/// stay inside the run, and the fault gets its row.
@Suite struct EstimatorScoringWithOverlappingDrifts {
    @Test func aFaultInsideAPeriodicDriftIsScored() throws {
        let plan = try ScenarioLoader.parse("""
        name: overlap
        seed: 5
        clock: {tick: 1d, ticks: 60, events_per_tick: 300}
        stream: {generator: sea, concept: 0, noise: 0.1, warmup: 1000}
        drifts:
          - {type: periodic, period: 14d, start: 10d, amplitude: 0.9, target: concept, to: 1}
          - {type: temporary, start: 30d, duration: 5d, target: quality, fault: {feature: x1, missing: 0.5}}
        model: {family: logistic_regression}
        metrics: [estimated_accuracy]
        strategies: [{name: never, trigger: never}]
        """, file: "overlap.yaml").plan
        let rows = EstimatorScoring.rows(try Runner.run(plan, threads: 1))
        #expect(rows.contains { $0.target == "quality" }, "\(rows)")
    }
}
