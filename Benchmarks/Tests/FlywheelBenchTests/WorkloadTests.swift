import Foundation
import Testing
@testable import flywheel_bench

/// The benchmark's models must be the peers' models: checked against closed forms and against
/// direct evaluations of River's formulas; the fast exponential against libm.
@Suite struct WorkloadTests {
    @Test func expPairMatchesLibm() {
        #expect(expPairMaxRelativeError(lower: -708, upper: 708, count: 200_001) < 1e-15)
        #expect(expPairMaxRelativeError(lower: -30, upper: 30, count: 200_001) < 1e-15)
        #expect(expPairMaxRelativeError(lower: -0.01, upper: 0.01, count: 20_001) < 1e-15)   // around j = 0, k = 0
        for pair in [SIMD2(-1e6, 1e6), SIMD2(.infinity, -.infinity)] {
            let big = expPair(pair, table: expTable)
            for k in 0..<2 { #expect(big[k].isFinite && big[k] > 0) }
        }
        #expect(expPair(SIMD2(0, -0.0), table: expTable) == SIMD2(1, 1))
    }

    /// River's first SGD steps from zero weights, by hand: raw 0 → loss gradient −s/(e⁰+1) = ∓0.5.
    /// The fused step (one dot product, one exp) must give the same model as predict-then-learn.
    @Test func logisticRegressionFollowsRiversUpdate() {
        var model = OnlineLogisticRegression(dimension: 3), fused = OnlineLogisticRegression(dimension: 3)
        defer { model.deallocate(); fused.deallocate() }
        let x1: [Double] = [1, 2, 3], x2: [Double] = [4, 0, -1]
        x1.withUnsafeBufferPointer { x in
            #expect(model.predict(x) == 0)              // σ(0) = 1 − σ(0): River's max picks False
            model.learn(x, 1)
            #expect(fused.predictLearn(x, 1) == 0)
        }
        // g = −1/(1+1) = −0.5; b = 0.005; w = 0.005 · x1
        #expect(model.intercept == 0.005)
        x2.withUnsafeBufferPointer { x in
            let r = 0.005 * 4 + 0.01 * 0 + 0.015 * -1 + 0.005
            #expect(abs(model.raw(x) - r) < 1e-15)
            #expect(model.predict(x) == (r > 0 ? 1 : 0))
            #expect(fused.predictLearn(x, 0) == (r > 0 ? 1 : 0))
            model.learn(x, 0)
            // y = 0: s = −1, g = 1/(exp(−r)+1)
            let g = 1 / (exp(-r) + 1)
            #expect(abs(model.intercept - (0.005 - 0.01 * g)) < 1e-15)
            #expect(fused.intercept == model.intercept)
            #expect(abs(model.raw(x) - ((0.005 - 0.01 * g * 4) * 4 + (0.015 + 0.01 * g) * -1 + model.intercept)) < 1e-15)
        }
    }

    /// River's GaussianNB prediction, recomputed directly from the samples.
    @Test func gaussianNaiveBayesMatchesRiversFormula() {
        let rows: [([Double], Double)] = [([1, 2, 3], 1), ([2, 1, 0], 1), ([1.5, 2.5, 1], 1), ([8, 9, 7], 0), ([7, 8, 9], 0), ([9, 7.5, 8], 0)]
        var model = OnlineGaussianNB(dimension: 3, maxClasses: 2)
        for (x, y) in rows { x.withUnsafeBufferPointer { model.learn($0, y) } }
        func jll(_ c: Double, _ q: [Double]) -> Double {
            let own = rows.filter { $0.1 == c }.map(\.0)
            var s = log(Double(own.count) / Double(rows.count))
            for j in 0..<3 {
                let v = own.map { $0[j] }
                let mu = v.reduce(0, +) / Double(v.count)
                let variance = v.map { ($0 - mu) * ($0 - mu) }.reduce(0, +) / Double(v.count - 1)
                let pdf = exp(-(q[j] - mu) * (q[j] - mu) / (2 * variance)) / (2 * Double.pi * variance).squareRoot()
                s += log(1e-9 + pdf)
            }
            return s
        }
        for q in [[1.0, 1, 1], [5, 5, 5], [6, 6, 6], [4.9, 5.2, 4.0], [9, 9, 9]] {
            let expected: Double = jll(0, q) > jll(1, q) ? 0 : 1      // class 1 seen first wins ties
            #expect(q.withUnsafeBufferPointer { model.predict($0) } == expected)
        }
        #expect(OnlineGaussianNB(dimension: 3, maxClasses: 2).predict(UnsafeBufferPointer(start: nil, count: 0)).isNaN)
    }

    /// Far from the change point every label follows the concept in force (SEA is noiseless).
    @Test func driftStreamSwitchesConcepts() {
        let stream = SEADriftStream(position: 1_000, width: 1)
        var x = [Double](repeating: 0, count: 3)
        for i in 1...2_000 {
            let y = x.withUnsafeMutableBufferPointer { stream.next(into: $0) }
            guard abs(i - 1_000) > 20 else { continue }
            let theta = i < 1_000 ? 8.0 : 9.5
            #expect(y == (x[0] + x[1] <= theta ? 1 : 0))
        }
    }

    /// The two-lane, software-pipelined gradient steps agree with the plain loop on the same
    /// window: 7 rows (too few for the pipeline), 10 (one pipelined iteration), 1,003 (with a
    /// remainder of three rows).
    @Test(arguments: [7, 10, 1_003])
    func backtestFitVectorisedAgreesWithScalar(rows: Int) {
        var features: [Double] = [], labels: [Double] = []
        var state: UInt64 = 12345
        func uniform() -> Double { state = state &* 6364136223846793005 &+ 1442695040888963407; return Double(state >> 11) / 9007199254740992 }
        for _ in 0..<rows {
            let x = [10 * uniform(), 10 * uniform(), 10 * uniform()]
            features += x
            labels.append(x[0] + x[1] > 8 ? 1 : 0)
        }
        let z = UnsafeMutableBufferPointer<Double>.allocate(capacity: 4 * rows)
        defer { z.deallocate() }
        features.withUnsafeBufferPointer { xb in
            labels.withUnsafeBufferPointer { yb in
                var mu = (0.0, 0.0, 0.0), sd = (0.0, 0.0, 0.0)
                let a = PeriodicBacktest.fit(xb, yb, rows: 0..<rows, vectorised: false, z: z, mu: &mu, sd: &sd)
                let b = PeriodicBacktest.fit(xb, yb, rows: 0..<rows, vectorised: true, z: z, mu: &mu, sd: &sd)
                for (u, v) in [(a.0, b.0), (a.1, b.1), (a.2, b.2), (a.3, b.3)] { #expect(abs(u - v) <= 1e-12 * max(1, abs(u))) }
                if rows > 1_000 { #expect(a.0 > 0 && a.1 > 0 && abs(a.2) < abs(a.0) / 10) }   // x2 carries no signal
            }
        }
    }
}
