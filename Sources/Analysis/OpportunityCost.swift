import FlywheelCore

/// Opportunity cost of a strategy against a reference on one replicate:
/// `Σ_t (m_ref(t) − m_S(t)) × volume(t)`, in metric-events (for accuracy: the extra errors).
/// Positive when the strategy did worse than the reference. Per tick values are returned too.
public func opportunityCost(strategy: [Double], reference: [Double], volume: [Double]) -> (total: Double, perTick: [Double]) {
    var per = [Double](repeating: 0, count: strategy.count)
    var total = 0.0
    for t in 0..<min(strategy.count, reference.count, volume.count) {
        let d = (reference[t] - strategy[t]) * volume[t]
        if d.isNaN { continue }
        per[t] = d
        total += d
    }
    return (total, per)
}

/// Opportunity cost against the run's reference, tick by tick.
public enum OpportunityCost {
    /// Per strategy other than the reference (in scenario order), the opportunity cost of each tick
    /// averaged over replicates, in metric-events (for accuracy: extra wrong predictions; for a
    /// metric where lower is better the sign is turned, so positive is always worse). Empty
    /// without a reference.
    public static func meanPerTick(_ record: RunRecord) -> [(strategy: String, perTick: [Double])] {
        guard let reference = record.manifest.reference else { return [] }
        let metric = record.manifest.primaryMetric
        let sign = record.manifest.task.higherIsBetter ? 1.0 : -1.0
        let refRuns = record.runs(of: reference)
        return record.strategies.filter { $0 != reference }.map { name in
            var mean = [Double](repeating: 0, count: record.manifest.clock.ticks)
            let runs = record.runs(of: name)
            for run in runs {
                guard let ref = refRuns.first(where: { $0.replicate == run.replicate }),
                      let volume = record.traffic.first(where: { $0.replicate == run.replicate })?.volume else { continue }
                let per = opportunityCost(strategy: (run.values(metric) ?? []).map { $0 * sign },
                                          reference: (ref.values(metric) ?? []).map { $0 * sign }, volume: volume).perTick
                for t in 0..<min(per.count, mean.count) { mean[t] += per[t] / Double(runs.count) }
            }
            return (name, mean)
        }
    }
}
