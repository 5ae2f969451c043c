import Testing
import FlywheelCore
@testable import Streams

@Suite struct FriedmanTests {
    static func f(_ x: [Double], _ concept: Int) -> Double {
        Gen.withPoint(x + Array(repeating: 0.5, count: 10 - x.count)) { FriedmanGenerator.target($0, concept: concept) }
    }

    @Test func baseTargetAtHandComputedInputs() {
        // 10 sin(π/4) + 0 + 5 + 2.5
        #expect(abs(Self.f([0.5, 0.5, 0.5, 0.5, 0.5], 0) - 14.571067811865476) < 1e-12)
        // 10 sin(π/2) + 20·0.25 + 2 + 2
        #expect(abs(Self.f([1, 0.5, 0, 0.2, 0.4], 0) - 19) < 1e-12)
    }

    @Test func globalDriftsAtAHandComputedInput() {
        let x = [0.1, 0.2, 0.3, 0.5, 0.6, 1.0]
        #expect(abs(Self.f(x, 0) - 9.427905195293134) < 1e-12)  // 10 sin(0.02π) + 0.8 + 5 + 3
        #expect(abs(Self.f(x, 1) - 14.3) < 1e-12)  // gra: 10 sin(π·0.5·1) + 1.8 + 1 + 1.5
        #expect(abs(Self.f(x, 5) - 12.390169943749473) < 1e-12)  // gsg1: 10 sin(0.3π) + 1.8 + 1 + 1.5
        #expect(abs(Self.f(x, 6) - 7.181245526846779) < 1e-12)  // gsg2: 10 sin(0.12π) + 0 + 3 + 0.5
    }

    @Test func localExpandingRegionsGrowStageByStage() {
        // In R1 at every stage: 10·0.1 + 20·(−0.4) + 8 + 1 = 2
        let inAll = [0.5, 0.2, 0.1, 0.8, 0.2]
        for c in 2...4 { #expect(abs(Self.f(inAll, c) - 2) < 1e-12) }
        #expect(abs(Self.f(inAll, 0) - 15.290169943749476) < 1e-12)
        // x4 = 0.5 fails stage 1's test only.
        let stage2 = [0.5, 0.2, 0.1, 0.8, 0.5]
        #expect(abs(Self.f(stage2, 2) - 16.790169943749476) < 1e-12)
        #expect(abs(Self.f(stage2, 3) - 3.5) < 1e-12)
        #expect(abs(Self.f(stage2, 4) - 3.5) < 1e-12)
        // x3 = 0.5 fails stages 1 and 2.
        let stage3 = [0.5, 0.2, 0.1, 0.5, 0.5]
        #expect(abs(Self.f(stage3, 3) - 13.790169943749476) < 1e-12)
        #expect(abs(Self.f(stage3, 4) - 0.5) < 1e-12)
        // R2: 10 cos(0.4) + 8 + e^0.2 + 3.2
        #expect(abs(Self.f([0.5, 0.8, 0.9, 0.2, 0.8], 2) - 21.632012698189023) < 1e-12)
        // x3 = 0.5 leaves R2 at stages 1–2; stage 3: 10 cos(0.4) + 8 + e^0.5 + 3.2
        let r2Late = [0.5, 0.8, 0.9, 0.5, 0.8]
        #expect(abs(Self.f(r2Late, 3) - Self.f(r2Late, 0)) < 1e-12)
        #expect(abs(Self.f(r2Late, 4) - 22.05933121072898) < 1e-12)
    }

    @Test func noiseHasTheRequestedVarianceAndConceptsDiffer() throws {
        let g = try FriedmanGenerator(noiseSD: 2)
        #expect(g.schema.classes.isEmpty && g.schema.dimension == 10 && g.bayesAccuracy.isNaN && g.bayesMSE == 4)
        let n = 20_000
        let s = Gen.sample(g, count: n)
        var sum = 0.0, sum2 = 0.0
        for i in 0..<n {
            let e = s.y[i] - Gen.withPoint(Array(s.row(i))) { FriedmanGenerator.target($0, concept: 0) }
            sum += e; sum2 += e * e
        }
        let variance = sum2 / Double(n) - (sum / Double(n)) * (sum / Double(n))
        #expect(abs(variance - 4) < 6 * 4 * (2.0 / Double(n)).squareRoot())
        #expect(abs(sum / Double(n)) < 6 * 2 / Double(n).squareRoot())
        let clean = try FriedmanGenerator(noiseSD: 0)
        let targets = (0..<7).map { Gen.sample(clean, count: 5_000, state: ConceptState(concept: $0), seed: 3).y }
        for a in 0..<7 { for b in (a + 1)..<7 { #expect(targets[a] != targets[b], "concepts \(a) and \(b)") } }
    }

    @Test func blendInterpolatesTheRegressionFunction() throws {
        let g = try FriedmanGenerator(noiseSD: 0)
        let a = Gen.sample(g, count: 500, state: ConceptState(concept: 0), seed: 6)
        let b = Gen.sample(g, count: 500, state: ConceptState(concept: 1), seed: 6)
        #expect(Gen.sample(g, count: 500, state: ConceptState(concept: 0, toward: 1, blend: 0), seed: 6).y == a.y)
        #expect(Gen.sample(g, count: 500, state: ConceptState(concept: 0, toward: 1, blend: 1), seed: 6).y == b.y)
        let mid = Gen.sample(g, count: 500, state: ConceptState(concept: 0, toward: 1, blend: 0.25), seed: 6)
        #expect((0..<500).allSatisfy { abs(mid.y[$0] - (0.75 * a.y[$0] + 0.25 * b.y[$0])) < 1e-12 })
    }

    @Test func sameSeedSameDrawsAndCovariatesBeforeTheTarget() throws {
        let g = try FriedmanGenerator()
        let a = Gen.sample(g, count: 300, seed: 2), b = Gen.sample(g, count: 300, seed: 2)
        #expect(a.x == b.x && a.y == b.y)
        // x3 + 1 adds 10 to the base target (noise-free).
        let clean = try FriedmanGenerator(noiseSD: 0)
        let plain = Gen.sample(clean, count: 300, seed: 2)
        let moved = Gen.sample(clean, count: 300, seed: 2, covariates: Gen.shifted(dimension: 10, feature: 3, by: 1))
        #expect((0..<300).allSatisfy { abs(moved.y[$0] - plain.y[$0] - 10) < 1e-9 })
        #expect(throws: FlywheelError.self) { try FriedmanGenerator(noiseSD: -1) }
    }
}
