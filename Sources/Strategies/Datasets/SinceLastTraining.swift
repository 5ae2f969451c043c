import FlywheelCore
import Learners

/// Only labels that arrived since the last training (continual fine-tuning with `warm_start`).
public struct SinceLastTraining: DatasetPolicy, Hashable {
    public static let info = ComponentInfo(
        family: "dataset", name: "since_last_training",
        summary: "Only labels that arrived since the last training; with `warm_start: true` this is continual fine-tuning.")

    public init() {}

    public static var examples: [Self] { [SinceLastTraining()] }

    public func select(_ reservoir: [LabelRef], sinceLastTraining: Int, now t: Int, rows: LabelledRows, champion: any Model,
                       classCount: Int, rng: RandomStream) -> [LabelRef] {
        Array(reservoir[min(sinceLastTraining, reservoir.count)...])
    }

    /// Labels once trained on are never used again.
    public func forget(_ reservoir: inout [LabelRef], sinceLastTraining: inout Int, now t: Int) {
        let dropped = min(sinceLastTraining, reservoir.count)
        guard dropped > 0 else { return }
        reservoir.removeFirst(dropped)
        sinceLastTraining -= dropped
    }
}
