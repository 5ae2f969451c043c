import Testing
import FlywheelCore
@testable import Streams

@Suite struct HyperplaneTests {
    @Test func labelsHandComputedPoints() throws {
        // w = (1, 3): class 1 when x0 + 3 x1 ≥ 2.
        let g = try HyperplaneGenerator(weights: [[1, 3], [3, 1]])
        #expect(Gen.withPoint([0.9, 0.2]) { g.label($0, concept: ConceptState(concept: 0)) } == 0)  // 1.5 < 2
        #expect(Gen.withPoint([0.5, 0.5]) { g.label($0, concept: ConceptState(concept: 0)) } == 1)  // 2.0 ≥ 2 (on the plane)
        #expect(Gen.withPoint([0.2, 0.7]) { g.label($0, concept: ConceptState(concept: 0)) } == 1)  // 2.3 ≥ 2
        #expect(Gen.withPoint([0.9, 0.2]) { g.label($0, concept: ConceptState(concept: 1)) } == 1)  // 2.9 ≥ 2
        // Halfway between the concepts w = (2, 2): class 1 when x0 + x1 ≥ 1.
        let half = ConceptState(concept: 0, toward: 1, blend: 0.5)
        #expect(Gen.withPoint([0.9, 0.2]) { g.label($0, concept: half) } == 1)
        #expect(Gen.withPoint([0.3, 0.6]) { g.label($0, concept: half) } == 0)
    }

    @Test func conceptWeightsFollowTheStepRule() throws {
        let g = try HyperplaneGenerator(features: 6, driftFeatures: 2, magnitude: 0.25, sigma: 0.3, concepts: 8, modelSeed: 4)
        let d = 6
        #expect(g.weights.count == 8 * d)
        #expect(g.weights[0..<d].allSatisfy { $0 >= 0 && $0 < 1 })
        for k in 1..<8 {
            for j in 0..<d {
                let step = g.weights[k * d + j] - g.weights[(k - 1) * d + j]
                if j < 2 { #expect(abs(abs(step) - 0.25) < 1e-12) } else { #expect(step == 0) }
            }
        }
        // First step goes in the initial direction (+1).
        #expect(abs(g.weights[d] - g.weights[0] - 0.25) < 1e-12)
    }

    @Test(arguments: [0, 3])
    func classesAreBalanced(concept: Int) throws {
        let g = try HyperplaneGenerator(modelSeed: 2)
        let s = Gen.sample(g, count: 40_000, state: ConceptState(concept: concept))
        #expect(Gen.withinBinomial(Gen.fraction(s.y, equalTo: 1), 0.5, n: s.count))
    }

    @Test func drawnLabelsMatchAnIndependentDotProduct() throws {
        let g = try HyperplaneGenerator(modelSeed: 2)
        let s = Gen.sample(g, count: 2_000, state: ConceptState(concept: 2))
        let w = Array(g.weights[(2 * 10)..<(3 * 10)])
        for i in 0..<s.count {
            let x = Array(s.row(i))
            let dot = zip(w, x).map { $0 * $1 }.reduce(0, +)
            #expect(s.y[i] == (dot >= 0.5 * w.reduce(0, +) ? 1 : 0))
            #expect(x.allSatisfy { $0 >= 0 && $0 < 1 })
        }
    }

    @Test func adjacentConceptsDiffer() throws {
        let g = try HyperplaneGenerator(modelSeed: 2)
        let y = (0..<g.conceptCount).map { Gen.sample(g, count: 5_000, state: ConceptState(concept: $0), seed: 1).y }
        for k in 1..<g.conceptCount { #expect(Gen.disagreement(y[k - 1], y[k]) > 0.01) }
    }

    @Test func blendEndpointsEqualTheConcepts() throws {
        let g = try HyperplaneGenerator(modelSeed: 2)
        let a = Gen.sample(g, count: 3_000, state: ConceptState(concept: 0))
        let b = Gen.sample(g, count: 3_000, state: ConceptState(concept: 4))
        let start = Gen.sample(g, count: 3_000, state: ConceptState(concept: 0, toward: 4, blend: 0))
        let end = Gen.sample(g, count: 3_000, state: ConceptState(concept: 0, toward: 4, blend: 1))
        #expect(start.y == a.y && start.x == a.x)
        #expect(end.y == b.y)
        let middle = Gen.sample(g, count: 3_000, state: ConceptState(concept: 0, toward: 4, blend: 0.5))
        #expect(middle.y != a.y && middle.y != b.y)
    }

    @Test func determinismAndModelSeed() throws {
        let g1 = try HyperplaneGenerator(modelSeed: 5), g2 = try HyperplaneGenerator(modelSeed: 5)
        let g3 = try HyperplaneGenerator(modelSeed: 6)
        #expect(g1.weights == g2.weights)
        #expect(g1.weights != g3.weights)
        let a = Gen.sample(g1, count: 300, seed: 1), b = Gen.sample(g2, count: 300, seed: 1)
        #expect(a.x == b.x && a.y == b.y)
    }

    @Test func rejectsBadParameters() {
        #expect(throws: FlywheelError.self) { try HyperplaneGenerator(features: 1) }
        #expect(throws: FlywheelError.self) { try HyperplaneGenerator(features: 3, driftFeatures: 4) }
        #expect(throws: FlywheelError.self) { try HyperplaneGenerator(sigma: 1.5) }
        #expect(throws: FlywheelError.self) { try HyperplaneGenerator(magnitude: 0) }
        #expect(throws: FlywheelError.self) { try HyperplaneGenerator(concepts: 0) }
        #expect(throws: FlywheelError.self) { try HyperplaneGenerator(weights: [[1, 2], [1]]) }
    }
}
