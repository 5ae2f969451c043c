import FlywheelCore

/// How alarms are matched to known drifts; the two conventions of the literature.
public enum DetectionScoringConvention: String, Sendable, CaseIterable {
    /// River's `drift.evaluate` (online-ml/river, pull request 1963), after CD-MOA's metric trio.
    /// Each alarm goes to the earliest drift whose window `[d − earlyTolerance, d + maxDelay]`
    /// contains it, else it is a false alarm. precision = hits / alarms;
    /// recall = hits / (hits + missed drifts); F1 = harmonic mean of precision and episode recall.
    case river
    /// CapyMOA's `EvaluateDriftDetector`. The stream is cut into episodes: episode k holds the alarms
    /// after the end of episode k − 1's window (after position 0 for the first) up to
    /// `d_k + maxDelay`; inside it, alarms in `[d_k − earlyTolerance, d_k + maxDelay]` are true
    /// positives, the others false positives; alarms after the last window are not scored.
    /// precision = TP / (TP + FP), recall = TP / (TP + FN) with FN the drifts without a true
    /// positive; F1 = harmonic mean of these (0 when both are 0).
    case capymoa
}

/// Scores of a detector's alarms against known drift positions (see ``DetectionScoring``).
/// Undefined values are `nan` (e.g. precision without alarms, MTFA below two false alarms).
public struct DetectionScore: Sendable {
    /// Alarms counted as hits, by the index (in `drifts`) of the drift they detect.
    public var hits: [Int: [Int]]
    /// Alarms matched to no drift.
    public var falseAlarms: [Int]
    /// Positions of the drifts that got no hit.
    public var missedDrifts: [Int]
    public var precision: Double
    public var recall: Double
    /// Share of drifts with at least one hit.
    public var episodeRecall: Double
    public var f1: Double
    /// Mean over detected drifts of (first hit − drift position); the MTD of CD-MOA.
    public var meanDetectionDelay: Double
    /// Normalised detection time: `meanDetectionDelay / maxDelay`.
    public var normalizedDetectionTime: Double
    /// Mean time between consecutive false alarms (MTFA).
    public var meanTimeBetweenFalseAlarms: Double
    /// Missed detection rate (MDR): `1 − episodeRecall`.
    public var missedDetectionRate: Double
    /// Mean time ratio (MTR): `MTFA / MTD · (1 − MDR)` (infinite when MTD is 0).
    public var meanTimeRatio: Double
    /// False alarms per 1,000 positions of a stream of `positions` values (nan when not given).
    public var falseAlarmsPer1000: Double

    /// Number of hits.
    public var hitCount: Int { hits.values.reduce(0) { $0 + $1.count } }
    /// CD-MOA's name for ``meanDetectionDelay``.
    public var meanTimeToDetection: Double { meanDetectionDelay }
    /// CD-MOA's name for ``meanTimeBetweenFalseAlarms``.
    public var mtfa: Double { meanTimeBetweenFalseAlarms }
}

/// Scoring drift detections against known drift positions (River's `drift.evaluate`, CapyMOA's
/// `EvaluateDriftDetector`, and CD-MOA's MTFA / MTD / MDR / MTR of Bifet, Read, Pfahringer,
/// Holmes & Žliobaitė, "CD-MOA: change detection framework for massive online analysis", IDA 2013).
///
/// ```swift
/// let s = try DetectionScoring.score(alarms: [110, 900], drifts: [100], maxDelay: 50, positions: 1_000)
/// // s.precision == 0.5, s.falseAlarms == [900]
/// ```
public enum DetectionScoring {
    /// Scores `alarms` against `drifts` (both sorted positions).
    /// - Parameters:
    ///   - maxDelay: how late an alarm may come after a drift and still count (> 0).
    ///   - earlyTolerance: how early it may come (≥ 0, default 0).
    ///   - positions: stream length, for false alarms per 1,000 positions.
    ///   - observableLag: per drift (or one value for all), how long after it the detector can
    ///     first have seen it (a label delay): drift d's window becomes
    ///     `[d + lag − earlyTolerance, d + lag + maxDelay]`, so an alarm before `d + lag` cannot be
    ///     its hit; the delay is still counted from `d` (it includes the lag). Empty: no lag, the
    ///     conventions as published.
    /// - Throws: ``FlywheelError`` when positions are unsorted, a tolerance or a lag is out of range.
    /// - Complexity: O(alarms × drifts) for River's matching, O(alarms + drifts) for CapyMOA's.
    public static func score(alarms: [Int], drifts: [Int], maxDelay: Int, earlyTolerance: Int = 0, positions: Int? = nil,
                             observableLag: [Int] = [],
                             convention: DetectionScoringConvention = .river) throws -> DetectionScore {
        guard maxDelay > 0 else { throw FlywheelError("max delay must be positive, got \(maxDelay)", key: "max_delay") }
        guard earlyTolerance >= 0 else { throw FlywheelError("early tolerance must be non-negative, got \(earlyTolerance)", key: "early_tolerance") }
        guard observableLag.count <= 1 || observableLag.count == drifts.count else {
            throw FlywheelError("give one observable lag, or one per drift (\(drifts.count)), "
                                + "not \(observableLag.count)", key: "observable_lag")
        }
        guard observableLag.allSatisfy({ $0 >= 0 }) else {
            throw FlywheelError("observable lags must be non-negative", key: "observable_lag")
        }
        func lag(_ i: Int) -> Int { observableLag.isEmpty ? 0 : observableLag[observableLag.count == 1 ? 0 : i] }
        guard zip(alarms, alarms.dropFirst()).allSatisfy({ $0 <= $1 }) else { throw FlywheelError("alarm positions must be sorted", key: "alarms") }
        guard zip(drifts, drifts.dropFirst()).allSatisfy({ $0 <= $1 }) else { throw FlywheelError("drift positions must be sorted", key: "drifts") }
        if let positions, positions <= 0 { throw FlywheelError("stream length must be positive, got \(positions)", key: "positions") }

        var hits: [Int: [Int]] = [:]
        var falseAlarms: [Int] = []
        switch convention {
        case .river:
            for alarm in alarms {
                if let i = drifts.indices.first(where: {
                    drifts[$0] + lag($0) - earlyTolerance <= alarm && alarm <= drifts[$0] + lag($0) + maxDelay
                }) {
                    hits[i, default: []].append(alarm)
                } else {
                    falseAlarms.append(alarm)
                }
            }
        case .capymoa:
            var start = 0
            var next = 0   // index into alarms
            for (i, d) in drifts.enumerated() {
                let end = d + lag(i) + maxDelay
                while next < alarms.count && alarms[next] <= start { next += 1 }
                while next < alarms.count && alarms[next] <= end {
                    let a = alarms[next]
                    if d + lag(i) - earlyTolerance <= a {
                        hits[i, default: []].append(a)
                    } else {
                        falseAlarms.append(a)
                    }
                    next += 1
                }
                start = end
            }
        }

        let hitCount = hits.values.reduce(0) { $0 + $1.count }
        let missed = drifts.indices.filter { hits[$0] == nil }.map { drifts[$0] }
        let detected = hits.count
        let nan = Double.nan

        let precision: Double, recall: Double, f1: Double
        let episodeRecall = drifts.isEmpty ? nan : Double(detected) / Double(drifts.count)
        switch convention {
        case .river:
            precision = alarms.isEmpty ? nan : Double(hitCount) / Double(alarms.count)
            recall = hitCount + missed.count == 0 ? nan : Double(hitCount) / Double(hitCount + missed.count)
            f1 = precision.isNaN || episodeRecall.isNaN ? nan : (precision + episodeRecall == 0 ? 0 : 2 * precision * episodeRecall / (precision + episodeRecall))
        case .capymoa:
            let tp = Double(hitCount), fp = Double(falseAlarms.count), fn = Double(missed.count)
            precision = tp + fp > 0 ? tp / (tp + fp) : 0
            recall = tp + fn > 0 ? tp / (tp + fn) : 0
            f1 = precision + recall == 0 ? 0 : 2 * (precision * recall) / (precision + recall)
        }

        let delays = hits.map { Double($0.value.min()! - drifts[$0.key]) }
        let mtd = delays.isEmpty ? nan : delays.reduce(0, +) / Double(delays.count)
        let mtfa = falseAlarms.count < 2 ? nan : Double(falseAlarms.last! - falseAlarms.first!) / Double(falseAlarms.count - 1)
        let mdr = episodeRecall.isNaN ? nan : 1 - episodeRecall
        let mtr: Double
        if mtfa.isNaN || mtd.isNaN { mtr = nan } else if mtd == 0 { mtr = .infinity } else { mtr = mtfa / mtd * (1 - mdr) }
        let far = positions.map { Double(falseAlarms.count) / Double($0) * 1000 } ?? nan

        return DetectionScore(
            hits: hits, falseAlarms: falseAlarms, missedDrifts: missed,
            precision: precision, recall: recall, episodeRecall: episodeRecall, f1: f1,
            meanDetectionDelay: mtd, normalizedDetectionTime: mtd / Double(maxDelay),
            meanTimeBetweenFalseAlarms: mtfa, missedDetectionRate: mdr, meanTimeRatio: mtr,
            falseAlarmsPer1000: far)
    }
}
