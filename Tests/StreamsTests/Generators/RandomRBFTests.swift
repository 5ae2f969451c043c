import Testing
import FlywheelCore
@testable import Streams

@Suite struct RandomRBFTests {
    @Test func reflectionBouncesBetweenTheFaces() {
        #expect(abs(RandomRBFGenerator.reflect(0.4) - 0.4) < 1e-15)
        #expect(abs(RandomRBFGenerator.reflect(1.3) - 0.7) < 1e-12)
        #expect(abs(RandomRBFGenerator.reflect(-0.2) - 0.2) < 1e-12)
        #expect(abs(RandomRBFGenerator.reflect(2.5) - 0.5) < 1e-12)
        #expect(abs(RandomRBFGenerator.reflect(-1.25) - 0.75) < 1e-12)
    }

    @Test func classSharesAreTheCentroidWeightShares() throws {
        let g = try RandomRBFGenerator(features: 4, classes: 3, centroids: 20, modelSeed: 9)
        let total = g.centroidWeights.reduce(0, +)
        let s = Gen.sample(g, count: 40_000, state: ConceptState(concept: 2))
        for k in 0..<3 {
            let share = zip(g.centroidClasses, g.centroidWeights).filter { $0.0 == k }.map(\.1).reduce(0, +) / total
            #expect(Gen.withinBinomial(Gen.fraction(s.y, equalTo: Double(k)), share, n: s.count))
        }
        #expect(g.centroidDeviations.allSatisfy { $0 >= 0 && $0 < 1 })
        #expect(g.centres.allSatisfy { $0 >= 0 && $0 < 1 })
        #expect(g.bayesAccuracy.isNaN)
    }

    /// One centroid: the offset has length |N(0,1)| s, so E‖x − c‖² = s², and the mean is the centre.
    @Test(arguments: [0, 3])
    func singleCentroidSpreadAndCentreMatchTheDefinition(concept: Int) throws {
        let speed = 0.3
        let g = try RandomRBFGenerator(features: 3, classes: 2, centroids: 1, driftCentroids: 1, speed: speed, concepts: 4, modelSeed: 3)
        let s = Gen.sample(g, count: 20_000, state: ConceptState(concept: concept))
        let sd = g.centroidDeviations[0]
        // Expected centre: start + k·speed·direction, folded back into [0, 1].
        let centre = (0..<3).map { j -> Double in
            var y = g.centres[j] + Double(concept) * speed * g.directions[j]
            while y > 1 || y < 0 { y = y > 1 ? 2 - y : -y }
            return y
        }
        var squared = 0.0
        var mean = [0.0, 0.0, 0.0]
        for i in 0..<s.count {
            for j in 0..<3 {
                let dx = s.value(i, j) - centre[j]
                squared += dx * dx
                mean[j] += s.value(i, j) / Double(s.count)
            }
        }
        squared /= Double(s.count)
        #expect(abs(squared - sd * sd) < 6 * sd * sd * (2.0 / Double(s.count)).squareRoot())
        for j in 0..<3 { #expect(abs(mean[j] - centre[j]) < 6 * sd / Double(s.count).squareRoot()) }
        #expect(s.y.allSatisfy { $0 == Double(g.centroidClasses[0]) })
        if concept > 0 { #expect(centre != Array(g.centres[0..<3])) }
    }

    @Test func staticCentroidsStayPut() throws {
        let g = try RandomRBFGenerator(features: 2, centroids: 5, driftCentroids: 2, speed: 0.4, modelSeed: 1)
        for i in 2..<5 { for j in 0..<2 { #expect(g.centre(i, j, step: 3) == g.centres[i * 2 + j]) } }
        #expect(g.centre(0, 0, step: 3) != g.centres[0])
    }

    @Test func blendEndpointsEqualTheConceptsAndMidpointsFollowThePath() throws {
        let g = try RandomRBFGenerator(modelSeed: 4)
        let a = Gen.sample(g, count: 2_000, state: ConceptState(concept: 1))
        let b = Gen.sample(g, count: 2_000, state: ConceptState(concept: 3))
        #expect(Gen.sample(g, count: 2_000, state: ConceptState(concept: 1, toward: 3, blend: 0)).x == a.x)
        #expect(Gen.sample(g, count: 2_000, state: ConceptState(concept: 1, toward: 3, blend: 1)).x == b.x)
        // Halfway from 1 to 3 is step 2: the same place as concept 2.
        let mid = Gen.sample(g, count: 2_000, state: ConceptState(concept: 1, toward: 3, blend: 0.5))
        let two = Gen.sample(g, count: 2_000, state: ConceptState(concept: 2))
        #expect(zip(mid.x, two.x).allSatisfy { abs($0 - $1) < 1e-12 })
        #expect(mid.y == two.y)
    }

    @Test func conceptsDiffer() throws {
        let g = try RandomRBFGenerator(modelSeed: 4)
        let samples = (0..<g.conceptCount).map { Gen.sample(g, count: 20_000, state: ConceptState(concept: $0), seed: 2) }
        func means(_ s: GeneratedSample) -> [Double] {
            (0..<s.dimension).map { j in (0..<s.count).map { s.value($0, j) }.reduce(0, +) / Double(s.count) }
        }
        let m = samples.map(means)
        for p in 0..<m.count {
            for q in (p + 1)..<m.count {
                let gap = zip(m[p], m[q]).map { abs($0 - $1) }.max() ?? 0
                #expect(gap > 0.02, "concepts \(p) and \(q)")
            }
        }
    }

    @Test func determinismAndModelSeed() throws {
        let g1 = try RandomRBFGenerator(modelSeed: 8), g2 = try RandomRBFGenerator(modelSeed: 8)
        #expect(g1.centres == g2.centres && g1.directions == g2.directions && g1.centroidClasses == g2.centroidClasses)
        #expect(try RandomRBFGenerator(modelSeed: 9).centres != g1.centres)
        let a = Gen.sample(g1, count: 300, state: ConceptState(concept: 1, toward: 2, blend: 0.3), seed: 5)
        let b = Gen.sample(g2, count: 300, state: ConceptState(concept: 1, toward: 2, blend: 0.3), seed: 5)
        #expect(a.x == b.x && a.y == b.y)
    }

    @Test func covariatesApplyAfterDrawing() throws {
        let g = try RandomRBFGenerator(modelSeed: 4)
        let plain = Gen.sample(g, count: 500)
        let moved = Gen.sample(g, count: 500, covariates: Gen.shifted(dimension: 10, feature: 3, by: 2))
        #expect(plain.y == moved.y)
        #expect((0..<500).allSatisfy { abs(moved.value($0, 3) - plain.value($0, 3) - 2) < 1e-12 })
    }

    @Test func rejectsBadParameters() {
        #expect(throws: FlywheelError.self) { try RandomRBFGenerator(classes: 1) }
        #expect(throws: FlywheelError.self) { try RandomRBFGenerator(centroids: 3, driftCentroids: 4) }
        #expect(throws: FlywheelError.self) { try RandomRBFGenerator(speed: -1) }
        #expect(throws: FlywheelError.self) { try RandomRBFGenerator(features: 0) }
    }
}
