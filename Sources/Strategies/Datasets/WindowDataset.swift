import FlywheelCore
import Learners

/// Labels of events served in the last `ticks` ticks.
public struct WindowDataset: DatasetPolicy, Hashable {
    public static let info = ComponentInfo(family: "dataset", name: "window",
                                           summary: "Labels of events served within the last duration (`{window: 30d}`).",
                                           parameters: [ParameterInfo("window", "—", "ticks or a duration")])

    public var ticks: Double

    public init(ticks: Double) { self.ticks = ticks }

    public static var examples: [Self] { [WindowDataset(ticks: 5)] }

    public func select(_ reservoir: [LabelRef], sinceLastTraining: Int, now t: Int, rows: LabelledRows, champion: any Model,
                       classCount: Int, rng: RandomStream) -> [LabelRef] { recent(reservoir, ticks, now: t) }

    /// A window at tick `t' ≥ t` needs no row served before `t − w`.
    public func forget(_ reservoir: inout [LabelRef], sinceLastTraining: inout Int, now t: Int) {
        forget(servedBefore: Double(t) - ticks, &reservoir, sinceLastTraining: &sinceLastTraining)
    }

    public func rowsKept(perTick: Double, ticks t: Double, minimumDelay: Int) -> Double {
        perTick * min(ticks + 1 + Double(minimumDelay), t)
    }
}
