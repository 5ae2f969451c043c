import Analysis
import FlywheelCore
import Foundation
import Testing

@Suite struct PairedComparisonTests {
    /// The quickstart's `every-7d` against `never`: per-replicate cost differences 2447, 2715,
    /// 3481. By hand: d̄ = 2881, s² = (434² + 166² + 600²) / 2 = 287,956, t₀.₉₇₅,₂ = 4.302653,
    /// half-width = 4.302653 · √(287,956 / 3) = 1333.0.
    @Test func pairedIntervalOfThreeReplicatesMatchesTheHandComputation() {
        let never = [10_000.0, 10_200, 10_900]
        let weekly = zip(never, [2447.0, 2715, 3481]).map { $0 + $1 }
        let c = PairedComparison.pairedT(strategy: "every-7d", versus: "never", measure: "total_cost", weekly, never)
        let half = 4.302_652_729_911 * (287_956.0 / 3).squareRoot()
        #expect(abs(c.meanDifference - 2881) < 1e-9)
        #expect(abs(c.low - (2881 - half)) < 1e-6)
        #expect(abs(c.high - (2881 + half)) < 1e-6)
        #expect(Int(c.low.rounded()) == 1548 && Int(c.high.rounded()) == 4214)
        #expect(c.isDistinguishable)
        #expect(c.method == .studentT(replicates: 3))
    }

    @Test func pairedIntervalIsNarrowerThanTheMarginalOnesWhenReplicatesShareNoise() {
        // Each replicate moves both strategies by the same traffic effect.
        let shared = [-900.0, 0, 900]
        let a = shared.map { 5000 + $0 }, b = zip(shared, [95.0, 100, 105]).map { 5000 + $0 - $1 }
        let marginalA = Interval(a), marginalB = Interval(b)
        #expect(marginalA.lower < marginalB.upper)   // the marginal intervals overlap…
        let c = PairedComparison.pairedT(strategy: "a", versus: "b", measure: "total_cost", a, b)
        #expect(c.low > 0)                           // …the paired one does not contain zero
    }

    @Test func oneReplicateGivesNoInterval() {
        let c = PairedComparison.pairedT(strategy: "a", versus: "b", measure: "x", [3], [1])
        #expect(c.method == .none && c.low == 2 && c.high == 2 && !c.isDistinguishable)
    }
}

@Suite struct BoundedIntervalTests {
    @Test func logitIntervalOfAccuraciesNearOneStaysBelowOne() {
        let (low, high) = BoundedInterval.logitT([0.999, 1.0, 0.97], epsilon: 0.5 / 2000)
        #expect(low > 0 && high <= 1 && low < high)
        // The plain t-interval of the same values leaves [0, 1].
        #expect(Interval([0.999, 1.0, 0.97]).upper > 1)
    }

    /// By hand: logits of 0.6, 0.7, 0.8 are 0.405465, 0.847298, 1.386294; mean 0.879686, sd
    /// 0.491191, half-width 4.302653 · 0.491191 / √3 = 1.220198.
    @Test func logitIntervalMatchesTheHandComputation() {
        let (low, high) = BoundedInterval.logitT([0.6, 0.7, 0.8])
        let mean = (log(0.6 / 0.4) + log(0.7 / 0.3) + log(0.8 / 0.2)) / 3
        let z = [log(0.6 / 0.4), log(0.7 / 0.3), log(0.8 / 0.2)]
        let sd = (z.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 2).squareRoot()
        let half = 4.302_652_729_911 * sd / 3.0.squareRoot()
        #expect(abs(low - 1 / (1 + exp(-(mean - half)))) < 1e-9)
        #expect(abs(high - 1 / (1 + exp(-(mean + half)))) < 1e-9)
    }
}

@Suite struct BlockBootstrapTests {
    struct Oracle: Decodable {
        struct Case: Decodable { var name: String; var x: [Double]; var circular: Double }
        var cases: [Case]
    }

    static func oracle() throws -> Oracle {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Oracles/block_length.json")
        return try JSONDecoder().decode(Oracle.self, from: Data(contentsOf: url))
    }

    /// Reference: `arch.bootstrap.optimal_block_length` (arch 8.0.0) on five series, written by
    /// scripts/oracles/block_length.py.
    @Test func optimalBlockLengthMatchesArch() throws {
        for c in try Self.oracle().cases {
            let b = BlockBootstrap.optimalBlockLength(c.x)
            #expect(abs(b - c.circular) <= 1e-9 * max(1, c.circular), "\(c.name): \(b) vs arch \(c.circular)")
        }
    }

    /// The bootstrap variance of the mean approaches its closed form (block length dividing n):
    /// with B = 20,000 resamples the variance estimate's relative standard error is about
    /// √(2/B) = 1 %.
    @Test func resampledVarianceOfTheMeanApproachesTheExactCircularBlockVariance() throws {
        let x = try Self.oracle().cases.first { $0.name == "ar1-0.5-500" }!.x
        let exact = BlockBootstrap.exactVarianceOfMean(x, blockLength: 10)
        let means = BlockBootstrap.resample(columns: [x], statistic: { $0[0] / 500 }, blockLength: 10, resamples: 20_000,
                                            rng: RandomStream(seed: 11))
        let m = means.reduce(0, +) / Double(means.count)
        let v = means.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(means.count - 1)
        #expect(abs(v / exact - 1) < 0.05, "bootstrap variance \(v) vs exact \(exact)")
        // The circular bootstrap is unbiased for the mean.
        let xbar = x.reduce(0, +) / 500
        #expect(abs(m - xbar) < 4 * (exact / 20_000).squareRoot())
    }

    @Test func percentileIntervalOfAnAccuracyStaysInTheUnitInterval() {
        // A model right on almost every event of most ticks.
        let volume = [Double](repeating: 100, count: 200)
        let correct = (0..<200).map { t in t % 37 == 0 ? 60.0 : 100 }
        let r = BlockBootstrap.interval(columns: [correct, volume], statistic: { $0[0] / $0[1] }, resamples: 1000,
                                        rng: RandomStream(seed: 3))
        #expect(r.low >= 0 && r.high <= 1 && r.low <= r.estimate && r.estimate <= r.high)
        #expect(r.blockLength >= 1)
    }

    @Test func sameSeedGivesTheSameInterval() {
        let x = (0..<300).map { sin(Double($0) / 5) + Double($0 % 7) / 10 }
        let a = BlockBootstrap.interval(columns: [x], statistic: { $0[0] }, rng: RandomStream(seed: 9))
        let b = BlockBootstrap.interval(columns: [x], statistic: { $0[0] }, rng: RandomStream(seed: 9))
        #expect(a == b)
    }

    @Test func quantileInterpolatesLikeNumPy() {
        // numpy.quantile([1, 2, 3, 4], [0.025, 0.975]) == [1.075, 3.925]
        #expect(abs(BlockBootstrap.quantile([1, 2, 3, 4], 0.025) - 1.075) < 1e-12)
        #expect(abs(BlockBootstrap.quantile([1, 2, 3, 4], 0.975) - 3.925) < 1e-12)
    }
}

@Suite struct RandomAlarmBaselineTests {
    /// With windows that do not overlap, drift i is detected by chance with probability
    /// 1 − C(T − wᵢ, k) / C(T, k), wᵢ = maxDelay + 1 ticks (its window inside the run).
    @Test func expectedRecallOfRandomAlarmsMatchesTheClosedForm() {
        let ticks = 200, k = 10, maxDelay = 9
        let drifts = [40, 100, 140]
        let b = RandomAlarmBaseline.expected(alarms: k, ticks: ticks, drifts: drifts, maxDelay: maxDelay, placements: 20_000,
                                             rng: RandomStream(seed: 5))
        func logChoose(_ n: Int, _ r: Int) -> Double { lgamma(Double(n + 1)) - lgamma(Double(r + 1)) - lgamma(Double(n - r + 1)) }
        let p = 1 - exp(logChoose(ticks - (maxDelay + 1), k) - logChoose(ticks, k))
        #expect(abs(b.recall - p) < 0.01, "recall \(b.recall) vs closed form \(p)")
    }

    /// A calendar of 11 alarms every 20 ticks that happens to fall on the drifts beats chance;
    /// the same number of alarms placed at random does not reach recall 1.
    @Test func aCalendarThatMatchesTheDriftsIsFarAboveChance() {
        let b = RandomAlarmBaseline.expected(alarms: 11, ticks: 220, drifts: [40, 100, 140, 200], maxDelay: 10,
                                             rng: RandomStream(seed: 1))
        #expect(b.recall < 0.5 && b.f1 < 0.5 && b.placements == 2000)
    }
}
