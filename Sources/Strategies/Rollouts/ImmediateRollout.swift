import FlywheelCore

/// Replaces the champion from the next tick.
public struct ImmediateRollout: RolloutPolicy, Hashable {
    public static let info = ComponentInfo(family: "rollout", name: "immediate", summary: "The candidate replaces the champion from the next tick.")

    public init() {}

    public static var examples: [Self] { [ImmediateRollout()] }

    public var onlineTest: (any OnlineTest)? { nil }
    public static var defaultTicks: Int? { nil }
    public static func read(_ options: [String: ConfigValue], ticks: Int, _ c: ReadContext) -> ImmediateRollout? {
        ImmediateRollout()
    }
}
