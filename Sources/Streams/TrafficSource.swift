import FlywheelCore
import Foundation

/// Where a run's events come from: a synthetic stream with drifts, or replayed data.
public protocol TrafficSource: Sendable {
    var schema: FeatureSchema { get }
    var ticks: Int { get }
    /// Ground truth of every drift: injected ones, and for replayed data the change points the
    /// scenario declares the data to have (empty for replayed data with neither).
    func groundTruth() -> [DriftTruth]
    /// Opens one replicate's traffic: its warm-up data (the history the initial model is fitted
    /// on) and a cursor over its scored ticks, in order. Must depend only on `seed` and
    /// `replicate` (and not on `replicate` when ``replicatesShareTraffic``).
    func open(replicate: Int, seed: UInt64) throws -> TrafficCursor
    /// Whether every replicate sees the same events (replayed data happened once): the engine
    /// then reads the traffic once and shares it between replicates.
    var replicatesShareTraffic: Bool { get }
    /// The drifts injected into the traffic (the ground truth's first entries).
    var injectedDrifts: [Drift] { get }
    /// An upper bound on the events of the largest scored tick (for the memory estimate).
    var largestTickEvents: Int { get }
    /// The events of the warm-up history.
    var warmupEventCount: Int { get }
}

extension TrafficSource {
    public var replicatesShareTraffic: Bool { false }

    /// One replicate's warm-up and all its ticks, in memory.
    public func generate(replicate: Int, seed: UInt64) throws -> (warmup: EventBatch, batches: [EventBatch]) {
        var cursor = try open(replicate: replicate, seed: seed)
        var batches: [EventBatch] = []
        batches.reserveCapacity(ticks)
        while let batch = try cursor.next() { batches.append(batch) }
        return (cursor.warmup, batches)
    }
}

/// One replicate's traffic, read tick by tick: the engine holds only the ticks it is simulating.
///
/// `@unchecked Sendable`: `next` carries the reader's mutable state (a generator's or a file's
/// cursor), which the compiler cannot prove is not shared. A cursor is read by one task at a
/// time: the runner hands it between threads through a lock (`Slots`) and never copies it into
/// two tasks.
public struct TrafficCursor: @unchecked Sendable {
    /// The history before tick 0 that the initial model is fitted on.
    public let warmup: EventBatch
    private let read: () throws -> EventBatch?

    /// - Parameter next: returns the next tick's batch, or nil after the last tick.
    public init(warmup: EventBatch, next: @escaping () throws -> EventBatch?) {
        self.warmup = warmup
        read = next
    }

    /// The next tick's events, or nil after the last tick.
    public mutating func next() throws -> EventBatch? { try read() }
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
    public var injectedDrifts: [Drift] { traffic.drifts }
    public var largestTickEvents: Int { traffic.volume.largest(ticks: traffic.ticks) }
    public var warmupEventCount: Int { warmupEvents }
    public func groundTruth() -> [DriftTruth] { traffic.groundTruth() }

    public func open(replicate: Int, seed: UInt64) throws -> TrafficCursor {
        var history = traffic
        history.drifts = []
        history.ticks = 1
        history.volume = VolumeProfile(base: warmupEvents)
        let warmup = history.generate(rng: RandomStream(seed: seed, path: "replicate", replicate, "warmup"))[0]
        let box = Box(traffic.ticks(rng: RandomStream(seed: seed, path: "replicate", replicate, "traffic")))
        return TrafficCursor(warmup: warmup) { box.value.next() }
    }
}

/// A mutable value behind a reference, for cursors that carry their state in a closure.
final class Box<T> {
    var value: T
    init(_ value: T) { self.value = value }
}

extension VolumeProfile {
    /// An upper bound on the events of any tick in `0..<ticks`, computed in logarithms so that
    /// it never overflows: `base · (1 + amplitude) · max(1, (1 + growth)^(ticks−1)) · max(1, spike)`,
    /// capped at `Int.max / 2`.
    public func largest(ticks: Int) -> Int {
        var logV = log(Double(max(base, 1))) + log1p(max(amplitude, 0))
        if growth > 0 { logV += Double(max(ticks - 1, 0)) * log1p(growth) }
        if !spikes.isEmpty, spikeFactor > 1 { logV += log(spikeFactor) }
        let v = exp(logV)
        return v.isFinite && v < Double(Int.max / 2) ? Int(v.rounded()) : Int.max / 2
    }
}
