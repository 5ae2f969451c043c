import Foundation
import Testing
@testable import Plots

/// The truncation before it ran on running sums: cut one character at a time and measure again
/// (quadratic in the length), the reference the linear version must agree with.
private func referenceTruncated(_ text: String, maxWidth: Double, fontSize: Double) -> String {
    if textWidth(text, fontSize: fontSize) <= maxWidth { return text }
    var chars = Array(text)
    while !chars.isEmpty {
        chars.removeLast()
        var kept = String(chars)
        while kept.last == " " { kept.removeLast() }
        let candidate = kept + "…"
        if textWidth(candidate, fontSize: fontSize) <= maxWidth { return chars.isEmpty ? "" : candidate }
    }
    return ""
}

@Suite("Hostile text and values in charts")
struct HostileTextTests {
    @Test("linear truncation gives the character-by-character result")
    func truncationMatchesTheReference() {
        var state: UInt64 = 7
        let alphabet = Array("aiMW 0.-lT…é ")
        for _ in 0..<400 {
            state = state &* 6_364_136_223_846_793_005 &+ 1
            let length = Int(state >> 58)
            var text = ""
            for k in 0..<length { text.append(alphabet[Int((state >> UInt64(k % 50)) % UInt64(alphabet.count))]) }
            let width = Double(state % 200)
            let expected = referenceTruncated(text, maxWidth: width, fontSize: 11)
            #expect(truncated(text, maxWidth: width, fontSize: 11) == expected, "\(text) in \(width)")
        }
    }

    @Test("a title of a hundred thousand characters is cut to the width")
    func hugeTitle() {
        let long = String(repeating: "scenario ", count: 11_112)
        let t = truncated(long, maxWidth: 900, fontSize: 16)
        #expect(t.hasSuffix("…"))
        #expect(textWidth(t, fontSize: 16) <= 900)
        #expect(long.hasPrefix(t.dropLast()))
        let point = ScatterChart.Point(label: long, x: 1, y: 0.5)
        let svg = ScatterChart(title: long, xLabel: "cost", yLabel: "accuracy", points: [point]).svg()
        // The visible title and the point label are cut; only the document's <title> keeps it whole.
        #expect(svg.contains("…</text>"))
        #expect(svg.components(separatedBy: long).count - 1 == 1)
    }

    @Test("costs far beyond the axis still place every label")
    func astronomicalCosts() {
        let points = (0..<6).map { ScatterChart.Point(label: "s\($0)", x: 1e300 * Double($0 + 1),
                                                      y: 0.5 + 0.05 * Double($0)) }
            + [.init(label: "cheap", x: 1, y: 0.4)]
        let svg = ScatterChart(title: "extreme", xLabel: "cost", yLabel: "accuracy", points: points).svg()
        #expect(svg.components(separatedBy: "class=\"point-label\"").count - 1 == points.count)
    }
}
