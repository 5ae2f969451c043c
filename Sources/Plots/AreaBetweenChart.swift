import Foundation

/// The area between a strategy's curve and a reference curve (opportunity cost), shaded in one
/// colour where the strategy is below the reference and in another where it is above.
///
/// Both curves share the x values. Where the curves cross between two samples the crossing
/// point is computed by linear interpolation, so each shaded region is bounded exactly by the
/// two polylines. The caller supplies the area's value as text (`areaLabel`), written in a
/// box in the plot corner that covers the fewest data points. Non-finite values break the curves
/// and the shading.
///
/// ```swift
/// let chart = AreaBetweenChart(title: "Opportunity cost of monthly retraining",
///     xLabel: "time (days)", yLabel: "accuracy", x: days, strategy: monthly,
///     reference: ceiling, strategyName: "monthly", referenceName: "Bayes ceiling",
///     areaLabel: "opportunity cost: 4.2 accuracy·days (EUR 12 600)")
/// ```
public struct AreaBetweenChart: Sendable, Equatable {
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var x: [Double]
    public var strategy: [Double]
    public var reference: [Double]
    public var strategyName: String
    public var referenceName: String
    /// The area's value as the caller wants it shown, e.g. "opportunity cost: 4.2 (EUR 12 600)".
    public var areaLabel: String
    /// Fixed y axis range; nil fits the data.
    public var yRange: ClosedRange<Double>?
    /// Legend text of the shading where the strategy is below the reference.
    public var belowLegend: String
    /// Legend text of the shading where the strategy is above the reference.
    public var aboveLegend: String
    /// Ticks of the x axis chosen by the caller (dates on a time axis); nil: nice numbers.
    public var xAxisTicks: [AxisTick]?

    public init(title: String, xLabel: String, yLabel: String, x: [Double], strategy: [Double],
                reference: [Double], strategyName: String, referenceName: String,
                areaLabel: String, yRange: ClosedRange<Double>? = nil,
                belowLegend: String = "strategy below reference",
                aboveLegend: String = "strategy above reference") {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.x = x
        self.strategy = strategy
        self.reference = reference
        self.strategyName = strategyName
        self.referenceName = referenceName
        self.areaLabel = areaLabel
        self.yRange = yRange
        self.belowLegend = belowLegend
        self.aboveLegend = aboveLegend
    }

    static let belowColor = "#D55E00"
    static let aboveColor = "#56B4E9"
    static let strategyColor = "#0072B2"
    static let referenceColor = "#000000"

    /// One shaded region: the strategy polyline and the reference polyline over the same x,
    /// and whether the strategy is below (true) or above the reference there.
    struct Region {
        var points: [(x: Double, s: Double, r: Double)]
        var below: Bool
    }

    /// Splits the finite runs into regions of constant sign of `strategy − reference`,
    /// inserting the interpolated crossing point at each sign change.
    /// - Complexity: O(n) in the number of samples.
    static func regions(x: [Double], strategy: [Double], reference: [Double]) -> [Region] {
        let n = Swift.min(x.count, strategy.count, reference.count)
        var out: [Region] = []
        var cur: [(x: Double, s: Double, r: Double)] = []
        var curBelow: Bool? = nil
        func flush() {
            if cur.count >= 2, let b = curBelow { out.append(Region(points: cur, below: b)) }
            cur = []
            curBelow = nil
        }
        for i in 0..<n {
            let xi = x[i], si = strategy[i], ri = reference[i]
            guard xi.isFinite && si.isFinite && ri.isFinite else { flush(); continue }
            let d = si - ri
            if let last = cur.last, let b = curBelow {
                let dl = last.s - last.r
                let nowBelow = d < 0
                if d != 0 && nowBelow != b {
                    // Crossing between last and this sample.
                    let t = dl / (dl - d)
                    let xc = last.x + t * (xi - last.x)
                    let yc = last.s + t * (si - last.s)
                    cur.append((xc, yc, yc))
                    let crossing = cur.last!
                    flush()
                    cur = [crossing]
                    curBelow = nowBelow
                }
                cur.append((xi, si, ri))
            } else {
                cur.append((xi, si, ri))
                if d != 0 { curBelow = d < 0 }
            }
        }
        flush()
        return out
    }

    func legendItems() -> [LegendItem] {
        [
            LegendItem(label: strategyName, glyph: .line(color: AreaBetweenChart.strategyColor, dash: nil, band: false),
                       series: 0),
            LegendItem(label: referenceName,
                       glyph: .line(color: AreaBetweenChart.referenceColor, dash: "6 3", band: false),
                       series: 1),
            LegendItem(label: belowLegend, glyph: .swatch(color: AreaBetweenChart.belowColor, opacity: 0.35)),
            LegendItem(label: aboveLegend, glyph: .swatch(color: AreaBetweenChart.aboveColor, opacity: 0.35)),
        ]
    }

    /// Renders the chart as a standalone SVG 1.1 document of `width` × `height` pixels.
    public func svg(width: Int = 960, height: Int = 540) -> String {
        var doc = SVGDocument(width: width, height: height)
        let W = Double(doc.width), H = Double(doc.height)
        let sSegs = LineChart.segments(x: x, y: strategy)
        let rSegs = LineChart.segments(x: x, y: reference)
        var xs: [Double] = [], ys: [Double] = []
        for seg in sSegs + rSegs { for p in seg { xs.append(p.0); ys.append(p.1) } }
        let hasData = !sSegs.isEmpty || !rSegs.isEmpty
        let xExt = finiteExtent(xs) ?? (0, 1)
        var yExt = finiteExtent(ys) ?? (0, 1)
        if let r = yRange, r.lowerBound.isFinite, r.upperBound.isFinite { yExt = (r.lowerBound, r.upperBound) }

        let items = legendItems()
        let legend = LegendLayout(items, width: W, height: H)
        let top = 46.0, bottom = H - 52 - legend.reservedBottom
        let axes = TimeAxesLayout(xExt: xExt, yExt: yExt, yRange: yRange, top: top, bottom: bottom, width: W, legend: legend)
        let (plot, xScale, xTicks, yTicks, yLabels, xMap, yMap) = (axes.plot, axes.xScale, axes.xTicks, axes.yTicks, axes.yLabels, axes.xMap, axes.yMap)
        let clip = "clip-" + Layout.identifier(title, "area", "\(width)x\(height)")

        Layout.drawTitle(title, into: &doc, width: W)
        doc.raw("<defs><clipPath id=\"\(clip)\"><rect x=\"\(svgNumber(plot.left))\" y=\"\(svgNumber(plot.top))\" width=\"\(svgNumber(plot.width))\" height=\"\(svgNumber(plot.height))\"/></clipPath></defs>")
        Layout.drawYAxis(into: &doc, plot: plot, ticks: yTicks, labels: yLabels, map: yMap, title: yLabel,
                         titleX: Layout.outerMargin + 6)
        let xAxis = AxisTick.axis(xAxisTicks, scale: xScale, ticks: xTicks, lo: xMap.d0, hi: xMap.d1)
        Layout.drawXAxis(into: &doc, plot: plot, ticks: xAxis.ticks, labels: xAxis.labels, map: xMap, title: xLabel)
        if !hasData { Layout.drawNoData(into: &doc, plot: plot) }

        doc.raw("<g clip-path=\"url(#\(clip))\" "
                + Layout.dataAttributes(x: xMap, y: yMap, xLabel: xLabel, yLabel: yLabel) + ">")
        for region in AreaBetweenChart.regions(x: x, strategy: strategy, reference: reference) {
            let limit = Int(plot.width) * 2
            var pts = m4Decimate(region.points.map { (xMap($0.x), yMap($0.s)) }, threshold: limit)
            pts += m4Decimate(region.points.reversed().map { (xMap($0.x), yMap($0.r)) }, threshold: limit)
            doc.polygon(pts, fill: region.below ? AreaBetweenChart.belowColor : AreaBetweenChart.aboveColor,
                        opacity: 0.35, extra: "class=\"area \(region.below ? "below" : "above")\"")
        }
        for seg in rSegs {
            let pts = m4Decimate(seg.map { (xMap($0.0), yMap($0.1)) }, threshold: Int(plot.width) * 2)
            if pts.count == 1 { doc.circle(cx: pts[0].0, cy: pts[0].1, r: 3, fill: AreaBetweenChart.referenceColor,
                                                 extra: "data-series=\"1\"") } else {
                doc.polyline(pts, stroke: AreaBetweenChart.referenceColor, width: 1.6, dash: "6 3",
                             extra: "class=\"line reference\" data-series=\"1\"")
            }
        }
        for seg in sSegs {
            let pts = m4Decimate(seg.map { (xMap($0.0), yMap($0.1)) }, threshold: Int(plot.width) * 2)
            if pts.count == 1 { doc.circle(cx: pts[0].0, cy: pts[0].1, r: 3, fill: AreaBetweenChart.strategyColor,
                                                 extra: "data-series=\"0\"") } else {
                doc.polyline(pts, stroke: AreaBetweenChart.strategyColor, width: 2,
                             extra: "class=\"line strategy\" data-series=\"0\"")
            }
        }
        doc.raw("</g>")

        // The area value, in the plot corner whose box covers the fewest data points.
        if !areaLabel.isEmpty {
            let size = 13.0
            let text = truncated(areaLabel, maxWidth: (plot.width - 24) / 1.12, fontSize: size)
            let bw = textWidth(text, fontSize: size) * 1.12 + 16, bh = 24.0 // bold: ~12% wider
            let corners: [(Double, Double)] = [
                (plot.left + 8, plot.top + 8), (plot.right - 8 - bw, plot.top + 8),
                (plot.left + 8, plot.bottom - 8 - bh), (plot.right - 8 - bw, plot.bottom - 8 - bh),
            ]
            var pixelPoints: [(Double, Double)] = []
            for seg in sSegs + rSegs {
                for j in seg.indices {
                    pixelPoints.append((xMap(seg[j].0), yMap(seg[j].1)))
                    if j > 0 { // midpoints, so that steep segments count too
                        pixelPoints.append(((xMap(seg[j].0) + xMap(seg[j - 1].0)) / 2, (yMap(seg[j].1) + yMap(seg[j - 1].1)) / 2))
                    }
                }
            }
            var best = 0, bestCount = Int.max
            for (k, c) in corners.enumerated() {
                let count = pixelPoints.reduce(0) { acc, p in
                    acc + ((p.0 >= c.0 - 4 && p.0 <= c.0 + bw + 4 && p.1 >= c.1 - 4 && p.1 <= c.1 + bh + 4) ? 1 : 0)
                }
                if count < bestCount { bestCount = count; best = k }
            }
            let c = corners[best]
            doc.rect(x: c.0, y: c.1, w: bw, h: bh, fill: "#FFFFFF", opacity: 0.92, stroke: "#999999", strokeWidth: 1)
            doc.text(text, x: c.0 + 8, y: c.1 + 16.5, size: size, weight: "bold", extra: "class=\"area-label\"")
        }

        legend.draw(items, into: &doc, plot: plot, canvasHeight: H)
        return doc.finished(title: title)
    }
}
