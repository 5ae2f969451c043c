import Foundation
import Testing
import FlywheelCore
@testable import Monitoring

/// Properties every distance must have, independent of any oracle.
@Suite("Distance invariants")
struct InvariantTests {
    static func sample(_ seed: UInt64, _ n: Int, shift: Double = 0, scale: Double = 1) -> [Double] {
        let rng = RandomStream(seed: seed)
        return (0..<n).map { _ in shift + rng.gaussian(scale) }
    }

    @Test(arguments: DistanceMetric.allCases)
    func sampleToItselfIsZero(_ metric: DistanceMetric) throws {
        let x = Self.sample(1, 300)
        let r = try metric.compute(reference: x, current: x)
        if metric == .mmd {
            // The unbiased estimator of an identical pair is small and negative, not exactly 0.
            #expect(abs(r.value) < 0.01)
        } else {
            #expect(r.value == 0 || abs(r.value) < 1e-15, "\(metric): \(r.value)")
        }
        if let p = r.pValue { #expect(p == 1 || p > 0.999, "\(metric) p = \(p)") }
    }

    @Test(arguments: DistanceMetric.allCases)
    func symmetricInTheTwoSamples(_ metric: DistanceMetric) throws {
        let a = Self.sample(2, 240), b = Self.sample(3, 310, shift: 0.4, scale: 1.3)
        let ab = try metric.compute(reference: a, current: b)
        let ba = try metric.compute(reference: b, current: a)
        if metric == .psi {
            // PSI bins on the reference's quantiles, so swapping the samples changes the bins.
            #expect(ab.value > 0 && ba.value > 0)
        } else {
            #expect(close(ab.value, ba.value, rel: 1e-12), "\(metric): \(ab.value) vs \(ba.value)")
        }
        if let p = ab.pValue, let q = ba.pValue { #expect(close(p, q, rel: 1e-9)) }
    }

    @Test(arguments: DistanceMetric.allCases)
    func growsWithTheShiftAndPValuesStayInRange(_ metric: DistanceMetric) throws {
        let a = Self.sample(4, 400)
        var previous = -Double.infinity
        for shift in [0.0, 0.5, 1.5, 4.0] {
            let r = try metric.compute(reference: a, current: Self.sample(5, 400, shift: shift))
            #expect(r.value.isFinite && r.value >= previous - 1e-12, "\(metric) shift \(shift): \(r.value) after \(previous)")
            previous = r.value
            if let p = r.pValue { #expect(p >= 0 && p <= 1) }
            #expect(r.pValue != nil || !metric.hasPValue)
        }
    }

    @Test func boundedMetricsStayInTheirRanges() throws {
        let a = Self.sample(6, 200), b = Self.sample(7, 200, shift: 50)
        #expect(try DistanceMetric.ks.compute(reference: a, current: b).value == 1)
        #expect(close(try DistanceMetric.l1.compute(reference: a, current: b).value, 2))
        #expect(close(try DistanceMetric.hellinger.compute(reference: a, current: b).value, 1))
        // Disjoint supports: JS divergence = ln 2, so the distance is √ln 2.
        #expect(close(try DistanceMetric.jensenShannon.compute(reference: a, current: b).value, log(2).squareRoot()))
        #expect(close(try FrequencyDistance.jensenShannonDistance([1, 0], [0, 1], base: 2), 1))
        // Wasserstein-1 of a pure translation is the shift.
        let c = a.map { $0 + 2.5 }
        #expect(close(try DistanceMetric.wasserstein.compute(reference: a, current: c).value, 2.5, rel: 1e-12))
    }

    @Test func closedFormFrequencyDistances() throws {
        // p = (0.5, 0.5, 0), q = (0.25, 0.25, 0.5)
        let p = [2.0, 2, 0], q = [1.0, 1, 2]
        #expect(close(try FrequencyDistance.l1(p, q), 1))
        #expect(close(try FrequencyDistance.linf(p, q), 0.5))
        let h2 = 0.5 * (2 * pow(0.5.squareRoot() - 0.5, 2) + 0.5)
        #expect(close(try FrequencyDistance.hellinger(p, q), h2.squareRoot()))
        // Categories: each distinct value is its own bin.
        let r = try DistanceMetric.l1.compute(reference: [1, 1, 2, 2], current: [1, 2, 3, 3], binning: .categories)
        #expect(close(r.value, 1))
        // Yates' correction on a 2×2 table: [[10, 20], [20, 10]] → χ² = (|10−15|−0.5)²/15·4 = 5.4.
        let c = try FrequencyDistance.chiSquare([10, 20], [20, 10])
        #expect(c.degreesOfFreedom == 1)
        #expect(close(c.statistic, 5.4, rel: 1e-12))
        let single = try FrequencyDistance.chiSquare([3, 0], [5, 0])
        #expect(single.statistic == 0 && single.pValue == 1 && single.droppedColumns == 1)
    }

    @Test func energyDistanceEqualsThePairwiseFormula() throws {
        // E = (2E|X−Y| − E|X−X'| − E|Y−Y'|)^{1/2} over the empirical distributions.
        let a = Self.sample(8, 60), b = Self.sample(9, 45, shift: 0.7)
        func meanAbs(_ u: [Double], _ v: [Double]) -> Double {
            var s = 0.0
            for x in u { for y in v { s += abs(x - y) } }
            return s / Double(u.count * v.count)
        }
        let direct = (2 * meanAbs(a, b) - meanAbs(a, a) - meanAbs(b, b)).squareRoot()
        #expect(close(try CDFDistance.energy(reference: a, current: b), direct, rel: 1e-10))
    }

    @Test func badInputIsAClearError() {
        #expect(throws: FlywheelError.self) { try DistanceMetric.ks.compute(reference: [], current: [1]) }
        #expect(throws: FlywheelError.self) { try DistanceMetric.wasserstein.compute(reference: [1, .nan], current: [1]) }
        #expect(throws: FlywheelError.self) { try DistanceMetric.mmd.compute(reference: [1], current: [1, 2]) }
        #expect(throws: FlywheelError.self) { try MMD.compute(reference: [1, 2, 3], current: [1, 2, 3, 4], dimension: 2) }
        #expect(throws: FlywheelError.self) { try FrequencyDistance.l1([1, 2], [1]) }
        #expect(throws: FlywheelError.self) { try FrequencyDistance.hellinger([0, 0], [1, 1]) }
        #expect(throws: FlywheelError.self) { try DistanceMetric.psi.compute(reference: [1, 2], current: [1], psiBins: 1) }
        // The unchecked low-level entry points answer NaN instead of trapping.
        #expect(KolmogorovSmirnov.test(sortedReference: [], sortedCurrent: [1]).statistic.isNaN)
        #expect(KolmogorovSmirnov.asymptoticPValue(n1: 0, n2: 3, statistic: 0.5).isNaN)
        #expect(KolmogorovSmirnov.exactPValue(n1: 0, n2: 3, statistic: 0.5) == nil)
        #expect(CDFDistance.integrate([], [1], power: 1).isNaN)
        #expect(Binning.quantilesType7(sorted: [], levels: [0.5])[0].isNaN)
        #expect(Binning.equalWidthEdges([1, 2], bins: 0).count == 2)
        do {
            _ = try DistanceMetric.ks.compute(reference: [1, .infinity], current: [1])
            Issue.record("a non-finite value was accepted")
        } catch {
            #expect(error.message.contains("reference") && error.message.contains("position 1"))
        }
    }

    @Test func catalogListsEveryMetricProjectionAndSketch() {
        let names = Set(DistanceCatalog.all.filter { $0.family == "distance" }.map(\.name))
        #expect(names == Set(DistanceMetric.allCases.map(\.rawValue)))
        #expect(DistanceCatalog.all.contains { $0.family == "projection" && $0.name == "random" })
        #expect(DistanceCatalog.all.contains { $0.family == "sketch" && $0.name == "quantile" })
        for info in DistanceCatalog.all { #expect(!info.summary.isEmpty) }
        #expect(DistanceMetric(rawValue: "jensen_shannon") == .jensenShannon)
        #expect(DistanceMetric(rawValue: "chi_square") == .chiSquare)
    }
}

@Suite("MMD permutation test and prepared references")
struct MMDPermutationTests {
    @Test func permutationPValueSeparatesShiftFromNoShift() throws {
        let rng = RandomStream(seed: 31)
        let x = (0..<120).map { _ in rng.gaussian() }
        let same = (0..<120).map { _ in rng.gaussian() }
        let shifted = (0..<120).map { i in (i % 2 == 0 ? 1.2 : 0) + rng.gaussian() }
        let null = try MMD.permutationTest(reference: x, current: same, dimension: 2, permutations: 99, stream: RandomStream(seed: 1))
        let alt = try MMD.permutationTest(reference: x, current: shifted, dimension: 2, permutations: 99, stream: RandomStream(seed: 1))
        #expect(null.pValue > 0.05 && null.pValue <= 1)
        #expect(alt.pValue == 0.01) // no permutation reaches the observed statistic: 1/(1+99)
        // The permutation statistic with the identity labelling is the estimator itself.
        let direct = try MMD.compute(reference: x, current: shifted, dimension: 2)
        #expect(close(alt.result.mmd2, direct.mmd2, rel: 1e-12))
        // Seeded: the same stream gives the same p-value.
        let again = try MMD.permutationTest(reference: x, current: same, dimension: 2, permutations: 99, stream: RandomStream(seed: 1))
        #expect(again.pValue == null.pValue)
    }

    @Test func preparedReferenceMatchesOneShotAndIsReusable() throws {
        let rng = RandomStream(seed: 32)
        let ref = (0..<300).map { _ in rng.gaussian() }
        let prepared = try ReferenceSample(ref)
        for shift in [0.0, 0.7] {
            let cur = (0..<250).map { _ in shift + rng.gaussian() }
            for metric in DistanceMetric.allCases {
                let a = try prepared.compute(metric, current: cur)
                let b = try metric.compute(reference: ref, current: cur)
                #expect(a == b)
            }
        }
        #expect(throws: FlywheelError.self) { try prepared.compute(.ks, current: []) }
        #expect(throws: FlywheelError.self) { try ReferenceSample([]) }
    }
}
