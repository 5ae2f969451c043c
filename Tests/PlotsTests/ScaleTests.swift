import Foundation
import Testing
@testable import Plots

@Suite("Nice ticks and number formatting")
struct ScaleTests {
    func close(_ a: [Double], _ b: [Double]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= 1e-12 * Swift.max(1, abs($1)) }
    }

    @Test("0…1 gives 0, 0.2, …, 1")
    func unitRange() {
        let s = NiceScale(lo: 0, hi: 1, targetCount: 5)
        #expect(s.step == 0.2)
        #expect(close(s.ticks, [0, 0.2, 0.4, 0.6, 0.8, 1.0]))
        #expect(s.ticks.map { s.label($0) } == ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
    }

    @Test("0…937 gives 0, 200, …, 1000")
    func hundreds() {
        let s = NiceScale(lo: 0, hi: 937, targetCount: 5)
        #expect(s.step == 200)
        #expect(s.ticks == [0, 200, 400, 600, 800, 1000])
        #expect(s.ticks.map { s.label($0) } == ["0", "200", "400", "600", "800", "1000"])
    }

    @Test("steps are 1, 2 or 5 times a power of ten and the ticks cover the data")
    func stepsAreNice() {
        let ranges: [(Double, Double)] = [(-3.7, 12.1), (0.001, 0.0042), (17, 18), (-1e6, 3e6), (0.5, 0.93), (1e-9, 7e-9)]
        for (lo, hi) in ranges {
            let s = NiceScale(lo: lo, hi: hi, targetCount: 5)
            let mantissa = s.step / pow(10, floor(log10(s.step)))
            #expect([1.0, 2.0, 5.0].contains { abs(mantissa - $0) < 1e-9 }, "step \(s.step) for \(lo)…\(hi)")
            #expect(s.lower <= lo && s.upper >= hi)
            #expect(s.ticks.count >= 3 && s.ticks.count <= 12)
            #expect(Set(s.ticks.map { s.label($0) }).count == s.ticks.count, "labels must differ: \(s.ticks.map { s.label($0) })")
        }
    }

    @Test("constant, reversed and non-finite ranges are handled")
    func degenerate() {
        let c = NiceScale(lo: 5, hi: 5)
        #expect(c.lower < 5 && c.upper > 5)
        let z = NiceScale(lo: 0, hi: 0)
        #expect(z.lower <= -1 && z.upper >= 1)
        let r = NiceScale(lo: 10, hi: 0)
        #expect(r.lower == 0 && r.upper == 10)
        let n = NiceScale(lo: .nan, hi: .infinity)
        #expect(n.lower == 0 && n.upper == 1)
    }

    @Test("large values use k and M suffixes")
    func suffixes() {
        let s = NiceScale(lo: 0, hi: 48_000, targetCount: 5)
        #expect(s.ticks.map { s.label($0) } == ["0", "10k", "20k", "30k", "40k", "50k"])
        let m = NiceScale(lo: 0, hi: 2_500_000, targetCount: 5)
        #expect(m.label(1_500_000) == "1.5M")
    }

    @Test("fixed-decimal formatting is exact and locale-free")
    func formatting() {
        #expect(fixedDecimal(0.6000000000000001, decimals: 1) == "0.6")
        #expect(fixedDecimal(-0.0001, decimals: 2) == "0.00")
        #expect(fixedDecimal(-2.5, decimals: 2) == "-2.50")
        #expect(fixedDecimal(1234567.891, decimals: 1) == "1234567.9")
        #expect(svgNumber(12.0) == "12")
        #expect(svgNumber(12.346) == "12.35")
        #expect(svgNumber(-0.5) == "-0.5")
        #expect(svgNumber(.nan) == "0")
        #expect(compactNumber(0.004217) == "0.00422")
        #expect(compactNumber(23.71) == "23.7")
    }

    @Test("log ticks mark every decade and label them")
    func logTicks() {
        let t = LogTicks(minPositive: 0.001, maxPositive: 1000)
        #expect(t.major == [0.001, 0.01, 0.1, 1, 10, 100, 1000].map { $0 })
        #expect(t.major.map { LogTicks.label($0) } == ["0.001", "0.01", "0.1", "1", "10", "100", "1k"])
        let narrow = LogTicks(minPositive: 0.3, maxPositive: 7)
        #expect(narrow.ticks.contains(2) && narrow.ticks.contains(5))
    }

    @Test("text is escaped and control characters removed")
    func escaping() {
        #expect(svgEscape("a<b & \"c\">") == "a&lt;b &amp; &quot;c&quot;&gt;")
        #expect(svgEscape("x\u{01}y") == "x\u{FFFD}y")
    }

    @Test("truncation ends with an ellipsis and fits")
    func truncation() {
        let long = "retrain monthly on a fixed calendar schedule"
        let t = truncated(long, maxWidth: 100, fontSize: 12)
        #expect(t.hasSuffix("…"))
        #expect(textWidth(t, fontSize: 12) <= 100)
        #expect(truncated("short", maxWidth: 100, fontSize: 12) == "short")
    }
}

@Suite("Data-bounded axes")
struct InsideScaleTests {
    @Test("the axis ends at the data unless a tick is within 5%")
    func inside() {
        let a = NiceScale.inside(lo: 0, hi: 199, targetCount: 5)
        #expect(a.domain.0 == 0 && a.domain.1 == 200)
        #expect(a.ticks == [0, 50, 100, 150, 200])
        let b = NiceScale.inside(lo: 0, hi: 937, targetCount: 5)
        #expect(b.domain.1 == 937)
        #expect(b.ticks == [0, 200, 400, 600, 800])
        let c = NiceScale.inside(lo: 0.3, hi: 0.9, targetCount: 2)
        #expect(c.ticks.count >= 2)
        #expect(c.ticks.allSatisfy { $0 >= 0.3 - 1e-12 && $0 <= 0.9 + 1e-12 })
    }
}
