import FlywheelCore

/// Every `every` ticks since the last training (a retraining schedule).
public struct PeriodicTrigger: StatelessTrigger, Hashable {
    public static let info = ComponentInfo(
        family: "trigger", name: "every", summary: "Periodic: retrain every duration since the last training (`{every: 7d}`).",
        parameters: [ParameterInfo("every", "—", "interval, in ticks or as a duration")])

    /// The interval, in ticks.
    public var every: Double

    public init(every: Double) { self.every = every }

    public static var keys: [String] { ["every"] }

    /// `{every: 7d}`: a duration longer than zero.
    public static func read(_ key: String, _ v: ConfigValue, _ c: ReadContext) -> PeriodicTrigger? {
        let every = v.duration(tick: c.tick, allowZero: false)
        c.warnBeyondHorizon(every, at: v, "the trigger never fires")
        return every.map { PeriodicTrigger(every: $0) }
    }

    public static var examples: [Self] { [PeriodicTrigger(every: 1), PeriodicTrigger(every: 7)] }

    public var expectedTrainingsPerTick: Double { 1 / max(every, 1) }
    public func fires(_ o: TriggerObservation) -> Bool { o.sinceTrain >= every - 1e-9 }
}
