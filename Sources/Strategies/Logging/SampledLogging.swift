import FlywheelCore

/// A uniform random share of events.
public struct SampledLogging: LoggingPolicy, Hashable {
    public static let info = ComponentInfo(
        family: "logging", name: "sample",
        summary: "Keep a uniform random share of events (`{sample: 0.1}`); only kept events can be labelled or monitored.",
        parameters: [ParameterInfo("sample", "—", "share kept")])

    public var rate: Double

    public init(rate: Double) { self.rate = rate }

    public static var examples: [Self] { [SampledLogging(rate: 0.3)] }

    public var randomKey: String { "sample(rate: \(rate))" }

    public func log(_ batch: EventBatch, predictions: [Double], classCount: Int, rng: RandomStream, into out: inout [Int32]) -> Int {
        var k = 0
        for i in 0..<batch.count where rng.uniform() < rate {
            out[k] = Int32(i)
            k += 1
        }
        return k
    }
}
