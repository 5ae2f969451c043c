import Foundation
import FlywheelCore

/// Runs `body` with a scratch buffer of `count` doubles, on the stack when small.
@inline(__always)
func withScratch<R>(_ count: Int, _ body: (UnsafeMutableBufferPointer<Double>) throws -> R) rethrows -> R {
    try withUnsafeTemporaryAllocation(of: Double.self, capacity: max(count, 1)) { buffer in
        buffer.initialize(repeating: 0)
        return try body(UnsafeMutableBufferPointer(rebasing: buffer[0..<count]))
    }
}

/// Index of the largest value (the first one on ties; NaN values are never chosen unless all are).
@inline(__always)
func argmax(_ v: UnsafeBufferPointer<Double>) -> Int {
    var best = 0
    var top = -Double.infinity
    for i in 0..<v.count where v[i] > top {
        top = v[i]
        best = i
    }
    return best
}

/// Replaces `v` by softmax(v) = exp(v_i − max v) / Σ exp(v_j − max v); a row of −∞ becomes uniform.
@inline(__always)
func softmaxInPlace(_ v: UnsafeMutableBufferPointer<Double>) {
    var top = -Double.infinity
    for i in 0..<v.count where v[i] > top { top = v[i] }
    guard top > -.infinity else {
        for i in 0..<v.count { v[i] = 1 / Double(v.count) }
        return
    }
    var sum = 0.0
    for i in 0..<v.count {
        let e = exp(v[i] - top)
        v[i] = e
        sum += e
    }
    for i in 0..<v.count { v[i] /= sum }
}
