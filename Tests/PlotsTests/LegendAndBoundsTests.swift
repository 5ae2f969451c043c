import Foundation
import Testing
@testable import Plots

/// A figure names every line, and an axis never runs past what its quantity can take.
@Suite struct LegendAndBoundsTests {
    static let names = ["never", "weekly", "log-10pct", "log-per-class", "profiles-only", "label-per-class",
                        "label-complaints", "label-uncertain", "label-committee", "late-labels", "noisy-labels",
                        "all-data", "recent-sample", "hardest-first", "fine-tune", "naive-bayes", "mlp", "majority",
                        "gated", "shadow", "canary", "ab-test", "slow-training", "drift-ks", "adwin"]

    static func chart(_ count: Int) -> LineChart {
        let x = (0..<60).map { Double($0) + 0.5 }
        let series = names.prefix(count).enumerated().map { i, name in
            LineChart.Series(name: name, x: x, y: x.map { 0.7 + 0.01 * Double(i) + 0.001 * $0 },
                             lower: x.map { 0.6 + 0.001 * $0 }, upper: x.map { 0.95 + 0.0005 * $0 },
                             markers: [.init(x: 20, kind: .retrain)])
        }
        var c = LineChart(title: "\(count) strategies", xLabel: "time (days)", yLabel: "accuracy", series: series,
                          spans: [.init(start: 10, end: 20, label: "gradual concept")])
        c.yBounds = 0...1
        return c
    }

    /// Nine strategies on every canvas size, and the full loop's 25 on the report's 960 × 540
    /// (where one legend column holds 23 rows and a "+5 more" row used to end it).
    @Test func legendNamesEveryStrategy() {
        for (count, w, h) in [(9, 960, 540), (9, 480, 360), (25, 960, 540)] {
            let svg = Self.chart(count).svg(width: w, height: h)
            let els = checkDocument(svg, title: "\(count) strategies", width: w, height: h)
            let entries = els.texts(class: "legend-entry")
            for name in Self.names.prefix(count) { #expect(entries.contains(name), "\(name) missing at \(w)×\(h)") }
            #expect(!els.contains { $0.text.contains("more") }, "at \(w)×\(h)")
            // Every entry lies inside the canvas, clear of the plot's lines.
            // Lines are paths "M x y L x y …": the x values are every other number.
            let xs = els.withClass("line").flatMap { e -> [Double] in
                let d = e.attributes["d"] ?? ""
                let numbers = d.split { $0 == " " || $0 == "M" || $0 == "L" }.compactMap { Double($0) }
                return numbers.enumerated().filter { $0.offset % 2 == 0 }.map(\.element)
            }
            #expect(xs.count > 100)
            let plotRight = xs.max() ?? .infinity
            for e in els.withClass("legend-entry") {
                let x = Double(e.attributes["x"]!)!, y = Double(e.attributes["y"]!)!
                #expect(x >= 0 && x < Double(w) && y > 0 && y <= Double(h), "\(e.text) at \(x), \(y) on \(w)×\(h)")
                if w >= 600 { #expect(x > plotRight, "\(e.text) over the plot") }
            }
        }
    }

    /// The full loop's hardest-first band at tick 121, [−0.04, 1.20], from a t-interval that
    /// ignored the bounds: the axis ran from −0.2 to 1.2. With the accuracy's bounds it stops at
    /// 0 and 1, whatever a band given to the chart claims.
    @Test func accuracyAxisStaysInTheUnitInterval() {
        let x = (0..<30).map { Double($0) }
        var c = LineChart(title: "near one", xLabel: "time (days)", yLabel: "accuracy",
                          series: [.init(name: "a", x: x, y: x.map { 0.5 + 0.01 * $0 }, lower: x.map { _ in -0.04 },
                                         upper: x.map { _ in 1.2 })])
        let unbounded = checkDocument(c.svg(), title: "near one")
        c.yBounds = 0...1
        let bounded = checkDocument(c.svg(), title: "near one")
        func yTicks(_ els: [XMLElementInfo]) -> [Double] {
            els.filter { $0.classes.contains("tick-label") && $0.attributes["text-anchor"] == "end" }
                .compactMap { Double($0.text) }
        }
        #expect(yTicks(unbounded).max()! > 1 && yTicks(unbounded).min()! < 0)   // what the band alone gives
        #expect(!yTicks(bounded).isEmpty && yTicks(bounded).allSatisfy { $0 >= 0 && $0 <= 1 })
        #expect(yTicks(bounded).max() == 1 && yTicks(bounded).min() == 0)
    }
}
