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
        figures += record.manifest.requestedMetrics.map { requestedSeries(record, $0) }
        return figures
    }

    /// What a requested series is, for its figure's axis.
    static func seriesDescription(_ name: String) -> String {
        switch name {
        case "estimated_accuracy": return "CBPE estimate of the served accuracy (no labels)"
        case "quality_missing": return "largest rise of a feature's missing share"
        case "quality_out_of_range": return "largest share of a feature's values out of range"
        case "quality_unseen": return "largest share of unseen categories"
        case "quality_volume_drop": return "fall of the tick's events below the earlier mean"
        case "log_loss": return "log loss of the served predictions"
        case "f1": return "macro F1 of the served predictions"
        case "auc": return "ROC AUC of the served predictions"
        case "rmse": return "RMSE of the served predictions"
        default: return name
        }
    }

    /// A series the scenario requested (`metrics:`) over time per strategy: the mean over
    /// replicates with its 95 % band in the series' range, drift periods shaded.
    public static func requestedSeries(_ record: RunRecord, _ name: String) -> Figure {
        var (chart, smooth) = timeChart(record, title: name, yLabel: seriesDescription(name))
        let events = tickEvents(record)
        for (i, strategy) in record.strategies.enumerated() {
            chart.series.append(curve(record, strategy, metric: name, smooth: smooth, events: events, colorIndex: i))
        }
        chart.spans = spans(record)
        chart.xAxisTicks = dateTicks(record)
        chart.yBounds = MetricRange.of(name).bounds
        let caption = "\(name) over time per strategy (mean over replicates, 95 % band: \(bandMethod(name))), requested by the "
            + "scenario's metrics; shaded: injected drifts"
        return Figure(file: "\(name).svg", caption: caption, svg: chart.svg())
    }

    /// An empty chart over the run's ticks titled `scenario: title`; with a long horizon of small
    /// ticks (noisy) its curves are a centred rolling mean over ~1 % of the run, `smooth` ticks,
    /// which the title names.
    static func timeChart(_ record: RunRecord, title: String, yLabel: String) -> (chart: LineChart, smooth: Int) {
        let smooth = max(1, record.manifest.clock.ticks / 100)
        let chart = LineChart(title: "\(record.manifest.scenarioName): \(title)" + (smooth > 1 ? " (rolling mean of \(smooth) ticks)" : ""),
                              xLabel: xLabel(record), yLabel: yLabel)
        return (chart, smooth)
    }

    /// Strategy `name`'s curve of `metric` at the ticks' middles: the mean over replicates with
    /// its 95 % band in the metric's range (none with one replicate), over `smooth` ticks.
    static func curve(_ record: RunRecord, _ name: String, metric: String, smooth: Int, events: [Double]?,
                      colorIndex: Int) -> LineChart.Series {
        let runs = record.runs(of: name)
        var (mean, lo, hi) = band(runs, metric: metric, events: events)
        if smooth > 1 { (mean, lo, hi) = (rolling(mean, smooth), rolling(lo, smooth), rolling(hi, smooth)) }
        let multi = runs.count > 1
        let x = (0..<record.manifest.clock.ticks).map { Double($0) + 0.5 }
        return LineChart.Series(name: name, x: x, y: mean, lower: multi ? lo : nil, upper: multi ? hi : nil, colorIndex: colorIndex)
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
        var (chart, smooth) = timeChart(record, title: "performance decay and recovery", yLabel: metricLabel(record))
        let events = tickEvents(record)
        // A deployment at tick t serves from tick t + 1: the marker sits on that tick's start, and
        // one made on the last tick serves no tick of the run, so it is not drawn.
        func live(_ tick: Int) -> LineChart.Marker? { tick + 1 < ticks ? LineChart.Marker(x: Double(tick) + 1, kind: .retrain) : nil }
        var crowded: [String] = []
        for (i, name) in record.strategies.enumerated() {
            var series = curve(record, name, metric: metric, smooth: smooth, events: events, colorIndex: i)
            let markers = (record.runs(of: name).first?.events ?? []).filter { $0.kind == "deploy" }.compactMap { live($0.tick) }
            if markers.count > maxMarkers { crowded.append(name) }
            series.markers = markers.count <= maxMarkers ? markers : []
            chart.series.append(series)
        }
        if let o = oracle {
            let y = smooth > 1 ? rolling(o.metric, smooth) : o.metric
            let markers = o.trainings.compactMap(live)
            if markers.count > maxMarkers { crowded.append(o.name) }
            chart.series.append(LineChart.Series(name: o.name, x: x, y: y, dashed: true, colorIndex: record.strategies.count,
                                                 markers: markers.count <= maxMarkers ? markers : []))
        }
        chart.retrainLegend = record.manifest.replicates > 1 ? "deployment (replicate 0)" : "deployment"
        chart.spans = spans(record)
        chart.xAxisTicks = dateTicks(record)
        chart.yBounds = MetricRange.of(metric).bounds
        if let bayes = meanBayes(record) { chart.referenceLine = LineChart.ReferenceLine(y: bayes, label: "Bayes ceiling \(fmt(bayes))") }
        let caption = "Performance over time per strategy (mean over replicates, 95 % band: \(bandMethod(metric))); "
            + "triangles: the ticks from which replicate 0's retrained models serve"
            + (crowded.isEmpty ? "" : " (not drawn for \(crowded.joined(separator: ", ")): more than \(maxMarkers))")
            + "; shaded: injected drifts"
            + (oracle.map { "; dashed: \($0.name), the hindsight-optimal schedule" } ?? "")
        return Figure(file: "decay.svg", caption: caption, svg: chart.svg())
    }

    /// The most deployment markers drawn on one curve; a curve with more gets none (they would
    /// cover it), and the caption says so.
    static let maxMarkers = 60

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

    /// Operational cost (labels, retraining, deployments, rollbacks: everything but the errors,
    /// which the performance axis already carries) against mean performance, the Pareto front
    /// marked, with each strategy's 95 % intervals over replicates as error bars: on the log
    /// scale for the cost and the error (never below 0), on the logit scale for an accuracy
    /// (inside [0, 1]). One realisation (a replayed file) has no replicate spread: no bars.
    public static func costVersusMetric(_ record: RunRecord, summaries: [StrategySummary]) -> Figure {
        let m = record.manifest
        let higher = m.task.higherIsBetter
        let metric = m.primaryMetric
        var chart = ScatterChart(title: "\(m.scenarioName): operational cost against performance",
                                 xLabel: "operational cost: labels, retraining, deployments (money)",
                                 yLabel: higher ? "mean accuracy" : "minus mean absolute error")
        let bars = !Evidence(m).isOneRealisation && m.replicates > 1
        let volumes = Dictionary(uniqueKeysWithValues: record.traffic.map { ($0.replicate, $0.volume) })
        let events = record.traffic.first.map { $0.volume.reduce(0, +) }
        chart.points = summaries.map { s in
            let runs = record.runs(of: s.strategy)
            let operational = runs.map { run in
                ["cost_label", "cost_retrain", "cost_deploy", "cost_rollback"].reduce(0) { $0 + RunSummary.total(run, $1) }
            }
            let means = runs.map { RunSummary.eventWeightedMean($0, metric, volume: volumes[$0.replicate] ?? []) }
            let x = MetricRange.nonNegative.band(operational)
            let y = MetricRange.of(metric).band(means, eventCount: events)
            let sign = higher ? 1.0 : -1.0
            func range(_ a: Double, _ b: Double) -> ClosedRange<Double>? {
                bars && a.isFinite && b.isFinite ? min(a, b)...max(a, b) : nil
            }
            return ScatterChart.Point(label: s.strategy, x: x.mean, y: sign * s.meanMetric.mean,
                                      xInterval: range(x.low, x.high), yInterval: range(sign * y.low, sign * y.high))
        }
        let scale = higher ? "logit scale for the accuracy" : "log scale for the error"
        let bound = bars ? "error bars: 95 % t-intervals over \(m.replicates) replicates (log scale for the cost, \(scale))"
            : Evidence(m).isOneRealisation ? "no error bars: one realisation, whose replicates do not vary"
            : "no error bars: a single replicate"
        let caption = "Operational cost (labels, retraining, deployments and rollbacks: everything but the errors) against mean "
            + "performance; the Pareto front joins the strategies no other beats on both; " + bound
        return Figure(file: "cost-vs-performance.svg", caption: caption, svg: chart.svg())
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
