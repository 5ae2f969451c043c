import FlywheelCore
import Streams

/// Where a run's events come from: a synthetic stream with drifts, or replayed data.
public protocol TrafficSource: Sendable {
    var schema: FeatureSchema { get }
    var ticks: Int { get }
    /// Ground truth of every drift: injected ones, and for replayed data the change points the
    /// scenario declares the data to have (empty for replayed data with neither).
    func groundTruth() -> [DriftTruth]
    /// One replicate's warm-up data (the history the initial model is fitted on) and its
    /// per-tick batches. Must depend only on `seed` and `replicate`.
    func generate(replicate: Int, seed: UInt64) throws -> (warmup: EventBatch, batches: [EventBatch])
}

/// A synthetic source: the scenario engine's stream with its drifts, plus warm-up history drawn
/// from the base world (no drift) before tick 0.
public struct SyntheticSource: TrafficSource {
    public var traffic: SyntheticTraffic
    public var warmupEvents: Int

    public init(traffic: SyntheticTraffic, warmupEvents: Int) {
        self.traffic = traffic
        self.warmupEvents = warmupEvents
    }

    public var schema: FeatureSchema { traffic.schema }
    public var ticks: Int { traffic.ticks }
    public func groundTruth() -> [DriftTruth] { traffic.groundTruth() }

    public func generate(replicate: Int, seed: UInt64) throws -> (warmup: EventBatch, batches: [EventBatch]) {
        var history = traffic
        history.drifts = []
        history.ticks = 1
        history.volume = VolumeProfile(base: warmupEvents)
        let warmup = history.generate(rng: RandomStream(seed: seed, path: "replicate", replicate, "warmup"))[0]
        let batches = traffic.generate(rng: RandomStream(seed: seed, path: "replicate", replicate, "traffic"))
        return (warmup, batches)
    }
}
