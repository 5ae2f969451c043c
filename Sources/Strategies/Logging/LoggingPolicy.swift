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

    /// Reads `logging:`: `all`, `profiles`, `{sample: 0.1}` or `{stratified: 0.1, by: slice}`.
    public static func read(_ l: ConfigValue) -> (any LoggingPolicy)? {
        if l.scalarText == "all" { return LogAll() }
        if l.scalarText == "profiles" { return ProfilesLogging() }
        guard let lm = l.mapping(allowed: ["sample", "stratified", "by"]), lm.count == 1 || (lm.count == 2 && lm["by"] != nil) else {
            l.fail("give all, profiles, {sample: 0.1} or {stratified: 0.1}")
            return nil
        }
        var logging: (any LoggingPolicy)?
        if let r = lm["sample"]?.double(min: 0, max: 1, exclusiveMin: true) {
            logging = SampledLogging(rate: r)
            if lm["by"] != nil { lm["by"]!.fail("'by' applies to stratified logging") }
        }
        if let r = lm["stratified"]?.double(min: 0, max: 1, exclusiveMin: true) {
            logging = StratifiedLogging(rate: r, bySlice: (lm["by"]?.oneOf(["class", "slice"]) ?? "class") == "slice")
        }
        return logging
    }
}
