import FlywheelCore

/// Every tick: a full retraining job at each tick, the upper reference of what retraining can buy.
/// (Per-event, learn-one updating is `trigger: online`, ``OnlineTrigger``.)
public struct EveryTickTrigger: StatelessTrigger, Hashable {
    public static let info = ComponentInfo(family: "trigger", name: "every_tick",
                                           summary: "Retrain (a full training job) every tick: the upper reference.")

    public init() {}

    public static var keys: [String] { ["every_tick"] }
    public static var isBareWord: Bool { true }
    public static func read(_ key: String, _ v: ConfigValue, _ c: ReadContext) -> EveryTickTrigger? { EveryTickTrigger() }

    public static var examples: [Self] { [EveryTickTrigger()] }

    public var expectedTrainingsPerTick: Double { 1 }
    public func fires(_ o: TriggerObservation) -> Bool { true }
}
