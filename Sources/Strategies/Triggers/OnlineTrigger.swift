import FlywheelCore

/// Every tick: the upper reference of what retraining can buy.
public struct OnlineTrigger: StatelessTrigger, Hashable {
    public static let info = ComponentInfo(family: "trigger", name: "online", summary: "Retrain every tick: the upper reference.")

    public init() {}

    public static var keys: [String] { ["online"] }
    public static var isBareWord: Bool { true }
    public static func read(_ key: String, _ v: ConfigValue, _ c: ReadContext) -> OnlineTrigger? { OnlineTrigger() }

    public static var examples: [Self] { [OnlineTrigger()] }

    public var expectedTrainingsPerTick: Double { 1 }
    public func fires(_ o: TriggerObservation) -> Bool { true }
}
