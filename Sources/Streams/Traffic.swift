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
        return max(1, Int(v.rounded()))
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
    public func groundTruth() -> [DriftTruth] {
        let horizon = Double(ticks)
        return drifts.enumerated().compactMap { i, d in
            let e = d.schedule.extent(horizon: horizon)
            guard e.start < horizon else { return nil }   // starts after the run ends: never happens
            return DriftTruth(id: i, type: d.schedule.typeName, target: d.target.name, start: e.start, end: e.end,
                              peak: d.amplitude * d.schedule.peak(horizon: horizon), changePoint: e.changePoint,
                              detail: d.name)
        }
    }

    /// Generates one replicate's traffic: a batch per tick, built once and shared read-only.
    ///
    /// Per event at time `t = tick + i/n`: the concept is chosen by composing the concept drifts
    /// in order (each draws `u` and switches to its concept when `u ≤ I(t)`), inputs are drawn and
    /// transformed by the covariate drifts, the prior drifts accept or redraw the event, label noise
    /// flips the label, and quality faults corrupt the served inputs last.
    /// - Complexity: O(events × drifts); no allocation per event.
    public func generate(rng: RandomStream) -> [EventBatch] {
        let d = generator.schema.dimension
        let k = generator.schema.classes.count
        let baseShares = k > 0 ? pilotShares(rng: RandomStream(seed: 0x5eed)) : []
        var covariates = CovariateState(dimension: d)
        let hasCovariates = drifts.contains { if case .covariates = $0.target { return true }; return false }
        var batches: [EventBatch] = []
        batches.reserveCapacity(ticks)
        var x = [Double](repeating: 0, count: d)
        for tick in 0..<ticks {
            let n = volume.volume(atTick: tick)
            var batch = EventBatch(dimension: d, capacity: n)
            x.withUnsafeMutableBufferPointer { xb in
                for i in 0..<n {
                    let t = Double(tick) + Double(i) / Double(n)
                    var concept = ConceptState(concept: baseConcept)
                    var eta = noise
                    var priorClass = -1, priorShare = 0.0
                    if hasCovariates {
                        for j in 0..<d { covariates.shift[j] = 0; covariates.scale[j] = 1 }
                        covariates.isIdentity = true
                    }
                    for drift in drifts {
                        let p = drift.intensity(at: t)
                        switch drift.target {
                        case .concept(let to):
                            if case .incremental = drift.schedule {
                                if p >= 1 { concept = ConceptState(concept: to) }
                                else if p > 0 { concept = ConceptState(concept: concept.concept, toward: to, blend: p) }
                            } else if p > 0, drawsNewWorld(u: rng.uniform(), intensity: p) {
                                concept = ConceptState(concept: to)
                            }
                        case .covariates(let f, let shift, let scale):
                            if p > 0 {
                                covariates.scale[f] *= 1 + (scale - 1) * p
                                covariates.shift[f] = covariates.shift[f] * (1 + (scale - 1) * p) + shift * p
                                covariates.isIdentity = false
                            }
                        case .prior(let c, let share):
                            if p > 0, c < k { priorClass = c; priorShare = baseShares[c] + p * (share - baseShares[c]) }
                        case .labelNoise(let rate):
                            eta += rate * p
                        case .quality:
                            break
                        }
                    }
                    var y = generator.draw(into: xb, concept: concept, covariates: covariates, rng: rng)
                    if priorClass >= 0 {
                        let b = baseShares[priorClass], s = min(max(priorShare, 1e-6), 1 - 1e-6)
                        for _ in 0..<1000 {
                            let isC = Int(y) == priorClass
                            let accept: Double
                            if s >= b { accept = isC ? 1 : b * (1 - s) / (s * (1 - b)) }
                            else { accept = isC ? s * (1 - b) / (b * (1 - s)) : 1 }
                            if rng.uniform() < accept { break }
                            y = generator.draw(into: xb, concept: concept, covariates: covariates, rng: rng)
                        }
                    }
                    eta = min(max(eta, 0), 1)
                    if k > 0 {
                        if eta > 0, rng.uniform() < eta {
                            y = k == 2 ? 1 - y : Double((Int(y) + 1 + rng.int(below: k - 1)) % k)
                        }
                    } else if eta > 0 {
                        y += eta * rng.gaussian()
                    }
                    for drift in drifts {
                        guard case .quality(let f, let fault) = drift.target else { continue }
                        let p = drift.intensity(at: t)
                        guard p > 0 else { continue }
                        switch fault {
                        case .missing(let rate): if rng.uniform() < rate * p { xb[f] = .nan }
                        case .multiply(let factor): if rng.uniform() < p { xb[f] *= factor }
                        case .stuck(let value): if rng.uniform() < p { xb[f] = value }
                        case .dropped: if rng.uniform() < p { xb[f] = .nan }
                        }
                    }
                    batch.features.append(contentsOf: xb)
                    batch.labels.append(y)
                    batch.concept.append(Int32(concept.blend > 0 && concept.blend >= 0.5 ? concept.toward : concept.concept))
                    batch.slice.append(-1)
                    let bayes = generator.bayesAccuracy
                    if k == 2 { batch.bayes.append(bayes * (1 - eta) + (1 - bayes) * eta) }
                    else if k > 2 { batch.bayes.append(bayes * (1 - eta) + (1 - bayes) * eta / Double(k - 1)) }
                    else { batch.bayes.append(.nan) }
                }
            }
            batches.append(batch)
        }
        return batches
    }

    /// Class shares of the base concept, estimated from 20,000 draws of a fixed pilot stream.
    private func pilotShares(rng: RandomStream) -> [Double] {
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
