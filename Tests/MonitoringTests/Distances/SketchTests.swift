import Foundation
import Testing
import FlywheelCore
@testable import Monitoring

/// Quantile and frequency sketches: their stated error bounds hold, merging keeps them, and
/// distances from sketches stay within the bounds of the exact distances.
@Suite("Sketches")
struct SketchTests {
    /// 0, 1, …, n−1 in a seeded random order: the true rank of y is ⌊y⌋ + 1.
    static func permutation(_ n: Int, seed: UInt64) -> [Double] {
        var a = (0..<n).map(Double.init)
        RandomStream(seed: seed).shuffle(&a)
        return a
    }

    @Test(arguments: [(100_000, 200), (50_000, 64), (3_000, 1_000)])
    func rankErrorStaysWithinTheTrackedBound(_ n: Int, _ k: Int) {
        var s = QuantileSketch(k: k)
        s.insert(contentsOf: Self.permutation(n, seed: 11))
        #expect(s.count == n)
        #expect(s.minimum == 0 && s.maximum == Double(n - 1))
        var worst = 0.0
        for i in stride(from: -1, through: n, by: max(1, n / 997)) {
            let y = Double(i) + 0.5
            let truth = Double(min(max(i + 1, 0), n))
            worst = max(worst, abs(s.rank(y) - truth))
        }
        #expect(worst <= s.rankErrorBound)
        // A priori bound: H = ⌈log₂(n/k)⌉ + 1 levels, at most H·n/k.
        let levels = (log2(Double(n) / Double(k))).rounded(.up) + 1
        #expect(s.rankErrorBound <= levels * Double(n) / Double(k))
        #expect(s.retained <= k * Int(levels + 1))
    }

    @Test func exactWhileBelowCapacity() {
        var s = QuantileSketch(k: 200)
        s.insert(contentsOf: [5, 1, 3, 2, 4])
        #expect(s.rankErrorBound == 0)
        #expect(s.rank(3) == 3 && s.cdf(0.5) == 0 && s.cdf(5) == 1)
        #expect(s.quantile(0.5) == 3)
        #expect(s.quantile(0) == 1 && s.quantile(1) == 5)
    }

    @Test func quantilesHaveBoundedRankError() {
        let n = 80_000
        var s = QuantileSketch(k: 128)
        s.insert(contentsOf: Self.permutation(n, seed: 12))
        for q in [0.01, 0.1, 0.25, 0.5, 0.9, 0.99] {
            let v = s.quantile(q)
            let trueRank = v + 1 // values are 0..<n
            #expect(trueRank - q * Double(n) >= -s.rankErrorBound && trueRank - q * Double(n) <= s.rankErrorBound + 1,
                    "q=\(q): value \(v), bound \(s.rankErrorBound)")
        }
    }

    @Test func mergeEqualsOneSketchOverTheUnionWithinTheBound() {
        let all = Self.permutation(120_000, seed: 13)
        var parts = [QuantileSketch(k: 150), QuantileSketch(k: 150), QuantileSketch(k: 150)]
        for (i, v) in all.enumerated() { parts[i % 3].insert(v) }
        var merged = parts[0]
        merged.merge(parts[1])
        merged.merge(parts[2])
        var whole = QuantileSketch(k: 150)
        whole.insert(contentsOf: all)
        #expect(merged.count == whole.count)
        #expect(merged.minimum == whole.minimum && merged.maximum == whole.maximum)
        for y in stride(from: -0.5, through: 120_000.5, by: 997) {
            let truth = Double(min(max(Int(y.rounded(.down)) + 1, 0), 120_000))
            #expect(abs(merged.rank(y) - truth) <= merged.rankErrorBound)
            #expect(abs(merged.rank(y) - whole.rank(y)) <= merged.rankErrorBound + whole.rankErrorBound)
        }
        // Same data, same order of operations: the same sketch (determinism).
        var again = parts[0]
        again.merge(parts[1])
        again.merge(parts[2])
        #expect(again == merged)
    }

    @Test func sketchDistancesStayWithinTheirBoundsOfTheExactOnes() throws {
        let rng = RandomStream(seed: 14)
        let a = (0..<60_000).map { _ in rng.gaussian() }
        let b = (0..<40_000).map { _ in 0.3 + 1.2 * rng.gaussian() }
        var sa = QuantileSketch(k: 200), sb = QuantileSketch(k: 200)
        sa.insert(contentsOf: a)
        sb.insert(contentsOf: b)
        let eps = sa.normalizedRankErrorBound + sb.normalizedRankErrorBound
        #expect(eps > 0 && eps < 0.1)

        let ks = try KolmogorovSmirnov.test(reference: a, current: b).statistic
        #expect(abs(try SketchDistance.ks(sa, sb) - ks) <= eps)

        let w = try CDFDistance.wasserstein(reference: a, current: b)
        let range = max(sa.maximum, sb.maximum) - min(sa.minimum, sb.minimum)
        #expect(abs(try SketchDistance.wasserstein(sa, sb) - w) <= eps * range)

        // PSI: the sketch's bin fractions against the raw samples' fractions for the same edges.
        let (p, q) = try SketchDistance.psiFractions(reference: sa, current: sb, bins: 10)
        let va = sa.sortedView()
        let edges = (1..<10).map { QuantileSketch.quantile(va, Double($0) / 10, count: sa.count) }
        let exactP = Binning.openBinCounts(a, innerEdges: edges).map { Double($0) / Double(a.count) }
        let exactQ = Binning.openBinCounts(b, innerEdges: edges).map { Double($0) / Double(b.count) }
        for i in 0..<10 {
            #expect(abs(p[i] - exactP[i]) <= 2 * sa.normalizedRankErrorBound + 1e-12)
            #expect(abs(q[i] - exactQ[i]) <= 2 * sb.normalizedRankErrorBound + 1e-12)
        }
        let psiSketch = try SketchDistance.psi(reference: sa, current: sb)
        let psiExact = try DistanceMetric.psi.compute(reference: a, current: b).value
        #expect(abs(psiSketch - psiExact) < 0.05 * psiExact, "PSI sketch \(psiSketch) exact \(psiExact)")
    }

    @Test func sketchDistancesOfIdenticalSketchesAreZero() throws {
        var s = QuantileSketch(k: 64)
        s.insert(contentsOf: Self.permutation(10_000, seed: 15))
        #expect(try SketchDistance.ks(s, s) == 0)
        #expect(try SketchDistance.wasserstein(s, s) == 0)
        #expect(try SketchDistance.psi(reference: s, current: s) == 0)
        #expect(throws: FlywheelError.self) { try SketchDistance.ks(s, QuantileSketch()) }
    }

    @Test func frequencySketchIsExactWithinCapacity() throws {
        var a = FrequencySketch<String>(capacity: 10), b = FrequencySketch<String>(capacity: 10)
        let ra = ["x", "y", "y", "z", "z", "z"], rb = ["x", "x", "y", "w"]
        for k in ra { a.insert(k) }
        for k in rb { b.insert(k) }
        #expect(a.isExact && a.estimate("z") == 3 && a.estimate("w") == 0 && a.unattributed == 0)
        let (keys, p, q) = FrequencySketch.alignedCounts(reference: a, current: b)
        #expect(keys.count == 4 && p.last == 0 && q.last == 0)
        // Same as the exact category distance on the raw keys.
        let code: [String: Double] = ["w": 0, "x": 1, "y": 2, "z": 3]
        let exact = try DistanceMetric.l1.compute(reference: ra.map { code[$0]! }, current: rb.map { code[$0]! }, binning: .categories)
        #expect(close(try FrequencyDistance.l1(p, q), exact.value, rel: 1e-12))
        a.merge(b)
        #expect(a.isExact && a.estimate("x") == 3 && a.count == 10)
    }

    @Test func misraGriesBoundHoldsAndSurvivesMerges() {
        // Zipf-like stream over 1 000 keys: key i appears ⌊5000/(i+1)⌋ times, in seeded order.
        var stream: [Int] = []
        for i in 0..<1_000 { stream += Array(repeating: i, count: 5_000 / (i + 1)) }
        RandomStream(seed: 16).shuffle(&stream)
        var truth: [Int: Int] = [:]
        for k in stream { truth[k, default: 0] += 1 }

        var whole = FrequencySketch<Int>(capacity: 50)
        var parts = [FrequencySketch<Int>(capacity: 50), FrequencySketch<Int>(capacity: 50)]
        for (i, k) in stream.enumerated() {
            whole.insert(k)
            parts[i % 2].insert(k)
        }
        var merged = parts[0]
        merged.merge(parts[1])
        for sketch in [whole, merged] {
            #expect(sketch.count == stream.count)
            #expect(!sketch.isExact)
            #expect(sketch.counters.count <= 50)
            #expect(sketch.errorBound <= sketch.count / 51)
            #expect(sketch.errorBound * 51 <= sketch.unattributed)
            for (k, c) in truth {
                let e = sketch.estimate(k)
                #expect(e <= c && c <= e + sketch.errorBound, "key \(k): \(e) vs \(c), bound \(sketch.errorBound)")
            }
            // Heavy hitters above the bound are always tracked.
            for (k, c) in truth where c > sketch.errorBound { #expect(sketch.counters[k] != nil) }
        }
    }
}
