import Foundation

/// How strongly a drift is in effect over time: intensity in [0, 1] at time `t` (in ticks).
///
/// Time is continuous: event `i` of `n` in tick `k` happens at `t = k + i / n`, so a gradual
/// drift moves within a tick exactly as the stream-mining literature's per-sample rule does.
public enum DriftSchedule: Hashable, Sendable {
    /// The world switches at `at`: intensity 0 before, 1 from then on.
    case instantaneous(at: Double)
    /// The new world takes over around `center` over `width`:
    /// sigmoid `p(t) = 1 / (1 + exp(−4 (t − center) / width))` (Bifet et al., MOA; River's
    /// `ConceptDriftStream`), or a linear ramp from `center − width/2` to `center + width/2`.
    case gradual(center: Double, width: Double, linear: Bool)
    /// Parameters move continuously from `start` to `end` (linear in time); for a concept
    /// drift the generator's parameters are interpolated rather than the concepts mixed.
    case incremental(start: Double, end: Double)
    /// Recurring: from `start` on, a sinusoid `½ (1 − cos(2π (t − start − phase) / period))`, or
    /// a square wave that is 1 for the first `duty` fraction of each period (after `phase`).
    case periodic(period: Double, phase: Double, square: Bool, duty: Double, start: Double)
    /// A pulse: 1 on `[start, start + duration)`, with optional linear ramps of width `ramp`
    /// inside that interval at both ends; 0 again afterwards (the world reverts).
    case temporary(start: Double, duration: Double, ramp: Double)

    /// Intensity at time `t`, always in [0, 1].
    @inline(__always)
    public func intensity(at t: Double) -> Double {
        switch self {
        case .instantaneous(let t0):
            return t >= t0 ? 1 : 0
        case .gradual(let c, let w, let linear):
            if linear {
                guard w > 0 else { return t >= c ? 1 : 0 }
                return min(max((t - (c - w / 2)) / w, 0), 1)
            }
            guard w > 0 else { return t >= c ? 1 : 0 }
            let v = -4 * (t - c) / w
            if v > 700 { return 0 }
            return 1 / (1 + exp(v))
        case .incremental(let s, let e):
            if t <= s { return 0 }
            if t >= e { return 1 }
            return (t - s) / (e - s)
        case .periodic(let period, let phase, let square, let duty, let start):
            guard t >= start, period > 0 else { return 0 }
            let u = (t - start - phase) / period
            let frac = u - u.rounded(.down)
            if square { return frac < duty ? 1 : 0 }
            return 0.5 * (1 - cos(2 * Double.pi * frac))
        case .temporary(let s, let d, let ramp):
            guard t >= s, t < s + d else { return 0 }
            guard ramp > 0 else { return 1 }
            return min(min((t - s) / ramp, (s + d - t) / ramp), 1)
        }
    }

    /// The intensity when it is the same at every time in `[first, last]` (as ``intensity(at:)``
    /// computes it there, bit for bit), or nil when it may vary. Found from the ends of the
    /// interval where the schedule is monotone in `t` (every floating-point step of
    /// ``intensity(at:)`` is monotone, rounding included): a step, a linear ramp or an
    /// incremental drift is constant when its ends agree; a sigmoid where it is saturated (its
    /// exponent above 700 gives exactly 0; at or below −40, `1 + exp` rounds to 1 and the
    /// intensity is exactly 1); a periodic drift before its start, or a square wave within one
    /// period whose ends agree; a temporary drift outside its pulse, or inside it and out of both
    /// ramps. A sinusoid's intensity always varies.
    /// - Complexity: O(1).
    func constantIntensity(from first: Double, through last: Double) -> Double? {
        let a = intensity(at: first)
        switch self {
        case .instantaneous, .incremental:
            return a == intensity(at: last) ? a : nil
        case .gradual(let c, let w, let linear):
            if linear || !(w > 0) { return a == intensity(at: last) ? a : nil }
            if -4 * (last - c) / w > 700 { return 0 }
            if -4 * (first - c) / w <= -40 { return 1 }
            return nil
        case .periodic(let period, let phase, let square, _, let start):
            if last < start || !(period > 0) { return 0 }
            guard square, first >= start else { return nil }
            let u0 = (first - start - phase) / period, u1 = (last - start - phase) / period
            return u0.rounded(.down) == u1.rounded(.down) && a == intensity(at: last) ? a : nil
        case .temporary(let s, let d, let ramp):
            if last < s || first >= s + d { return 0 }
            guard first >= s, last < s + d else { return nil }
            if !(ramp > 0) { return 1 }
            return (first - s) / ramp >= 1 && (s + d - last) / ramp >= 1 ? 1 : nil
        }
    }

    /// The schedule's type name as scenarios and the ground truth write it.
    public var typeName: String {
        switch self {
        case .instantaneous: return "instantaneous"
        case .gradual: return "gradual"
        case .incremental: return "incremental"
        case .periodic: return "periodic"
        case .temporary: return "temporary"
        }
    }

    /// Where the drift starts to act, where it ends (reaches its final state or reverts) and the
    /// change point a detector is scored against, within a horizon of `ticks`.
    public func extent(horizon: Double) -> (start: Double, end: Double, changePoint: Double) {
        switch self {
        case .instantaneous(let t0): return (t0, t0, t0)
        case .gradual(let c, let w, let linear):
            // The sigmoid passes 1 % and 99 % at c ∓ w·ln(99)/4.
            let half = linear ? w / 2 : w * log(99) / 4
            return (max(c - half, 0), min(c + half, horizon), c)
        case .incremental(let s, let e): return (s, e, s)
        case .periodic(_, _, _, _, let start): return (start, horizon, start)
        case .temporary(let s, let d, _): return (s, min(s + d, horizon), s)
        }
    }

    /// Every change a detector is scored against within `[0, horizon)`, in order: the change
    /// point of ``extent(horizon:)`` for a drift that changes once; for a periodic drift the onset
    /// of each cycle, `start + (phase mod period) + k · period` (and `start` itself when a cycle is
    /// already under way there); for a temporary drift its onset `start` and its revert, where the
    /// intensity starts to fall back, `start + duration − ramp`.
    public func changePoints(horizon: Double) -> [Double] {
        switch self {
        case .instantaneous, .gradual, .incremental:
            let c = extent(horizon: horizon).changePoint
            return c < horizon ? [c] : []
        case .periodic(let period, let phase, _, _, let start):
            guard period > 0, start < horizon else { return [] }
            var out: [Double] = intensity(at: start) > 0 ? [start] : []
            let p = phase.truncatingRemainder(dividingBy: period)
            let offset = (p + period).truncatingRemainder(dividingBy: period)
            var t = start + offset
            while t < horizon {
                if out.last.map({ t > $0 }) ?? true { out.append(t) }
                t += period
            }
            return out
        case .temporary(let s, let d, let ramp):
            let revert = s + d - min(max(ramp, 0), d / 2)
            let inside = [s, revert].filter { $0 < horizon && $0 >= 0 }
            return inside.reduce(into: []) { if $0.last != $1 { $0.append($1) } }
        }
    }

    /// The largest intensity reached within `[0, horizon)`.
    public func peak(horizon: Double) -> Double {
        let steps = 2048
        var best = 0.0
        for i in 0...steps { best = max(best, intensity(at: horizon * Double(i) / Double(steps))) }
        if case .instantaneous(let t0) = self, t0 < horizon { best = 1 }
        if case .temporary(let s, let d, _) = self, s < horizon, d > 0 { best = max(best, intensity(at: s + d / 2)) }
        return best
    }
}

/// River's concept-drift selection rule: an event comes from the new world when the uniform draw
/// `u` is not above the intensity (`u > p` keeps the old world; ties go to the new one).
@inline(__always)
public func drawsNewWorld(u: Double, intensity p: Double) -> Bool { !(u > p) }
