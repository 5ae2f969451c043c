import FlywheelCore
import Foundation
import Testing
@testable import Learners

@Suite struct RidgeRegressionTests {
    let rows: [[Double]] = [[1, 2], [3, 1], [0, 1], [2, 5]]
    let y: [Double] = [1, 2, 3, -1]

    /// Σ over rows of the 2 × 2 Gram entries and the cross products with y, by hand.
    func normalEquations(_ x: [[Double]], _ y: [Double]) -> (Double, Double, Double, Double, Double) {
        var s00 = 0.0, s01 = 0.0, s11 = 0.0, t0 = 0.0, t1 = 0.0
        for (r, v) in zip(x, y) {
            s00 += r[0] * r[0]; s01 += r[0] * r[1]; s11 += r[1] * r[1]
            t0 += r[0] * v; t1 += r[1] * v
        }
        return (s00, s01, s11, t0, t1)
    }

    @Test func throughTheOriginEqualsClosedForm() throws {
        let lambda = 0.5
        let (model, epochs) = RidgeRegression(l2: lambda, standardize: false, intercept: false)
            .fit(trainingSet(rows, y), classCount: 0, warmStart: nil, rng: RandomStream(seed: 1))
        let r = try #require(model as? RidgeModel)
        // XᵀX = [[14, 15], [15, 31]], Xᵀy = [5, 2]: β = (XᵀX + λI)⁻¹ Xᵀy.
        let (s00, s01, s11, t0, t1) = normalEquations(rows, y)
        #expect([s00, s01, s11, t0, t1] == [14, 15, 31, 5, 2])
        let (b0, b1) = solve2(s00 + lambda, s01, s01, s11 + lambda, t0, t1)
        #expect(close(r.weights[0], b0, 1e-12) && close(r.weights[1], b1, 1e-12))
        #expect(r.intercept == 0)
        #expect(r.classCount == 0 && epochs == 2)
        #expect(probabilities(model, [1, 1], rows: 1) == nil)
    }

    @Test func unpenalisedInterceptCentresTheProblem() throws {
        let lambda = 2.0
        let (model, _) = RidgeRegression(l2: lambda, standardize: false, intercept: true)
            .fit(trainingSet(rows, y), classCount: 0, warmStart: nil, rng: RandomStream(seed: 1))
        let r = try #require(model as? RidgeModel)
        let m0 = rows.map { $0[0] }.reduce(0, +) / 4, m1 = rows.map { $0[1] }.reduce(0, +) / 4, my = y.reduce(0, +) / 4
        let centred = rows.map { [$0[0] - m0, $0[1] - m1] }
        let (s00, s01, s11, t0, t1) = normalEquations(centred, y.map { $0 - my })
        let (b0, b1) = solve2(s00 + lambda, s01, s01, s11 + lambda, t0, t1)
        #expect(close(r.weights[0], b0, 1e-12) && close(r.weights[1], b1, 1e-12))
        #expect(close(r.intercept, my - b0 * m0 - b1 * m1, 1e-12))
    }

    @Test func standardisedPenaltyEqualsClosedFormOnZScores() throws {
        let lambda = 1.5
        let (model, _) = RidgeRegression(l2: lambda).fit(trainingSet(rows, y), classCount: 0, warmStart: nil, rng: RandomStream(seed: 1))
        let r = try #require(model as? RidgeModel)
        let m0 = rows.map { $0[0] }.reduce(0, +) / 4, m1 = rows.map { $0[1] }.reduce(0, +) / 4, my = y.reduce(0, +) / 4
        let sd0 = (rows.map { ($0[0] - m0) * ($0[0] - m0) }.reduce(0, +) / 4).squareRoot()
        let sd1 = (rows.map { ($0[1] - m1) * ($0[1] - m1) }.reduce(0, +) / 4).squareRoot()
        let z = rows.map { [($0[0] - m0) / sd0, ($0[1] - m1) / sd1] }
        let (s00, s01, s11, t0, t1) = normalEquations(z, y.map { $0 - my })
        let (b0, b1) = solve2(s00 + lambda, s01, s01, s11 + lambda, t0, t1)
        #expect(close(r.weights[0], b0 / sd0, 1e-12) && close(r.weights[1], b1 / sd1, 1e-12))
        let x = [2.5, -1.0]
        #expect(close(predictions(model, x, rows: 1)[0], my + b0 * (x[0] - m0) / sd0 + b1 * (x[1] - m1) / sd1, 1e-12))
    }

    @Test func recoversNoiselessLinearFunctionAsPenaltyVanishes() throws {
        let rng = RandomStream(seed: 5)
        var set = TrainingSet(dimension: 3)
        for i in 0..<200 {
            let x = [100 * rng.uniform(), rng.uniform(-1, 1), 1e-3 * rng.gaussian()]
            set.features += x
            set.labels.append(3 * x[0] - 2 * x[1] + 400 * x[2] + 5)
            set.ticks.append(Int32(i))
        }
        let (model, _) = RidgeRegression(l2: 1e-10).fit(set, classCount: 0, warmStart: nil, rng: RandomStream(seed: 1))
        let r = try #require(model as? RidgeModel)
        #expect(abs(r.weights[0] - 3) < 1e-8 && abs(r.weights[1] + 2) < 1e-8 && abs(r.weights[2] - 400) < 1e-5)
        #expect(abs(r.intercept - 5) < 1e-7)
    }

    @Test func collinearInputsWithoutPenaltyStillGiveFinitePredictions() throws {
        let data = trainingSet([[1, 2], [2, 4], [3, 6], [4, 8]], [1, 2, 3, 4])
        let (model, _) = RidgeRegression(l2: 0).fit(data, classCount: 0, warmStart: nil, rng: RandomStream(seed: 1))
        let p = predictions(model, [5, 10, 2.5, 5], rows: 2)
        #expect(abs(p[0] - 5) < 1e-4 && abs(p[1] - 2.5) < 1e-4)
    }
}
