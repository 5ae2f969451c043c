import FlywheelCore

/// No raw rows: only mergeable quantile sketches of each monitored input and output per tick.
/// Drift triggers compare sketches (KS, Wasserstein-1, PSI within the sketches' rank-error
/// bound); training data is limited to the events sent for labelling, which carry their inputs
/// with the label request, so any served event can still be sent for labelling.
public struct ProfilesLogging: LoggingPolicy, Hashable {
    public static let info = ComponentInfo(
        family: "logging", name: "profiles",
        summary: "Keep no rows, only quantile sketches of inputs and outputs: drift triggers compare sketches (ks, wasserstein, psi); training uses only labelled events.",
        reference: "Karnin, Lang & Liberty, FOCS 2016 (mergeable quantile sketches)")

    /// The note a run records at its start.
    public static let note = "profiles-only logging: no raw rows are kept; drift triggers compare mergeable quantile sketches, and retraining uses only the events sent for labelling"

    public init() {}

    public static var examples: [Self] { [ProfilesLogging()] }

    public var randomKey: String { "profiles" }
    public var monitorsSeeEveryEvent: Bool { true }
    public var profilesOnly: Bool { true }

    public func log(_ batch: EventBatch, predictions: [Double], classCount: Int, rng: RandomStream, into out: inout [Int32]) -> Int {
        LogAll().log(batch, predictions: predictions, classCount: classCount, rng: rng, into: &out)
    }
}
