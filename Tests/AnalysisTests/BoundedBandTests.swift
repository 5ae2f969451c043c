import Analysis
import FlywheelCore
import Foundation
import Testing

@Suite struct BoundedBandTests {
    static func runs(_ perReplicate: [[Double]], metric: String) -> [StrategyRun] {
        perReplicate.enumerated().map { r, v in
            StrategyRun(strategy: "s", replicate: r, series: [MetricSeries(name: metric, values: v)], events: [])
        }
    }

    /// Three replicates at 0.98, 1.0, 1.0 (the t-interval is [0.953, 1.027]), and the full
    /// loop's hardest-first at tick 121 (a t-interval of about [−0.04, 1.20]): every band point
    /// lies in [0, 1] and holds the mean.
    @Test func everyBandPointOfAnAccuracyLiesInTheUnitInterval() {
        let ticks: [[Double]] = [[0.98, 1.0, 1.0], [0.3, 0.6, 0.85], [1, 1, 1], [0, 0, 0.02], [0.5, 0.5, 0.5]]
        #expect(Interval(ticks[0]).upper > 1 && Interval(ticks[1]).upper > 1 && Interval(ticks[3]).lower < 0)
        let perReplicate = (0..<3).map { r in ticks.map { $0[r] } }
        let (mean, lo, hi) = band(Self.runs(perReplicate, metric: "accuracy"), metric: "accuracy",
                                  events: [500, 500, 500, 500, 500])
        for t in ticks.indices {
            #expect(lo[t] >= 0 && hi[t] <= 1, "tick \(t): [\(lo[t]), \(hi[t])]")
            #expect(lo[t] <= mean[t] && mean[t] <= hi[t], "tick \(t)")
        }
        // Half an event of 500 moves 1 to 0.999: logits 3.892, 6.907, 6.907 (mean 5.902, sd
        // 1.741), so the low end is expit(5.902 − 4.303 · 1.741 / √3) = 0.8398.
        let z = [log(0.98 / 0.02), log(0.999 / 0.001), log(0.999 / 0.001)]
        let m = z.reduce(0, +) / 3, sd = (z.reduce(0) { $0 + ($1 - m) * ($1 - m) } / 2).squareRoot()
        #expect(abs(lo[0] - 1 / (1 + exp(-(m - 4.302_652_729_911 * sd / 3.0.squareRoot())))) < 1e-9)
        // No spread: the band is the point.
        #expect(lo[2] == 1 && hi[2] == 1 && lo[4] == 0.5 && hi[4] == 0.5)
        // Slices and shares follow the same rule.
        #expect(MetricRange.of("accuracy@north") == .unit && MetricRange.of("challenger_share") == .unit)
    }

    /// An error cannot be negative: errors 0.1, 0.5, 2.0 have a t-interval reaching −1.9; on the
    /// log scale the band is exp(m ± t · s / √3), m and s of ln 0.1, ln 0.5, ln 2.
    @Test func bandsOfAnErrorStayAboveZero() {
        let values = [0.1, 0.5, 2.0]
        #expect(Interval(values).lower < 0)
        let (_, lo, hi) = band(Self.runs(values.map { [$0] }, metric: "mae"), metric: "mae")
        let z = values.map(log)
        let m = z.reduce(0, +) / 3, sd = (z.reduce(0) { $0 + ($1 - m) * ($1 - m) } / 2).squareRoot()
        let half = 4.302_652_729_911 * sd / 3.0.squareRoot()
        #expect(abs(lo[0] / exp(m - half) - 1) < 1e-9 && lo[0] > 0)
        #expect(abs(hi[0] / exp(m + half) - 1) < 1e-9)
        // A zero is moved up to half the smallest positive value; all zeros give the point 0.
        let (_, lz, _) = band(Self.runs([[0], [0.2], [0.4]], metric: "mae"), metric: "mae")
        #expect(lz[0] > 0 && lz[0] <= 0.2)
        let (_, l0, h0) = band(Self.runs([[0], [0], [0]], metric: "mae"), metric: "mae")
        #expect(l0[0] == 0 && h0[0] == 0)
        // A quantity of either sign keeps its t-interval.
        let (_, lr, _) = band(Self.runs([[-1], [0], [4]], metric: "margin"), metric: "margin")
        #expect(abs(lr[0] - Interval([-1, 0, 4]).lower) < 1e-12)
    }
}
