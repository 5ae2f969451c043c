import Analysis
import FlywheelCore
import Foundation
import Learners
import Scenarios
import Simulation
import Testing

/// A one-input binary model: predicts 1 when x > 0 and reports P(1 | x) = σ(x), an underconfident
/// version of the world's σ(2x), so that the estimate is right only once calibrated.
private struct HalfSlopeLogistic: Model {
    var classCount: Int { 2 }
    func predict(_ x: UnsafeBufferPointer<Double>, count: Int, into out: UnsafeMutableBufferPointer<Double>) {
        for i in 0..<count { out[i] = x[i] > 0 ? 1 : 0 }
    }
    func probabilities(_ x: UnsafeBufferPointer<Double>, count: Int, into out: UnsafeMutableBufferPointer<Double>) -> Bool {
        for i in 0..<count {
            let p = 1 / (1 + exp(-x[i]))
            out[2 * i] = 1 - p
            out[2 * i + 1] = p
        }
        return true
    }
}

private func sigmoid(_ z: Double) -> Double { 1 / (1 + exp(-z)) }

/// x ~ N(μ, 1), y ~ Bernoulli(σ(2x)) (labels flipped when `flip`).
private func draw(_ n: Int, mean: Double, seed: UInt64, flip: Bool = false) -> TrainingSet {
    let rng = RandomStream(seed: seed)
    var set = TrainingSet(dimension: 1)
    for _ in 0..<n {
        let x = mean + rng.gaussian()
        let y: Double = rng.uniform() < sigmoid(2 * x) ? 1 : 0
        set.features.append(x)
        set.labels.append(flip ? 1 - y : y)
        set.ticks.append(0)
    }
    return set
}

/// The true accuracy of the rule 1{x > 0} when x ~ N(μ, 1) and P(y = 1 | x) = σ(2x):
/// ∫ φ(x − μ) max(σ(2x), 1 − σ(2x)) dx, by the trapezoid rule on μ ± 10 (step 10⁻³).
private func trueAccuracy(mean mu: Double) -> Double {
    let h = 1e-3
    var s = 0.0
    var x = mu - 10
    while x <= mu + 10 {
        let phi = exp(-0.5 * (x - mu) * (x - mu)) / (2 * Double.pi).squareRoot()
        s += phi * max(sigmoid(2 * x), 1 - sigmoid(2 * x)) * h
        x += h
    }
    return s
}

private func estimate(_ model: any Model, _ set: TrainingSet, _ cal: IsotonicCalibration?) -> Double {
    let n = set.count
    var p = [Double](repeating: 0, count: n), q = [Double](repeating: 0, count: 2 * n)
    let arm = [Int8](repeating: 0, count: n)
    set.features.withUnsafeBufferPointer { xb in
        p.withUnsafeMutableBufferPointer { model.predict(xb, count: n, into: $0) }
        _ = q.withUnsafeMutableBufferPointer { model.probabilities(xb, count: n, into: $0) }
    }
    return p.withUnsafeBufferPointer { pb in
        q.withUnsafeBufferPointer { qb in
            arm.withUnsafeBufferPointer { ab in
                ServedCalibration.estimate(count: n, predictions: pb, probabilities: qb, classes: 2, arm: ab,
                                           champion: cal, challenger: nil)
            }
        }
    }
}

@Suite struct EstimatedAccuracy {
    /// Calibrated on a reference holdout, CBPE follows a covariate shift (P(x) moves, P(y | x)
    /// stays) to the closed-form accuracy; without calibration the same model's confidence is far
    /// off (the test can fail).
    @Test func followsACovariateShiftToTheClosedFormAccuracy() throws {
        let model = HalfSlopeLogistic()
        let cal = try #require(ServedCalibration.fit(model, on: draw(40_000, mean: 0, seed: 1), classCount: 2))
        for mu in [0.0, 0.75, 1.5] {
            let served = draw(40_000, mean: mu, seed: 2)
            let truth = trueAccuracy(mean: mu)
            let est = estimate(model, served, cal)
            #expect(abs(est - truth) < 0.01, "μ = \(mu): estimate \(est), truth \(truth)")
            let raw = estimate(model, served, IsotonicCalibration(scores: [0, 1], outcomes: [0, 1]))
            #expect(abs(raw - truth) > 0.05, "μ = \(mu): uncalibrated \(raw) should be off the truth \(truth)")
        }
        #expect(trueAccuracy(mean: 1.5) - trueAccuracy(mean: 0) > 0.05)
    }

    /// Labels flipped, inputs unchanged: the truth falls to 1 − accuracy, the estimate does not move.
    @Test func cannotSeeAConceptDrift() throws {
        let model = HalfSlopeLogistic()
        let cal = try #require(ServedCalibration.fit(model, on: draw(20_000, mean: 0, seed: 1), classCount: 2))
        let before = draw(20_000, mean: 0, seed: 3), after = draw(20_000, mean: 0, seed: 3, flip: true)
        #expect(estimate(model, before, cal) == estimate(model, after, cal))
    }

    private func run(_ drift: String, metrics: String = "[estimated_accuracy]") throws -> StrategyRun {
        let plan = try ScenarioLoader.parse("""
        name: cbpe
        seed: 5
        clock: {tick: 1d, ticks: 20, events_per_tick: 2000}
        stream: {generator: gaussian, params: {rotation: 180, concepts: 2}, warmup: 4000}
        drifts: [\(drift)]
        metrics: \(metrics)
        strategies: [{name: never, trigger: never}]
        """, file: "cbpe.yaml").plan
        return try Runner.run(plan, threads: 1).runs[0]
    }

    /// In a run: the series sits beside the true accuracy; the classes of a two-class Gaussian
    /// swap places at tick 10 (P(x) unchanged, P(y | x) reversed): the truth falls from the Bayes
    /// accuracy Φ(1) = 0.841 to about 0.16, the estimate stays where it was.
    @Test func theSeriesTracksTheTruthUntilTheConceptSwaps() throws {
        let r = try run("{type: instantaneous, at: 10d, target: concept, to: 1}")
        let est = try #require(r.values("estimated_accuracy")), acc = try #require(r.values("accuracy"))
        func mean(_ v: [Double], _ range: Range<Int>) -> Double { range.map { v[$0] }.reduce(0, +) / Double(range.count) }
        let before = 0..<10, after = 10..<20
        #expect(abs(mean(acc, before) - 0.841) < 0.015)
        #expect(abs(mean(est, before) - mean(acc, before)) < 0.015)
        #expect(mean(acc, after) < 0.2)
        #expect(abs(mean(est, after) - mean(est, before)) < 0.01)
    }

    @Test func isRefusedOnARegressionStreamWithTheReason() {
        var messages: [FlywheelError] = []
        do {
            _ = try ScenarioLoader.parse("""
            name: m
            clock: {tick: 1d, ticks: 5}
            stream: {generator: friedman}
            model: {family: ridge}
            metrics: [estimated_accuracy]
            strategies: [{name: never, trigger: never}]
            """, file: "m.yaml")
        } catch let e as FlywheelErrors { messages = e.errors } catch {}
        #expect(messages.contains { $0.keyPath == "metrics[0]" && $0.description.contains("regression model has none") },
                "\(messages)")
    }
}

/// Two Gaussian classes at (±1, 0), σ = 1, fitted by logistic regression (the right model: its
/// probabilities are P(y | x)). From tick 10, 60 % of the traffic is drawn from the band
/// |x0| ≤ 0.5 around the boundary (a subpopulation shift: P(x) changes, P(y | x) does not), and the
/// truth falls; from tick 20 the classes swap places (a concept drift: P(x) unchanged).
private func gaussianShiftThenSwap(_ strategies: String, labels: String = "{coverage: 0.1, delay: 10d}") throws -> RunRecord {
    let plan = try ScenarioLoader.parse("""
    name: cbpe-score
    seed: 8
    clock: {tick: 1d, ticks: 30, events_per_tick: 2000}
    stream: {generator: gaussian, params: {rotation: 180, concepts: 2}, warmup: 4000}
    drifts:
      - {type: instantaneous, at: 10d, target: covariates, subpopulation: {where: {x0: [-0.5, 0.5]}, share: 0.6}}
      - {type: instantaneous, at: 20d, target: concept, to: 1}
    labels: \(labels)
    metrics: [estimated_accuracy]
    strategies: \(strategies)
    """, file: "cbpe-score.yaml").plan
    return try Runner.run(plan, threads: 1)
}

@Suite struct EstimatorScoringInARun {
    /// The report's table: the estimate follows the subpopulation shift (both fall by about the
    /// same amount, small error) and misses the swap (the truth falls by about 0.47, the estimate
    /// stays within a point).
    @Test func theReportTableShowsCBPEFollowingACovariateShiftAndMissingAConceptDrift() throws {
        let record = try gaussianShiftThenSwap("[{name: never, trigger: never}]")
        let rows = EstimatorScoring.rows(record)
        let shift = try #require(rows.first { $0.target == "covariates" }), concept = try #require(rows.first { $0.target == "concept" })
        #expect(shift.truthChange < -0.05 && shift.rightWay && abs(shift.estimateChange - shift.truthChange) < 0.02, "\(shift)")
        #expect(shift.meanAbsoluteError < 0.02, "\(shift)")
        #expect(concept.truthChange < -0.3 && abs(concept.estimateChange) < EstimatorScoring.still && !concept.rightWay,
                "\(concept)")
        #expect(concept.meanAbsoluteError > 10 * shift.meanAbsoluteError, "\(rows)")
    }
}

@Suite struct EstimatePerformanceTrigger {
    /// Labels arrive 10 ticks late: the trigger on the estimate fires at the first shifted tick,
    /// before any label of the shifted traffic exists; the same rule on arrived labels only once
    /// they arrive (tick 20 on).
    @Test func firesOnACovariateShiftWithoutItsLabels() throws {
        let record = try gaussianShiftThenSwap("""
        [{name: cbpe, trigger: {performance: {estimate: cbpe, drop: 0.05, window: 2d}}},
         {name: labels, trigger: {performance: {drop: 0.05, window: 2d}}}]
        """)
        let cbpe = kinds(record, "cbpe", "trigger").map(\.tick), labels = kinds(record, "labels", "trigger").map(\.tick)
        #expect(cbpe.first == 10, "\(cbpe)")
        #expect(labels.allSatisfy { $0 >= 20 } && !labels.isEmpty, "\(labels)")
        #expect(record.manifest.observableLag["cbpe"] == 0 && record.manifest.observableLag["labels"] == 10)
    }

    @Test func isRefusedOnARegressionStreamWithTheReason() {
        var messages: [FlywheelError] = []
        do {
            _ = try ScenarioLoader.parse("""
            name: m
            clock: {tick: 1d, ticks: 5}
            stream: {generator: friedman}
            model: {family: ridge}
            strategies: [{name: p, trigger: {performance: {estimate: cbpe, threshold: 3}}}]
            """, file: "m.yaml")
        } catch let e as FlywheelErrors { messages = e.errors } catch {}
        #expect(messages.contains { ($0.keyPath ?? "").hasSuffix("estimate") && $0.description.contains("regression model has none") },
                "\(messages)")
    }
}
