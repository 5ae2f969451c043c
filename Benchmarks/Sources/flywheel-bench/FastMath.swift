/// exp(x) on four lanes at once, for the logistic function in batch gradient steps.
///
/// Range reduction x = n·ln 2 + r with n = round(x / ln 2) (|r| ≤ ln 2 / 2, ln 2 split in a high
/// part exact in 32 bits and a low part, as in Cody & Waite), then exp(r) by its Taylor polynomial
/// of degree 13 in Horner form (truncation error below 4e-18 relative on |r| ≤ 0.347), and the
/// scaling by 2ⁿ built directly in the exponent bits. The input is clamped to [−708, 708], so the
/// result is finite and normal; within that range the relative error is a few ulp (checked
/// against `Foundation.exp` by `flywheel-bench --check-exp`).
/// - Complexity: O(1) per lane, no branches, no calls.
@inline(__always)
func exp4(_ x: SIMD4<Double>) -> SIMD4<Double> {
    // Lane by lane: the generic `clamped` compiles to out-of-line pointwiseMin/Max calls.
    let xc = SIMD4(min(max(x[0], -708), 708), min(max(x[1], -708), 708), min(max(x[2], -708), 708), min(max(x[3], -708), 708))
    let shift = SIMD4<Double>(repeating: 6755399441055744.0)          // 1.5 · 2^52
    let kd = xc * SIMD4(repeating: 1.4426950408889634) + shift
    let n = kd - shift
    let r = xc - n * SIMD4(repeating: 0.693147180369123816490) - n * SIMD4(repeating: 1.90821492927058770002e-10)
    var p = SIMD4<Double>(repeating: 1.0 / 6227020800.0)              // 1/13!
    p = p * r + SIMD4(repeating: 1.0 / 479001600.0)
    p = p * r + SIMD4(repeating: 1.0 / 39916800.0)
    p = p * r + SIMD4(repeating: 1.0 / 3628800.0)
    p = p * r + SIMD4(repeating: 1.0 / 362880.0)
    p = p * r + SIMD4(repeating: 1.0 / 40320.0)
    p = p * r + SIMD4(repeating: 1.0 / 5040.0)
    p = p * r + SIMD4(repeating: 1.0 / 720.0)
    p = p * r + SIMD4(repeating: 1.0 / 120.0)
    p = p * r + SIMD4(repeating: 1.0 / 24.0)
    p = p * r + SIMD4(repeating: 1.0 / 6.0)
    p = p * r + SIMD4(repeating: 0.5)
    p = p * r + SIMD4(repeating: 1.0)
    p = p * r + SIMD4(repeating: 1.0)
    // bits(kd) = bits(1.5 · 2^52) + n, so the exponent field of 2^n is (bits(kd) − bits(shift) + 1023) << 52.
    let bits = unsafeBitCast(kd, to: SIMD4<UInt64>.self)
    let scaleBits = (bits &- SIMD4(repeating: 0x4338_0000_0000_0000) &+ SIMD4(repeating: 1023)) &<< SIMD4(repeating: 52)
    return p * unsafeBitCast(scaleBits, to: SIMD4<Double>.self)
}

/// Largest relative difference between ``exp4`` and `Foundation.exp` over `count` points spread
/// on [lower, upper].
func exp4MaxRelativeError(lower: Double, upper: Double, count: Int) -> Double {
    var worst = 0.0
    var i = 0
    while i < count {
        var v = SIMD4<Double>()
        for k in 0..<4 { v[k] = lower + (upper - lower) * Double(i + k) / Double(count - 1) }
        let e = exp4(v)
        for k in 0..<4 where i + k < count {
            let t = exp(v[k])
            worst = max(worst, abs(e[k] - t) / t)
        }
        i += 4
    }
    return worst
}

import Foundation
