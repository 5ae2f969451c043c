import FlywheelCore
import Monitoring

/// What chance alone scores: `k` alarms placed uniformly at random among the ticks, scored
/// against the same change points in the same way as a trigger's alarms.
///
/// A trigger that fires often, or on a calendar that happens to fall near the drifts, can reach a
/// high recall and F1 without detecting anything; its score is only evidence of detection when it
/// beats alarms placed by chance in the same number. The expectation is estimated over
/// `placements` seeded random placements (each k distinct ticks of 0..<T, drawn by selection
/// sampling), so it is deterministic for a seed; its Monte Carlo standard error is
/// ≈ sd(F1) / √placements.
public struct RandomAlarmBaseline: Hashable, Sendable {
    public var alarms: Int
    public var placements: Int
    public var f1: Double
    public var precision: Double
    public var recall: Double
    /// Mean detection delay over the placements that detected something.
    public var delay: Double
    /// Every placement's F1, sorted (for the chance of doing at least as well, ``share(atLeast:)``).
    public var f1Values: [Double] = []

    /// The share of random placements whose F1 is at least `f1`: the probability that chance
    /// alone scores as well as a trigger with that F1 (NaN without placements).
    public func share(atLeast f1: Double) -> Double {
        guard !f1Values.isEmpty, f1.isFinite else { return .nan }
        // First index whose value is ≥ f1 (values within 1e-12 count as equal).
        var lo = 0, hi = f1Values.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if f1Values[mid] < f1 - 1e-12 { lo = mid + 1 } else { hi = mid }
        }
        return Double(f1Values.count - lo) / Double(f1Values.count)
    }

    /// The expected scores of `alarms` random alarms among `ticks` ticks against `drifts`
    /// (sorted change points), each detectable in `[drift + lag, drift + lag + maxDelay]` with
    /// the trigger's `observableLag` (River's convention, ``DetectionScoring``).
    public static func expected(alarms k: Int, ticks: Int, drifts: [Int], maxDelay: Int, observableLag: [Int] = [],
                                placements: Int = 2000, rng: RandomStream) -> RandomAlarmBaseline {
        let k = min(max(k, 0), ticks)
        guard k > 0, ticks > 0, !drifts.isEmpty, maxDelay > 0, placements > 0 else {
            return RandomAlarmBaseline(alarms: k, placements: 0, f1: .nan, precision: .nan, recall: .nan, delay: .nan)
        }
        var f1 = 0.0, precision = 0.0, recall = 0.0, delay = 0.0, delayed = 0
        var chosen = [Int](repeating: 0, count: k)
        var values: [Double] = []
        values.reserveCapacity(placements)
        for _ in 0..<placements {
            // Selection sampling (Knuth, TAOCP vol. 2, Algorithm S): k of 0..<ticks, increasing.
            var c = 0, i = 0
            while c < k {
                if Double(ticks - i) * rng.uniform() < Double(k - c) { chosen[c] = i; c += 1 }
                i += 1
            }
            guard let s = try? DetectionScoring.score(alarms: chosen, drifts: drifts, maxDelay: maxDelay,
                                                      positions: ticks, observableLag: observableLag)
            else { continue }
            f1 += s.f1.isNaN ? 0 : s.f1
            values.append(s.f1.isNaN ? 0 : s.f1)
            precision += s.precision.isNaN ? 0 : s.precision
            recall += s.episodeRecall.isNaN ? 0 : s.episodeRecall
            if s.meanDetectionDelay.isFinite { delay += s.meanDetectionDelay; delayed += 1 }
        }
        let m = Double(placements)
        return RandomAlarmBaseline(alarms: k, placements: placements, f1: f1 / m, precision: precision / m,
                                   recall: recall / m, delay: delayed > 0 ? delay / Double(delayed) : .nan,
                                   f1Values: values.sorted())
    }
}
