import FlywheelCore
import Foundation

/// When a label becomes visible after its event was served.
public enum LabelDelay: Hashable, Sendable {
    case fixed(Int)
    /// Uniform on `low...high` ticks.
    case uniform(Int, Int)
    /// Geometric with the given mean (in ticks), i.e. a discretised exponential wait.
    case geometric(mean: Double)

    /// The shortest possible delay.
    public var minimum: Int {
        switch self {
        case .fixed(let d): return d
        case .uniform(let lo, _): return lo
        case .geometric: return 0
        }
    }

    /// Its part of the name of the labelling random stream (fixed strings: see ``RandomKeyTests``).
    public var randomKey: String {
        switch self {
        case .fixed(let d): return "fixed(\(d))"
        case .uniform(let lo, let hi): return "uniform(\(lo), \(hi))"
        case .geometric(let mean): return "geometric(mean: \(mean))"
        }
    }

    /// One label's delay in ticks: `P(D = k) = (1 − q) qᵏ` with `q = mean / (1 + mean)` for the
    /// geometric delay (mean `q / (1 − q)`), drawn by inversion.
    @inline(__always) public func draw(_ rng: RandomStream) -> Int {
        switch self {
        case .fixed(let d): return d
        case .uniform(let lo, let hi): return lo + rng.int(below: hi - lo + 1)
        case .geometric(let mean):
            guard mean > 0 else { return 0 }
            let q = mean / (1 + mean)
            return Int((log(1 - rng.uniform()) / log(q)).rounded(.down))
        }
    }

    /// Reads `delay:`: a whole number of ticks, `{uniform: [1d, 5d]}` or `{geometric: 3d}`.
    public static func read(_ v: ConfigValue, tick: Span) -> LabelDelay? {
        if v.node.mapping == nil { return v.wholeTicks(tick: tick).map { .fixed($0) } }
        guard let m = v.mapping(allowed: ["uniform", "geometric"]), m.count == 1 else {
            v.fail("give one of a duration, {uniform: [1d, 5d]} or {geometric: 3d}")
            return nil
        }
        if let u = m["uniform"] {
            guard let list = u.sequence(), list.count == 2, let lo = list[0].wholeTicks(tick: tick), let hi = list[1].wholeTicks(tick: tick) else {
                u.fail("expected [shortest, longest], e.g. [1d, 5d]")
                return nil
            }
            if hi < lo { u.fail("the longest delay is shorter than the shortest"); return nil }
            return .uniform(lo, hi)
        }
        return m["geometric"]?.duration(tick: tick).map { .geometric(mean: $0) }
    }
}
