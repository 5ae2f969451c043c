import FlywheelCore

/// What reading a strategy's components needs from the rest of the scenario.
public struct ReadContext: Sendable {
    /// The length of a tick, for durations.
    public var tick: Span
    /// The stream's schema (nil when the stream is invalid: parts that need it are skipped).
    public var schema: FeatureSchema?
    public var seed: UInt64
    /// The run's ticks and (roughly) its events, to warn of values the run cannot use.
    public var horizon: Int?
    public var events: Double?

    public init(tick: Span, schema: FeatureSchema?, seed: UInt64, horizon: Int? = nil, events: Double? = nil) {
        self.tick = tick
        self.schema = schema
        self.seed = seed
        self.horizon = horizon
        self.events = events
    }

    /// Whether the stream's target is numeric: margins, gains and thresholds are then in the
    /// MAE's units, and classification-only options are refused.
    public var isRegression: Bool { schema.map { !$0.isClassification } ?? false }

    /// Reads an amount in the primary metric's units (a gain, a margin, a threshold): within
    /// `[min, max]` for accuracy (a fraction), and for MAE any amount up to
    /// ``Limits/maxMagnitude`` (negative only where `min` allows negative amounts).
    public func metricAmount(_ x: ConfigValue?, min: Double, max: Double) -> Double? {
        guard let x else { return nil }
        guard isRegression else { return x.double(min: min, max: max) }
        return x.double(min: min < 0 ? -Limits.maxMagnitude : Swift.max(min, 0), max: Limits.maxMagnitude)
    }

    /// Refuses, at `x`, an option that only means something for a classifier, on a regression stream.
    /// Returns whether it was refused.
    @discardableResult
    public func refuseOnRegression(_ x: ConfigValue?, _ what: String, hint: String) -> Bool {
        guard isRegression, let x else { return false }
        x.fail("\(what) needs classes, and this stream's target is numeric", hint: hint)
        return true
    }

    /// Warns when a duration in ticks is longer than the run.
    public func warnBeyondHorizon(_ ticks: Double?, at x: ConfigValue?, _ consequence: String) {
        guard let horizon, let ticks, let x, ticks > Double(horizon) else { return }
        x.warn("\(NumberText.plain(ticks)) ticks is longer than the run's \(horizon): \(consequence)")
    }

    /// Warns when a count of labels or rows is more than the run has events.
    public func warnBeyondEvents(_ count: Int?, at x: ConfigValue?, _ consequence: String) {
        guard let events, let count, let x, Double(count) > events else { return }
        x.warn("\(count) is more than the run's \(Limits.grouped(Int(events))) events: \(consequence)")
    }
}

/// "a, b or c" (one name alone; "a or b").
func alternatives(_ names: [String]) -> String {
    guard let last = names.last else { return "" }
    return names.count == 1 ? last : names.dropLast().joined(separator: ", ") + " or " + last
}
