import Analysis
import FlywheelCore

/// CSV renderings of a run record.
public enum CSVExport {
    /// Tidy long form: `tick,time,strategy,replicate,metric,value`, one row per tick × strategy ×
    /// replicate × metric, sorted by strategy (scenario order), replicate, tick, metric. Missing
    /// values (e.g. observed accuracy on a tick without arrived labels) have no row. `time` is the
    /// tick's start (ISO 8601 UTC), empty when ticks are row counts (a tick has no time).
    public static func metrics(_ record: RunRecord) -> String {
        var out = "tick,time,strategy,replicate,metric,value\n"
        let clock = record.manifest.clock
        let times = (0..<clock.ticks).map { clock.tickTime($0) ?? "" }
        for run in record.runs {
            let name = csvField(run.strategy)
            for t in 0..<times.count {
                let prefix = "\(t),\(times[t]),\(name),\(run.replicate),"
                for s in run.series where t < s.values.count && !s.values[t].isNaN {
                    out += prefix + s.name + "," + NumberText.plain(s.values[t]) + "\n"
                }
            }
        }
        return out
    }

    /// Per-replicate traffic: `tick,time,replicate,events,bayes_accuracy` (`time` as in ``metrics(_:)``).
    public static func traffic(_ record: RunRecord) -> String {
        var out = "tick,time,replicate,events,bayes_accuracy\n"
        let clock = record.manifest.clock
        for tr in record.traffic {
            for t in 0..<tr.volume.count {
                out += "\(t),\(clock.tickTime(t) ?? ""),\(tr.replicate),\(NumberText.plain(tr.volume[t])),"
                out += (tr.bayes[t].isNaN ? "" : NumberText.plain(tr.bayes[t])) + "\n"
            }
        }
        return out
    }

    /// One row per strategy, in scenario order: means over replicates with 95 % half-widths; then
    /// `mean_<series>,mean_<series>_ci95` for each series the scenario's `metrics:` requested.
    public static func summary(_ record: RunRecord, _ summaries: [StrategySummary]) -> String {
        let m = record.manifest.primaryMetric
        let requested = record.manifest.requestedMetrics
        var out = "strategy,replicates,mean_\(m),mean_\(m)_ci95,retrains,deployments,labels,cost_error,cost_label,cost_retrain,cost_deploy,cost_rollback,total_cost,total_cost_ci95,opportunity_cost,opportunity_cost_ci95,regret_to_ceiling,ticks_below_floor"
            + requested.map { ",mean_\($0),mean_\($0)_ci95" }.joined() + "\n"
        for s in summaries {
            let cols: [String] = [
                csvField(s.strategy), String(s.meanMetric.n), r(s.meanMetric.mean), r(s.meanMetric.halfWidth), r(s.retrains.mean),
                r(s.deployments.mean), r(s.labels.mean), r(s.errorCost.mean), r(s.labelCost.mean), r(s.retrainCost.mean),
                r(s.deployCost.mean), r(s.rollbackCost.mean), r(s.totalCost.mean), r(s.totalCost.halfWidth),
                s.opportunityCost.map { r($0.mean) } ?? "", s.opportunityCost.map { r($0.halfWidth) } ?? "",
                s.regretToCeiling.map { r($0.mean) } ?? "", s.ticksBelow.map { r($0.mean) } ?? "",
            ] + requested.flatMap { name in s.requested[name].map { [r($0.mean), r($0.halfWidth)] } ?? ["", ""] }
            out += cols.joined(separator: ",") + "\n"
        }
        return out
    }

    /// Opportunity cost of every strategy against the run's reference, per tick and cumulative,
    /// averaged over replicates: `tick,time,strategy,opportunity_cost,cumulative`, in
    /// metric-events (for accuracy: extra wrong predictions). Empty without a reference. `time`
    /// as in ``metrics(_:)``.
    public static func opportunity(_ record: RunRecord) -> String {
        var out = "tick,time,strategy,opportunity_cost,cumulative\n"
        let clock = record.manifest.clock
        for (name, mean) in OpportunityCost.meanPerTick(record) {
            var cumulative = 0.0
            for t in 0..<mean.count {
                cumulative += mean[t]
                out += "\(t),\(clock.tickTime(t) ?? ""),\(csvField(name)),\(r(mean[t])),\(r(cumulative))\n"
            }
        }
        return out
    }

    /// Drift ground truth: `id,type,target,start,end,peak,change_point,detail`.
    public static func drifts(_ record: RunRecord) -> String {
        var out = "id,type,target,start,end,peak,change_point,detail\n"
        for d in record.drifts {
            out += "\(d.id),\(d.type),\(d.target),\(r(d.start)),\(r(d.end)),\(r(d.peak)),\(r(d.changePoint)),\(csvField(d.detail))\n"
        }
        return out
    }

    static func r(_ v: Double) -> String { NumberText.significant(v) }
}
