import CGSL
import FlywheelCore

/// A mean over replicates with its 95 % confidence interval (Student's t, n − 1 degrees of freedom).
public struct Interval: Hashable, Sendable {
    public var mean: Double
    /// Half-width of the 95 % interval; 0 with a single replicate.
    public var halfWidth: Double
    public var n: Int

    public init(_ values: [Double]) {
        let v = values.filter { !$0.isNaN }
        n = v.count
        guard n > 0 else { mean = .nan; halfWidth = .nan; return }
        // Identical values (replicates of a replayed file) have no spread: exactly their value and
        // a zero half-width, never the rounding residue of summing them.
        if v.allSatisfy({ $0 == v[0] }) { mean = v[0]; halfWidth = 0; return }
        mean = v.reduce(0, +) / Double(n)
        guard n > 1 else { halfWidth = 0; return }
        let m = mean
        let variance = v.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(n - 1)
        halfWidth = gsl_cdf_tdist_Pinv(0.975, Double(n - 1)) * (variance / Double(n)).squareRoot()
    }

    public var lower: Double { mean - halfWidth }
    public var upper: Double { mean + halfWidth }
}

/// One row of the summary: a strategy's figures over replicates.
public struct StrategySummary: Sendable {
    public var strategy: String
    /// Mean of the primary metric over ticks and events (event-weighted), per replicate.
    public var meanMetric: Interval
    public var retrains: Interval
    public var deployments: Interval
    public var labels: Interval
    public var errorCost: Interval
    public var labelCost: Interval
    public var retrainCost: Interval
    public var deployCost: Interval
    public var rollbackCost: Interval
    public var totalCost: Interval
    /// Against the run's reference strategy, when it has one (metric-events).
    public var opportunityCost: Interval?
    /// Ticks whose metric was worse than the scenario's floor (when one is given): accuracy below
    /// it, or MAE above it.
    public var ticksBelow: Interval?
    /// Opportunity cost against the Bayes-optimal ceiling (synthetic streams): the errors no
    /// strategy could have avoided are excluded, so this is the regret of the strategy itself.
    public var regretToCeiling: Interval?
    /// Each series the scenario requested (``RunManifest/requestedMetrics``): its mean over the
    /// run, ticks weighted by their events (a tick without a value counts for nothing), over replicates.
    public var requested: [String: Interval] = [:]
}

/// Summaries of every strategy of a run, in scenario order.
public enum RunSummary {
    public static func summarize(_ record: RunRecord) -> [StrategySummary] {
        let belowThreshold = record.manifest.performanceFloor
        let bayes = Dictionary(uniqueKeysWithValues: record.traffic.map { ($0.replicate, $0.bayes) })
        let hasCeiling = metricIsAccuracy(record) && record.traffic.contains { $0.bayes.contains { !$0.isNaN } }
        let metric = record.manifest.primaryMetric
        let volumes = Dictionary(uniqueKeysWithValues: record.traffic.map { ($0.replicate, $0.volume) })
        let reference = record.manifest.reference
        return record.strategies.map { name in
            let runs = record.runs(of: name)
            func per(_ f: (StrategyRun) -> Double) -> Interval { Interval(runs.map(f)) }
            func total(_ m: String) -> (StrategyRun) -> Double { { run in RunSummary.total(run, m) } }
            func weightedMean(_ name: String) -> Interval {
                per { run in RunSummary.eventWeightedMean(run, name, volume: volumes[run.replicate] ?? []) }
            }
            let meanMetric = weightedMean(metric)
            var opp: Interval?
            if let reference, reference != name {
                let refRuns = record.runs(of: reference)
                opp = Interval(runs.map { run in
                    guard let ref = refRuns.first(where: { $0.replicate == run.replicate }) else { return .nan }
                    let sign = record.manifest.task.higherIsBetter ? 1.0 : -1.0
                    let (o, _) = opportunityCost(strategy: (run.values(metric) ?? []).map { $0 * sign },
                                                 reference: (ref.values(metric) ?? []).map { $0 * sign },
                                                 volume: volumes[run.replicate] ?? [])
                    return o
                })
            } else if reference == name {
                opp = Interval(runs.map { _ in 0 })
            }
            var below: Interval?
            if let belowThreshold {
                let task = record.manifest.task
                below = per { run in
                    let values = run.values(metric) ?? []
                    return Double(values.filter { !$0.isNaN && !task.atLeast($0, belowThreshold, by: 0) }.count)
                }
            }
            var summary = StrategySummary(strategy: name, meanMetric: meanMetric, retrains: per(total("trained")),
                                   deployments: per(total("deployed")), labels: per(total("labels")),
                                   errorCost: per(total("cost_error")), labelCost: per(total("cost_label")),
                                   retrainCost: per(total("cost_retrain")), deployCost: per(total("cost_deploy")), rollbackCost: per(total("cost_rollback")),
                                   totalCost: per(total("cost_total")), opportunityCost: opp, ticksBelow: below,
                                   regretToCeiling: hasCeiling ? per { run in
                                       opportunityCost(strategy: run.values(metric) ?? [], reference: bayes[run.replicate] ?? [],
                                                       volume: volumes[run.replicate] ?? []).total
                                   } : nil)
            for m in record.manifest.requestedMetrics { summary.requested[m] = weightedMean(m) }
            return summary
        }
    }

    /// The sum of a run's series `metric` over the run (NaN ticks count 0; 0 without the series).
    public static func total(_ run: StrategyRun, _ metric: String) -> Double {
        (run.values(metric) ?? []).reduce(0) { $0 + ($1.isNaN ? 0 : $1) }
    }

    /// A run's series `metric` averaged over the run, each tick weighted by its events in
    /// `volume` (a tick without a value counts for nothing); NaN without any.
    public static func eventWeightedMean(_ run: StrategyRun, _ metric: String, volume: [Double]) -> Double {
        let v = run.values(metric) ?? []
        var s = 0.0, n = 0.0
        for t in 0..<min(v.count, volume.count) where !v[t].isNaN { s += v[t] * volume[t]; n += volume[t] }
        return n > 0 ? s / n : .nan
    }

    /// Strategies ranked by mean total cost (cheapest first); ties broken by the metric, then name.
    public static func ranked(_ summaries: [StrategySummary], higherIsBetter: Bool = true) -> [StrategySummary] {
        summaries.sorted { a, b in
            if a.totalCost.mean != b.totalCost.mean { return a.totalCost.mean < b.totalCost.mean }
            if a.meanMetric.mean != b.meanMetric.mean { return higherIsBetter ? a.meanMetric.mean > b.meanMetric.mean : a.meanMetric.mean < b.meanMetric.mean }
            return a.strategy < b.strategy
        }
    }
}

func metricIsAccuracy(_ record: RunRecord) -> Bool { record.manifest.task.isClassification }

/// Per-tick mean and 95 % band of a metric over replicates, for curves with bands. The band
/// stays in the metric's range (``MetricRange``): on the logit scale for shares, with shares of
/// 0 or 1 moved in by half an event of `events[t]` (the tick's events, when given); on the log
/// scale for errors and costs; a t-interval otherwise.
public func band(_ runs: [StrategyRun], metric: String, events: [Double]? = nil)
    -> (mean: [Double], lower: [Double], upper: [Double]) {
    guard let ticks = runs.first?.values(metric)?.count else { return ([], [], []) }
    let range = MetricRange.of(metric)
    var mean = [Double](repeating: .nan, count: ticks), lo = mean, hi = mean
    for t in 0..<ticks {
        let count = events.flatMap { t < $0.count ? $0[t] : nil }
        let b = range.band(runs.compactMap { $0.values(metric)?[t] }, eventCount: count)
        mean[t] = b.mean
        lo[t] = b.low
        hi[t] = b.high
    }
    return (mean, lo, hi)
}
