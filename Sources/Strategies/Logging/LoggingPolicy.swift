import FlywheelCore

/// What the strategy keeps of the traffic it serves: which events it logs (only logged events can
/// be labelled, or seen by the input and output monitors).
///
/// To add a logging policy: one file with a type conforming to this protocol, and one line in
/// ``Loggings/all``.
public protocol LoggingPolicy: StrategyComponent {
    /// The name of the policy's random stream: fixed strings, so that renaming a type never
    /// changes a draw (see ``RandomKeyTests``).
    var randomKey: String { get }
    /// Whether the input and output monitors see every served event (otherwise only the logged ones).
    var monitorsSeeEveryEvent: Bool { get }
    /// Profiles only: no raw rows are kept, the monitors see mergeable sketches.
    var profilesOnly: Bool { get }
    /// Marks the events the strategy logs among the tick's `batch.count`, whose served predictions
    /// are `predictions` (class indices for `classCount` classes): their indices, increasing, go
    /// to `out`; returns how many. Draws from `rng` only.
    func log(_ batch: EventBatch, predictions: [Double], classCount: Int, rng: RandomStream, into out: inout [Int32]) -> Int
}

extension LoggingPolicy {
    public var monitorsSeeEveryEvent: Bool { false }
    public var profilesOnly: Bool { false }
}

/// Every logging policy, in the order `flywheel list` shows them.
public enum Loggings {
    public static let all: [any LoggingPolicy.Type] = [LogAll.self, SampledLogging.self, StratifiedLogging.self, ProfilesLogging.self]

    public static var catalog: [ComponentInfo] { all.map { $0.info } }
}
