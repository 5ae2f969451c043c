import Foundation
import Testing
import FlywheelCore
@testable import Streams

@Suite struct SineTests {
    @Test func labelsHandComputedPoints() {
        // sin(0.5) = 0.4794
        #expect(Gen.withPoint([0.3, 0.5]) { SineGenerator.label($0, concept: 0) } == 1)
        #expect(Gen.withPoint([0.3, 0.5]) { SineGenerator.label($0, concept: 1) } == 0)
        #expect(Gen.withPoint([0.6, 0.5]) { SineGenerator.label($0, concept: 0) } == 0)
        #expect(Gen.withPoint([0.6, 0.5]) { SineGenerator.label($0, concept: 1) } == 1)
        // x1 = 1/6: 0.5 + 0.3 sin(π/2) = 0.8; x1 = 0.5: 0.5 + 0.3 sin(3π/2) = 0.2
        #expect(Gen.withPoint([0.7, 1.0 / 6]) { SineGenerator.label($0, concept: 2) } == 1)
        #expect(Gen.withPoint([0.85, 1.0 / 6]) { SineGenerator.label($0, concept: 2) } == 0)
        #expect(Gen.withPoint([0.85, 1.0 / 6]) { SineGenerator.label($0, concept: 3) } == 1)
        #expect(Gen.withPoint([0.1, 0.5]) { SineGenerator.label($0, concept: 2) } == 1)
        #expect(Gen.withPoint([0.3, 0.5]) { SineGenerator.label($0, concept: 2) } == 0)
        #expect(Gen.withPoint([0.3, 0.5]) { SineGenerator.label($0, concept: 3) } == 1)
    }

    static let shares: [(Int, Double)] = [(0, 1 - cos(1.0)), (1, cos(1.0)), (2, 0.5 + 0.2 / Double.pi), (3, 0.5 - 0.2 / Double.pi)]

    @Test(arguments: SineTests.shares)
    func classBalanceMatchesClosedForm(concept: Int, p: Double) throws {
        let g = try SineGenerator()
        let s = Gen.sample(g, count: 40_000, state: ConceptState(concept: concept))
        #expect(Gen.withinBinomial(Gen.fraction(s.y, equalTo: 1), p, n: s.count))
    }

    @Test func conceptsDifferAndReversalsAreComplements() throws {
        let g = try SineGenerator()
        let y = (0..<4).map { Gen.sample(g, count: 5_000, state: ConceptState(concept: $0), seed: 5).y }
        #expect(Gen.disagreement(y[0], y[1]) == 1)
        #expect(Gen.disagreement(y[2], y[3]) == 1)
        for a in 0..<4 { for b in (a + 1)..<4 { #expect(Gen.disagreement(y[a], y[b]) > 0.1) } }
    }

    @Test func irrelevantInputsDoNotAffectTheLabel() throws {
        let g = try SineGenerator(irrelevant: 2)
        #expect(g.schema.dimension == 4)
        let s = Gen.sample(g, count: 2_000, state: ConceptState(concept: 2))
        for i in 0..<s.count {
            let x = Array(s.row(i))
            #expect(s.y[i] == Gen.withPoint([x[0], x[1], 1 - x[2], 1 - x[3]]) { SineGenerator.label($0, concept: 2) })
            #expect(x.allSatisfy { $0 >= 0 && $0 < 1 })
        }
        #expect(throws: FlywheelError.self) { try SineGenerator(irrelevant: -1) }
    }

    @Test func sameSeedSameDraws() throws {
        let g = try SineGenerator()
        let a = Gen.sample(g, count: 300, seed: 9), b = Gen.sample(g, count: 300, seed: 9)
        #expect(a.x == b.x && a.y == b.y)
    }

    @Test func covariatesApplyBeforeLabelling() throws {
        // x0 + 1 ≥ 1 > sin(x1) for x1 < 1: SINE1 labels everything 0.
        let g = try SineGenerator()
        let s = Gen.sample(g, count: 1_000, covariates: Gen.shifted(dimension: 2, feature: 0, by: 1))
        #expect(s.y.allSatisfy { $0 == 0 })
        #expect((0..<s.count).allSatisfy { s.value($0, 0) >= 1 })
    }
}
