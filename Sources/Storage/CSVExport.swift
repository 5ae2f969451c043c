import Analysis
import FlywheelCore

/// Deterministic text for a number: the shortest representation that round-trips.
@inline(__always) public func csvNumber(_ v: Double) -> String {
    if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
    return v.description
}

/// CSV renderings of a run record.
public enum CSVExport {
    /// Tidy long form: `tick,time,strategy,replicate,metric,value`, one row per tick × strategy ×
    /// replicate × metric, sorted by strategy (scenario order), replicate, tick, metric. Missing
    /// values (e.g. observed accuracy on a tick without arrived labels) have no row.
    public static func metrics(_ record: RunRecord) -> String {
        var out = "tick,time,strategy,replicate,metric,value\n"
        let clock = record.manifest.clock
        let times = (0..<clock.ticks).map { clock.time(ofTick: $0) }
        for run in record.runs {
            let name = field(run.strategy)
            for t in 0..<times.count {
                let prefix = "\(t),\(times[t]),\(name),\(run.replicate),"
                for s in run.series where t < s.values.count && !s.values[t].isNaN {
                    out += prefix + s.name + "," + csvNumber(s.values[t]) + "\n"
                }
            }
        }
        return out
    }

    /// Per-replicate traffic: `tick,time,replicate,events,bayes_accuracy`.
    public static func traffic(_ record: RunRecord) -> String {
        var out = "tick,time,replicate,events,bayes_accuracy\n"
        for tr in record.traffic {
            for t in 0..<tr.volume.count {
                out += "\(t),\(record.manifest.clock.time(ofTick: t)),\(tr.replicate),\(csvNumber(tr.volume[t])),"
                out += (tr.bayes[t].isNaN ? "" : csvNumber(tr.bayes[t])) + "\n"
            }
        }
        return out
    }

    /// One row per strategy, in scenario order: means over replicates with 95 % half-widths.
    public static func summary(_ record: RunRecord, _ summaries: [StrategySummary]) -> String {
        let m = record.manifest.primaryMetric
        var out = "strategy,replicates,mean_\(m),mean_\(m)_ci95,retrains,deployments,labels,cost_error,cost_label,cost_retrain,cost_deploy,cost_rollback,total_cost,total_cost_ci95,opportunity_cost,opportunity_cost_ci95\n"
        for s in summaries {
            let cols: [String] = [
                field(s.strategy), String(s.meanMetric.n), r(s.meanMetric.mean), r(s.meanMetric.halfWidth), r(s.retrains.mean),
                r(s.deployments.mean), r(s.labels.mean), r(s.errorCost.mean), r(s.labelCost.mean), r(s.retrainCost.mean),
                r(s.deployCost.mean), r(s.rollbackCost.mean), r(s.totalCost.mean), r(s.totalCost.halfWidth),
                s.opportunityCost.map { r($0.mean) } ?? "", s.opportunityCost.map { r($0.halfWidth) } ?? "",
            ]
            out += cols.joined(separator: ",") + "\n"
        }
        return out
    }

    /// Drift ground truth: `id,type,target,start,end,peak,change_point,detail`.
    public static func drifts(_ record: RunRecord) -> String {
        var out = "id,type,target,start,end,peak,change_point,detail\n"
        for d in record.drifts {
            out += "\(d.id),\(d.type),\(d.target),\(r(d.start)),\(r(d.end)),\(r(d.peak)),\(r(d.changePoint)),\(field(d.detail))\n"
        }
        return out
    }

    /// Rounds to 10 significant digits so summaries are stable to the last printed digit.
    static func r(_ v: Double) -> String {
        guard v.isFinite else { return "" }
        if v == 0 { return "0" }
        let digits = 10 - Int((log10Abs(v)).rounded(.up))
        let scale = pow10(max(min(digits, 15), -15))
        return csvNumber((v * scale).rounded() / scale)
    }

    static func field(_ s: String) -> String {
        s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }
}

import Foundation
private func log10Abs(_ v: Double) -> Double { log10(abs(v)) }
private func pow10(_ e: Int) -> Double { pow(10, Double(e)) }
