import Testing
import FlywheelCore
@testable import Streams

@Suite struct GaussianMixtureTests {
    /// Φ(1), Φ(1.6931…), Φ(0.3068…) from tables / independent evaluation.
    static let phi1 = 0.8413447460685429

    @Test func twoClassBayesAccuracyIsPhiOfHalfTheSeparation() throws {
        let g = try GaussianMixtureGenerator()  // separation 2, sigma 1
        #expect(abs(g.bayesAccuracy - GaussianMixtureTests.phi1) < 1e-12)
        for c in 0..<4 { #expect(abs(g.bayesAccuracy(at: ConceptState(concept: c)) - GaussianMixtureTests.phi1) < 1e-12) }
        // separation 1, sigma 2: Φ(0.25) = 0.5987063256829237
        #expect(abs(try GaussianMixtureGenerator(separation: 1, sigma: 2).bayesAccuracy - 0.5987063256829237) < 1e-12)
    }

    @Test func bayesRuleAchievesTheClosedFormEmpirically() throws {
        let g = try GaussianMixtureGenerator()
        // Concept 0: means (1, 0) for class 0 and (−1, 0) for class 1; concept 1 rotates by 90°.
        let n = 100_000
        let s0 = Gen.sample(g, count: n, state: ConceptState(concept: 0))
        let acc0 = Double((0..<n).count { (s0.value($0, 0) > 0 ? 0.0 : 1.0) == s0.y[$0] }) / Double(n)
        #expect(Gen.withinBinomial(acc0, GaussianMixtureTests.phi1, n: n))
        let s1 = Gen.sample(g, count: n, state: ConceptState(concept: 1))
        let acc1 = Double((0..<n).count { (s1.value($0, 1) > 0 ? 0.0 : 1.0) == s1.y[$0] }) / Double(n)
        #expect(Gen.withinBinomial(acc1, GaussianMixtureTests.phi1, n: n))
        // Concept 2 swaps the classes: concept 0's rule is right 1 − Φ(1) of the time.
        let s2 = Gen.sample(g, count: n, state: ConceptState(concept: 2))
        let acc2 = Double((0..<n).count { (s2.value($0, 0) > 0 ? 0.0 : 1.0) == s2.y[$0] }) / Double(n)
        #expect(Gen.withinBinomial(acc2, 1 - GaussianMixtureTests.phi1, n: n))
        #expect(Gen.withinBinomial(Gen.fraction(s0.y, equalTo: 1), 0.5, n: n))
    }

    @Test func unequalPriorsUseTheShiftedThreshold() throws {
        // μ0 = (0, 0), μ1 = (2, 0), σ = 1, π = (0.8, 0.2): decide 1 when x0 > 1 + ln 4 / 2.
        let g = try GaussianMixtureGenerator(means: [[[0, 0], [2, 0]]], sigma: [1], priors: [0.8, 0.2])
        let t = 1 + 0.6931471805599453  // 1 + ln(4)/2
        // P(correct) = 0.8 Φ(t) + 0.2 Φ(2 − t), Φ values from SciPy 1.17 norm.cdf.
        let expected = 0.8 * 0.9547862722097759 + 0.2 * 0.6205222988799151
        #expect(abs(g.bayesAccuracy - expected) < 1e-12)
        let n = 100_000
        let s = Gen.sample(g, count: n)
        let acc = Double((0..<n).count { (s.value($0, 0) > t ? 1.0 : 0.0) == s.y[$0] }) / Double(n)
        #expect(Gen.withinBinomial(acc, g.bayesAccuracy, n: n))
        #expect(Gen.withinBinomial(Gen.fraction(s.y, equalTo: 1), 0.2, n: n))
    }

    @Test func diagonalCovarianceUsesTheMahalanobisDistance() throws {
        // Δ = (3, 4), σ = (1.5, 4): D = ‖(2, 1)‖ = √5, accuracy Φ(√5 / 2) = Φ(1.1180…) = 0.868224.
        let g = try GaussianMixtureGenerator(means: [[[0, 0], [3, 4]]], sigma: [1.5, 4])
        #expect(abs(g.bayesAccuracy - 0.8682238) < 1e-6)
    }

    @Test func threeClassMonteCarloMatchesTheBayesRuleEmpirically() throws {
        let g = try GaussianMixtureGenerator(classes: 3, separation: 2, sigma: 1)
        let n = 60_000
        let s = Gen.sample(g, count: n, seed: 31)
        // Equal priors, isotropic: the Bayes rule is the nearest mean.
        var right = 0
        for i in 0..<n {
            var best = 0, bestDistance = Double.infinity
            for k in 0..<3 {
                var d2 = 0.0
                for j in 0..<2 { let z = s.value(i, j) - g.mean(k, j, ConceptState(concept: 0)); d2 += z * z }
                if d2 < bestDistance { bestDistance = d2; best = k }
            }
            if Double(best) == s.y[i] { right += 1 }
        }
        let acc = Double(right) / Double(n)
        #expect(abs(acc - g.bayesAccuracy) < 4.5 * (acc * (1 - acc) / Double(n)).squareRoot() + 0.004)
        #expect(g.bayesAccuracy > 1.0 / 3 && g.bayesAccuracy < 1)
        // Means sit on a circle with adjacent ones `separation` apart.
        let s0 = ConceptState(concept: 0)
        let gap = ((g.mean(0, 0, s0) - g.mean(1, 0, s0)) * (g.mean(0, 0, s0) - g.mean(1, 0, s0))
            + (g.mean(0, 1, s0) - g.mean(1, 1, s0)) * (g.mean(0, 1, s0) - g.mean(1, 1, s0))).squareRoot()
        #expect(abs(gap - 2) < 1e-12)
    }

    @Test func blendMovesTheMeansContinuously() throws {
        let g = try GaussianMixtureGenerator()
        let a = Gen.sample(g, count: 1_000, state: ConceptState(concept: 0))
        let b = Gen.sample(g, count: 1_000, state: ConceptState(concept: 1))
        #expect(Gen.sample(g, count: 1_000, state: ConceptState(concept: 0, toward: 1, blend: 0)).x == a.x)
        #expect(Gen.sample(g, count: 1_000, state: ConceptState(concept: 0, toward: 1, blend: 1)).x == b.x)
        // Halfway between opposite layouts the means meet: no better than chance.
        #expect(abs(g.bayesAccuracy(at: ConceptState(concept: 0, toward: 2, blend: 0.5)) - 0.5) < 1e-12)
        // Halfway between 0° and 90°: means ±(0.5, 0.5), distance √2: Φ(√2/2) = 0.760250.
        #expect(abs(g.bayesAccuracy(at: ConceptState(concept: 0, toward: 1, blend: 0.5)) - 0.7602499) < 1e-6)
        let half = ConceptState(concept: 0, toward: 1, blend: 0.5)
        #expect(abs(g.mean(0, 0, half) - 0.5) < 1e-12 && abs(g.mean(0, 1, half) - 0.5) < 1e-12)
    }

    @Test func covariatesApplyAfterDrawingAndSameSeedSameDraws() throws {
        let g = try GaussianMixtureGenerator()
        let plain = Gen.sample(g, count: 500, seed: 4)
        #expect(plain.x == Gen.sample(g, count: 500, seed: 4).x)
        let moved = Gen.sample(g, count: 500, seed: 4, covariates: Gen.shifted(dimension: 2, feature: 0, by: 5))
        #expect(moved.y == plain.y)
        #expect((0..<500).allSatisfy { abs(moved.value($0, 0) - plain.value($0, 0) - 5) < 1e-12 })
    }

    @Test func rejectsBadParameters() {
        #expect(throws: FlywheelError.self) { try GaussianMixtureGenerator(classes: 1) }
        #expect(throws: FlywheelError.self) { try GaussianMixtureGenerator(sigma: 0) }
        #expect(throws: FlywheelError.self) { try GaussianMixtureGenerator(features: 1) }
        #expect(throws: FlywheelError.self) { try GaussianMixtureGenerator(means: [[[0, 0], [1]]], sigma: [1]) }
        #expect(throws: FlywheelError.self) { try GaussianMixtureGenerator(means: [[[0], [1]]], sigma: [1], priors: [1, 0]) }
    }
}
