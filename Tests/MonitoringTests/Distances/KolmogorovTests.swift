import Foundation
import Testing
import FlywheelCore
@testable import Monitoring

/// The KS p-values against brute-force enumeration and closed forms.
@Suite("Kolmogorov–Smirnov distributions")
struct KolmogorovTests {
    /// Exact null distribution of D for sizes m, n by enumerating every labelling of m + n
    /// distinct pooled values: returns P(D ≥ d) for each attainable d (as h = D·m·n).
    static func bruteForce(_ m: Int, _ n: Int) -> [Int: Double] {
        let total = m + n
        var countAtLeast: [Int: Int] = [:]
        var all: [Int] = []
        func visit(_ mask: Int) {
            var ia = 0, ib = 0, best = 0
            for pos in 0..<total {
                if mask & (1 << pos) != 0 { ia += 1 } else { ib += 1 }
                best = max(best, abs(ia * n - ib * m)) // D·m·n
            }
            all.append(best)
        }
        for mask in 0..<(1 << total) where mask.nonzeroBitCount == m { visit(mask) }
        for h in Set(all) { countAtLeast[h] = all.filter { $0 >= h }.count }
        return countAtLeast.mapValues { Double($0) / Double(all.count) }
    }

    @Test(arguments: [(5, 7), (6, 6), (4, 8), (3, 9), (7, 5)])
    func exactPValueMatchesEnumeration(_ m: Int, _ n: Int) throws {
        for (h, p) in Self.bruteForce(m, n) where h > 0 {
            let d = Double(h) / Double(m * n)
            let exact = try #require(KolmogorovSmirnov.exactPValue(n1: m, n2: n, statistic: d))
            #expect(close(exact.pValue, p, rel: 1e-12), "m=\(m) n=\(n) d=\(d): \(exact.pValue) vs \(p)")
        }
    }

    @Test func exactTestOnDataMatchesEnumeration() throws {
        // Reference gets pooled ranks {0, 2, 3, 9, 10}, current the rest of 0..<12.
        let a: [Double] = [0, 2, 3, 9, 10]
        let b: [Double] = [1, 4, 5, 6, 7, 8, 11]
        let r = try KolmogorovSmirnov.test(reference: a, current: b, method: .exact)
        // ECDF gap: after 8 the reference is at 3/5, the current at 5/7 → largest |gap| is at 8.
        var best = 0.0
        for x in a + b {
            let fa = Double(a.filter { $0 <= x }.count) / 5, fb = Double(b.filter { $0 <= x }.count) / 7
            best = max(best, abs(fa - fb))
        }
        #expect(close(r.statistic, best, rel: 1e-12))
        let h = Int((best * 35).rounded())
        #expect(close(r.pValue, Self.bruteForce(5, 7)[h]!, rel: 1e-12))
    }

    @Test func smirnovClosedForms() {
        // n = 2: P(D⁺ ≥ x) = 1 − P(U₍₁₎ > ½ − x, U₍₂₎ > 1 − x); at x = 0.3 that is 1 − (0.64 − 0.25).
        #expect(close(KolmogorovDistribution.smirnovSurvival(n: 2, x: 0.3), 0.61, rel: 1e-13))
        // x ≥ 1 − 1/n: P = (1 − x)^n.
        #expect(close(KolmogorovDistribution.smirnovSurvival(n: 10, x: 0.95), pow(0.05, 10), rel: 1e-12))
        #expect(KolmogorovDistribution.smirnovSurvival(n: 1, x: 0.25) == 0.75)
    }

    @Test func durbinMatrixAgreesWithTheExactOneSidedFormAboveOneHalf() {
        // For d ≥ 0.5 the two one-sided events are disjoint: P(D_n ≥ d) = 2·P(D_n⁺ ≥ d).
        for (n, d) in [(10, 0.55), (12, 0.6), (25, 0.51)] {
            let viaMatrix = 1 - KolmogorovDistribution.durbinMTW(n: n, d: d)
            let viaSmirnov = 2 * KolmogorovDistribution.smirnovSurvival(n: n, x: d)
            // 1 − CDF loses the CDF's last bits to cancellation: compare absolutely.
            #expect(abs(viaMatrix - viaSmirnov) < 1e-14, "n=\(n) d=\(d): \(viaMatrix) vs \(viaSmirnov)")
        }
    }

    @Test func pelzGoodIsCloseToTheExactMatrixValue() {
        for (n, x) in [(1000, 0.03), (300, 0.05), (5000, 0.012)] {
            let approx = KolmogorovDistribution.pelzGood(n: n, x: x)
            let exact = KolmogorovDistribution.durbinMTW(n: n, d: x)
            #expect(abs(approx - exact) < 1e-6, "n=\(n) x=\(x): \(approx) vs \(exact)")
        }
    }

    @Test func survivalIsADistribution() {
        for n in [3, 50, 140, 141, 292, 5000] {
            var previous = 1.0
            for i in 0...200 {
                let x = Double(i) / 200
                let sf = KolmogorovDistribution.survival(n: n, x: x)
                #expect(sf >= 0 && sf <= 1 && sf <= previous + 1e-12, "n=\(n) x=\(x): \(sf)")
                // SciPy evaluates the two tails by different branches (the doubled one-sided sum
                // for the upper tail from n·x² ≥ 2.2, Pelz–Good for the CDF up to 18), so they
                // add up to 1 only to the accuracy of those approximations.
                #expect(abs(sf + KolmogorovDistribution.cdf(n: n, x: x) - 1) < 1e-6)
                previous = sf
            }
        }
    }

    @Test func largeNApproachesKolmogorovsLimit() {
        // Q(z) = 2 Σ_{k≥1} (−1)^{k−1} e^{−2k²z²}; D_n·√n → Q with error O(1/√n).
        func q(_ z: Double) -> Double {
            var s = 0.0
            for k in 1...100 {
                let sign: Double = k % 2 == 1 ? 1 : -1
                let kd = Double(k)
                s += sign * exp(-2 * kd * kd * z * z)
            }
            return 2 * s
        }
        let n = 100_000
        for z in [0.6, 1.0, 1.36, 1.8] {
            #expect(abs(KolmogorovDistribution.survival(n: n, x: z / Double(n).squareRoot()) - q(z)) < 0.005)
        }
    }

    @Test func autoSwitchesToAsymptoticForLargeSamples() {
        let a = (0..<10_001).map { Double($0) }, b = (0..<3).map { Double($0) * 5000 + 0.5 }
        let r = KolmogorovSmirnov.test(sortedReference: a, sortedCurrent: b)
        #expect(r.method == .asymptotic)
        #expect(r.pValue >= 0 && r.pValue <= 1)
    }
}

@Suite("Kolmogorov exact algorithms agree")
struct KolmogorovExactAgreementTests {
    /// Pomeranz's recursion and Durbin's matrix method are two independent exact algorithms.
    @Test(arguments: [(10, 0.35), (40, 0.2), (100, 0.15), (140, 0.1), (25, 0.3), (60, 0.25), (7, 0.45)])
    func pomeranzEqualsDurbin(_ n: Int, _ x: Double) {
        let p = KolmogorovDistribution.pomeranz(n: n, x: x)
        let d = KolmogorovDistribution.durbinMTW(n: n, d: x)
        #expect(abs(p - d) < 1e-13 && p > 0 && p < 1, "n=\(n) x=\(x): Pomeranz \(p), Durbin \(d)")
    }
}
