import FlywheelCore

/// Predicts beside the champion for `ticks` ticks without serving; promoted when its accuracy on
/// the labels that arrived for those events beats the champion's by `margin`.
public struct ShadowRollout: RolloutPolicy, OnlineTest, Hashable {
    public static let info = ComponentInfo(
        family: "rollout", name: "shadow",
        summary: "The candidate predicts beside the champion without serving; promoted if better on the labels that arrive.",
        parameters: [ParameterInfo("ticks", "7", "shadow period"), ParameterInfo("margin", "0", "required gain")])

    public var ticks: Int
    public var margin: Double

    public init(ticks: Int = 7, margin: Double = 0) {
        self.ticks = ticks
        self.margin = margin
    }

    public static var examples: [Self] { [ShadowRollout(ticks: 3, margin: 0)] }

    public var onlineTest: (any OnlineTest)? { self }
    public static var defaultTicks: Int? { ShadowRollout().ticks }

    /// `{shadow: {ticks: 3, margin: 0.01}}`.
    public static func read(_ o: [String: ConfigValue], ticks: Int) -> ShadowRollout? {
        ShadowRollout(ticks: ticks, margin: o["margin"]?.double(min: -1, max: 1) ?? ShadowRollout().margin)
    }
    public var share: Double { 0 }
    public var event: (kind: String, detail: String) { ("shadow", "for \(ticks) ticks") }

    public func promotes(challenger pa: Double, champion pb: Double, _ tally: OnlineTestTally, table: String) -> (yes: Bool, detail: String) {
        (pa > pb + margin, "shadow: " + table)
    }
}
