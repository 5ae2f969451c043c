import FlywheelCore

/// How well a strategy's trigger detected the injected drifts, averaged over replicates.
public struct TriggerDetection: Sendable {
    /// The strategy, or a baseline's description.
    public var name: String
    public var isBaseline: Bool
    /// Ticks from a change point to the first tick the trigger can have seen it (its label delay,
    /// or 0 for a trigger on served inputs or outputs): no alarm before counts as a hit.
    public var observableLag: Int
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
    /// The expected F1 of as many alarms placed at random (``RandomAlarmBaseline``), over the
    /// same replicates as ``f1``.
    public var chanceF1: Double
    /// The expected episode recall of as many random alarms.
    public var chanceRecall: Double
    /// `f1 / chanceF1`: how many times better than chance the trigger detects (1: no better than
    /// alarms placed at random; NaN when neither scores).
    public var lift: Double
    /// The share of random placements of as many alarms that score at least the trigger's F1,
    /// mean over replicates: how often chance alone does as well (a lift resting on one lucky
    /// alarm shows here as a large share).
    public var chanceAtLeast: Double
}

/// Scores triggers against the ground truth of a run.
///
/// An alarm is a tick at which the strategy's trigger started a training job. The change points
/// are every change of every drift (``DriftTruth/changePoints``: a gradual drift's centre, each
/// cycle onset of a periodic drift, the onset and the revert of a temporary one), rounded up to
/// ticks. A change at `c` is detected by an alarm in `[c + lag, c + lag + tolerance]`, `lag` the
/// strategy's ``RunManifest/observableLag`` (labels arrive after their delay; a trigger on
/// inputs sees a tick's events at that tick); an alarm before `c + lag` cannot have seen the
/// change and is a false alarm unless it falls in another change's window (River's convention,
/// ``DetectionScoring``). Each trigger is compared with chance: the same number of alarms placed
/// at random, scored in the same way (``RandomAlarmBaseline``), and ranked by its lift over it.
public enum DetectionAnalysis {
    /// Random placements per expected chance score (Monte Carlo standard error of the chance F1
    /// about sd / √1000 ≈ 0.01).
    public static let chancePlacements = 1000

    /// Every change point within the run, in ticks, sorted and without repeats.
    public static func changePoints(_ record: RunRecord) -> [Int] {
        let ticks = record.manifest.clock.ticks
        let points = Set(record.drifts.flatMap { $0.changePoints.map { Int($0.rounded(.up)) } })
        return points.filter { $0 >= 0 && $0 < ticks }.sorted()
    }

    /// One row per strategy whose trigger can fire, then the two baselines every report shows:
    /// a trigger that fires every tick, and one that fires every `tolerance` ticks (both scored
    /// from the change point itself, lag 0).
    public static func score(_ record: RunRecord) -> [TriggerDetection] {
        let drifts = changePoints(record)
        guard !drifts.isEmpty else { return [] }
        let ticks = record.manifest.clock.ticks, tol = record.manifest.detectionTolerance
        var chance = ChanceCache(ticks: ticks, drifts: drifts, tolerance: tol, seed: record.manifest.seed)
        var rows: [TriggerDetection] = []
        for name in record.strategies {
            let runs = record.runs(of: name)
            let alarmSets = runs.map { $0.events.filter { $0.kind == "trigger" }.map(\.tick) }
            guard alarmSets.contains(where: { !$0.isEmpty }) else { continue }
            let lag = max(record.manifest.observableLag[name] ?? 0, 0)
            rows.append(average(name, baseline: false, lag: lag, alarmSets, drifts, tol, ticks, &chance))
        }
        let always = Array(0..<ticks), periodic = Array(stride(from: tol - 1, to: ticks, by: tol))
        rows.append(average("baseline: fire every tick", baseline: true, lag: 0, [always], drifts, tol, ticks, &chance))
        rows.append(average("baseline: fire every \(tol) ticks", baseline: true, lag: 0, [periodic], drifts, tol, ticks,
                            &chance))
        return rows
    }

    /// Rows ranked by lift over chance (highest first; undefined last), ties by F1 then name.
    public static func ranked(_ rows: [TriggerDetection]) -> [TriggerDetection] {
        rows.sorted { a, b in
            let la = a.lift.isNaN ? -1 : a.lift, lb = b.lift.isNaN ? -1 : b.lift
            if la != lb { return la > lb }
            let fa = a.f1.isNaN ? -1 : a.f1, fb = b.f1.isNaN ? -1 : b.f1
            return fa != fb ? fa > fb : a.name < b.name
        }
    }

    static func score(_ alarms: [Int], _ drifts: [Int], _ tol: Int, _ ticks: Int, lag: Int) -> DetectionScore? {
        try? DetectionScoring.score(alarms: alarms, drifts: drifts, maxDelay: tol, positions: ticks,
                                    observableLag: [lag], convention: .river)
    }

    /// The expected chance scores by (alarms, lag), each from its own seeded stream so that the
    /// value does not depend on the order strategies are scored in.
    struct ChanceCache {
        let ticks: Int, drifts: [Int], tolerance: Int, seed: UInt64
        var memo: [[Int]: RandomAlarmBaseline] = [:]

        mutating func expected(alarms k: Int, lag: Int) -> RandomAlarmBaseline {
            if let b = memo[[k, lag]] { return b }
            let rng = RandomStream(seed: RandomStream.derive(seed, ["detection-chance", String(k), String(lag)]))
            let b = RandomAlarmBaseline.expected(alarms: k, ticks: ticks, drifts: drifts, maxDelay: tolerance,
                                                 observableLag: [lag], placements: DetectionAnalysis.chancePlacements,
                                                 rng: rng)
            memo[[k, lag]] = b
            return b
        }
    }

    static func average(_ name: String, baseline: Bool, lag: Int, _ alarmSets: [[Int]], _ drifts: [Int], _ tol: Int,
                        _ ticks: Int, _ chance: inout ChanceCache) -> TriggerDetection {
        let s = alarmSets.compactMap { score($0, drifts, tol, ticks, lag: lag) }
        func mean(_ f: (DetectionScore) -> Double) -> Double {
            let v = s.map(f).filter { $0.isFinite }
            return v.isEmpty ? .nan : v.reduce(0, +) / Double(v.count)
        }
        // Chance over the replicates whose F1 is defined (those with alarms), with each one's count.
        var f1Sum = 0.0, chanceF1 = 0.0, chanceRecall = 0.0, atLeast = 0.0, n = 0.0
        for alarms in alarmSets {
            guard let sc = score(alarms, drifts, tol, ticks, lag: lag), sc.f1.isFinite else { continue }
            let b = chance.expected(alarms: alarms.count, lag: lag)
            f1Sum += sc.f1
            chanceF1 += b.f1
            chanceRecall += b.recall
            atLeast += b.share(atLeast: sc.f1)
            n += 1
        }
        let f1 = n > 0 ? f1Sum / n : .nan
        chanceF1 = n > 0 ? chanceF1 / n : .nan
        chanceRecall = n > 0 ? chanceRecall / n : .nan
        let lift: Double
        if !(f1.isFinite && chanceF1.isFinite) || (f1 == 0 && chanceF1 == 0) {
            lift = .nan
        } else {
            lift = f1 / chanceF1
        }
        return TriggerDetection(name: name, isBaseline: baseline, observableLag: lag,
                                alarms: Double(alarmSets.reduce(0) { $0 + $1.count }) / Double(max(alarmSets.count, 1)),
                                hits: mean { Double($0.hits.count) }, missed: mean { Double($0.missedDrifts.count) },
                                falseAlarmsPer1000: mean(\.falseAlarmsPer1000), precision: mean(\.precision), recall: mean(\.episodeRecall),
                                f1: f1, delay: mean(\.meanDetectionDelay), mtfa: mean(\.meanTimeBetweenFalseAlarms),
                                mtr: mean(\.meanTimeRatio), chanceF1: chanceF1, chanceRecall: chanceRecall, lift: lift,
                                chanceAtLeast: n > 0 ? atLeast / n : .nan)
    }
}
