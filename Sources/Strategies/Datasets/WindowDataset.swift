import FlywheelCore
import Learners

/// Labels of events served in the last `ticks` ticks.
public struct WindowDataset: DatasetPolicy, Hashable {
    public static let info = ComponentInfo(family: "dataset", name: "window",
                                           summary: "Labels of events served within the last duration (`{window: 30d}`).",
                                           parameters: [ParameterInfo("window", "—", "ticks or a duration")])

    public var ticks: Double

    public init(ticks: Double) { self.ticks = ticks }

    public func select(_ reservoir: [LabelRef], sinceLastTraining: Int, now t: Int, rows: LabelledRows, champion: any Model,
                       classCount: Int, rng: RandomStream) -> [LabelRef] { recent(reservoir, ticks, now: t) }

    /// A window at tick `t' ≥ t` needs no row served before `t − w`. (Only "since the last
    /// training" reads `sinceLastTraining`, so filtering leaves it alone.)
    public func forget(_ reservoir: inout [LabelRef], sinceLastTraining: inout Int, now t: Int) {
        let oldest = Double(t) - ticks
        reservoir.removeAll { Double($0.tick) < oldest }
    }
}
