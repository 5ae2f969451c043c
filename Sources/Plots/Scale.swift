import Foundation

/// Axis ticks at "nice" round values: steps of 1, 2 or 5 times a power of ten.
///
/// The step is the smallest of {1, 2, 5, 10}·10^k that is at least `(hi − lo) / targetCount`;
/// the axis is then widened to the enclosing multiples of the step, so the data never touches
/// an unlabelled edge. Degenerate ranges (`lo == hi`) are padded first (by 5% of |lo|, or by 1
/// around zero), and reversed bounds are swapped. Examples: 0…1 gives 0, 0.2, …, 1;
/// 0…937 gives 0, 200, …, 1000.
public struct NiceScale: Sendable, Equatable {
    /// The widened lower bound (a multiple of ``step``).
    public let lower: Double
    /// The widened upper bound (a multiple of ``step``).
    public let upper: Double
    /// The tick spacing, 1, 2 or 5 × 10^k.
    public let step: Double
    /// Exponent k of the step, used for fixed-decimal labels.
    let exponent: Int

    /// Builds ticks for the data range `lo…hi`, aiming for about `targetCount` intervals.
    public init(lo: Double, hi: Double, targetCount: Int = 5) {
        var a = lo.isFinite ? lo : 0
        var b = hi.isFinite ? hi : 1
        if !lo.isFinite && !hi.isFinite { a = 0; b = 1 }
        if a > b { swap(&a, &b) }
        // Keep the arithmetic finite: clamp to ±1e300 and treat sub-1e-300 widths as degenerate.
        a = Swift.min(Swift.max(a, -1e300), 1e300)
        b = Swift.min(Swift.max(b, -1e300), 1e300)
        (a, b) = NiceScale.padded(a, b)
        let target = Double(Swift.max(targetCount, 1))
        let rough = (b - a) / target
        var k = Int(floor(log10(rough)))
        let mag = pow(10.0, Double(k))
        let normalized = rough / mag
        var m: Double
        if normalized <= 1.0 + 1e-9 { m = 1 } else if normalized <= 2.0 + 1e-9 { m = 2 } else if normalized <= 5.0 + 1e-9 { m = 5 } else { m = 1; k += 1 }
        let step = m * pow(10.0, Double(k))
        self.step = step
        self.exponent = k
        // Tolerance so that 0.6/0.2 = 2.9999999999999996 still counts as 3 steps.
        let lo = floor(a / step + 1e-9)
        let hi = ceil(b / step - 1e-9)
        self.lower = lo * step
        self.upper = Swift.max(hi, lo + 1) * step
    }

    /// Nice ticks for an axis that should end where the data ends, such as time: the domain is
    /// `lo…hi`, stretched to the next tick only when that tick is within 5% of the range (so
    /// 0…199 becomes 0…200 but 0…937 stays). Asks for more ticks until at least two fall inside.
    static func inside(lo: Double, hi: Double, targetCount: Int)
        -> (scale: NiceScale, ticks: [Double], domain: (Double, Double)) {
        var target = Swift.max(targetCount, 1)
        var result = NiceScale(lo: lo, hi: hi, targetCount: target)
        var domain = (lo, hi)
        var ticks: [Double] = []
        for _ in 0..<5 {
            let slack = (hi - lo) * 0.05
            domain = (result.lower >= lo - slack ? Swift.min(result.lower, lo) : lo,
                      result.upper <= hi + slack ? Swift.max(result.upper, hi) : hi)
            let tol = result.step * 1e-9
            ticks = result.ticks.filter { $0 >= domain.0 - tol && $0 <= domain.1 + tol }
            if ticks.count >= 2 { break }
            target *= 2
            result = NiceScale(lo: lo, hi: hi, targetCount: target)
        }
        return (result, ticks, domain)
    }

    /// Pads a degenerate range so that it has positive width.
    static func padded(_ a: Double, _ b: Double) -> (Double, Double) {
        if b - a > abs(a) * 1e-12 && b - a > 1e-300 { return (a, b) }
        let pad = abs(a) < 1e-290 ? 1.0 : abs(a) * 0.05
        return (a - pad, b + pad)
    }

    /// The tick values from ``lower`` to ``upper`` inclusive, computed as integer multiples of the
    /// step (no accumulated rounding error).
    public var ticks: [Double] {
        let first = (lower / step).rounded()
        let last = (upper / step).rounded()
        guard last >= first, last - first < 10_000 else { return [lower, upper] }
        var out: [Double] = []
        var i = first
        while i <= last {
            let v = i * step
            out.append(abs(v) < step * 1e-9 ? 0 : v)
            i += 1
        }
        return out
    }

    /// The label of a tick value: fixed decimals matching the step (`0.2`, `1000`), with a
    /// `k`/`M`/`G` suffix for large round values and scientific notation for very small steps.
    public func label(_ v: Double) -> String {
        NiceScale.label(v, exponent: exponent, maxMagnitude: Swift.max(abs(lower), abs(upper)))
    }

    static func label(_ v: Double, exponent: Int, maxMagnitude: Double) -> String {
        if maxMagnitude >= 1e4 && exponent >= 3 {
            if v == 0 { return "0" }
            let (div, suffix): (Double, String) = maxMagnitude >= 1e9 ? (1e9, "G") : (maxMagnitude >= 1e6 ? (1e6, "M") : (1e3, "k"))
            let e = exponent - Int(log10(div).rounded())
            return fixedDecimal(v / div, decimals: Swift.max(0, -e)) + suffix
        }
        if exponent < -5 {
            return scientific(v)
        }
        return fixedDecimal(v, decimals: Swift.max(0, -exponent))
    }

    /// `1.5e-7` style label with up to three significant digits.
    static func scientific(_ v: Double) -> String {
        if v == 0 { return "0" }
        let e = Int(floor(log10(abs(v))))
        let mant = v / pow(10.0, Double(e))
        var m = fixedDecimal(mant, decimals: 2)
        while m.hasSuffix("0") { m.removeLast() }
        if m.hasSuffix(".") { m.removeLast() }
        return m + "e" + String(e)
    }
}

/// Formats a value for display with about three significant digits, without locale.
public func compactNumber(_ v: Double) -> String {
    guard v.isFinite else { return v.isNaN ? "–" : (v < 0 ? "−∞" : "∞") }
    if v == 0 { return "0" }
    let a = abs(v)
    if a >= 1e6 || a < 1e-3 { return NiceScale.scientific(v) }
    let e = Int(floor(log10(a)))
    return fixedDecimal(v, decimals: Swift.max(0, 2 - e))
}

/// A linear map from a data interval onto a pixel interval (which may be reversed, as for y).
struct LinearMap {
    let d0: Double, d1: Double, p0: Double, p1: Double
    /// `d0 d1 p0 p1` at full precision (shortest round-trip digits): a viewer inverts pixel
    /// coordinates to data values with it (the `data-x-map`/`data-y-map` of a chart's data).
    var attribute: String { "\(d0) \(d1) \(p0) \(p1)" }
    func callAsFunction(_ v: Double) -> Double {
        let span = d1 - d0
        if span == 0 { return (p0 + p1) / 2 }
        return p0 + (v - d0) / span * (p1 - p0)
    }
}

/// Ticks for a base-10 logarithmic axis: every power of ten in range, plus 2× and 5× when the
/// range spans at most two decades (and more decades are thinned when there are many).
struct LogTicks {
    let lowerExp: Int
    let upperExp: Int
    let ticks: [Double]
    /// Ticks that carry a label (the others are minor).
    let major: [Double]

    init(minPositive: Double, maxPositive: Double) {
        var lo = minPositive.isFinite && minPositive > 0 ? minPositive : 0.1
        var hi = maxPositive.isFinite && maxPositive > 0 ? maxPositive : 10
        if lo > hi { swap(&lo, &hi) }
        var a = Int(floor(log10(lo) + 1e-9))
        var b = Int(ceil(log10(hi) - 1e-9))
        if b <= a { a -= 0; b = a + 1 }
        lowerExp = a
        upperExp = b
        let decades = b - a
        var t: [Double] = []
        var major: [Double] = []
        let every = Swift.max(1, Int(ceil(Double(decades) / 10)))
        for e in a...b {
            let p = pow(10.0, Double(e))
            t.append(p)
            if (e - a) % every == 0 { major.append(p) }
            if decades <= 2 && e < b {
                t.append(2 * p); t.append(5 * p)
                major.append(2 * p); major.append(5 * p)
            }
        }
        ticks = t.sorted()
        self.major = major.sorted()
    }

    static func label(_ v: Double) -> String {
        let e = Int(floor(log10(v) + 1e-9))
        if e >= 6 || e <= -5 { return NiceScale.scientific(v) }
        if e >= 3 {
            let k = v / 1000
            return fixedDecimal(k, decimals: 0) + "k"
        }
        return fixedDecimal(v, decimals: Swift.max(0, -e))
    }
}
