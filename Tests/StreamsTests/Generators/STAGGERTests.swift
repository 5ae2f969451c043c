import Testing
import FlywheelCore
@testable import Streams

@Suite struct STAGGERTests {
    let g = STAGGERGenerator()

    @Test func labelsHandComputedObjects() {
        // size, color, shape: 0 small/red/circle, 1 medium/blue/square, 2 large/green/triangle
        #expect(Gen.withPoint([0, 0, 2]) { STAGGERGenerator.label($0, concept: 0) } == 1)  // small red triangle
        #expect(Gen.withPoint([0, 1, 2]) { STAGGERGenerator.label($0, concept: 0) } == 0)  // small blue
        #expect(Gen.withPoint([1, 0, 0]) { STAGGERGenerator.label($0, concept: 0) } == 0)  // medium red
        #expect(Gen.withPoint([1, 2, 2]) { STAGGERGenerator.label($0, concept: 1) } == 1)  // green
        #expect(Gen.withPoint([2, 1, 0]) { STAGGERGenerator.label($0, concept: 1) } == 1)  // circle
        #expect(Gen.withPoint([2, 1, 1]) { STAGGERGenerator.label($0, concept: 1) } == 0)  // blue square
        #expect(Gen.withPoint([0, 2, 0]) { STAGGERGenerator.label($0, concept: 2) } == 0)  // small
        #expect(Gen.withPoint([1, 0, 1]) { STAGGERGenerator.label($0, concept: 2) } == 1)  // medium
        #expect(Gen.withPoint([2, 0, 1]) { STAGGERGenerator.label($0, concept: 2) } == 1)  // large
    }

    @Test func exhaustiveCountsMatchTheConceptDefinitions() {
        // Of the 27 objects: 1 is small∧red (3 shapes → 3), 15 are green∨circle, 18 are medium∨large.
        var positives = [0, 0, 0]
        for s in 0..<3 { for c in 0..<3 { for h in 0..<3 {
            for k in 0..<3 where Gen.withPoint([Double(s), Double(c), Double(h)], { STAGGERGenerator.label($0, concept: k) }) == 1 {
                positives[k] += 1
            }
        } } }
        #expect(positives == [3, 15, 18])
    }

    @Test(arguments: [(0, 1.0 / 9), (1, 5.0 / 9), (2, 2.0 / 3)])
    func classBalanceMatchesClosedForm(concept: Int, p: Double) {
        let s = Gen.sample(g, count: 40_000, state: ConceptState(concept: concept))
        #expect(Gen.withinBinomial(Gen.fraction(s.y, equalTo: 1), p, n: s.count))
        #expect(s.x.allSatisfy { $0 == 0 || $0 == 1 || $0 == 2 })
    }

    @Test func drawnLabelsFollowTheLabellingFunctionAndConceptsDiffer() {
        let labels = (0..<3).map { Gen.sample(g, count: 5_000, state: ConceptState(concept: $0), seed: 11) }
        for k in 0..<3 {
            for i in 0..<labels[k].count {
                let expected = Gen.withPoint(Array(labels[k].row(i))) { STAGGERGenerator.label($0, concept: k) }
                #expect(labels[k].y[i] == expected)
            }
        }
        // Same seed → same inputs under every concept; the labellings must differ pairwise.
        #expect(labels[0].x == labels[1].x)
        for a in 0..<3 { for b in (a + 1)..<3 { #expect(Gen.disagreement(labels[a].y, labels[b].y) > 0.2) } }
    }

    @Test func sameSeedSameDraws() {
        #expect(Gen.sample(g, count: 500, seed: 3).x == Gen.sample(g, count: 500, seed: 3).x)
        #expect(Gen.sample(g, count: 500, seed: 3).x != Gen.sample(g, count: 500, seed: 4).x)
    }

    @Test func covariatesApplyBeforeLabelling() {
        // Shifting size by +1 leaves no small object: concept 0 (small ∧ red) labels all 0.
        let s = Gen.sample(g, count: 2_000, state: ConceptState(concept: 0), covariates: Gen.shifted(dimension: 3, feature: 0, by: 1))
        #expect(s.y.allSatisfy { $0 == 0 })
        #expect((0..<s.count).allSatisfy { s.value($0, 0) >= 1 })
    }
}
