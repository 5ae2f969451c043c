/// exp(x) on four lanes at once, for the logistic function in batch gradient steps.
///
/// Range reduction x = n·ln 2 + r with n = round(x / ln 2) (|r| ≤ ln 2 / 2, ln 2 split in a high
/// part exact in 32 bits and a low part, as in Cody & Waite), then exp(r) by its Taylor polynomial
/// of degree 13 evaluated by Estrin's scheme (truncation error below 4e-18 relative on |r| ≤ 0.347), and the
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
    // Estrin's scheme: the 14 coefficients in pairs, then powers r², r⁴, r⁸, so the dependency
    // chain is 4 multiply-adds deep instead of Horner's 13 (the loop is latency-bound).
    let r2 = r * r, r4 = r2 * r2, r8 = r4 * r4
    @inline(__always) func c(_ v: Double) -> SIMD4<Double> { SIMD4(repeating: v) }
    let q0 = c(1) + r                                    // 1 + r
    let q1 = c(0.5) + r * c(1.0 / 6)                     // 1/2! + r/3!
    let q2 = c(1.0 / 24) + r * c(1.0 / 120)
    let q3 = c(1.0 / 720) + r * c(1.0 / 5040)
    let q4 = c(1.0 / 40320) + r * c(1.0 / 362880)
    let q5 = c(1.0 / 3628800) + r * c(1.0 / 39916800)
    let q6 = c(1.0 / 479001600) + r * c(1.0 / 6227020800)
    let s0 = q0 + q1 * r2, s1 = q2 + q3 * r2, s2 = q4 + q5 * r2
    let t0 = s0 + s1 * r4, t1 = s2 + q6 * r4
    let p = t0 + t1 * r8
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
