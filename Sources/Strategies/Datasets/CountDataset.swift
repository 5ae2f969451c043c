import FlywheelCore
import Learners

/// The most recent `count` labelled events.
public struct CountDataset: DatasetPolicy, Hashable {
    public static let info = ComponentInfo(family: "dataset", name: "count", summary: "The most recent N labelled events (`{count: 5000}`).",
                                           parameters: [ParameterInfo("count", "—", "rows")])

    public var count: Int

    public init(_ count: Int) { self.count = count }

    public static var examples: [Self] { [CountDataset(50)] }

    public func select(_ reservoir: [LabelRef], sinceLastTraining: Int, now t: Int, rows: LabelledRows, champion: any Model,
                       classCount: Int, rng: RandomStream) -> [LabelRef] { Array(reservoir.suffix(count)) }

    /// Only the last `count` labels are ever used again.
    public func forget(_ reservoir: inout [LabelRef], sinceLastTraining: inout Int, now t: Int) {
        let dropped = max(reservoir.count - count, 0)
        guard dropped > 0 else { return }
        reservoir.removeFirst(dropped)
        sinceLastTraining = max(sinceLastTraining - dropped, 0)
    }

    public func rowsKept(perTick: Double, ticks t: Double, minimumDelay: Int) -> Double {
        min(Double(count), perTick * t)
    }
}
