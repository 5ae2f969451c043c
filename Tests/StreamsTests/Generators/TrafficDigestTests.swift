import Foundation
import Testing
import FlywheelCore
@testable import Streams

/// The generated traffic, bit for bit: every generator of the catalog (with its defaults, and a few
/// parametrisations that take other code paths: more than two classes, perturbed inputs, extra
/// inputs) under every drift target, each on schedules that switch inside a tick, at a tick
/// boundary, saturate, oscillate and revert, with ticks of varying volume.
///
/// The expected digests (`Golden/traffic-digests.txt`) were computed by the traffic generator as
/// it was before its per-tick optimisations (the per-event loop of ``DriftInjector``); any change
/// to a random draw, its order, or a floating-point operation changes them.
@Suite struct TrafficDigestTests {
    /// The generators digested: name, catalog parameters.
    static let generators: [(String, [String: Double])] = [
        ("sea", [:]), ("stagger", [:]), ("hyperplane", [:]), ("agrawal", [:]), ("rbf", [:]), ("sine", [:]), ("gaussian", [:]),
        ("friedman", [:]),
        ("gaussian", ["classes": 3]), ("rbf", ["classes": 4, "features": 3]), ("agrawal", ["perturbation": 0.05]),
        ("sine", ["irrelevant": 2]), ("friedman", ["noise_sd": 0]),
    ]

    static func label(_ name: String, _ parameters: [String: Double]) -> String {
        parameters.isEmpty ? name : name + "(" + parameters.keys.sorted().map { "\($0)=\(parameters[$0]!)" }.joined(separator: ",") + ")"
    }

    /// A region holding about half of the generator's traffic: feature 0 up to its mean over a fixed sample.
    static func region(_ g: any StreamGenerator) -> Region {
        let rng = RandomStream(seed: 1)
        var x = [Double](repeating: 0, count: g.schema.dimension), sum = 0.0
        let cov = CovariateState(dimension: g.schema.dimension)
        x.withUnsafeMutableBufferPointer { xb in
            for _ in 0..<1000 {
                _ = g.draw(into: xb, concept: ConceptState(concept: 0), covariates: cov, rng: rng)
                sum += xb[0]
            }
        }
        return Region(name: "x0 low", feature: 0, high: sum / 1000)
    }

    /// The drift cases: name, drifts, base label noise.
    static func cases(_ g: any StreamGenerator) -> [(String, [Drift], Double)] {
        let k = g.schema.classes.count
        let concept: [(String, Drift)] = [
            ("concept-instantaneous", Drift(name: "c", schedule: .instantaneous(at: 3.37), target: .concept(to: 1))),
            ("concept-at-boundary", Drift(name: "c", schedule: .instantaneous(at: 4), target: .concept(to: 1))),
            ("concept-sigmoid", Drift(name: "c", schedule: .gradual(center: 5, width: 0.3, linear: false), target: .concept(to: 1))),
            ("concept-linear", Drift(name: "c", schedule: .gradual(center: 4.5, width: 3, linear: true), target: .concept(to: 1))),
            ("concept-blend", Drift(name: "c", schedule: .incremental(start: 2.5, end: 7.25), target: .concept(to: 1))),
            ("concept-square", Drift(name: "c", schedule: .periodic(period: 4, phase: 0.5, square: true, duty: 0.3, start: 1),
                                     target: .concept(to: 1), amplitude: 0.7)),
            ("concept-sine-wave", Drift(name: "c", schedule: .periodic(period: 3, phase: 0, square: false, duty: 0.5, start: 2),
                                        target: .concept(to: 1))),
        ]
        let covariates: [(String, Drift)] = [
            ("covariates-shift", Drift(name: "s", schedule: .temporary(start: 2.2, duration: 4, ramp: 1),
                                       target: .covariates(feature: 0, shift: 0.5, scale: 1))),
            ("covariates-scale", Drift(name: "s", schedule: .instantaneous(at: 4), target: .covariates(feature: 1, shift: 0, scale: 1.5))),
            ("covariates-rotation", Drift(name: "r", schedule: .incremental(start: 1, end: 6),
                                          target: .rotation(a: 0, b: 1, degrees: 30, centerA: 0.5, centerB: 0.5))),
            ("prior", Drift(name: "p", schedule: .gradual(center: 5, width: 2, linear: false), target: .prior(classIndex: 1, share: 0.8))),
            ("prior-temporary", Drift(name: "p", schedule: .temporary(start: 3, duration: 5, ramp: 0), target: .prior(classIndex: 0, share: 0.2))),
            ("subpopulation", Drift(name: "u", schedule: .periodic(period: 5, phase: 0, square: false, duty: 0.5, start: 0),
                                    target: .subpopulation(region: region(g), goal: .factor(1.5)))),
            ("subpopulation-share", Drift(name: "u", schedule: .instantaneous(at: 6.5), target: .subpopulation(region: region(g), goal: .share(0.2)))),
            ("label-noise", Drift(name: "n", schedule: .temporary(start: 3, duration: 3, ramp: 0), target: .labelNoise(rate: 0.3))),
            ("quality-missing", Drift(name: "q", schedule: .instantaneous(at: 2), target: .quality(feature: 0, fault: .missing(rate: 0.5)))),
            ("quality-multiply", Drift(name: "q", schedule: .temporary(start: 3, duration: 3, ramp: 0.5),
                                       target: .quality(feature: 1, fault: .multiply(factor: 1000)))),
            ("quality-stuck", Drift(name: "q", schedule: .periodic(period: 2, phase: 0.25, square: true, duty: 0.5, start: 0),
                                    target: .quality(feature: 0, fault: .stuck(value: 7)))),
            ("quality-dropped", Drift(name: "q", schedule: .gradual(center: 6, width: 4, linear: true), target: .quality(feature: 1, fault: .dropped))),
        ]
        var out = (concept + covariates).map { ($0.0, [$0.1], 0.0) }
        out.append(("base-noise", [], 0.1))
        // Everything at once, on a base concept other than 0, with base noise: the composition order.
        var all = (concept + covariates).map(\.1)
        all.append(Drift(name: "back", schedule: .temporary(start: 5, duration: 2.5, ramp: 0), target: .concept(to: 0)))
        all.append(Drift(name: "more-noise", schedule: .incremental(start: 0, end: 12), target: .labelNoise(rate: 0.2)))
        out.append(("everything", all, 0.05))
        if k > 2 { out.append(("prior-class-2", [Drift(name: "p", schedule: .instantaneous(at: 2.5), target: .prior(classIndex: 2, share: 0.6))], 0.1)) }
        return out
    }

    /// FNV-style digest of the bit patterns of every field of every batch.
    static func digest(_ batches: [EventBatch]) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        @inline(__always) func mix(_ v: UInt64) { h = (h ^ v) &* 0x100_0000_01b3; h ^= h >> 29 }
        for b in batches {
            mix(UInt64(b.count)); mix(UInt64(b.dimension))
            for v in b.features { mix(v.bitPattern) }
            for v in b.labels { mix(v.bitPattern) }
            for v in b.concept { mix(UInt64(UInt32(bitPattern: v))) }
            for v in b.slice { mix(UInt64(UInt32(bitPattern: v))) }
            for v in b.bayes { mix(v.bitPattern) }
            mix(UInt64(b.offsets.count))
            for v in b.offsets { mix(v.bitPattern) }
        }
        return h
    }

    static let volume = VolumeProfile(base: 233, amplitude: 0.35, period: 5, spikes: [7], spikeFactor: 3)
    static let ticks = 12

    /// Every case's line of the golden file: `generator case events digest`.
    static func lines(_ name: String, _ parameters: [String: Double]) throws -> [String] {
        let g = try GeneratorCatalog.make(name, parameters: parameters, seed: 42)
        return cases(g).map { c in
            let traffic = SyntheticTraffic(generator: g, baseConcept: c.0 == "everything" ? 1 : 0, noise: c.2, drifts: c.1,
                                           ticks: ticks, volume: volume)
            let batches = traffic.generate(rng: RandomStream(seed: 7, path: c.0))
            let events = batches.reduce(0) { $0 + $1.count }
            return "\(label(name, parameters)) \(c.0) \(events) \(String(digest(batches), radix: 16))"
        }
    }

    static let golden: [String: String] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Golden/traffic-digests.txt")
        let text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
        var out: [String: String] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let f = line.split(separator: " ")
            if f.count == 4 { out[String(f[0]) + " " + String(f[1])] = String(line) }
        }
        return out
    }()

    @Test(arguments: 0..<generators.count)
    func generatedTrafficMatchesItsDigests(index: Int) throws {
        let (name, parameters) = Self.generators[index]
        let lines = try Self.lines(name, parameters)
        #expect(lines.count >= 21)
        for line in lines {
            let f = line.split(separator: " ")
            let key = String(f[0]) + " " + String(f[1])
            #expect(Self.golden[key] == line, "expected \(Self.golden[key] ?? "a golden line"), generated: \(line)")
        }
    }

    /// The golden file holds exactly the cases generated (no stale line passes unchecked).
    @Test func goldenFileListsEveryCase() throws {
        var keys = Set<String>()
        for (name, parameters) in Self.generators {
            let g = try GeneratorCatalog.make(name, parameters: parameters, seed: 42)
            for c in Self.cases(g) { keys.insert(Self.label(name, parameters) + " " + c.0) }
        }
        #expect(Set(Self.golden.keys) == keys)
    }

    /// The engine's tick loop against the per-event interface replays use (``DriftInjector``'s
    /// `evaluate`, `acceptance` and `finish` around each `draw`, as the loop was first written):
    /// the same events, bit for bit, on the richest case of every generator.
    @Test(arguments: 0..<generators.count)
    func tickLoopEqualsThePerEventInterface(index: Int) throws {
        let (name, parameters) = Self.generators[index]
        let g = try GeneratorCatalog.make(name, parameters: parameters, seed: 42)
        for c in Self.cases(g) where c.0 == "everything" || c.0.hasPrefix("prior") || c.0.hasPrefix("subpopulation") {
            let traffic = SyntheticTraffic(generator: g, baseConcept: c.0 == "everything" ? 1 : 0, noise: c.2, drifts: c.1,
                                           ticks: Self.ticks, volume: Self.volume)
            let fast = traffic.generate(rng: RandomStream(seed: 7, path: c.0))
            let slow = Self.perEvent(traffic, rng: RandomStream(seed: 7, path: c.0))
            #expect(Self.digest(fast) == Self.digest(slow), "\(Self.label(name, parameters)) \(c.0)")
        }
    }

    /// The traffic generated one event at a time through the injector's public per-event interface.
    static func perEvent(_ traffic: SyntheticTraffic, rng: RandomStream) -> [EventBatch] {
        let g = traffic.generator, d = g.schema.dimension, k = g.schema.classes.count
        let injector = traffic.injector
        var baseShares: [Double] = []
        if k > 0 {   // the class pilot: 20,000 draws of the base concept from a fixed stream
            let pilot = RandomStream(seed: 0x5eed)
            var counts = [Double](repeating: 0, count: k), x = [Double](repeating: 0, count: d)
            x.withUnsafeMutableBufferPointer { xb in
                for _ in 0..<20_000 {
                    let y = Int(g.draw(into: xb, concept: ConceptState(concept: traffic.baseConcept), covariates: CovariateState(dimension: d), rng: pilot))
                    if y >= 0 && y < k { counts[y] += 1 }
                }
            }
            baseShares = counts.map { max($0 / 20_000, 1e-4) }
        }
        let regionShares = injector.regions.isEmpty ? [] : traffic.regionShares()
        var state = injector.makeState()
        var x = [Double](repeating: 0, count: d)
        var out: [EventBatch] = []
        for tick in 0..<traffic.ticks {
            let n = traffic.volume.volume(atTick: tick)
            var batch = EventBatch(dimension: d, capacity: n)
            x.withUnsafeMutableBufferPointer { xb in
                for i in 0..<n {
                    let t = Double(tick) + Double(i) / Double(n)
                    injector.evaluate(at: t, baseShares: baseShares, regionShares: regionShares, into: &state, rng: rng)
                    var y = g.draw(into: xb, concept: state.concept, covariates: state.covariates, rng: rng)
                    if state.thins {
                        for _ in 0..<1000 {
                            if rng.uniform() < injector.acceptance(xb, label: y, drifts: state, classShares: baseShares, regionShares: regionShares) { break }
                            y = g.draw(into: xb, concept: state.concept, covariates: state.covariates, rng: rng)
                        }
                    }
                    y = injector.finish(xb, label: y, drifts: state, at: t, rng: rng)
                    batch.features.append(contentsOf: xb)
                    batch.labels.append(y)
                    batch.concept.append(Int32(state.concept.blend >= 0.5 ? state.concept.toward : state.concept.concept))
                    batch.slice.append(-1)
                    let b = g.bayesAccuracy, eta = state.noise
                    batch.bayes.append(k == 2 ? b * (1 - eta) + (1 - b) * eta : k > 2 ? b * (1 - eta) + (1 - b) * eta / Double(k - 1) : .nan)
                }
            }
            out.append(batch)
        }
        return out
    }
}
