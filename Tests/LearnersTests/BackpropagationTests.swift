import FlywheelCore
import Foundation
import Testing
@testable import Learners

/// The analytic gradient of the perceptron equals central finite differences of its loss.
@Suite struct BackpropagationTests {
    @Test(arguments: [(false, true), (true, true), (false, false), (true, false)])
    func gradientMatchesFiniteDifferences(relu: Bool, classification: Bool) {
        let shape = MLPShape(sizes: [3, 5, 4, classification ? 3 : 1], relu: relu, classification: classification)
        let rng = RandomStream(seed: 99)
        var params = (0..<shape.parameterCount).map { _ in rng.uniform(-1, 1) }
        let input = [0.3, -1.2, 0.8]
        let target = classification ? 2.0 : 0.7
        let outOff = shape.activationOffset[shape.layers]

        func loss(_ p: [Double]) -> Double {
            var a = [Double](repeating: 0, count: shape.activationCount)
            for j in 0..<3 { a[j] = input[j] }
            p.withUnsafeBufferPointer { pb in a.withUnsafeMutableBufferPointer { shape.forward(pb, $0) } }
            if classification { return -log(a[outOff + Int(target)]) }
            let e = a[outOff] - target
            return 0.5 * e * e
        }

        var grad = [Double](repeating: 0, count: shape.parameterCount)
        var a = [Double](repeating: 0, count: shape.activationCount)
        var da = [Double](repeating: 0, count: shape.maxWidth), db = da
        for j in 0..<3 { a[j] = input[j] }
        params.withUnsafeBufferPointer { p in
            a.withUnsafeMutableBufferPointer { ab in
                grad.withUnsafeMutableBufferPointer { g in
                    da.withUnsafeMutableBufferPointer { x in
                        db.withUnsafeMutableBufferPointer { y in
                            shape.forward(p, ab)
                            shape.backward(p, ab, target: target, grad: g, x, y)
                        }
                    }
                }
            }
        }
        let h = 1e-6
        for k in 0..<shape.parameterCount {
            let saved = params[k]
            params[k] = saved + h; let up = loss(params)
            params[k] = saved - h; let down = loss(params)
            params[k] = saved
            let numeric = (up - down) / (2 * h)
            #expect(abs(numeric - grad[k]) < 1e-6 * max(1, abs(numeric)), "parameter \(k)")
        }
    }
}
