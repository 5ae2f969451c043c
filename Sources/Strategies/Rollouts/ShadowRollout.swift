import FlywheelCore

/// Predicts beside the champion for `ticks` ticks without serving; promoted when its metric on
/// the labels that arrived for those events beats the champion's by `margin` (accuracy higher by
/// more than `margin`, or MAE lower by more than `margin`, in the MAE's units).
public struct ShadowRollout: RolloutPolicy, OnlineTest, Hashable {
    public static let info = ComponentInfo(
        family: "rollout", name: "shadow",
        summary: "The candidate predicts beside the champion without serving; promoted if better on the labels that arrive.",
        parameters: [ParameterInfo("ticks", "7", "shadow period"),
                     ParameterInfo("margin", "0", "required gain, in the metric's units (accuracy, or MAE lower by)")])

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
    public static func read(_ o: [String: ConfigValue], ticks: Int, _ c: ReadContext) -> ShadowRollout? {
        ShadowRollout(ticks: ticks, margin: c.metricAmount(o["margin"], min: -1, max: 1) ?? ShadowRollout().margin)
    }
    public var share: Double { 0 }
    public var event: (kind: String, detail: String) { ("shadow", "for \(ticks) ticks") }

    public func promotes(challenger pa: Double, champion pb: Double, _ tally: OnlineTestTally, task: PredictionTask,
                         table: String) -> (yes: Bool, detail: String) {
        (task.better(pa, pb, by: margin), "shadow: " + table)
    }
}
