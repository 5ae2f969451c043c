import FlywheelCore

/// How well a strategy's trigger detected the injected drifts, averaged over replicates.
public struct TriggerDetection: Sendable {
    /// The strategy, or a baseline's description.
    public var name: String
    public var isBaseline: Bool
    public var alarms: Double
    public var hits: Double
    public var missed: Double
    public var falseAlarmsPer1000: Double
    public var precision: Double
    public var recall: Double
    public var f1: Double
    /// Mean ticks from a change point to its first detection (detected drifts only).
    public var delay: Double
    /// Mean ticks between false alarms.
    public var mtfa: Double
    /// Mean time ratio: MTFA / MTD × (1 − missed detection rate).
    public var mtr: Double
}

/// Scores triggers against the ground truth of a run: an alarm is a tick at which the strategy's
/// trigger started a training job; a change point is the tick of each drift's change (for a
/// gradual drift its centre, for periodic and temporary drifts their start). An alarm within
/// `tolerance` ticks after a change point detects it (River's convention, `DetectionScoring`).
public enum DetectionAnalysis {
    public static func changePoints(_ record: RunRecord) -> [Int] {
        Array(Set(record.drifts.map { Int($0.changePoint.rounded(.up)) })).filter { $0 < record.manifest.clock.ticks }.sorted()
    }

    /// One row per strategy whose trigger can fire, then the two baselines every report shows:
    /// a trigger that fires every tick, and one that fires every `tolerance` ticks.
    public static func score(_ record: RunRecord) -> [TriggerDetection] {
        let drifts = changePoints(record)
        guard !drifts.isEmpty else { return [] }
        let ticks = record.manifest.clock.ticks, tol = record.manifest.detectionTolerance
        var rows: [TriggerDetection] = []
        for name in record.strategies {
            let runs = record.runs(of: name)
            let alarmSets = runs.map { $0.events.filter { $0.kind == "trigger" }.map(\.tick) }
            guard alarmSets.contains(where: { !$0.isEmpty }) else { continue }
            rows.append(average(name, baseline: false, alarmSets.map { score($0, drifts, tol, ticks) }, alarms: alarmSets.map(\.count)))
        }
        let always = Array(0..<ticks), periodic = Array(stride(from: tol - 1, to: ticks, by: tol))
        rows.append(average("baseline: fire every tick", baseline: true, [score(always, drifts, tol, ticks)], alarms: [always.count]))
        rows.append(average("baseline: fire every \(tol) ticks", baseline: true, [score(periodic, drifts, tol, ticks)], alarms: [periodic.count]))
        return rows
    }

    static func score(_ alarms: [Int], _ drifts: [Int], _ tol: Int, _ ticks: Int) -> DetectionScore? {
        try? DetectionScoring.score(alarms: alarms, drifts: drifts, maxDelay: tol, positions: ticks, convention: .river)
    }

    static func average(_ name: String, baseline: Bool, _ scores: [DetectionScore?], alarms: [Int]) -> TriggerDetection {
        let s = scores.compactMap { $0 }
        func mean(_ f: (DetectionScore) -> Double) -> Double {
            let v = s.map(f).filter { $0.isFinite }
            return v.isEmpty ? .nan : v.reduce(0, +) / Double(v.count)
        }
        return TriggerDetection(name: name, isBaseline: baseline, alarms: Double(alarms.reduce(0, +)) / Double(max(alarms.count, 1)),
                                hits: mean { Double($0.hits.count) }, missed: mean { Double($0.missedDrifts.count) },
                                falseAlarmsPer1000: mean(\.falseAlarmsPer1000), precision: mean(\.precision), recall: mean(\.episodeRecall),
                                f1: mean(\.f1), delay: mean(\.meanDetectionDelay), mtfa: mean(\.meanTimeBetweenFalseAlarms), mtr: mean(\.meanTimeRatio))
    }
}
