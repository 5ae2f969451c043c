import Foundation
import Testing
@testable import Plots

/// Checks shared by every chart: well-formed XML, an `svg` root with a viewBox, the title.
func checkDocument(_ svg: String, title: String, width: Int = 960, height: Int = 540) -> [XMLElementInfo] {
    guard let els = parseSVG(svg) else {
        Issue.record("not well-formed XML")
        return []
    }
    #expect(els.first?.name == "svg")
    #expect(els.first?.attributes["viewBox"] == "0 0 \(width) \(height)")
    #expect(els.first?.attributes["xmlns"] == "http://www.w3.org/2000/svg")
    #expect(els.first?.attributes["version"] == "1.1")
    #expect(els.named("title").first?.text == title)
    #expect(svg.hasPrefix("<?xml version=\"1.0\""))
    // Every numeric attribute is finite and locale-free (no commas as decimal separators).
    for e in els {
        for key in ["x", "y", "width", "height", "x1", "y1", "x2", "y2", "cx", "cy", "r"] {
            if let v = e.attributes[key], !v.hasPrefix("url") {
                #expect(Double(v) != nil, "\(e.name).\(key)=\(v)")
            }
        }
    }
    return els
}

@Test("the XML check rejects malformed documents")
func xmlCheckRejects() {
    #expect(parseSVG("<svg><g></svg>") == nil)
    #expect(parseSVG("<svg>a & b</svg>") == nil)
    #expect(parseSVG("<svg><g/></svg>")?.count == 2)
}

@Suite("Line chart")
struct LineChartTests {
    @Test("one path per series, legend entries, title, markers and spans")
    func structure() throws {
        let chart = Fixtures.decayChart()
        let svg = chart.svg()
        let els = checkDocument(svg, title: chart.title)
        #expect(els.withClass("chart-title").first?.text == chart.title)
        #expect(els.withClass("s0").filter { $0.classes.contains("line") }.count == 1)
        #expect(els.withClass("s1").filter { $0.classes.contains("line") }.count == 1)
        // Series 2 has a three-point NaN gap: two separate segments.
        #expect(els.withClass("s2").filter { $0.classes.contains("line") }.count == 2)
        let legend = els.texts(class: "legend-entry")
        #expect(legend.contains("retrain weekly"))
        #expect(legend.contains("never retrain"))
        #expect(legend.contains { $0.hasPrefix("retrain monthly") && $0.hasSuffix("…") }, "long entry truncated: \(legend)")
        #expect(legend.contains("retrain") && legend.contains("deploy"))
        #expect(legend.contains("95% band") && legend.contains("drift period (ground truth)"))
        #expect(els.withClass("retrain").count == 28 + 6)
        #expect(els.withClass("deploy").count == 6)
        #expect(els.withClass("span").count == 2)
        #expect(els.texts(class: "span-label") == ["gradual concept", "sudden concept drift"])
        #expect(els.withClass("reference-line").count == 1)
        #expect(els.texts(class: "reference-label") == ["Bayes ceiling 0.95"])
        #expect(els.withClass("band").count == 1)
        #expect(els.texts(class: "axis-label") == ["accuracy (fraction correct)", "time (days)"])
        // The dashed series is dashed, the others are not.
        #expect(els.withClass("s2").first { $0.classes.contains("line") }?.attributes["stroke-dasharray"] != nil)
        #expect(els.withClass("s0").first { $0.classes.contains("line") }?.attributes["stroke-dasharray"] == nil)
    }

    @Test("same input gives the same bytes")
    func deterministic() {
        #expect(Fixtures.decayChart().svg() == Fixtures.decayChart().svg())
        #expect(Fixtures.cumulativeChart().svg(width: 640, height: 400) == Fixtures.cumulativeChart().svg(width: 640, height: 400))
        #expect(Fixtures.decayChart().svg() != Fixtures.cumulativeChart().svg())
    }

    @Test("NaN gaps split a series into separate segments and bands")
    func gaps() {
        let x = (0..<10).map(Double.init)
        var y = x.map { $0 * 0.1 }
        y[3] = .nan
        y[6] = .infinity
        let seg = LineChart.segments(x: x, y: y)
        #expect(seg.count == 3)
        #expect(seg.map(\.count) == [3, 2, 3])
        var lower = y.map { $0 - 0.05 }
        lower[1] = .nan
        let chart = LineChart(title: "gaps", xLabel: "t (ticks)", yLabel: "v (units)",
                              series: [.init(name: "a", x: x, y: y, lower: lower, upper: y.map { $0 + 0.05 })])
        let els = checkDocument(chart.svg(), title: "gaps")
        #expect(els.withClass("line").count == 3)
        #expect(els.withClass("band").count == 4) // [0], [2], [4,5], [7,8,9]
        let paths = els.withClass("line").compactMap { $0.attributes["d"] }
        #expect(paths.allSatisfy { $0.filter { $0 == "M" }.count == 1 })
    }

    @Test("empty data, a single point and a constant series still draw")
    func edgeCases() {
        let empty = LineChart(title: "empty", xLabel: "t", yLabel: "v")
        let e = checkDocument(empty.svg(), title: "empty")
        #expect(e.withClass("no-data").count == 1)
        #expect(e.withClass("legend-entry").isEmpty)

        let single = LineChart(title: "single", xLabel: "t", yLabel: "v", series: [.init(name: "one", x: [3], y: [0.5])])
        let s = checkDocument(single.svg(), title: "single")
        #expect(s.withClass("point").count == 1)
        #expect(s.withClass("tick-label").count >= 4)

        let constant = LineChart(title: "constant", xLabel: "t", yLabel: "v",
                                 series: [.init(name: "flat", x: [0, 1, 2, 3], y: [0.7, 0.7, 0.7, 0.7])])
        let c = checkDocument(constant.svg(), title: "constant")
        let line = c.withClass("line").first?.attributes["d"] ?? ""
        // The flat line sits strictly inside the plot: its y is neither the top nor the bottom.
        let ys = Set(line.split(separator: " ").enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) })
        #expect(ys.count == 1)
        let yTickLabels = c.filter { $0.classes.contains("tick-label") && $0.attributes["text-anchor"] == "end" }.map(\.text)
        #expect(yTickLabels.count >= 3)
        #expect(Set(yTickLabels).count == yTickLabels.count)
    }

    @Test("more than eight series reuse colours with dash patterns; crowded x labels are thinned")
    func manySeries() {
        let x = (0..<50).map { Double($0) * 1000 }
        let series = (0..<11).map { i in LineChart.Series(name: "s\(i)", x: x, y: x.map { $0 * Double(i + 1) }) }
        let chart = LineChart(title: "many", xLabel: "t (ms)", yLabel: "v (units)", series: series)
        let els = checkDocument(chart.svg(width: 360, height: 240), title: "many", width: 360, height: 240)
        let lines = els.withClass("line")
        #expect(lines.count == 11)
        #expect(lines[0].attributes["stroke"] == lines[8].attributes["stroke"])
        #expect(lines[0].attributes["stroke-dasharray"] == nil && lines[8].attributes["stroke-dasharray"] != nil)
        // On a narrow canvas the legend goes below the axis label, clear of the plot.
        let axisLabelY = els.withClass("axis-label").compactMap { Double($0.attributes["y"] ?? "") }.max() ?? 0
        let entries = els.withClass("legend-entry")
        #expect(entries.count == 11)
        #expect(entries.allSatisfy { Double($0.attributes["y"]!)! > axisLabelY + 5 })
        // With longer names the legend takes more rows, never "+N more": every line is named.
        let crowded = checkDocument(Fixtures.crowdedChart().svg(width: 360, height: 240), title: Fixtures.crowdedChart().title,
                                    width: 360, height: 240)
        #expect(crowded.texts(class: "legend-entry") == (0..<11).map { "strategy \($0)" })
        #expect(!crowded.contains { $0.text.hasSuffix(" more") })
        // No two x tick labels overlap.
        let xl = els.filter { $0.classes.contains("tick-label") && $0.attributes["text-anchor"] == "middle" }
        let boxes = xl.map { (Double($0.attributes["x"]!)!, textWidth($0.text, fontSize: 11)) }
        for i in boxes.indices.dropFirst() {
            #expect(boxes[i].0 - boxes[i].1 / 2 > boxes[i - 1].0 + boxes[i - 1].1 / 2)
        }
    }

    @Test("a fixed y range is used as given and lines outside it are clipped")
    func yRange() {
        var chart = LineChart(title: "range", xLabel: "t", yLabel: "v",
                              series: [.init(name: "a", x: [0, 1, 2], y: [0.2, 1.4, 0.5])])
        chart.yRange = 0...1
        let els = checkDocument(chart.svg(), title: "range")
        let yl = els.filter { $0.classes.contains("tick-label") && $0.attributes["text-anchor"] == "end" }.map(\.text)
        #expect(yl.first == "0.0" && yl.last == "1.0")
        #expect(els.contains { $0.name == "clipPath" })
    }

    @Test("special characters in names are escaped")
    func escaping() {
        let chart = LineChart(title: "A <b> & \"c\"", xLabel: "x < 1", yLabel: "y & z",
                              series: [.init(name: "<s>", x: [0, 1], y: [0, 1])])
        let els = checkDocument(chart.svg(), title: "A <b> & \"c\"")
        #expect(els.texts(class: "legend-entry").contains("<s>"))
    }
}

@Suite("Area between curves")
struct AreaBetweenTests {
    @Test("regions split at crossings, with the crossing interpolated")
    func crossing() {
        let r = AreaBetweenChart.regions(x: [0, 1], strategy: [0, 2], reference: [1, 1])
        #expect(r.count == 2)
        #expect(r[0].below && !r[1].below)
        #expect(r[0].points.last!.x == 0.5 && r[0].points.last!.s == 1)
        #expect(r[1].points.first!.x == 0.5)
    }

    @Test("chart structure, NaN break, area label and determinism")
    func structure() {
        let chart = Fixtures.areaChart()
        let svg = chart.svg()
        let els = checkDocument(svg, title: chart.title)
        #expect(els.withClass("strategy").count == 2) // the NaN at day 50 breaks the line
        #expect(els.withClass("reference").count == 1)
        #expect(els.withClass("below").count >= 2 && els.withClass("above").count >= 2)
        #expect(els.texts(class: "area-label") == [chart.areaLabel])
        #expect(els.texts(class: "legend-entry") == ["retrain monthly", "retrain weekly (reference)",
                                                     "strategy below reference", "strategy above reference"])
        #expect(svg == Fixtures.areaChart().svg())
    }

    @Test("total shaded area equals the integral of |strategy − reference|")
    func areaMatches() {
        // Strategy sin(x) against reference 0 over [0, 2π]: ∫|sin| = 4.
        let n = 2001
        let x = (0..<n).map { Double($0) / Double(n - 1) * 2 * Double.pi }
        let regions = AreaBetweenChart.regions(x: x, strategy: x.map { sin($0) }, reference: x.map { _ in 0 })
        var total = 0.0
        for reg in regions {
            for j in reg.points.indices.dropFirst() {
                let a = reg.points[j - 1], b = reg.points[j]
                total += (b.x - a.x) * (abs(a.s - a.r) + abs(b.s - b.r)) / 2
            }
        }
        #expect(abs(total - 4) < 1e-5)
        #expect(regions.count == 2)
    }
}

@Suite("Scatter with Pareto front")
struct ScatterTests {
    @Test("front on hand-made points")
    func front() {
        let idx = ScatterChart.paretoFront(Fixtures.scatterPoints)
        // never, monthly, ADWIN, weekly, every 3 days, daily; KSWIN (2500, 0.885) is dominated by
        // ADWIN (2100, 0.89), Page-Hinkley by weekly at equal cost.
        #expect(idx == [0, 1, 4, 2, 8, 3])
    }

    @Test("ties, duplicates and non-finite points")
    func ties() {
        // Equal points do not dominate each other; same cost with lower performance is dominated.
        #expect(ScatterChart.paretoFront(x: [1, 1, 1, 2], y: [5, 5, 4, 6]) == [0, 1, 3])
        // Same performance at a higher cost is dominated.
        #expect(ScatterChart.paretoFront(x: [1, 2, 3], y: [5, 5, 5]) == [0])
        #expect(ScatterChart.paretoFront(x: [.nan, 2, 1], y: [9, 3, .infinity]) == [1])
        #expect(ScatterChart.paretoFront(x: [], y: []) == [])
    }

    @Test("front agrees with the brute-force definition")
    func bruteForce() {
        var state: UInt64 = 42
        func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double((state >> 33) % 20)
        }
        for _ in 0..<50 {
            let x = (0..<15).map { _ in next() }, y = (0..<15).map { _ in next() }
            let expected = (0..<15).filter { i in
                !(0..<15).contains { j in x[j] <= x[i] && y[j] >= y[i] && (x[j] < x[i] || y[j] > y[i]) }
            }
            #expect(Set(ScatterChart.paretoFront(x: x, y: y)) == Set(expected))
        }
    }

    @Test("chart marks the front, labels every point without overlaps")
    func structure() {
        let chart = Fixtures.scatterChart()
        let els = checkDocument(chart.svg(), title: chart.title)
        #expect(els.withClass("front").count == 6)
        #expect(els.withClass("dominated").count == 3)
        #expect(els.withClass("pareto-front").count == 1)
        let labels = els.withClass("point-label")
        #expect(labels.count == 9)
        let boxes = labels.map { e -> (Double, Double, Double, Double) in
            let x = Double(e.attributes["x"]!)!, y = Double(e.attributes["y"]!)!
            let w = textWidth(e.text, fontSize: 11)
            return (x - w / 2, y - 9, x + w / 2, y + 2)
        }
        for i in boxes.indices {
            for j in boxes.indices where j > i {
                let a = boxes[i], b = boxes[j]
                let overlap = a.0 < b.2 && b.0 < a.2 && a.1 < b.3 && b.1 < a.3
                #expect(!overlap, "labels \(labels[i].text) and \(labels[j].text) overlap")
            }
        }
        #expect(chart.svg() == Fixtures.scatterChart().svg())
    }
}

@Suite("Heatmap")
struct HeatmapTests {
    @Test("cells, values, contrast, colour bar and best cell")
    func structure() {
        let map = Fixtures.heatmap()
        let els = checkDocument(map.svg(), title: map.title)
        #expect(els.withClass("cell").count == 30)
        #expect(els.withClass("cell-value").count == 30)
        #expect(els.withClass("best-cell").count == 1)
        let best = Heatmap.bestCell(map.values, best: .max)
        #expect(best?.row == 1 && best?.column == 0)
        #expect(Heatmap.bestCell(map.values, best: .min)?.row == 4)
        #expect(Heatmap.bestCell(map.values, best: .none) == nil)
        #expect(els.texts(class: "row-label") == ["7", "14", "30", "60", "90"])
        #expect(els.texts(class: "column-label").count == 6)
        #expect(els.contains { $0.name == "linearGradient" })
        // Text on the darkest cell is white, on the brightest black.
        let values = els.withClass("cell-value")
        let flat = map.values.flatMap { $0 }
        let darkest = flat.indices.min { flat[$0] < flat[$1] }!
        let brightest = flat.indices.max { flat[$0] < flat[$1] }!
        #expect(values[darkest].attributes["fill"] == "#FFFFFF")
        #expect(values[brightest].attributes["fill"] == "#000000")
        #expect(map.svg() == Fixtures.heatmap().svg())
    }

    @Test("viridis ends and contrast choice")
    func colours() {
        #expect(Palette.viridis(0) == "#440154")
        #expect(Palette.viridis(1) == "#FDE725")
        #expect(Palette.viridis(0.5) == "#21908C")
        #expect(Palette.contrastingText(0x44, 0x01, 0x54) == "#FFFFFF")
        #expect(Palette.contrastingText(0xFD, 0xE7, 0x25) == "#000000")
    }

    /// The fill of each cell, in row-major order.
    static func fills(_ map: Heatmap) -> [String] {
        checkDocument(map.svg(), title: map.title).withClass("cell").compactMap { $0.attributes["fill"] }
    }

    @Test("rank colouring: the best brightest, one far cell does not flatten the rest")
    func rankColouring() {
        var map = Heatmap(title: "ranks", rowAxisLabel: "r", columnAxisLabel: "c", valueLabel: "rank",
                          rowLabels: ["a"], columnLabels: ["w", "x", "y", "z"], values: [[1.02, 1, 100, 1.01]], best: .min)
        // By value the three near-optimal cells share one end of the palette.
        let byValue = Self.fills(map)
        #expect(Set([byValue[0], byValue[1], byValue[3]]).count <= 2)
        map.colouring = .rank
        let byRank = Self.fills(map)
        #expect(byRank[1] == Palette.viridis(1) && byRank[2] == Palette.viridis(0))
        #expect(byRank[3] == Palette.viridis(2.0 / 3) && byRank[0] == Palette.viridis(1.0 / 3))
    }

    @Test("a wider colour span keeps a small spread off the palette's ends; ties are dashed")
    func spanAndTies() {
        var map = Heatmap(title: "span", rowAxisLabel: "r", columnAxisLabel: "c", valueLabel: "accuracy",
                          rowLabels: ["a"], columnLabels: ["x", "y", "z"], values: [[0.900, 0.902, 0.904]])
        #expect(Self.fills(map).first == Palette.viridis(0))
        map.colourSpan = 0.877...0.927
        // Centred: 0.900 sits at (0.900 - 0.877) / 0.05 = 0.46 of the palette.
        #expect(Self.fills(map) == [0.46, 0.5, 0.54].map { Palette.viridis($0) })
        map.tied = [[false, true, true]]
        let els = checkDocument(map.svg(), title: "span")
        // The best cell (0.904) is outlined as the best, not as a tie.
        #expect(els.withClass("tied-cell").count == 1 && els.withClass("best-cell").count == 1)
        #expect(els.texts(class: "legend-entry").contains("tied with the best"))
    }

    @Test("ragged, missing and constant values")
    func edgeCases() {
        let map = Heatmap(title: "ragged", rowAxisLabel: "r", columnAxisLabel: "c", valueLabel: "v",
                          rowLabels: ["a", "b"], columnLabels: ["x", "y", "z"], values: [[1, 1, 1], [1]])
        let els = checkDocument(map.svg(), title: "ragged")
        #expect(els.withClass("cell").count == 6)
        #expect(els.texts(class: "cell-value").filter { $0 == "n/a" }.count == 2)
        let empty = Heatmap(title: "empty", rowAxisLabel: "r", columnAxisLabel: "c", valueLabel: "v",
                            rowLabels: [], columnLabels: [], values: [])
        #expect(checkDocument(empty.svg(), title: "empty").withClass("no-data").count == 1)
    }
}

@Suite("Decision map")
struct DecisionMapTests {
    @Test("regions merge runs and switch at geometric means")
    func regions() {
        let r = DecisionMap.regions(ratios: [10, 0.01, 1, 0.1, -1, .nan], winners: ["c", "a", "b", "a", "x", "y"])
        #expect(r.map(\.option) == ["a", "b", "c"])
        #expect(r[0].from == 0.01)
        #expect(abs(r[0].to - (0.1 * 1.0).squareRoot()) < 1e-15)
        #expect(r[1].from == r[0].to)
        #expect(abs(r[1].to - 10.0.squareRoot()) < 1e-15)
        #expect(r[2].to == 10)
    }

    @Test("chart structure and legend")
    func structure() {
        let map = Fixtures.decisionMap()
        let els = checkDocument(map.svg(), title: map.title)
        #expect(els.withClass("region").count == 4)
        #expect(els.withClass("switch").count == 3)
        // A name wider than its region: every option keyed by a letter.
        #expect(els.texts(class: "legend-entry") == ["A  retrain daily", "B  retrain weekly", "C  drift-triggered (ADWIN)",
                                                     "D  never retrain", "evaluated ratio", "switch point (ratio)"])
        #expect(els.withClass("evaluated-ratio").count == 25)
        #expect(els.texts(class: "tick-label") == ["0.001", "0.01", "0.1", "1", "10", "100", "1k"])
        #expect(map.svg() == Fixtures.decisionMap().svg())
        let one = DecisionMap(title: "one", ratios: [2], winners: ["only"])
        #expect(checkDocument(one.svg(), title: "one").withClass("region").count == 1)
    }

    @Test("names too long for their region become keyed letters; the scenario's ratio is marked")
    func keysAndMark() {
        let long = "every=14d window=30d"
        var map = DecisionMap(title: "keys", ratios: [0.1, 1, 1.2, 10, 100], winners: ["a", long, "a", "never", "never"])
        map.markedRatio = 40
        map.markedLabel = "this scenario"
        let els = checkDocument(map.svg(), title: "keys")
        // The narrow region of the long name shows its letter; the legend keys every option.
        #expect(els.texts(class: "region-label").contains("B"))
        #expect(!els.texts(class: "region-label").contains { $0.hasSuffix("…") })
        #expect(Array(els.texts(class: "legend-entry").prefix(3)) == ["A  a", "B  \(long)", "C  never"])
        #expect(els.texts(class: "legend-entry").last == "this scenario")
        #expect(els.withClass("marked-ratio").count == 1)
        #expect(els.texts(class: "marked-label") == ["this scenario: 40.0"])
        // Outside the ratios drawn: no mark, and names that fit stay whole and unkeyed.
        map.markedRatio = 1e6
        map.winners = ["a", "a", "a", "never", "never"]
        let plain = checkDocument(map.svg(), title: "keys")
        #expect(plain.withClass("marked-ratio").isEmpty)
        #expect(plain.texts(class: "legend-entry").prefix(2) == ["a", "never"])
    }
}

@Suite("Extreme inputs")
struct ExtremeInputTests {
    @Test("huge, tiny and mixed non-finite values give valid documents", arguments: [
        [1e300, -1e300, 0], [Double.leastNormalMagnitude / 1e4, Double.leastNormalMagnitude / 5e3, Double.leastNonzeroMagnitude], [Double.nan, .infinity, -.infinity], [5e-7, 5.0000001e-7],
        [-0.0, 0.0], [1e18, 1e18 + 1e4],
    ])
    func extremes(values: [Double]) {
        let x = values.indices.map(Double.init)
        let line = LineChart(title: "extreme", xLabel: "t", yLabel: "v",
                             series: [.init(name: "a", x: x, y: values, lower: values, upper: values,
                                            markers: [.init(x: 0, kind: .deploy)])],
                             spans: [.init(start: 0, end: 1, label: "s")], referenceLines: [.init(y: values[0], label: "r")])
        _ = checkDocument(line.svg(), title: "extreme")
        let area = AreaBetweenChart(title: "extreme", xLabel: "t", yLabel: "v", x: x, strategy: values,
                                    reference: values.reversed(), strategyName: "s", referenceName: "r", areaLabel: "a")
        _ = checkDocument(area.svg(), title: "extreme")
        let scatter = ScatterChart(title: "extreme", xLabel: "c", yLabel: "p",
                                   points: values.enumerated().map { .init(label: "p\($0.offset)", x: $0.element, y: $0.element) })
        _ = checkDocument(scatter.svg(), title: "extreme")
        let heat = Heatmap(title: "extreme", rowAxisLabel: "r", columnAxisLabel: "c", valueLabel: "v",
                           rowLabels: ["a"], columnLabels: values.map { _ in "c" }, values: [values])
        _ = checkDocument(heat.svg(), title: "extreme")
        let decision = DecisionMap(title: "extreme", ratios: values, winners: values.map { _ in "w" })
        _ = checkDocument(decision.svg(), title: "extreme")
    }

    @Test("tiny canvases and mismatched lengths do not break the document")
    func tiny() {
        let chart = LineChart(title: "a title much longer than the canvas is wide", xLabel: "t", yLabel: "v",
                              series: [.init(name: "a", x: [0, 1, 2], y: [1, 2])])
        _ = checkDocument(chart.svg(width: 60, height: 40), title: "a title much longer than the canvas is wide",
                          width: 60, height: 40)
        _ = checkDocument(chart.svg(width: 0, height: -5), title: "a title much longer than the canvas is wide",
                          width: 1, height: 1)
    }
}

@Suite("Decimation")
struct DecimationTests {
    @Test("M4 keeps each pixel column's first, last, lowest and highest point")
    func m4Invariants() {
        var state: UInt64 = 7
        let pts: [(Double, Double)] = (0..<4_000).map { i in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return (Double(i) * 0.061, Double((state >> 40) % 1000))
        }
        let out = m4Decimate(pts, threshold: 100)
        let columns = Set(pts.map { floor($0.0) })
        #expect(out.count <= 4 * columns.count)
        #expect(out.count >= 2 * columns.count)
        for col in columns {
            let inCol = pts.filter { floor($0.0) == col }
            let outCol = out.filter { floor($0.0) == col }
            #expect(outCol.map(\.1).min() == inCol.map(\.1).min())
            #expect(outCol.map(\.1).max() == inCol.map(\.1).max())
            #expect(outCol.first!.0 == inCol.first!.0 && outCol.last!.0 == inCol.last!.0)
        }
        // Output is an order-preserving subsequence of the input.
        var k = 0
        for p in out {
            while k < pts.count && !(pts[k].0 == p.0 && pts[k].1 == p.1) { k += 1 }
            #expect(k < pts.count)
        }
        let short = Array(pts.prefix(50))
        #expect(m4Decimate(short, threshold: 100).count == 50)
    }

    @Test("a long series gives a compact document")
    func longSeries() {
        let x = (0..<100_000).map(Double.init)
        let y = x.map { sin($0 / 300) }
        let chart = LineChart(title: "long", xLabel: "t", yLabel: "v", series: [.init(name: "a", x: x, y: y)])
        let svg = chart.svg()
        #expect(svg.utf8.count < 150_000)
        let els = checkDocument(svg, title: "long")
        #expect(els.withClass("line").count == 1)
    }
}
