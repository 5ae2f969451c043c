import FlywheelCore

/// Never retrain: the initial model serves throughout.
public struct NeverTrigger: StatelessTrigger, Hashable {
    public static let info = ComponentInfo(family: "trigger", name: "never", summary: "Never retrain: the initial model serves throughout.")

    public init() {}

    public static var keys: [String] { ["never"] }
    public static var isBareWord: Bool { true }
    public static func read(_ key: String, _ v: ConfigValue, _ c: ReadContext) -> NeverTrigger? { NeverTrigger() }

    public static var examples: [Self] { [NeverTrigger()] }

    public var keepsLabelledRows: Bool { false }
    public var expectedTrainingsPerTick: Double { 0 }
    public func fires(_ o: TriggerObservation) -> Bool { false }
}
