import Testing
import FlywheelCore
@testable import Streams

/// A drift's intensity is evaluated once per tick where it cannot change within the tick
/// (`DriftSchedule.constantIntensity(from:through:)`): wherever that gives a value, the per-event
/// intensity must be that value, bit for bit, at every event time of the tick.
@Suite struct TickIntensityTests {
    /// Schedules of every kind, with switch points inside ticks, on tick boundaries, and
    /// parameters that saturate (narrow sigmoids), never act (NaN, zero widths and periods) or
    /// pulse briefly.
    static let schedules: [DriftSchedule] = [
        .instantaneous(at: 3), .instantaneous(at: 3.37), .instantaneous(at: .nan),
        .gradual(center: 5, width: 0.3, linear: false), .gradual(center: 5, width: 4, linear: false),
        .gradual(center: 5, width: 0.001, linear: false), .gradual(center: 5, width: 0, linear: false),
        .gradual(center: 4.5, width: 3, linear: true), .gradual(center: 4, width: 0, linear: true),
        .incremental(start: 2.5, end: 7.25), .incremental(start: 3, end: 3), .incremental(start: 6, end: 2),
        .periodic(period: 4, phase: 0.5, square: true, duty: 0.3, start: 1), .periodic(period: 0.7, phase: 0, square: true, duty: 0.5, start: 0),
        .periodic(period: 3, phase: 0, square: false, duty: 0.5, start: 2), .periodic(period: 0, phase: 0, square: false, duty: 0.5, start: 1),
        .periodic(period: 9.5, phase: 0.25, square: true, duty: 0.9, start: 0),
        .temporary(start: 2.2, duration: 4, ramp: 1), .temporary(start: 3, duration: 3, ramp: 0), .temporary(start: 3.5, duration: 0.2, ramp: 0),
        .temporary(start: 1, duration: 9, ramp: 0.5),
    ]

    @Test(arguments: schedules)
    func aConstantIntensityHoldsAtEveryEventOfTheTick(schedule: DriftSchedule) {
        for n in [1, 2, 7, 1000, 2048] {
            for tick in 0..<12 {
                let first = Double(tick) + Double(0) / Double(n), last = Double(tick) + Double(n - 1) / Double(n)
                guard let c = schedule.constantIntensity(from: first, through: last) else { continue }
                for i in 0..<n {
                    let p = schedule.intensity(at: Double(tick) + Double(i) / Double(n))
                    #expect(p.bitPattern == c.bitPattern, "\(schedule) tick \(tick) event \(i) of \(n): \(p) vs constant \(c)")
                }
            }
        }
    }

    /// The ticks found constant are the ones expected from the schedules' definitions.
    @Test func constantTicksAreFoundWhereTheScheduleIsFlat() {
        func constant(_ s: DriftSchedule, _ tick: Int, n: Int = 1000) -> Double? {
            s.constantIntensity(from: Double(tick), through: Double(tick) + Double(n - 1) / Double(n))
        }
        #expect(constant(.instantaneous(at: 3.37), 2) == 0 && constant(.instantaneous(at: 3.37), 3) == nil)
        #expect(constant(.instantaneous(at: 3), 3) == 1)
        // exp(-4 · 3 / 0.3) = exp(-40): from 3 widths·10 past the centre the sigmoid is exactly 1.
        #expect(constant(.gradual(center: 5, width: 0.3, linear: false), 8) == 1)
        #expect(constant(.gradual(center: 5, width: 0.3, linear: false), 7) == nil)
        #expect(constant(.gradual(center: 5, width: 4, linear: false), 0) == nil)   // never saturated within 12 ticks
        #expect(constant(.gradual(center: 5, width: 0.001, linear: false), 3) == 0)
        #expect(constant(.gradual(center: 5, width: 0.001, linear: false), 4) == nil)
        #expect(constant(.gradual(center: 5, width: 0.001, linear: false), 5) == nil)   // its first event is at the centre
        #expect(constant(.gradual(center: 5, width: 0.001, linear: false), 6) == 1)
        #expect(constant(.periodic(period: 3, phase: 0, square: false, duty: 0.5, start: 2), 1) == 0)
        #expect(constant(.periodic(period: 3, phase: 0, square: false, duty: 0.5, start: 2), 5) == nil)
        #expect(constant(.periodic(period: 9.5, phase: 0.25, square: true, duty: 0.9, start: 0), 2) == 1)
        #expect(constant(.temporary(start: 1, duration: 9, ramp: 0.5), 5) == 1)
        #expect(constant(.temporary(start: 1, duration: 9, ramp: 0.5), 1) == nil)
        #expect(constant(.temporary(start: 1, duration: 9, ramp: 0.5), 10) == 0)
    }

    /// A generator outside the catalog runs the generic tick loop (one `draw` call through the
    /// existential per event): the same traffic as the loop compiled for the catalog generator it wraps.
    @Test(arguments: 0..<TrafficDigestTests.generators.count)
    func aGeneratorOutsideTheCatalogDrawsTheSameTraffic(index: Int) throws {
        let (name, parameters) = TrafficDigestTests.generators[index]
        let g = try GeneratorCatalog.make(name, parameters: parameters, seed: 42)
        let wrapped = Wrapped(base: g)
        #expect(!(wrapped is any TickDrawing) && g is any TickDrawing)
        for c in TrafficDigestTests.cases(g) where c.0 == "everything" || c.0 == "subpopulation" {
            func digest(_ generator: any StreamGenerator) -> UInt64 {
                let traffic = SyntheticTraffic(generator: generator, baseConcept: c.0 == "everything" ? 1 : 0, noise: c.2, drifts: c.1,
                                               ticks: TrafficDigestTests.ticks, volume: TrafficDigestTests.volume)
                return TrafficDigestTests.digest(traffic.generate(rng: RandomStream(seed: 7, path: c.0)))
            }
            #expect(digest(wrapped) == digest(g), "\(name) \(c.0)")
        }
    }

    struct Wrapped: StreamGenerator {
        let base: any StreamGenerator
        var schema: FeatureSchema { base.schema }
        var conceptCount: Int { base.conceptCount }
        var bayesAccuracy: Double { base.bayesAccuracy }
        func draw(into x: UnsafeMutableBufferPointer<Double>, concept: ConceptState, covariates: CovariateState, rng: RandomStream) -> Double {
            base.draw(into: x, concept: concept, covariates: covariates, rng: rng)
        }
    }
}
