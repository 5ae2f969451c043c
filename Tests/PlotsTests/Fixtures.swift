import Foundation
import Plots

/// Hand-made inputs shared by the structural and render tests.
enum Fixtures {
    /// Accuracy curves of three strategies over 200 days with a gap, bands, markers, two drift
    /// periods and a Bayes ceiling.
    static func decayChart() -> LineChart {
        let days = (0..<200).map { Double($0) }
        func curve(_ retrainEvery: Int, _ offset: Double) -> [Double] {
            days.map { d in
                let drift = d >= 60 && d < 90 ? (d - 60) / 30 * 0.15 : (d >= 90 ? 0.15 : 0)
                let sudden = d >= 140 ? 0.2 : 0
                let since = Double(Int(d) % retrainEvery) / Double(retrainEvery)
                return 0.92 - offset - (drift + sudden) * since - 0.01 * sin(d / 7)
            }
        }
        var never = days.map { d in 0.92 - (d >= 60 ? Swift.min((d - 60) / 30, 1) * 0.15 : 0) - (d >= 140 ? 0.2 : 0) }
        never[100] = .nan; never[101] = .nan; never[102] = .nan
        let weekly = curve(7, 0.0)
        let monthly = curve(30, 0.01)
        var chart = LineChart(title: "Accuracy of three retraining strategies (SEA stream)",
                              xLabel: "time (days)", yLabel: "accuracy (fraction correct)")
        chart.series = [
            .init(name: "retrain weekly", x: days, y: weekly,
                  lower: weekly.map { $0 - 0.02 }, upper: weekly.map { $0 + 0.02 },
                  markers: stride(from: 7.0, to: 200, by: 7).map { .init(x: $0, kind: .retrain) }),
            .init(name: "retrain monthly on a fixed calendar schedule with a very long name", x: days, y: monthly,
                  markers: stride(from: 30.0, to: 200, by: 30).flatMap { [LineChart.Marker(x: $0, kind: .retrain), .init(x: $0 + 2, kind: .deploy)] }),
            .init(name: "never retrain", x: days, y: never, dashed: true),
        ]
        chart.spans = [
            .init(start: 60, end: 90, label: "gradual concept"),
            .init(start: 140, end: 145, label: "sudden concept drift"),
        ]
        chart.referenceLines = [.init(y: 0.95, label: "Bayes ceiling 0.95")]
        return chart
    }

    /// Cumulative cost over 365 days for two strategies (large values).
    static func cumulativeChart() -> LineChart {
        let days = (0..<365).map { Double($0) }
        let a = days.map { $0 * 1523.7 + ($0 > 100 ? 40_000 : 0) }
        let b = days.map { $0 * 2210.0 }
        return LineChart(title: "Cumulative cost", xLabel: "time (days)", yLabel: "cumulative cost (EUR)",
                         series: [.init(name: "drift-triggered", x: days, y: a), .init(name: "daily", x: days, y: b)])
    }

    /// A strategy crossing its reference several times, with a gap.
    static func areaChart() -> AreaBetweenChart {
        let days = (0..<120).map { Double($0) }
        let reference = days.map { 0.9 - 0.0004 * $0 }
        var strategy = days.map { 0.88 - 0.0004 * $0 + 0.03 * sin($0 / 9) }
        strategy[50] = .nan
        return AreaBetweenChart(title: "Opportunity cost of monthly retraining against the weekly schedule",
                                xLabel: "time (days)", yLabel: "accuracy (fraction correct)", x: days,
                                strategy: strategy, reference: reference, strategyName: "retrain monthly",
                                referenceName: "retrain weekly (reference)",
                                areaLabel: "opportunity cost: 0.61 accuracy·days (EUR 3 050)")
    }

    /// Eight strategies, four of them on the front, two with equal cost.
    static let scatterPoints: [ScatterChart.Point] = [
        .init(label: "never", x: 0, y: 0.71),
        .init(label: "monthly", x: 1200, y: 0.84),
        .init(label: "weekly", x: 5200, y: 0.90),
        .init(label: "daily", x: 36000, y: 0.915),
        .init(label: "ADWIN-triggered", x: 2100, y: 0.89),
        .init(label: "DDM-triggered", x: 2600, y: 0.87),
        .init(label: "KSWIN-triggered", x: 2500, y: 0.885),
        .init(label: "Page-Hinkley-triggered with a long name", x: 5200, y: 0.86),
        .init(label: "every 3 days", x: 12000, y: 0.905),
    ]

    static func scatterChart() -> ScatterChart {
        ScatterChart(title: "Cost against accuracy per strategy", xLabel: "total cost (EUR)",
                     yLabel: "mean accuracy (fraction correct)", points: scatterPoints)
    }

    static func heatmap() -> Heatmap {
        let windows = [7, 14, 30, 60, 90]
        let thresholds = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05]
        let values = windows.map { w in
            thresholds.map { t in 0.80 + 0.1 * exp(-pow(log(Double(w) / 20), 2)) - 0.3 * t }
        }
        return Heatmap(title: "Mean accuracy by detector window and threshold",
                       rowAxisLabel: "window (days)", columnAxisLabel: "detection threshold (p-value)",
                       valueLabel: "mean accuracy (fraction correct)",
                       rowLabels: windows.map { String($0) }, columnLabels: thresholds.map { String($0) },
                       values: values)
    }

    static func decisionMap() -> DecisionMap {
        let ratios = (0...24).map { pow(10.0, -3 + Double($0) * 0.25) }
        let winners = ratios.map { r -> String in
            if r < 0.004 { return "retrain daily" }
            if r < 0.2 { return "retrain weekly" }
            if r < 20 { return "drift-triggered (ADWIN)" }
            return "never retrain"
        }
        return DecisionMap(title: "Cheapest strategy by cost ratio", ratios: ratios, winners: winners)
    }

    /// Eleven series in a small chart: legend overflow, dashes after eight colours, thinned ticks.
    static func crowdedChart() -> LineChart {
        let x = (0..<50).map { Double($0) * 1000 }
        let series = (0..<11).map { i in LineChart.Series(name: "strategy \(i)", x: x, y: x.map { $0 * Double(i + 1) }) }
        return LineChart(title: "Eleven strategies in a small chart", xLabel: "time (ms)", yLabel: "cost (EUR)", series: series)
    }

    static func edgeCharts() -> [(String, String)] {
        [
            ("edge-empty", LineChart(title: "No series", xLabel: "time (days)", yLabel: "accuracy").svg()),
            ("edge-single", LineChart(title: "One point", xLabel: "time (days)", yLabel: "accuracy",
                                      series: [.init(name: "one", x: [3], y: [0.5], markers: [.init(x: 3, kind: .retrain)])]).svg()),
            ("edge-constant", LineChart(title: "Constant", xLabel: "time (days)", yLabel: "accuracy",
                                        series: [.init(name: "flat", x: [0, 1, 2, 3], y: [0.7, 0.7, 0.7, 0.7])]).svg()),
            ("edge-crowded", crowdedChart().svg(width: 360, height: 240)),
            ("narrow-decay", decayChart().svg(width: 480, height: 360)),
            ("narrow-area", areaChart().svg(width: 480, height: 360)),
            ("narrow-scatter", scatterChart().svg(width: 480, height: 360)),
            ("narrow-heatmap", heatmap().svg(width: 480, height: 360)),
            ("narrow-decision", decisionMap().svg(width: 480, height: 300)),
            ("edge-heatmap-ragged", Heatmap(title: "Ragged grid", rowAxisLabel: "window (days)", columnAxisLabel: "threshold",
                                            valueLabel: "accuracy", rowLabels: ["a", "b"], columnLabels: ["x", "y", "z"],
                                            values: [[1, 1, 1], [1]]).svg()),
            ("edge-heatmap-large", Heatmap(title: "Total cost by retraining interval and label budget",
                                           rowAxisLabel: "retraining interval (days)", columnAxisLabel: "label budget (labels per day)",
                                           valueLabel: "total cost (EUR)", rowLabels: (1...12).map { "every \($0 * 5) days" },
                                           columnLabels: (1...18).map { "\($0 * 250) labels/day" },
                                           values: (1...12).map { r in (1...18).map { c in Double(r * 1370 + c * c * 97) } }, best: .min).svg()),
            ("edge-scatter-empty", ScatterChart(title: "No points", xLabel: "cost (EUR)", yLabel: "accuracy").svg()),
            ("edge-decision-empty", DecisionMap(title: "No ratios", ratios: [], winners: []).svg()),
            ("edge-area-empty", AreaBetweenChart(title: "No data", xLabel: "t", yLabel: "v", x: [], strategy: [], reference: [],
                                                 strategyName: "s", referenceName: "r", areaLabel: "").svg()),
        ]
    }
}
