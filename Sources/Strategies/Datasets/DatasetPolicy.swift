import FlywheelCore
import Learners

/// Which arrived labels form the training set, and which of them the strategy may forget.
///
/// To add a dataset policy: one file with a type conforming to this protocol, and one line in
/// ``Datasets/all``.
public protocol DatasetPolicy: StrategyComponent {
    /// The rows to train on at tick `t`, from `reservoir` (arrived labels in arrival order;
    /// `sinceLastTraining` is the index of the first one after the last training). Draws from
    /// `rng` only; may score rows with the `champion`.
    func select(_ reservoir: [LabelRef], sinceLastTraining: Int, now t: Int, rows: LabelledRows, champion: any Model,
                classCount: Int, rng: RandomStream) -> [LabelRef]
    /// Drops from `reservoir` the labels no later training set can use (after tick `t`), keeping
    /// `sinceLastTraining` pointing at the same label.
    func forget(_ reservoir: inout [LabelRef], sinceLastTraining: inout Int, now t: Int)
    /// At most how many labelled rows a run keeps over `t` ticks with `perTick` labels a tick
    /// arriving at least `minimumDelay` ticks late (for the memory estimate).
    func rowsKept(perTick: Double, ticks t: Double, minimumDelay: Int) -> Double
}

extension DatasetPolicy {
    /// Keeps every label (a policy over all history).
    public func forget(_ reservoir: inout [LabelRef], sinceLastTraining: inout Int, now t: Int) {}

    /// Every label of the run.
    public func rowsKept(perTick: Double, ticks t: Double, minimumDelay: Int) -> Double { perTick * t }

    /// Drops the labels of events served before tick `oldest`, keeping `since` on the same label.
    func forget(servedBefore oldest: Double, _ reservoir: inout [LabelRef], sinceLastTraining since: inout Int) {
        var kept: [LabelRef] = [], keptBefore = 0
        kept.reserveCapacity(reservoir.count)
        for (i, ref) in reservoir.enumerated() where Double(ref.tick) >= oldest {
            kept.append(ref)
            if i < since { keptBefore += 1 }
        }
        reservoir = kept
        since = keptBefore
    }

    /// The labels of events served in the last `w` ticks before `t`.
    func recent(_ reservoir: [LabelRef], _ w: Double, now t: Int) -> [LabelRef] {
        let oldest = Double(t) - w
        return reservoir.filter { Double($0.tick) >= oldest }
    }
}

/// Every dataset policy, in the order `flywheel list` shows them.
public enum Datasets {
    public static let all: [any DatasetPolicy.Type] = [
        AllLabels.self, WindowDataset.self, CountDataset.self, SampleDataset.self, HardestDataset.self, SinceLastTraining.self,
    ]

    public static var catalog: [ComponentInfo] { all.map { $0.info } }
}
