import FlywheelCore
import Monitoring

/// `threshold: {sigma: k, windows: w}`: a trigger threshold learnt from the reference's own spread
/// (NannyML's mean ± 3σ) instead of a fixed value. After each deployment the trigger's statistic
/// on the first `w` disjoint windows is the reference; from then on a value worse than their mean
/// by more than `k` sample standard deviations fires. Nothing fires while the reference fills.
public struct SigmaRule: Hashable, Sendable {
    public var k: Double
    public var windows: Int

    public init(k: Double, windows: Int = 4) {
        self.k = k
        self.windows = windows
    }

    /// The rule as a scenario writes it: `{sigma: 3, windows: 4}`.
    public var scenarioText: String { "{sigma: \(NumberText.plain(k)); windows: \(windows)}" }

    /// The `threshold: {sigma: 3, windows: 4}` mapping at `x` (nil, after an error at the key, when it is not valid).
    static func read(_ x: ConfigValue) -> SigmaRule? {
        guard let s = x.mapping(allowed: ["sigma", "windows"]) else { return nil }
        guard let k = s["sigma"]?.double(min: 0, exclusiveMin: true) else {
            if s["sigma"] == nil { x.fail("missing required key 'sigma'", hint: "e.g. threshold: {sigma: 3}") }
            return nil
        }
        return SigmaRule(k: min(k, 1e6), windows: s["windows"]?.int(min: 2, max: 1000) ?? 4)
    }
}

/// Per-channel thresholds learnt by a ``SigmaRule``: each channel's statistic is recorded every
/// `window` ticks (disjoint windows) until `windows` values are in, then its threshold is the
/// mean plus `k` standard deviations (a statistic that grows with drift, such as a distance).
struct LearntThresholds: Sendable {
    let rule: SigmaRule
    let window: Int
    private var values: [[Double]] = []
    private var ticks = 0
    private(set) var thresholds: [Double]?

    init(_ rule: SigmaRule, window: Int) {
        self.rule = rule
        self.window = max(1, window)
    }

    mutating func reset() {
        values = []
        ticks = 0
        thresholds = nil
    }

    /// Records one tick's statistics (NaN: not measured); the thresholds once learnt, nil before.
    mutating func observe(_ statistics: [Double]) -> [Double]? {
        if let thresholds { return thresholds }
        if values.isEmpty { values = Array(repeating: [], count: statistics.count) }
        if ticks % window == 0 {
            for (c, v) in statistics.enumerated() where c < values.count { values[c].append(v) }
        }
        ticks += 1
        if ticks >= rule.windows * window {
            thresholds = values.map { v in
                let s = SigmaThreshold(reference: v, k: rule.k)
                return s.mean.isNaN ? .infinity : s.upper
            }
        }
        return nil
    }
}
