import Foundation
import FlywheelCore

/// Events per tick: a base volume with optional seasonality, growth and spikes.
///
/// `volume(t) = round(base · (1 + amplitude · sin(2π t / period)) · (1 + growth)^t · spike(t))`,
/// at least 1. Deterministic, so every strategy and replicate sees the same volumes.
public struct VolumeProfile: Hashable, Sendable {
    public var base: Int
    public var amplitude: Double
    public var period: Double
    public var growth: Double
    /// Ticks at which the volume is multiplied by `spikeFactor`.
    public var spikes: [Int]
    public var spikeFactor: Double

    public init(base: Int, amplitude: Double = 0, period: Double = 7, growth: Double = 0, spikes: [Int] = [], spikeFactor: Double = 1) {
        self.base = base
        self.amplitude = amplitude
        self.period = period
        self.growth = growth
        self.spikes = spikes
        self.spikeFactor = spikeFactor
    }

    public func volume(atTick t: Int) -> Int {
        var v = Double(base)
        if amplitude != 0, period > 0 { v *= 1 + amplitude * sin(2 * Double.pi * Double(t) / period) }
        if growth != 0 { v *= pow(1 + growth, Double(t)) }
        if spikes.contains(t) { v *= spikeFactor }
        // A scenario keeps every tick's volume within Limits.maxEventsPerTick; the clamp keeps a
        // profile built in code from trapping.
        return max(1, v < 9e18 ? Int(v.rounded()) : Int.max / 2)
    }
}

/// A synthetic stream with its drifts: everything needed to generate one replicate's traffic.
public struct SyntheticTraffic: Sendable {
    public var generator: any StreamGenerator
    /// The concept in force before any concept drift.
    public var baseConcept: Int
    /// Label noise present throughout (η: labels flip with this probability).
    public var noise: Double
    public var drifts: [Drift]
    public var ticks: Int
    public var volume: VolumeProfile

    public init(generator: any StreamGenerator, baseConcept: Int = 0, noise: Double = 0, drifts: [Drift], ticks: Int, volume: VolumeProfile) {
        self.generator = generator
        self.baseConcept = baseConcept
        self.noise = noise
        self.drifts = drifts
        self.ticks = ticks
        self.volume = volume
    }

    public var schema: FeatureSchema { generator.schema }

    /// The ground truth of every drift that happens within the horizon, in scenario order (the
    /// id is the drift's position in the scenario).
    public func groundTruth() -> [DriftTruth] { injector.groundTruth(horizon: ticks) }

    /// The per-event drift transformation shared with replayed data.
    public var injector: DriftInjector {
        DriftInjector(drifts: drifts, dimension: generator.schema.dimension, classCount: generator.schema.classes.count,
                      baseConcept: baseConcept, baseNoise: noise)
    }

    /// Generates one replicate's traffic: a batch per tick, built once and shared read-only.
    ///
    /// Per event at time `t = tick + i/n` (see ``DriftInjector``): the concept is chosen by
    /// composing the concept drifts in order (each draws `u` and switches to its concept when
    /// `u ≤ I(t)`), inputs are drawn and transformed by the covariate drifts, the prior and
    /// subpopulation drifts accept or redraw the event (at most 1000 redraws; see
    /// ``DriftInjector/acceptance(_:label:drifts:classShares:regionShares:)``), label noise flips
    /// the label, and quality faults corrupt the served inputs last.
    ///
    /// A subpopulation drift's base share is its region's share in the undrifted stream
    /// (``regionShares()``). Its region is tested on the input after the covariate drifts, so a
    /// shift or rotation that moves traffic into or out of the region at the same time moves the
    /// share reached by as much.
    /// - Complexity: O(events × drifts); no allocation per event.
    public func generate(rng: RandomStream) -> [EventBatch] {
        var cursor = ticks(rng: rng)
        var batches: [EventBatch] = []
        batches.reserveCapacity(ticks)
        while let batch = cursor.next() { batches.append(batch) }
        return batches
    }

    /// The same traffic as ``generate(rng:)``, one tick at a time: the engine streams long
    /// horizons through this without holding every tick.
    public func ticks(rng: RandomStream) -> SyntheticTicks { SyntheticTicks(self, rng: rng) }

    /// Draws of the pilot stream that estimates the regions' base shares.
    public static let pilotDraws = 100_000

    /// The share of traffic in each subpopulation drift's region (``DriftInjector/regions``) in the
    /// undrifted stream; see ``regionShares(of:)``.
    public func regionShares() -> [Double] { regionShares(of: injector.regions) }

    /// The share of traffic in each region in the undrifted stream (base concept, no covariate
    /// drift), estimated from ``pilotDraws`` draws of a fixed pilot stream (standard error at most
    /// 0.0016); exactly 0 when no draw falls in a region.
    public func regionShares(of regions: [Region]) -> [Double] {
        guard !regions.isEmpty else { return [] }
        let n = SyntheticTraffic.pilotDraws
        let rng = RandomStream(seed: 0x5eed, path: "regions")
        var counts = [Double](repeating: 0, count: regions.count)
        var x = [Double](repeating: 0, count: generator.schema.dimension)
        let cov = CovariateState(dimension: generator.schema.dimension)
        x.withUnsafeMutableBufferPointer { xb in
            for _ in 0..<n {
                _ = generator.draw(into: xb, concept: ConceptState(concept: baseConcept), covariates: cov, rng: rng)
                for r in regions.indices where regions[r].contains(xb) { counts[r] += 1 }
            }
        }
        return counts.map { $0 / Double(n) }
    }

    /// Class shares of the base concept, estimated from 20,000 draws of a fixed pilot stream.
    fileprivate func pilotShares(rng: RandomStream) -> [Double] {
        let k = generator.schema.classes.count, d = generator.schema.dimension
        var counts = [Double](repeating: 0, count: k)
        var x = [Double](repeating: 0, count: d)
        let cov = CovariateState(dimension: d)
        x.withUnsafeMutableBufferPointer { xb in
            for _ in 0..<20_000 {
                let y = Int(generator.draw(into: xb, concept: ConceptState(concept: baseConcept), covariates: cov, rng: rng))
                if y >= 0 && y < k { counts[y] += 1 }
            }
        }
        return counts.map { max($0 / 20_000, 1e-4) }
    }
}

/// A synthetic stream's ticks in order (see ``SyntheticTraffic/generate(rng:)`` for what each
/// event goes through). The drift state carries over from tick to tick, so reading every tick
/// gives exactly the batches ``SyntheticTraffic/generate(rng:)`` returns.
public struct SyntheticTicks: IteratorProtocol {
    private let traffic: SyntheticTraffic
    private let injector: DriftInjector
    private let baseShares: [Double]
    private let regionShares: [Double]
    private let rng: RandomStream
    private var state: EventDrifts
    private var drifts = TickDrifts()
    private var tick = 0
    /// The generator when the tick loop is compiled for its type (the catalog's generators).
    private let compiled: (any TickDrawing)?

    init(_ traffic: SyntheticTraffic, rng: RandomStream) {
        self.traffic = traffic
        compiled = traffic.generator as? any TickDrawing
        self.rng = rng
        injector = traffic.injector
        baseShares = traffic.schema.classes.isEmpty ? [] : traffic.pilotShares(rng: RandomStream(seed: 0x5eed))
        regionShares = injector.regions.isEmpty ? [] : traffic.regionShares()
        state = injector.makeState()
    }

    /// The next tick's batch. The drifts' intensities that stay the same over the tick's events
    /// are evaluated once for the tick (``DriftInjector/prepare(from:through:_:baseShares:regionShares:into:rng:)``),
    /// and each event is drawn straight into its row of the batch.
    public mutating func next() -> EventBatch? {
        guard tick < traffic.ticks else { return nil }
        let generator = traffic.generator
        let d = generator.schema.dimension
        let n = traffic.volume.volume(atTick: tick)
        let time = Double(tick)
        injector.prepare(from: time + Double(0) / Double(n), through: time + Double(n - 1) / Double(n), &drifts,
                         baseShares: baseShares, regionShares: regionShares, into: &state, rng: rng)
        var batch = EventBatch(dimension: d)
        batch.features = [Double](repeating: 0, count: n * d)
        batch.labels = [Double](repeating: 0, count: n)
        batch.concept = [Int32](repeating: 0, count: n)
        batch.slice = [Int32](repeating: -1, count: n)
        batch.bayes = [Double](repeating: 0, count: n)
        batch.features.withUnsafeMutableBufferPointer { features in
            batch.labels.withUnsafeMutableBufferPointer { labels in
                batch.concept.withUnsafeMutableBufferPointer { concept in
                    batch.bayes.withUnsafeMutableBufferPointer { bayes in
                        let rows = EventRows(features: features.baseAddress!, labels: labels.baseAddress!, concept: concept.baseAddress!,
                                             bayes: bayes.baseAddress!)
                        if let compiled {
                            compiled.drawTick(injector, tick: tick, count: n, into: rows, drifts: drifts, baseShares: baseShares,
                                              regionShares: regionShares, state: &state, rng: rng)
                        } else {
                            injector.draw(generator, tick: tick, count: n, into: rows, drifts: drifts, baseShares: baseShares,
                                          regionShares: regionShares, state: &state, rng: rng)
                        }
                    }
                }
            }
        }
        tick += 1
        return batch
    }
}

/// Where a tick's events go: row `i` of `features` (row-major, `dimension` values a row) and
/// element `i` of the other columns of an ``EventBatch``.
struct EventRows {
    var features: UnsafeMutablePointer<Double>
    var labels: UnsafeMutablePointer<Double>
    var concept: UnsafeMutablePointer<Int32>
    var bayes: UnsafeMutablePointer<Double>
}

extension DriftInjector {
    /// Draws the `n` events of tick `tick` from `generator` into `rows`, in a tick prepared by
    /// ``prepare(from:through:_:baseShares:regionShares:into:rng:)``. Per event at `t = tick + i/n`:
    /// the drifts that vary within the tick are evaluated, the event is drawn (and drawn again
    /// while thinning rejects it, at most 1000 times), its label flipped and its inputs faulted
    /// (``finish(_:label:noise:at:_:rng:)``); its concept and the Bayes ceiling under its label
    /// noise are recorded.
    /// - Complexity: O(n × (dimension + drifts)); no allocation.
    func draw<G: StreamGenerator>(_ generator: G, tick: Int, count n: Int, into rows: EventRows, drifts: TickDrifts,
                                  baseShares: [Double], regionShares: [Double], state: inout EventDrifts, rng: RandomStream) {
        let d = dimension, k = classCount
        let bayesAccuracy = generator.bayesAccuracy
        @inline(__always) func ceiling(_ eta: Double) -> Double {
            if k == 2 { return bayesAccuracy * (1 - eta) + (1 - bayesAccuracy) * eta }
            if k > 2 { return bayesAccuracy * (1 - eta) + (1 - bayesAccuracy) * eta / Double(k - 1) }
            return .nan
        }
        let fixedCeiling = drifts.noiseVaries ? 0 : ceiling(state.noise)
        for i in 0..<n {
            let t = Double(tick) + Double(i) / Double(n)
            evaluate(at: t, drifts, baseShares: baseShares, regionShares: regionShares, into: &state, rng: rng)
            let x = UnsafeMutableBufferPointer(start: rows.features + i * d, count: d)
            var y = generator.draw(into: x, concept: state.concept, covariates: state.covariates, rng: rng)
            if state.thins {
                for _ in 0..<1000 {
                    let accept = acceptance(x, label: y, drifts: state, classShares: baseShares, regionShares: regionShares)
                    if rng.uniform() < accept { break }
                    y = generator.draw(into: x, concept: state.concept, covariates: state.covariates, rng: rng)
                }
            }
            rows.labels[i] = finish(x, label: y, noise: state.noise, at: t, drifts, rng: rng)
            let concept = state.concept
            rows.concept[i] = Int32(concept.blend > 0 && concept.blend >= 0.5 ? concept.toward : concept.concept)
            rows.bayes[i] = drifts.noiseVaries ? ceiling(state.noise) : fixedCeiling
        }
    }
}

/// Generators whose tick loop is compiled for their own type (each catalogued generator declares
/// it beside its ``CataloguedGenerator`` conformance). Through this
/// protocol's requirement, ``SyntheticTicks`` makes one dynamic call per tick into a copy of
/// ``DriftInjector/draw(_:tick:count:into:drifts:baseShares:regionShares:state:rng:)`` specialised
/// for the generator, with its `draw` inlined, instead of one call through `any StreamGenerator`
/// per event. Other generators run the generic loop, which draws the same events.
protocol TickDrawing: StreamGenerator {
    func drawTick(_ injector: DriftInjector, tick: Int, count n: Int, into rows: EventRows, drifts: TickDrifts,
                  baseShares: [Double], regionShares: [Double], state: inout EventDrifts, rng: RandomStream)
}

extension TickDrawing {
    func drawTick(_ injector: DriftInjector, tick: Int, count n: Int, into rows: EventRows, drifts: TickDrifts,
                  baseShares: [Double], regionShares: [Double], state: inout EventDrifts, rng: RandomStream) {
        injector.draw(self, tick: tick, count: n, into: rows, drifts: drifts, baseShares: baseShares, regionShares: regionShares,
                      state: &state, rng: rng)
    }
}
