import Foundation
import FlywheelCore

/// The drifts in force on one event, evaluated at the event's time by ``DriftInjector/evaluate(at:baseShares:regionShares:into:rng:)``.
public struct EventDrifts: Sendable {
    /// Which concept labels the event (synthetic streams only; replayed data keeps its labels).
    public var concept: ConceptState
    /// The covariate transform `x_j ← x_j·scale_j + shift_j` in force.
    public var covariates: CovariateState
    /// The label-flip probability η in [0, 1]: the stream's base noise plus `rate·I` of every label-noise drift.
    public var noise: Double
    /// The class a prior drift acts on, or -1 when none is in force.
    public var priorClass: Int
    /// The share of ``priorClass`` wanted at this moment: `b + I·(share − b)` for base share `b`.
    public var priorShare: Double
    /// For each subpopulation drift (in scenario order, see ``DriftInjector/regions``), the share
    /// of traffic wanted in its region at this moment, `b + I·(goal − b)`; -1 when it is not in force.
    public var regionShare: [Double]
    /// Whether a prior or subpopulation drift thins events at this moment
    /// (see ``DriftInjector/acceptance(_:label:drifts:classShares:regionShares:)``).
    public var thins: Bool

    public init(dimension: Int, concept: Int = 0, regions: Int = 0) {
        self.concept = ConceptState(concept: concept)
        covariates = CovariateState(dimension: dimension)
        noise = 0
        priorClass = -1
        priorShare = 0
        regionShare = Array(repeating: -1, count: regions)
        thins = false
    }
}

/// Applies a list of injected drifts to events, one event at a time: the per-event
/// transformation shared by synthetic streams (``SyntheticTraffic``) and replayed data.
///
/// For an event at time `t` (in ticks; event `i` of `n` in tick `k` is at `k + i/n`):
/// 1. ``evaluate(at:baseShares:into:rng:)`` computes every drift's intensity `I = amplitude · schedule(t)`
///    and composes them in scenario order: concept drifts pick the labelling concept (each draws
///    `u` and switches when `u ≤ I`, River's rule; an incremental one blends the parameters),
///    covariate drifts compose `x_j ← x_j·(1 + (scale − 1)·I) + shift·I`, a prior drift sets the
///    wanted class share, a subpopulation drift the wanted share of its region, label-noise drifts
///    add `rate·I` to the base noise.
/// 2. The caller produces the clean event: a generator draws it under the concept and covariate
///    transform; a replay applies the covariate transform to the real inputs. Prior and
///    subpopulation drifts are realised by thinning: the event is kept with probability
///    ``acceptance(_:label:drifts:classShares:regionShares:)`` (a generator draws again until one
///    is kept; a replay drops the row).
/// 3. ``finish(_:label:drifts:at:rng:)`` flips the label with probability η (to another class
///    uniformly; a regression target gets `η·N(0, 1)` added) and then applies the quality faults to
///    the served inputs (the label stays the one of the clean input).
///
/// Random draws happen in a fixed order (concept draws in drift order, then the caller's, then
/// the noise draw, then one draw per active quality fault), so a seeded run is reproducible.
public struct DriftInjector: Sendable {
    public let drifts: [Drift]
    public let dimension: Int
    /// Number of classes (0 for regression).
    public let classCount: Int
    /// Concept in force before any concept drift.
    public let baseConcept: Int
    /// Label noise present throughout.
    public let baseNoise: Double
    public let hasCovariates: Bool
    public let hasPrior: Bool
    /// The regions of the subpopulation drifts, in scenario order.
    public let regions: [Region]
    /// The drifts as plain values, grouped by what they change (concept, covariates, thinning,
    /// label noise, quality; scenario order within each group): the per-event loops read these
    /// instead of copying each `Drift` (its name and region) out of ``drifts``.
    let steps: [Step]
    let conceptSteps: Range<Int>, covariateSteps: Range<Int>, thinningSteps: Range<Int>, noiseSteps: Range<Int>,
        qualitySteps: Range<Int>

    public init(drifts: [Drift], dimension: Int, classCount: Int, baseConcept: Int = 0, baseNoise: Double = 0) {
        self.drifts = drifts
        self.dimension = dimension
        self.classCount = classCount
        self.baseConcept = baseConcept
        self.baseNoise = baseNoise
        hasCovariates = drifts.contains {
            switch $0.target {
            case .covariates, .rotation: return true
            case .concept, .subpopulation, .prior, .labelNoise, .quality: return false
            }
        }
        hasPrior = drifts.contains { if case .prior = $0.target { return true }; return false }
        regions = drifts.compactMap { if case .subpopulation(let r, _) = $0.target { return r }; return nil }
        var groups: [[Step]] = Array(repeating: [], count: 5)
        var region = 0
        for d in drifts {
            let (group, action): (Int, Step.Action)
            switch d.target {
            case .concept(let to):
                if case .incremental = d.schedule { (group, action) = (0, .concept(to: to, blends: true)) }
                else { (group, action) = (0, .concept(to: to, blends: false)) }
            case .covariates(let f, let shift, let scale): (group, action) = (1, .covariates(feature: f, shift: shift, scale: scale))
            case .rotation(let a, let b, let degrees, let ca, let cb):
                (group, action) = (1, .rotation(a: a, b: b, degrees: degrees, centerA: ca, centerB: cb))
            case .subpopulation(_, let goal): (group, action) = (2, .subpopulation(region: region, goal: goal)); region += 1
            case .prior(let c, let share): (group, action) = (2, .prior(classIndex: c, share: share))
            case .labelNoise(let rate): (group, action) = (3, .labelNoise(rate: rate))
            case .quality(let f, let fault): (group, action) = (4, .quality(feature: f, fault: fault))
            }
            groups[group].append(Step(schedule: d.schedule, amplitude: d.amplitude, action: action))
        }
        steps = groups.flatMap { $0 }
        var bounds = [0]
        for g in groups { bounds.append(bounds[bounds.count - 1] + g.count) }
        conceptSteps = bounds[0]..<bounds[1]
        covariateSteps = bounds[1]..<bounds[2]
        thinningSteps = bounds[2]..<bounds[3]
        noiseSteps = bounds[3]..<bounds[4]
        qualitySteps = bounds[4]..<bounds[5]
    }

    /// One drift reduced to what the per-event loops need: its schedule, amplitude and action.
    struct Step: Sendable {
        enum Action: Sendable {
            /// `blends`: an incremental schedule, which moves the parameters instead of drawing the concept.
            case concept(to: Int, blends: Bool)
            case covariates(feature: Int, shift: Double, scale: Double)
            case rotation(a: Int, b: Int, degrees: Double, centerA: Double, centerB: Double)
            /// `region`: the index in ``DriftInjector/regions``.
            case subpopulation(region: Int, goal: SubpopulationGoal)
            case prior(classIndex: Int, share: Double)
            case labelNoise(rate: Double)
            case quality(feature: Int, fault: QualityFault)
        }
        var schedule: DriftSchedule
        var amplitude: Double
        var action: Action

        /// ``Drift/intensity(at:)``, the same operations.
        @inline(__always) func intensity(at t: Double) -> Double { amplitude * schedule.intensity(at: t) }
    }

    /// A state to reuse across events (its covariate arrays are allocated once).
    public func makeState() -> EventDrifts { EventDrifts(dimension: dimension, concept: baseConcept, regions: regions.count) }

    /// Evaluates every drift at time `t` into `s`. `baseShares[c]` is the share of class `c` a
    /// prior drift moves away from, `regionShares[r]` the share of ``regions``[r] a subpopulation
    /// drift moves away from (unused without them). A thinning drift whose base share is 0 or 1
    /// is not in force: thinning cannot create what is absent nor remove what is everything.
    ///
    /// - Complexity: O(drifts + dimension when a covariate drift exists); no allocation.
    @inline(__always)
    public func evaluate(at t: Double, baseShares: [Double], regionShares: [Double] = [], into s: inout EventDrifts, rng: RandomStream) {
        let none = TickDrifts()
        evaluateConcept(at: t, none, into: &s, rng: rng)
        evaluateCovariates(at: t, none, into: &s)
        evaluateThinning(at: t, none, baseShares: baseShares, regionShares: regionShares, into: &s)
        evaluateNoise(at: t, none, into: &s)
    }

    /// The intensity of step `i` at `t`: the tick's constant when it has one, else the schedule's value at `t`.
    @inline(__always) func intensity(_ i: Int, at t: Double, _ tick: TickDrifts) -> Double {
        if i < tick.fixed.count {
            let p = tick.fixed[i]
            if !p.isNaN { return p }
        }
        return steps[i].intensity(at: t)
    }

    /// The concept drifts, composed in order: each draws `u` and switches when `u ≤ I` (an
    /// incremental one blends the parameters instead, and draws nothing).
    @inline(__always)
    func evaluateConcept(at t: Double, _ tick: TickDrifts, into s: inout EventDrifts, rng: RandomStream) {
        s.concept = ConceptState(concept: baseConcept)
        for i in conceptSteps {
            guard case .concept(let to, let blends) = steps[i].action else { continue }
            let p = intensity(i, at: t, tick)
            if blends {
                if p >= 1 { s.concept = ConceptState(concept: to) }
                else if p > 0 { s.concept = ConceptState(concept: s.concept.concept, toward: to, blend: p) }
            } else if p > 0, drawsNewWorld(u: rng.uniform(), intensity: p) {
                s.concept = ConceptState(concept: to)
            }
        }
    }

    /// The covariate transform: shifts and scales composed in order, then the rotations in order.
    @inline(__always)
    func evaluateCovariates(at t: Double, _ tick: TickDrifts, into s: inout EventDrifts) {
        guard hasCovariates else { return }
        for j in 0..<dimension { s.covariates.shift[j] = 0; s.covariates.scale[j] = 1 }
        s.covariates.rotations.removeAll(keepingCapacity: true)
        s.covariates.isIdentity = true
        for i in covariateSteps {
            let p = intensity(i, at: t, tick)
            switch steps[i].action {
            case .covariates(let f, let shift, let scale):
                if p > 0 {
                    s.covariates.scale[f] *= 1 + (scale - 1) * p
                    s.covariates.shift[f] = s.covariates.shift[f] * (1 + (scale - 1) * p) + shift * p
                    s.covariates.isIdentity = false
                }
            case .rotation(let a, let b, let degrees, let ca, let cb):
                if p > 0 {
                    let angle = degrees * p * Double.pi / 180
                    s.covariates.rotations.append(CovariateState.PlaneRotation(a: a, b: b, cos: Foundation.cos(angle), sin: Foundation.sin(angle),
                                                                               centerA: ca, centerB: cb))
                    s.covariates.isIdentity = false
                }
            case .concept, .subpopulation, .prior, .labelNoise, .quality: break
            }
        }
    }

    /// The wanted class share of the prior drift and region shares of the subpopulation drifts in force.
    @inline(__always)
    func evaluateThinning(at t: Double, _ tick: TickDrifts, baseShares: [Double], regionShares: [Double], into s: inout EventDrifts) {
        s.priorClass = -1
        s.priorShare = 0
        s.thins = false
        for i in thinningSteps {
            let p = intensity(i, at: t, tick)
            switch steps[i].action {
            case .subpopulation(let region, let goal):
                s.regionShare[region] = -1
                if p > 0, region < regionShares.count {
                    let b = regionShares[region]
                    if b > 0 && b < 1 {
                        s.regionShare[region] = b + p * (goal.target(base: b) - b)
                        s.thins = true
                    }
                }
            case .prior(let c, let share):
                if p > 0, c < classCount, c < baseShares.count, baseShares[c] > 0, baseShares[c] < 1 {
                    s.priorClass = c
                    s.priorShare = baseShares[c] + p * (share - baseShares[c])
                    s.thins = true
                }
            case .concept, .covariates, .rotation, .labelNoise, .quality: break
            }
        }
    }

    /// The label-flip probability: the base noise plus `rate·I` of each label-noise drift, in [0, 1].
    @inline(__always)
    func evaluateNoise(at t: Double, _ tick: TickDrifts, into s: inout EventDrifts) {
        var eta = baseNoise
        for i in noiseSteps {
            guard case .labelNoise(let rate) = steps[i].action else { continue }
            eta += rate * intensity(i, at: t, tick)
        }
        s.noise = min(max(eta, 0), 1)
    }

    /// Prepares the tick whose events happen at times `first` through `last`: records each drift's
    /// intensity where it is the same at every one of those times (``DriftSchedule/constantIntensity(from:through:)``),
    /// and evaluates into `s` once the parts of the state that then stay the same for the whole
    /// tick (the concept when no concept drift draws, the covariate transform, the thinning
    /// shares, the label noise). ``evaluate(at:_:baseShares:regionShares:into:rng:)`` then
    /// recomputes per event only the rest, with the same operations as ``evaluate(at:baseShares:regionShares:into:rng:)``.
    ///
    /// - Complexity: O(drifts + dimension); no allocation once `tick` has held as many drifts.
    func prepare(from first: Double, through last: Double, _ tick: inout TickDrifts, baseShares: [Double], regionShares: [Double],
                 into s: inout EventDrifts, rng: RandomStream) {
        tick.fixed.removeAll(keepingCapacity: true)
        for step in steps { tick.fixed.append(step.schedule.constantIntensity(from: first, through: last).map { step.amplitude * $0 } ?? .nan) }
        func constant(_ r: Range<Int>) -> Bool { r.allSatisfy { !tick.fixed[$0].isNaN } }
        // A constant concept drift still draws per event when its intensity is positive (unless it blends).
        tick.conceptVaries = !conceptSteps.allSatisfy { i in
            guard !tick.fixed[i].isNaN else { return false }
            if case .concept(_, let blends) = steps[i].action, !blends, tick.fixed[i] > 0 { return false }
            return true
        }
        tick.covariatesVary = !constant(covariateSteps)
        tick.thinningVaries = !constant(thinningSteps)
        tick.noiseVaries = !constant(noiseSteps)
        if !tick.conceptVaries { evaluateConcept(at: first, tick, into: &s, rng: rng) }
        if !tick.covariatesVary { evaluateCovariates(at: first, tick, into: &s) }
        if !tick.thinningVaries { evaluateThinning(at: first, tick, baseShares: baseShares, regionShares: regionShares, into: &s) }
        if !tick.noiseVaries { evaluateNoise(at: first, tick, into: &s) }
    }

    /// ``evaluate(at:baseShares:regionShares:into:rng:)`` within a tick prepared by
    /// ``prepare(from:through:_:baseShares:regionShares:into:rng:)``: only the parts that vary
    /// within the tick are recomputed, the constant intensities are read from `tick`.
    @inline(__always)
    func evaluate(at t: Double, _ tick: TickDrifts, baseShares: [Double], regionShares: [Double], into s: inout EventDrifts,
                  rng: RandomStream) {
        if tick.conceptVaries { evaluateConcept(at: t, tick, into: &s, rng: rng) }
        if tick.covariatesVary { evaluateCovariates(at: t, tick, into: &s) }
        if tick.thinningVaries { evaluateThinning(at: t, tick, baseShares: baseShares, regionShares: regionShares, into: &s) }
        if tick.noiseVaries { evaluateNoise(at: t, tick, into: &s) }
    }

    /// The probability of keeping an event under a prior drift, so that thinning a stream whose
    /// class `c` has share `base` leaves it with share `target` (both clamped to `[1e-6, 1 − 1e-6]`):
    /// events of class `c` are kept with probability `min(1, s(1 − b) / (b(1 − s)))`, the others
    /// with `min(1, b(1 − s) / (s(1 − b)))`. Then `P(y = c | kept) = s` and `P(x | y)` is unchanged.
    @inline(__always)
    public static func priorAcceptance(isClass: Bool, base: Double, target: Double) -> Double {
        let b = min(max(base, 1e-6), 1 - 1e-6), s = min(max(target, 1e-6), 1 - 1e-6)
        if s >= b { return isClass ? 1 : b * (1 - s) / (s * (1 - b)) }
        return isClass ? s * (1 - b) / (b * (1 - s)) : 1
    }

    /// The probability of keeping an event under the thinning drifts in force (1 when none is):
    /// the product of ``priorAcceptance(isClass:base:target:)`` for the prior drift (on the
    /// event's class) and for each subpopulation drift (on whether `x` lies in its region, with the
    /// region's base share). One thinning drift alone reaches its wanted share exactly, with
    /// `P(x | class)` or `P(x | in region)` and `P(x | outside)` unchanged; several together reach
    /// theirs exactly when their classes and regions are independent under the stream.
    ///
    /// - Complexity: O(regions × bounds); no allocation.
    @inline(__always)
    public func acceptance(_ x: UnsafeMutableBufferPointer<Double>, label y: Double, drifts s: EventDrifts,
                           classShares: [Double], regionShares: [Double]) -> Double {
        var a = 1.0
        if s.priorClass >= 0 {
            a = DriftInjector.priorAcceptance(isClass: Int(y) == s.priorClass, base: classShares[s.priorClass], target: s.priorShare)
        }
        for r in 0..<regions.count where s.regionShare[r] >= 0 {
            a *= DriftInjector.priorAcceptance(isClass: regions[r].contains(x), base: regionShares[r], target: s.regionShare[r])
        }
        return a
    }

    /// Flips the label with probability η and applies the quality faults to `x`, returning the
    /// (possibly flipped) label.
    ///
    /// - Complexity: O(drifts); no allocation.
    @inline(__always)
    public func finish(_ x: UnsafeMutableBufferPointer<Double>, label: Double, drifts s: EventDrifts, at t: Double,
                       rng: RandomStream) -> Double {
        finish(x, label: label, noise: s.noise, at: t, TickDrifts(), rng: rng)
    }

    /// ``finish(_:label:drifts:at:rng:)`` with label-flip probability `eta`, reading the quality
    /// faults' intensities from `tick` where they are constant over the tick.
    @inline(__always)
    func finish(_ x: UnsafeMutableBufferPointer<Double>, label: Double, noise eta: Double, at t: Double, _ tick: TickDrifts,
                rng: RandomStream) -> Double {
        var y = label
        let k = classCount
        if k > 0 {
            if eta > 0, rng.uniform() < eta {
                y = k == 2 ? 1 - y : Double((Int(y) + 1 + rng.int(below: k - 1)) % k)
            }
        } else if eta > 0 {
            y += eta * rng.gaussian()
        }
        for i in qualitySteps {
            guard case .quality(let f, let fault) = steps[i].action else { continue }
            let p = intensity(i, at: t, tick)
            guard p > 0 else { continue }
            switch fault {
            case .missing(let rate): if rng.uniform() < rate * p { x[f] = .nan }
            case .multiply(let factor): if rng.uniform() < p { x[f] *= factor }
            case .stuck(let value): if rng.uniform() < p { x[f] = value }
            case .dropped: if rng.uniform() < p { x[f] = .nan }
            }
        }
        return y
    }

    /// The ground truth of every drift that starts within `horizon` ticks, in scenario order;
    /// ids count from `firstID`. The detail is the drift's name; a subpopulation drift's also
    /// names its region and goal (`…; subpopulation x1 in [0, 3] to share 0.6`).
    public func groundTruth(horizon ticks: Int, firstID: Int = 0) -> [DriftTruth] {
        let horizon = Double(ticks)
        return drifts.enumerated().compactMap { i, d in
            let e = d.schedule.extent(horizon: horizon)
            guard e.start < horizon else { return nil }   // starts after the run ends: never happens
            var detail = d.name
            if case .subpopulation(let region, let goal) = d.target { detail += "; subpopulation \(region.name) to \(goal.description)" }
            return DriftTruth(id: firstID + i, type: d.schedule.typeName, target: d.target.name, start: e.start, end: e.end,
                              peak: d.amplitude * d.schedule.peak(horizon: horizon), changePoint: e.changePoint,
                              detail: detail, changePoints: d.schedule.changePoints(horizon: horizon))
        }
    }
}

/// The drifts over one tick's events (see ``DriftInjector/prepare(from:through:_:baseShares:regionShares:into:rng:)``).
struct TickDrifts {
    /// Each step's intensity when it is the same for every event of the tick, NaN when it varies.
    var fixed: [Double] = []
    /// Which parts of ``EventDrifts`` must be evaluated per event (all of them, with every
    /// intensity computed at the event's time, in a `TickDrifts()` that no tick prepared).
    var conceptVaries = true, covariatesVary = true, thinningVaries = true, noiseVaries = true
}
