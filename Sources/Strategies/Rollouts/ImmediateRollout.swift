import FlywheelCore

/// Replaces the champion from the next tick.
public struct ImmediateRollout: RolloutPolicy, Hashable {
    public static let info = ComponentInfo(family: "rollout", name: "immediate", summary: "The candidate replaces the champion from the next tick.")

    public init() {}

    public var onlineTest: (any OnlineTest)? { nil }
}
