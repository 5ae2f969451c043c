import FlywheelCore

/// Serves a `fraction` of traffic for `ticks` ticks; rolled back when its observed metric is
/// worse than the champion's by more than `margin` (in the metric's units: accuracy lower, or
/// MAE higher, by more than `margin`), promoted otherwise.
public struct CanaryRollout: RolloutPolicy, OnlineTest, Hashable {
    public static let info = ComponentInfo(
        family: "rollout", name: "canary", summary: "The candidate serves a fraction of traffic; rolled back when worse by a margin.",
        parameters: [ParameterInfo("fraction", "0.1", "share of traffic"), ParameterInfo("ticks", "7", "canary period"),
                     ParameterInfo("margin", "0.01", "tolerated loss, in the metric's units")])

    public var fraction: Double
    public var ticks: Int
    public var margin: Double

    public init(fraction: Double = 0.1, ticks: Int = 7, margin: Double = 0.01) {
        self.fraction = fraction
        self.ticks = ticks
        self.margin = margin
    }

    public static var examples: [Self] { [CanaryRollout(fraction: 0.1, ticks: 3, margin: 0.01)] }

    public var onlineTest: (any OnlineTest)? { self }
    public static var defaultTicks: Int? { CanaryRollout().ticks }

    /// `{canary: {fraction: 0.1, ticks: 3, margin: 0.01}}`.
    public static func read(_ o: [String: ConfigValue], ticks: Int, _ c: ReadContext) -> CanaryRollout? {
        let d = CanaryRollout()
        return CanaryRollout(fraction: o["fraction"]?.double(min: 0, max: 1, exclusiveMin: true) ?? d.fraction, ticks: ticks,
                             margin: c.metricAmount(o["margin"], min: 0, max: 1) ?? d.margin)
    }
    public var share: Double { fraction }
    public var event: (kind: String, detail: String) { ("canary", "\(fraction) of traffic for \(ticks) ticks") }

    public func promotes(challenger pa: Double, champion pb: Double, _ tally: OnlineTestTally, task: PredictionTask,
                         table: String) -> (yes: Bool, detail: String) {
        (task.atLeast(pa, pb, by: -margin), "canary: " + table)
    }
}
