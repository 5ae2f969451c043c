import FlywheelCore

/// Every `every` ticks since the last training (a retraining schedule).
public struct PeriodicTrigger: StatelessTrigger, Hashable {
    public static let info = ComponentInfo(
        family: "trigger", name: "every", summary: "Periodic: retrain every duration since the last training (`{every: 7d}`).",
        parameters: [ParameterInfo("every", "—", "interval, in ticks or as a duration")])

    /// The interval, in ticks.
    public var every: Double

    public init(every: Double) { self.every = every }

    public static var examples: [Self] { [PeriodicTrigger(every: 1), PeriodicTrigger(every: 7)] }

    public var expectedTrainingsPerTick: Double { 1 / max(every, 1) }
    public func fires(_ o: TriggerObservation) -> Bool { o.sinceTrain >= every - 1e-9 }
}
