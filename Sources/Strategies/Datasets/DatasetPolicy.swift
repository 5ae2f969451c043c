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

    /// Reads `dataset:`: `all`, `since_last_training`, `{window: 30d}`, `{count: 5000}`,
    /// `{sample: 2000, half_life: 14d}` or `{hardest: 2000, window: 30d}`.
    public static func read(_ d: ConfigValue, _ c: ReadContext) -> (any DatasetPolicy)? {
        let keepsAll = "it keeps every label, as dataset: all would"
        func window(_ x: ConfigValue?) -> Double? {
            let w = x?.duration(tick: c.tick, allowZero: false)
            c.warnBeyondHorizon(w, at: x, keepsAll)
            return w
        }
        func size(_ x: ConfigValue) -> Int? {
            let n = x.count(min: 1, unit: "rows")
            c.warnBeyondEvents(n, at: x, keepsAll)
            return n
        }
        if d.scalarText != nil, d.node.mapping == nil {
            switch d.oneOf(["all", "since_last_training"]) {
            case "all": return AllLabels()
            case "since_last_training": return SinceLastTraining()
            case .some, nil: return nil
            }
        }
        guard let dm = d.mapping(allowed: ["window", "count", "sample", "half_life", "hardest"]) else { return nil }
        if let h = dm["hardest"] {
            guard let size = size(h) else { return nil }
            return HardestDataset(size: size, window: window(dm["window"]) ?? .infinity)
        }
        if let sm = dm["sample"] {
            guard let size = size(sm) else { return nil }
            if dm["window"] != nil || dm["count"] != nil { d.fail("sample takes half_life, not window or count") }
            return SampleDataset(size: size, halfLife: dm["half_life"]?.duration(tick: c.tick, allowZero: false))
        }
        if dm["half_life"] != nil { dm["half_life"]!.fail("half_life applies to sample") }
        if dm.count > 1 { d.fail("give one of window or count") }
        if let w = window(dm["window"]) { return WindowDataset(ticks: w) }
        if let n = dm["count"].flatMap(size) { return CountDataset(n) }
        return nil
    }
}
