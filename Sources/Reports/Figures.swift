import Analysis
import FlywheelCore
import Plots

/// An SVG figure of a run.
public struct Figure: Sendable {
    public var file: String
    public var caption: String
    public var svg: String
}

/// The figures every run report carries, drawn from the finished run record only.
public enum Figures {
    public static func all(_ record: RunRecord, summaries: [StrategySummary], oracle: OracleCurve? = nil) -> [Figure] {
        var figures = [decay(record, oracle: oracle)]
        figures.append(cumulativeCost(record))
        figures.append(costVersusMetric(record, summaries: summaries))
        if let opp = opportunity(record, summaries: summaries) { figures.append(opp) }
        return figures
    }

    static func xLabel(_ record: RunRecord) -> String { TimeAxis.title(record.manifest.clock) }

    /// Date ticks for an x axis over ticks `0...ticks` when the run's ticks have real times.
    static func dateTicks(_ record: RunRecord) -> [AxisTick]? {
        TimeAxis.ticks(record.manifest.clock, from: 0, to: Double(record.manifest.clock.ticks))
    }

    static func metricLabel(_ record: RunRecord) -> String {
        record.manifest.task.metricDescription
    }

    /// Shaded spans for every drift of the ground truth (a periodic drift: each crest).
    static func spans(_ record: RunRecord) -> [LineChart.Span] {
        record.drifts.map { d in
            let end = d.end > d.start ? d.end : d.start + 1
            return LineChart.Span(start: d.start, end: end, label: "\(d.type) \(d.target)")
        }
    }

    /// Performance-decay curves: the metric per tick per strategy (mean over replicates, with a
    /// 95 % band), retraining markers (replicate 0), drift periods shaded, the Bayes ceiling; with
    /// an oracle, its curve (dashed) and the ticks its models go live.
    public static func decay(_ record: RunRecord, oracle: OracleCurve? = nil) -> Figure {
        let metric = record.manifest.primaryMetric
        let ticks = record.manifest.clock.ticks
        let x = (0..<ticks).map { Double($0) + 0.5 }
        // Long horizons of small ticks are noisy: show a centred rolling mean over ~1 % of the run.
        let smooth = max(1, ticks / 100)
        var chart = LineChart(title: "\(record.manifest.scenarioName): performance decay and recovery" + (smooth > 1 ? " (rolling mean of \(smooth) ticks)" : ""),
                              xLabel: xLabel(record), yLabel: metricLabel(record))
        let events = tickEvents(record)
        for (i, name) in record.strategies.enumerated() {
            let runs = record.runs(of: name)
            var (mean, lo, hi) = band(runs, metric: metric, events: events)
            if smooth > 1 { (mean, lo, hi) = (rolling(mean, smooth), rolling(lo, smooth), rolling(hi, smooth)) }
            let markers = (runs.first?.events ?? []).filter { $0.kind == "deploy" }.map { LineChart.Marker(x: Double($0.tick) + 1, kind: .retrain) }
            let multi = runs.count > 1
            chart.series.append(LineChart.Series(name: name, x: x, y: mean, lower: multi ? lo : nil, upper: multi ? hi : nil,
                                                 colorIndex: i, markers: markers.count <= 60 ? markers : []))
        }
        if let o = oracle {
            let y = smooth > 1 ? rolling(o.metric, smooth) : o.metric
            let markers = o.trainings.map { LineChart.Marker(x: Double($0) + 1, kind: .retrain) }
            chart.series.append(LineChart.Series(name: o.name, x: x, y: y, dashed: true, colorIndex: record.strategies.count,
                                                 markers: markers.count <= 60 ? markers : []))
        }
        chart.spans = spans(record)
        chart.xAxisTicks = dateTicks(record)
        chart.yBounds = MetricRange.of(metric).bounds
        if let bayes = meanBayes(record) { chart.referenceLine = LineChart.ReferenceLine(y: bayes, label: "Bayes ceiling \(fmt(bayes))") }
        let caption = "Performance over time per strategy (mean over replicates, 95 % band: \(bandMethod(metric))); "
            + "triangles mark deployments of retrained models; shaded: injected drifts"
            + (oracle.map { "; dashed: \($0.name), the hindsight-optimal schedule" } ?? "")
        return Figure(file: "decay.svg", caption: caption, svg: chart.svg())
    }

    /// Cumulative total cost over time per strategy (mean over replicates).
    public static func cumulativeCost(_ record: RunRecord) -> Figure {
        let ticks = record.manifest.clock.ticks
        let x = (0..<ticks).map { Double($0 + 1) }
        var chart = LineChart(title: "\(record.manifest.scenarioName): cumulative cost", xLabel: xLabel(record), yLabel: "cumulative total cost (money)")
        for (i, name) in record.strategies.enumerated() {
            let (mean, _, _) = band(record.runs(of: name), metric: "cost_total")
            var acc = 0.0
            chart.series.append(LineChart.Series(name: name, x: x, y: mean.map { acc += $0.isNaN ? 0 : $0; return acc }, colorIndex: i))
        }
        chart.spans = spans(record)
        chart.xAxisTicks = dateTicks(record)
        return Figure(file: "cumulative-cost.svg", caption: "Cumulative total cost (errors, labels, retraining, deployments) per strategy", svg: chart.svg())
    }

    /// Total cost against mean performance, the Pareto front marked.
    public static func costVersusMetric(_ record: RunRecord, summaries: [StrategySummary]) -> Figure {
        let higher = record.manifest.task.higherIsBetter
        var chart = ScatterChart(title: "\(record.manifest.scenarioName): cost against performance", xLabel: "total cost (money)",
                                 yLabel: higher ? "mean accuracy" : "minus mean absolute error")
        chart.points = summaries.map { ScatterChart.Point(label: $0.strategy, x: $0.totalCost.mean, y: higher ? $0.meanMetric.mean : -$0.meanMetric.mean) }
        return Figure(file: "cost-vs-performance.svg", caption: "Total cost against mean performance; the Pareto front joins the strategies no other beats on both", svg: chart.svg())
    }

    /// The opportunity-cost area of the cheapest strategy against the reference.
    public static func opportunity(_ record: RunRecord, summaries: [StrategySummary]) -> Figure? {
        guard let reference = record.manifest.reference else { return nil }
        let metric = record.manifest.primaryMetric
        let ranked = RunSummary.ranked(summaries, higherIsBetter: record.manifest.task.higherIsBetter)
        guard let subject = ranked.first(where: { $0.strategy != reference }) else { return nil }
        let (s, _, _) = band(record.runs(of: subject.strategy), metric: metric)
        let (r, _, _) = band(record.runs(of: reference), metric: metric)
        let x = (0..<s.count).map { Double($0) + 0.5 }
        let value = subject.opportunityCost?.mean ?? .nan
        var chart = AreaBetweenChart(title: "\(record.manifest.scenarioName): opportunity cost of \(subject.strategy) against \(reference)",
                                     xLabel: xLabel(record), yLabel: metricLabel(record), x: x, strategy: s, reference: r,
                                     strategyName: subject.strategy, referenceName: reference,
                                     areaLabel: "opportunity cost: \(fmt(value)) \(record.manifest.task.extraErrorsName)")
        chart.xAxisTicks = dateTicks(record)
        return Figure(file: "opportunity-cost.svg", caption: "Opportunity cost of the cheapest strategy, \(subject.strategy), against \(reference): the area between their curves weighted by traffic", svg: chart.svg())
    }

    /// Centred rolling mean over `w` values, ignoring NaN.
    static func rolling(_ v: [Double], _ w: Int) -> [Double] {
        (0..<v.count).map { i in
            let lo = max(0, i - w / 2), hi = min(v.count, lo + w)
            let window = v[lo..<hi].filter { !$0.isNaN }
            return window.isEmpty ? .nan : window.reduce(0, +) / Double(window.count)
        }
    }

    /// How ``band(_:metric:events:)`` computes a metric's band, for captions.
    static func bandMethod(_ metric: String) -> String {
        switch MetricRange.of(metric) {
        case .unit: return "t-interval over replicates on the logit scale, inside [0, 1]"
        case .nonNegative: return "t-interval over replicates on the log scale, above 0"
        case .real: return "t-interval over replicates"
        }
    }

    /// The fewest events any replicate served at each tick (nil without traffic): a share
    /// measured on them moves in from 0 or 1 by half an event before its logit.
    public static func tickEvents(_ record: RunRecord) -> [Double]? {
        guard let first = record.traffic.first else { return nil }
        return first.volume.indices.map { t in
            record.traffic.map { t < $0.volume.count ? $0.volume[t] : 0 }.min() ?? 0
        }
    }

    static func meanBayes(_ record: RunRecord) -> Double? {
        var s = 0.0, n = 0.0
        for tr in record.traffic { for t in 0..<tr.bayes.count where !tr.bayes[t].isNaN { s += tr.bayes[t] * tr.volume[t]; n += tr.volume[t] } }
        return n > 0 ? s / n : nil
    }

    static func fmt(_ v: Double) -> String {
        guard v.isFinite else { return "–" }
        if abs(v) >= 100 { return String(Int(v.rounded())) }
        return NumberText.rounded(v, decimals: 3)
    }
}
