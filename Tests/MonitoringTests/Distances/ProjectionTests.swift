import Foundation
import Testing
import FlywheelCore
@testable import Monitoring

@Suite("Projections")
struct ProjectionTests {
    // Three rows of dimension 4.
    let rows: [Double] = [1, 2, 3, 4,
                          0, 0, 0, 0,
                          -3, 4, 0, 0]

    @Test func featureRowNormAndRowMean() throws {
        var out = [Double](repeating: .nan, count: 6)
        try Projection.features([3, 0]).apply(rows: rows, dimension: 4, into: &out)
        #expect(out == [4, 1, 0, 0, 0, -3])
        try Projection.rowNorm.apply(rows: rows, dimension: 4, into: &out)
        #expect(Array(out.prefix(3)) == [(30.0).squareRoot(), 0, 5])
        try Projection.rowMean.apply(rows: rows, dimension: 4, into: &out)
        #expect(Array(out.prefix(3)) == [2.5, 0, 0.25])
        #expect(Projection.column([4, 1, 0, 0, 0, -3], outputsPerRow: 2, 1) == [1, 0, -3])
    }

    @Test func randomDirectionsAreUnitSeededAndLinear() throws {
        let a = try RandomDirections(inputDimension: 4, outputs: 3, stream: RandomStream(seed: 7, path: "projection"))
        let b = try RandomDirections(inputDimension: 4, outputs: 3, stream: RandomStream(seed: 7, path: "projection"))
        let c = try RandomDirections(inputDimension: 4, outputs: 3, stream: RandomStream(seed: 8, path: "projection"))
        #expect(a == b)
        #expect(a != c)
        for r in 0..<3 {
            var s = 0.0
            for j in 0..<4 { s += a.directions[r * 4 + j] * a.directions[r * 4 + j] }
            #expect(abs(s - 1) < 1e-14)
        }
        var out = [Double](repeating: .nan, count: 9)
        try Projection.random(a).apply(rows: rows, dimension: 4, into: &out)
        for i in 0..<3 {
            for o in 0..<3 {
                var dot = 0.0
                for j in 0..<4 { dot += rows[i * 4 + j] * a.directions[o * 4 + j] }
                #expect(out[i * 3 + o] == dot)
            }
        }
        #expect(out[3] == 0 && out[4] == 0 && out[5] == 0)
        // Linearity: projecting 2·x gives twice the projection of x.
        var doubled = [Double](repeating: 0, count: 9)
        try Projection.random(a).apply(rows: rows.map { 2 * $0 }, dimension: 4, into: &doubled)
        for i in 0..<9 { #expect(abs(doubled[i] - 2 * out[i]) < 1e-12) }
    }

    @Test func projectedShiftIsVisibleToAUnivariateDistance() throws {
        // A mean shift along every axis of a 20-D Gaussian shows up in the row mean.
        let rng = RandomStream(seed: 21)
        let d = 20, n = 500
        let ref = (0..<(n * d)).map { _ in rng.gaussian() }
        let cur = (0..<(n * d)).map { _ in 0.5 + rng.gaussian() }
        var pr = [Double](repeating: 0, count: n), pc = [Double](repeating: 0, count: n)
        try Projection.rowMean.apply(rows: ref, dimension: d, into: &pr)
        try Projection.rowMean.apply(rows: cur, dimension: d, into: &pc)
        let r = try DistanceMetric.ks.compute(reference: pr, current: pc)
        #expect(r.value > 0.5 && r.pValue! < 1e-10)
    }

    @Test func badShapesAreClearErrors() throws {
        var small = [Double](repeating: 0, count: 2)
        #expect(throws: FlywheelError.self) { try Projection.rowNorm.apply(rows: rows, dimension: 4, into: &small) }
        var out = [Double](repeating: 0, count: 12)
        #expect(throws: FlywheelError.self) { try Projection.rowNorm.apply(rows: rows, dimension: 5, into: &out) }
        #expect(throws: FlywheelError.self) { try Projection.features([4]).apply(rows: rows, dimension: 4, into: &out) }
        let dirs = try RandomDirections(inputDimension: 3, outputs: 1, stream: RandomStream(seed: 1))
        #expect(throws: FlywheelError.self) { try Projection.random(dirs).apply(rows: rows, dimension: 4, into: &out) }
        #expect(throws: FlywheelError.self) { try RandomDirections(inputDimension: 0, outputs: 1, stream: RandomStream(seed: 1)) }
    }
}
