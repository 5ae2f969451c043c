import FlywheelCore

/// Every event.
public struct LogAll: LoggingPolicy, Hashable {
    public static let info = ComponentInfo(family: "logging", name: "all",
                                           summary: "Keep every served event (curation and drift triggers see all of them).")

    public init() {}

    public static var examples: [Self] { [LogAll()] }

    public var randomKey: String { "all" }
    public var monitorsSeeEveryEvent: Bool { true }

    public func log(_ batch: EventBatch, predictions: [Double], classCount: Int, rng: RandomStream, into out: inout [Int32]) -> Int {
        let n = batch.count
        for i in 0..<n { out[i] = Int32(i) }
        return n
    }
}
