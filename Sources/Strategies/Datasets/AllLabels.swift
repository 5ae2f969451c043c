import FlywheelCore
import Learners

/// Every label that has arrived.
public struct AllLabels: DatasetPolicy, Hashable {
    public static let info = ComponentInfo(family: "dataset", name: "all", summary: "Every label that has arrived so far.")

    public init() {}

    public static var examples: [Self] { [AllLabels()] }

    public func select(_ reservoir: [LabelRef], sinceLastTraining: Int, now t: Int, rows: LabelledRows, champion: any Model,
                       classCount: Int, rng: RandomStream) -> [LabelRef] { reservoir }
}
