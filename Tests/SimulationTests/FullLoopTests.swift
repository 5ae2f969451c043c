import Analysis
import FlywheelCore
import Foundation
import Scenarios
import Simulation
import Testing

func loop(_ strategies: String, labels: String = "{coverage: 0.3, delay: 1d}", drifts: String = "  - {type: instantaneous, at: 30d, target: concept, to: 3}",
          ticks: Int = 60, replicates: Int = 1, model: String = "{family: logistic_regression}") throws -> RunRecord {
    let plan = try ScenarioLoader.parse("""
    name: loop-check
    seed: 21
    replicates: \(replicates)
    clock: {tick: 1d, ticks: \(ticks), events_per_tick: 400}
    stream: {generator: sea, noise: 0.1, warmup: 4000}
    drifts:
    \(drifts)
    model: \(model)
    labels: \(labels)
    costs: {error: 1, retrain: 10, retrain_per_sample: 0.001, deploy: 3, rollback: 7}
    strategies:
    \(strategies)
    """, file: "loop-check.yaml").plan
    return try Runner.run(plan, threads: 2)
}

func kinds(_ r: RunRecord, _ name: String, _ kind: String) -> [StrategyEvent] { r.runs(of: name)[0].events.filter { $0.kind == kind } }

@Suite struct Labelling {
    @Test(arguments: ["random", "stratified", "feedback", "least_confidence", "margin", "entropy", "{committee: 3}"])
    func theBudgetIsRespectedExactly(curation: String) throws {
        let r = try loop("  - {name: s, trigger: {every: 10d}, dataset: {window: 10d}}", labels: "{coverage: 0.5, budget_per_tick: 37, delay: 1d, curation: \(curation)}", ticks: 25)
        #expect(r.runs[0].values("labels")!.allSatisfy { $0 == 37 })
    }

    @Test func loggingASampleLimitsWhatCanBeLabelled() throws {
        let r = try loop("  - {name: s, trigger: never, logging: {sample: 0.1}}", labels: "{coverage: 1, delay: 0}", ticks: 20)
        let labels = r.runs[0].values("labels")!
        let mean = labels.reduce(0, +) / Double(labels.count)
        let se: Double = (400 * 0.1 * 0.9 / 20).squareRoot()
        #expect(abs(mean - 40) < 4 * se)   // 10 % of 400, within 4 standard errors
    }

    @Test func feedbackLabelsTheMistakesFirst() throws {
        let r = try loop("""
          - {name: feedback, trigger: never, labels: {coverage: 0.1, delay: 0, curation: {feedback: {p: 0.9, q: 0.0}}}}
          - {name: random, trigger: never, labels: {coverage: 0.1, delay: 0}}
        """, ticks: 40)
        let f = r.runs(of: "feedback")[0].values("observed_accuracy")!, g = r.runs(of: "random")[0].values("observed_accuracy")!
        let meanF: Double = f.filter { !$0.isNaN }.reduce(0, +) / Double(f.count)
        let meanG: Double = g.filter { !$0.isNaN }.reduce(0, +) / Double(g.count)
        // Complaints come almost only from wrong predictions, so labelled events are mostly errors.
        #expect(meanF < 0.5 && meanG > 0.75, "feedback \(meanF), random \(meanG)")
    }

    /// A complaint chooses which event is labelled; the label is bought like any other: the same
    /// label cost as random curation under the same coverage, and it arrives after the delay.
    @Test func complaintLabelsCostAndWaitLikeAnyOther() throws {
        let r = try loop("""
          - {name: feedback, trigger: never, labels: {coverage: 0.1, delay: 3d, cost: 0.5, curation: {feedback: {p: 0.9, q: 0.0}}}}
          - {name: random, trigger: never, labels: {coverage: 0.1, delay: 3d, cost: 0.5}}
        """, ticks: 12)
        let f = r.runs(of: "feedback")[0], g = r.runs(of: "random")[0]
        #expect(f.values("cost_label")! == g.values("cost_label")!)
        #expect(f.values("cost_label")!.allSatisfy { $0 == 0.5 * 40 }, "\(f.values("cost_label")!)")
        let arrived = f.values("labels_arrived")!
        #expect(arrived.prefix(3).allSatisfy { $0 == 0 } && arrived.dropFirst(3).allSatisfy { $0 == 40 }, "\(arrived)")
    }

    @Test func uncertaintySamplingLabelsTheHardCases() throws {
        let r = try loop("""
          - {name: uncertain, trigger: never, labels: {coverage: 0.1, delay: 0, curation: least_confidence}}
          - {name: random, trigger: never, labels: {coverage: 0.1, delay: 0}}
        """, drifts: "  []", ticks: 20)
        let u = r.runs(of: "uncertain")[0].values("observed_accuracy")!, g = r.runs(of: "random")[0].values("observed_accuracy")!
        let meanU: Double = u.reduce(0, +) / 20, meanG: Double = g.reduce(0, +) / 20
        // Near its boundary the model errs more often than on average (the label noise alone
        // caps both at 0.9).
        #expect(meanU < meanG - 0.02, "uncertain \(meanU), random \(meanG)")
    }

    @Test func annotatorNoiseShowsInTheObservedAccuracy() throws {
        let r = try loop("  - {name: s, trigger: never}", labels: "{coverage: 0.5, delay: 0, noise: 0.2}", drifts: "  []", ticks: 30)
        let run = r.runs[0]
        let observed: Double = run.values("observed_accuracy")!.reduce(0, +) / 30
        let truth: Double = run.values("accuracy")!.reduce(0, +) / 30
        // A right prediction is seen right with probability 0.8, a wrong one with 0.2.
        let expected: Double = 0.8 * truth + 0.2 * (1 - truth)
        #expect(abs(observed - expected) < 0.015)
    }
}

@Suite struct Rollouts {
    @Test func shadowModeNeverChangesWhatWasServed() throws {
        let r = try loop("""
          - {name: never, trigger: never}
          - {name: shadow, trigger: {every: 7d}, dataset: {window: 7d}, rollout: {shadow: {ticks: 5, margin: 1.0}}}
        """)
        #expect(r.runs(of: "shadow")[0].values("accuracy")! == r.runs(of: "never")[0].values("accuracy")!)
        #expect(!kinds(r, "shadow", "shadow").isEmpty)
        #expect(kinds(r, "shadow", "deploy").isEmpty)   // a margin of 1 can never be met
    }

    @Test func shadowPromotesABetterCandidate() throws {
        let r = try loop("  - {name: shadow, trigger: {every: 7d}, dataset: {window: 5d}, rollout: {shadow: {ticks: 4}}}")
        let deploys = kinds(r, "shadow", "deploy").map(\.tick)
        #expect(deploys.contains { $0 > 30 }, "\(deploys)")
    }

    @Test func canaryServesItsFractionOfTraffic() throws {
        let r = try loop("  - {name: canary, trigger: {every: 10d}, dataset: {window: 10d}, rollout: {canary: {fraction: 0.2, ticks: 5, margin: 1.0}}}", ticks: 60, replicates: 2)
        var share = 0.0, n = 0.0
        for run in r.runs {
            for v in run.values("challenger_share")! where v > 0 { share += v; n += 1 }
        }
        #expect(n > 10)
        // 400 events a tick: the mean share is 0.2 within 4 standard errors.
        let se: Double = (0.2 * 0.8 / (400 * n)).squareRoot()
        #expect(abs(share / n - 0.2) < 4 * se)
    }

    @Test func canaryRollsBackAWorseCandidateAndPaysForIt() throws {
        // Training on annotator labels that are mostly wrong yields a worse candidate.
        let r = try loop("  - {name: canary, trigger: {every: 10d}, dataset: {window: 10d}, rollout: {canary: {fraction: 0.3, ticks: 4, margin: 0.0}}}",
                         labels: "{coverage: 0.3, delay: 1d, noise: 0.45}", drifts: "  []", ticks: 40)
        let rollbacks = kinds(r, "canary", "rollback").count
        #expect(rollbacks > 0)
        let cost = r.runs[0].values("cost_rollback")!.reduce(0, +)
        #expect(cost == 7 * Double(rollbacks))
    }

    @Test func abPromotesOnlyASignificantlyBetterCandidate() throws {
        let r = try loop("""
          - {name: ab, trigger: {every: 35d}, dataset: {window: 4d}, rollout: {ab: {split: 0.5, ticks: 14, alpha: 0.05}}}
        """, labels: "{coverage: 0.6, delay: 1d}", ticks: 60)
        // Trained at day 35 on the new concept, the candidate is far better: promoted.
        #expect(kinds(r, "ab", "deploy").count == 1)
        let stationary = try loop("  - {name: ab, trigger: {every: 10d}, dataset: {window: 10d}, rollout: {ab: {split: 0.5, ticks: 8, alpha: 0.001}}}",
                                  drifts: "  []", ticks: 60)
        // Without drift a retrained model is no better: at α = 0.001 promotions are rare.
        #expect(kinds(stationary, "ab", "deploy").count <= 1)
    }
}

@Suite struct GatesAndDatasets {
    @Test func aGateWithAnImpossibleGainRejectsEveryCandidate() throws {
        let r = try loop("  - {name: gated, trigger: {every: 7d}, dataset: {window: 14d}, gate: {holdout: 0.25, min_gain: 0.5}}")
        #expect(kinds(r, "gated", "deploy").isEmpty)
        #expect(kinds(r, "gated", "reject").count == kinds(r, "gated", "train").count)
        #expect(kinds(r, "gated", "reject").allSatisfy { $0.detail.contains("candidate") && $0.detail.contains("champion") })
    }

    @Test func trainingLatencyDelaysTheCandidate() throws {
        let r = try loop("  - {name: slow, trigger: {every: 10d}, dataset: {window: 10d}, training_latency: 3d}")
        let trains = kinds(r, "slow", "train").map(\.tick), deploys = kinds(r, "slow", "deploy").map(\.tick)
        #expect(deploys == trains.map { $0 + 3 }.filter { $0 < 60 })
    }

    @Test(arguments: ["{sample: 300}", "{sample: 300, half_life: 3d}", "{hardest: 300, window: 10d}", "since_last_training"])
    func datasetPoliciesBoundTheTrainingSet(dataset: String) throws {
        let r = try loop("  - {name: s, trigger: {every: 5d}, dataset: \(dataset), warm_start: true, model: {family: logistic_regression, warm_pull: 0.1}}", ticks: 40)
        let sizes = kinds(r, "s", "train").map(\.samples)
        #expect(!sizes.isEmpty)
        if dataset.hasPrefix("since") {
            // Five days of labels (120 a day) since the previous training.
            #expect(sizes.dropFirst().allSatisfy { $0 > 400 && $0 <= 600 }, "\(sizes)")
        } else {
            #expect(sizes.allSatisfy { $0 <= 300 })
        }
    }

    @Test(arguments: [("logistic_regression", 0.885), ("gaussian_nb", 0.86), ("mlp", 0.87)])
    func modelsReachTheirKnownAccuracyOnSEAWithTenPercentNoise(family: String, floor: Double) throws {
        let r = try loop("  - {name: s, trigger: never}", drifts: "  []", ticks: 10, model: "{family: \(family)}")
        let acc = r.runs[0].values("accuracy")!.reduce(0, +) / 10
        #expect(acc >= floor && acc <= 0.91, "\(family): \(acc)")   // the Bayes ceiling is 0.90
    }
}

@Suite struct ExtraMetrics {
    @Test func logLossF1AndAUCAreRecordedPerTickOnRequest() throws {
        let plan = try ScenarioLoader.parse("""
        name: metrics
        seed: 4
        clock: {tick: 1d, ticks: 20, events_per_tick: 500}
        stream: {generator: sea, noise: 0.1, warmup: 4000}
        drifts: [{type: instantaneous, at: 10d, target: concept, to: 3}]
        metrics: [log_loss, f1, auc]
        strategies: [{name: never, trigger: never}]
        """, file: "metrics.yaml").plan
        let run = try Runner.run(plan, threads: 1).runs[0]
        let auc = try #require(run.values("auc")), f1 = try #require(run.values("f1")), loss = try #require(run.values("log_loss"))
        // Before the switch the model is right on the Bayes rule: AUC well above chance, log loss
        // near the noise's entropy (0.325 nats for 10 % noise). The switch moves SEA's threshold,
        // not the ordering of x0 + x1: the ranking (AUC) survives, the calibration (log loss) not.
        let before = 0..<10, after = 10..<20
        func mean(_ v: [Double], _ r: Range<Int>) -> Double { r.map { v[$0] }.reduce(0, +) / Double(r.count) }
        #expect(mean(auc, before) > 0.85 && mean(auc, after) > 0.8)
        #expect(mean(loss, before) > 0.3 && mean(loss, before) < 0.45 && mean(loss, after) > mean(loss, before))
        #expect(f1.allSatisfy { $0 > 0 && $0 <= 1 })
    }

    @Test func regressionMetricsAreRejectedOnClassificationStreams() {
        #expect(throws: FlywheelErrors.self) {
            _ = try ScenarioLoader.parse("""
            name: m
            clock: {tick: 1d, ticks: 5}
            stream: {generator: sea}
            metrics: [rmse]
            strategies: [{name: never, trigger: never}]
            """, file: "m.yaml")
        }
    }
}

@Suite struct EdgeCases {
    func gated(_ margin: Double) throws -> RunRecord {
        let plan = try ScenarioLoader.parse("""
        name: edges
        seed: 8
        clock: {tick: 1d, ticks: 40, events_per_tick: 400}
        stream: {generator: sea, noise: 0.1, warmup: 4000}
        drifts: [{type: instantaneous, at: 20d, target: concept, to: 3}]
        labels: {coverage: 0.3, delay: 1d}
        edge_cases: {near-boundary: {feature: x0, above: 3, below: 6}, far-corner: {feature: x1, above: 9}}
        strategies:
          - {name: gated, trigger: {every: 7d}, dataset: {window: 14d}, gate: {holdout: 0.3, min_gain: -1, edge_cases: [near-boundary, far-corner], edge_margin: \(margin)}}
        """, file: "edges.yaml").plan
        return try Runner.run(plan, threads: 1)
    }

    @Test func theGateJudgesEveryNamedEdgeCase() throws {
        let events = try gated(1.0).runs[0].events.filter { $0.kind == "gate-pass" || $0.kind == "reject" }
        #expect(!events.isEmpty)
        // A margin of 1 never binds: every verdict passes and lists both edge cases.
        #expect(events.allSatisfy { $0.kind == "gate-pass" && $0.detail.contains("edge case near-boundary") && $0.detail.contains("edge case far-corner") })
        // With no margin, candidates that lose anything on an edge case are rejected.
        let strict = try gated(0).runs[0].events.filter { $0.kind == "reject" }
        #expect(!strict.isEmpty)
    }

    @Test func anUnknownEdgeCaseIsNamed() {
        do {
            _ = try ScenarioLoader.parse("""
            name: e
            clock: {tick: 1d, ticks: 5}
            stream: {generator: sea}
            edge_cases: {corner: {feature: x1, above: 9}}
            strategies: [{name: g, trigger: never, gate: {holdout: 0.2, edge_cases: [coner]}}]
            """, file: "e.yaml")
            Issue.record("accepted an unknown edge case")
        } catch let e as FlywheelErrors {
            #expect(e.errors.contains { $0.description.contains("did you mean 'corner'?") })
        } catch { Issue.record("\(error)") }
    }
}
