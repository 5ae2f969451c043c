import Analysis
import FlywheelCore
import Foundation
import Testing

/// A record of two strategies with the given per-tick costs and accuracies per replicate.
private func record(replayed: Bool, seed: UInt64 = 42, costs: [String: [[Double]]], accuracy: [String: [[Double]]],
                    volume: [Double]) -> RunRecord {
    let names = costs.keys.sorted()
    let replicates = costs[names[0]]!.count
    let manifest = RunManifest(scenarioName: "t", description: "", scenarioText: "", scenarioFile: "t.yaml", seed: seed,
                               replicates: replicates, version: "test", clock: Clock(tick: Span(seconds: 86_400), ticks: volume.count),
                               primaryMetric: "accuracy", reference: nil, costs: [:], replayed: replayed)
    let runs = names.flatMap { name in
        (0..<replicates).map { r in
            StrategyRun(strategy: name, replicate: r, series: [MetricSeries(name: "cost_total", values: costs[name]![r]),
                                                              MetricSeries(name: "accuracy", values: accuracy[name]![r])],
                        events: [])
        }
    }
    let traffic = (0..<replicates).map { TrafficRecord(replicate: $0, volume: volume, bayes: volume.map { _ in .nan }) }
    return RunRecord(manifest: manifest, strategies: names, runs: runs, traffic: traffic, drifts: [])
}

@Suite struct ComparisonsTests {
    /// Closed form: when the per-tick difference is the same constant c on every tick, every
    /// circular-block resample of the n ticks sums to n·c, so the bootstrap interval is the point
    /// n·c itself, whatever the blocks; the metric difference likewise is the constant.
    @Test func constantPerTickDifferenceGivesAZeroWidthBootstrapIntervalAtTheConstant() {
        let rng = RandomStream(seed: 9)
        let n = 120
        let base = (0..<n).map { _ in rng.uniform(10, 50) }
        let acc = (0..<n).map { _ in rng.uniform(0.6, 0.8) }
        let volume = (0..<n).map { _ in Double(40 + rng.int(below: 20)) }
        let r = record(replayed: true, costs: ["a": [base.map { $0 + 3 }], "b": [base]],
                       accuracy: ["a": [acc.map { $0 - 0.05 }], "b": [acc]], volume: volume)
        let cost = Comparisons.compare(r, "a", "b", measure: Comparisons.totalCost)
        #expect(abs(cost.meanDifference - 3.0 * Double(n)) < 1e-9)
        #expect(abs(cost.low - 360) < 1e-9 && abs(cost.high - 360) < 1e-9)
        guard case .blockBootstrap(let l, 2000) = cost.method else { Issue.record("method \(cost.method)"); return }
        #expect(l >= 1 && l <= n)
        #expect(cost.replicates == 1)
        let metric = Comparisons.compare(r, "a", "b", measure: "accuracy")
        #expect(abs(metric.meanDifference + 0.05) < 1e-12)
        #expect(abs(metric.low + 0.05) < 1e-12 && abs(metric.high + 0.05) < 1e-12)
    }

    /// With independent replicates the comparison is the paired t-interval of the per-replicate
    /// totals: 2447, 2715, 3481 → 2881 ± 4.302653 · √(287,956 / 3) (by hand), although each
    /// strategy's own totals vary far more than their difference.
    @Test func replicatesAreComparedByTheirPerReplicatePairedDifference() {
        let perTick = 10
        let noise = [0.0, 5_000, -4_000]  // shared by both strategies: common random numbers
        let d = [2447.0, 2715, 3481]
        let b = noise.map { e in [Double](repeating: (20_000 + e) / Double(perTick), count: perTick) }
        let a = zip(b, d).map { row, dd in row.map { $0 + dd / Double(perTick) } }
        let acc = [[Double]](repeating: [Double](repeating: 0.7, count: perTick), count: 3)
        let r = record(replayed: false, costs: ["a": a, "b": b], accuracy: ["a": acc, "b": acc],
                       volume: [Double](repeating: 10, count: perTick))
        let c = Comparisons.compare(r, "a", "b", measure: Comparisons.totalCost)
        let half = 4.302_652_729_911 * (287_956.0 / 3).squareRoot()
        #expect(abs(c.meanDifference - 2881) < 1e-6)
        #expect(abs(c.low - (2881 - half)) < 1e-6 && abs(c.high - (2881 + half)) < 1e-6)
        #expect(c.method == .studentT(replicates: 3))
        #expect(c.isDistinguishable)
        // Their marginal intervals overlap widely: the unpaired reading would call them a tie.
        let ia = Interval(a.map { $0.reduce(0, +) }), ib = Interval(b.map { $0.reduce(0, +) })
        #expect(ia.lower < ib.upper)
    }

    /// The bootstrap draws from a stream derived from the scenario seed and the pair's names
    /// (pinned strings): the same record gives the same interval, another seed another one.
    @Test func bootstrapStreamIsPinnedToTheSeedAndThePair() {
        #expect(AnalysisStreamKey.pairedBootstrap == ["analysis", "block-bootstrap"])
        #expect(AnalysisStreamKey.rankBootstrap == ["analysis", "rank-bootstrap"])
        let rng = RandomStream(seed: 4)
        let n = 200
        let a = (0..<n).map { _ in rng.uniform(0, 10) }, b = (0..<n).map { _ in rng.uniform(0, 10) }
        let acc = [Double](repeating: 0.5, count: n), v = [Double](repeating: 1, count: n)
        func interval(_ seed: UInt64) -> PairedComparison {
            Comparisons.compare(record(replayed: true, seed: seed, costs: ["a": [a], "b": [b]],
                                       accuracy: ["a": [acc], "b": [acc]], volume: v), "a", "b", measure: Comparisons.totalCost)
        }
        #expect(interval(42) == interval(42))
        #expect(interval(42).low != interval(43).low)
        #expect(interval(42).low < interval(42).meanDifference && interval(42).meanDifference < interval(42).high)
    }

    @Test func identicalReplicatesAreDetectedAndHaveAnExactlyZeroInterval() {
        let costs = [0.1, 0.2, 0.7]
        let same = record(replayed: true, costs: ["a": [costs, costs, costs], "b": [costs, costs, costs]],
                          accuracy: ["a": [costs, costs, costs], "b": [costs, costs, costs]], volume: [1, 1, 1])
        #expect(Comparisons.replicatesIdentical(same))
        let differ = record(replayed: true, costs: ["a": [costs, costs, [0.1, 0.2, 0.8]], "b": [costs, costs, costs]],
                            accuracy: ["a": [costs, costs, costs], "b": [costs, costs, costs]], volume: [1, 1, 1])
        #expect(!Comparisons.replicatesIdentical(differ))
        // 0.1 + 0.2 + 0.7 three times over, divided by 3, is not exactly 0.1 + 0.2 + 0.7.
        let total = costs.reduce(0, +)
        let i = Interval([total, total, total])
        #expect(i.mean == total && i.halfWidth == 0)
    }

    /// Rank stability by the bootstrap over replicates: a strategy cheaper on every replicate stays
    /// first in every resample; two strategies that swap places across replicates do not.
    @Test func rankStabilityCountsResamplesInWhichTheFirstStaysFirst() {
        let acc = [[Double]](repeating: [0.5, 0.5], count: 3)
        let clear = record(replayed: false, costs: ["a": [[1, 1], [2, 2], [3, 3]], "b": [[2, 2], [3, 3], [4, 4]]],
                           accuracy: ["a": acc, "b": acc], volume: [1, 1])
        #expect(Comparisons.rankStability(clear, ranked: ["a", "b"])?.firstKept == 1)
        let swap = record(replayed: false, costs: ["a": [[1, 1], [5, 5], [1, 1]], "b": [[2, 2], [2, 2], [2, 2]]],
                          accuracy: ["a": acc, "b": acc], volume: [1, 1])
        // a's mean 14/3 > b's 4: b is first; a wins a resample only when replicate 1 is not drawn:
        // P = (2/3)³ = 8/27, and ties (none possible here) keep the given order.
        let s = Comparisons.rankStability(swap, ranked: ["b", "a"])!
        #expect(abs(s.firstKept - (1 - 8.0 / 27)) < 0.03)
    }
}
