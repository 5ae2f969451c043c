import Testing
import FlywheelCore
@testable import Streams

@Suite struct AgrawalTests {
    // salary, commission, age, elevel, car, zipcode, hvalue, hyears, loan
    static let a: [Double] = [60_000, 30_000, 30, 1, 3, 2, 500_000, 25, 150_000]
    static let b: [Double] = [110_000, 0, 50, 4, 0, 8, 100_000, 5, 450_000]
    static let c: [Double] = [30_000, 20_000, 70, 0, 19, 0, 1_200_000, 30, 350_000]
    static let d: [Double] = [120_000, 0, 30, 2, 5, 4, 400_000, 10, 250_000]

    /// Classes worked out by hand from the paper's functions F1–F10 (0 = group A).
    @Test(arguments: [
        (AgrawalTests.a, [0.0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
        (AgrawalTests.b, [1.0, 0, 1, 0, 1, 0, 1, 0, 1, 0]),
        (AgrawalTests.c, [0.0, 0, 1, 0, 0, 0, 1, 0, 1, 0]),
        // age < 40, salary outside 50k–100k: F2 B; elevel 2: F3 B, F4 salary in 50k–100k? no → B;
        // F5 loan in 200k–400k → A; F6 120k → B; F7 80000 − 50000 − 20000 > 0 → A;
        // F8 80000 − 10000 − 20000 > 0 → A; F9 80000 − 10000 − 50000 − 10000 > 0 → A; F10 A.
        (AgrawalTests.d, [0.0, 1, 1, 1, 0, 1, 0, 0, 0, 0]),
    ])
    func labelsHandComputedApplicants(x: [Double], expected: [Double]) {
        for f in 0..<10 {
            #expect(Gen.withPoint(x) { AgrawalGenerator.label($0, function: f) } == expected[f], "function F\(f + 1)")
        }
    }

    /// P(group A): F1 41 of the 61 ages; F2 a 50k window of the 130k salary range in every age
    /// band; F3 2/5 of the levels under 40 (20 ages), 3/5 otherwise (41 ages).
    static let groupAShares: [(Int, Double)] = [(0, 41.0 / 61), (1, 5.0 / 13), (2, (20.0 * 0.4 + 41.0 * 0.6) / 61.0)]

    @Test(arguments: AgrawalTests.groupAShares)
    func classBalanceMatchesClosedForm(function: Int, groupA: Double) throws {
        let s = Gen.sample(try AgrawalGenerator(), count: 40_000, state: ConceptState(concept: function))
        #expect(Gen.withinBinomial(Gen.fraction(s.y, equalTo: 0), groupA, n: s.count))
    }

    @Test func attributesFollowThePaperDistributions() throws {
        let s = Gen.sample(try AgrawalGenerator(), count: 20_000)
        var zipcodes = Set<Double>(), cars = Set<Double>(), levels = Set<Double>()
        for i in 0..<s.count {
            let x = Array(s.row(i))
            #expect(x[0] >= 20_000 && x[0] < 150_000)
            if x[0] >= 75_000 { #expect(x[1] == 0) } else { #expect(x[1] >= 10_000 && x[1] < 75_000) }
            #expect(x[2] >= 20 && x[2] <= 80 && x[2] == x[2].rounded())
            let k = 9 - x[5]
            #expect(x[6] >= k * 50_000 && x[6] < k * 150_000)
            #expect(x[7] >= 1 && x[7] <= 30 && x[7] == x[7].rounded())
            #expect(x[8] >= 0 && x[8] < 500_000)
            zipcodes.insert(x[5]); cars.insert(x[4]); levels.insert(x[3])
        }
        #expect(zipcodes == Set((0...8).map(Double.init)))
        #expect(cars == Set((0...19).map(Double.init)))
        #expect(levels == Set((0...4).map(Double.init)))
    }

    @Test func drawnLabelsFollowTheFunctionsAndConceptsDiffer() throws {
        let g = try AgrawalGenerator()
        let samples = (0..<10).map { Gen.sample(g, count: 4_000, state: ConceptState(concept: $0), seed: 21) }
        for f in 0..<10 {
            for i in 0..<samples[f].count {
                #expect(samples[f].y[i] == Gen.withPoint(Array(samples[f].row(i))) { AgrawalGenerator.label($0, function: f) })
            }
        }
        // The closest pair, F8 and F10, disagrees on about 1.7% of applicants.
        for p in 0..<10 { for q in (p + 1)..<10 { #expect(Gen.disagreement(samples[p].y, samples[q].y) > 0.005, "F\(p + 1) vs F\(q + 1)") } }
    }

    @Test func perturbationKeepsLabelsFromCleanValuesWithinRanges() throws {
        let clean = Gen.sample(try AgrawalGenerator(), count: 1, state: ConceptState(concept: 1), seed: 8)
        let noisy = try AgrawalGenerator(perturbation: 0.1)
        let first = Gen.sample(noisy, count: 1, state: ConceptState(concept: 1), seed: 8)
        #expect(first.y == clean.y)
        #expect(abs(first.x[0] - clean.x[0]) <= 0.1 * 130_000 + 1e-9)
        #expect(noisy.bayesAccuracy.isNaN)
        let s = Gen.sample(noisy, count: 10_000, state: ConceptState(concept: 1))
        for i in 0..<s.count {
            let x = Array(s.row(i))
            #expect(x[0] >= 20_000 && x[0] <= 150_000 && x[2] >= 20 && x[2] <= 80 && x[8] >= 0 && x[8] <= 500_000)
            let k = 9 - x[5]
            #expect(x[6] >= k * 50_000 && x[6] <= k * 150_000)
        }
        #expect(throws: FlywheelError.self) { try AgrawalGenerator(perturbation: 2) }
    }

    @Test func sameSeedSameDraws() throws {
        let g = try AgrawalGenerator(perturbation: 0.05)
        let a = Gen.sample(g, count: 300, seed: 2), b = Gen.sample(g, count: 300, seed: 2)
        #expect(a.x == b.x && a.y == b.y)
    }
}
