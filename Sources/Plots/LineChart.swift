import Foundation

/// A line chart of series over a shared numeric x axis (time, ticks, days), for performance-decay
/// curves and cumulative costs.
///
/// Each series may carry a shaded band (for example a 95% interval over replicates), a dash
/// flag and retraining/deployment markers drawn on its line. Shaded x-spans (drift periods from
/// the ground truth) carry their labels in a strip just above the plot, and horizontal reference
/// lines (a threshold, the Bayes ceiling) are labelled at their right end. Non-finite y values
/// break the line into separate segments. The legend sits to the right of the plot area.
///
/// ```swift
/// var chart = LineChart(title: "Accuracy over time", xLabel: "time (days)", yLabel: "accuracy")
/// chart.series = [.init(name: "retrain weekly", x: days, y: acc,
///                       markers: retrains.map { .init(x: $0, kind: .retrain) })]
/// chart.spans = [.init(start: 30, end: 45, label: "gradual concept")]
/// let svg = chart.svg()
/// ```
public struct LineChart: Sendable, Equatable {
    /// Kind of a vertical event marker on a series.
    public enum MarkerKind: String, Sendable, Equatable {
        /// A retraining (drawn as an upward triangle).
        case retrain
        /// A deployment of a new model (drawn as a diamond).
        case deploy
    }

    /// An event on a series at position `x`, drawn on the series' line.
    public struct Marker: Sendable, Equatable {
        public var x: Double
        public var kind: MarkerKind
        public init(x: Double, kind: MarkerKind) {
            self.x = x
            self.kind = kind
        }
    }

    /// One line. `x` and `y` pair up by index (the shorter length wins); `lower`/`upper`, when
    /// both present, shade a band between them. `colorIndex` picks an Okabe–Ito colour (default:
    /// the series' position); indices of 8 and more also get a dash pattern.
    public struct Series: Sendable, Equatable {
        public var name: String
        public var x: [Double]
        public var y: [Double]
        public var lower: [Double]?
        public var upper: [Double]?
        public var dashed: Bool
        public var colorIndex: Int?
        public var markers: [Marker]

        public init(name: String, x: [Double], y: [Double], lower: [Double]? = nil,
                    upper: [Double]? = nil, dashed: Bool = false, colorIndex: Int? = nil,
                    markers: [Marker] = []) {
            self.name = name
            self.x = x
            self.y = y
            self.lower = lower
            self.upper = upper
            self.dashed = dashed
            self.colorIndex = colorIndex
            self.markers = markers
        }
    }

    /// A shaded interval of x (for example a drift period), labelled at the top.
    public struct Span: Sendable, Equatable {
        public var start: Double
        public var end: Double
        public var label: String
        public init(start: Double, end: Double, label: String) {
            self.start = start
            self.end = end
            self.label = label
        }
    }

    /// A horizontal dashed line at `y` with a label at its right end.
    public struct ReferenceLine: Sendable, Equatable {
        public var y: Double
        public var label: String
        public init(y: Double, label: String) {
            self.y = y
            self.label = label
        }
    }

    public var title: String
    /// X axis label, with its unit, e.g. "time (days)".
    public var xLabel: String
    /// Y axis label, with its unit, e.g. "cumulative cost (EUR)".
    public var yLabel: String
    public var series: [Series]
    public var spans: [Span]
    public var referenceLines: [ReferenceLine]
    /// Fixed y axis range; nil fits the data (widened to nice ticks).
    public var yRange: ClosedRange<Double>?
    /// The range the plotted quantity can take (`0...1` for an accuracy or a share,
    /// `0...Double.infinity` for an error): the axis fitted to the data never extends past it,
    /// whatever its nice ticks would give. Nil: no bound.
    public var yBounds: ClosedRange<Double>?
    /// Legend text of the span shading.
    public var spanLegend: String
    /// Legend text of the series bands.
    public var bandLegend: String
    /// Ticks of the x axis chosen by the caller (dates on a time axis); nil: nice numbers.
    public var xAxisTicks: [AxisTick]?
    /// Legend texts of the triangle (``Marker/Kind/retrain``) and diamond (``Marker/Kind/deploy``)
    /// markers: say what they mark ("deployment (replicate 0)").
    public var retrainLegend = "retrain"
    public var deployLegend = "deploy"

    public init(title: String, xLabel: String, yLabel: String, series: [Series] = [],
                spans: [Span] = [], referenceLines: [ReferenceLine] = [],
                yRange: ClosedRange<Double>? = nil,
                spanLegend: String = "drift period (ground truth)",
                bandLegend: String = "95% band") {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
        self.spans = spans
        self.referenceLines = referenceLines
        self.yRange = yRange
        self.spanLegend = spanLegend
        self.bandLegend = bandLegend
    }

    /// A convenience for a single reference line (a threshold or the Bayes ceiling).
    public var referenceLine: ReferenceLine? {
        get { referenceLines.first }
        set { referenceLines = newValue.map { [$0] } ?? [] }
    }

    /// The colour/dash index of series `i`.
    func styleIndex(_ i: Int) -> Int { series[i].colorIndex ?? i }

    /// Legend items: series, then the band, marker kinds and span shading when present.
    func legendItems() -> [LegendItem] {
        var items: [LegendItem] = []
        var anyBand = false
        for (i, s) in series.enumerated() {
            let idx = styleIndex(i)
            let band = s.lower != nil && s.upper != nil
            anyBand = anyBand || band
            items.append(LegendItem(label: s.name, glyph: .line(color: Palette.color(idx),
                                                                 dash: dashPattern(i), band: band), series: i))
        }
        if anyBand { items.append(LegendItem(label: bandLegend, glyph: .swatch(color: "#777777", opacity: 0.3))) }
        let kinds = series.flatMap { $0.markers.map(\.kind) }
        if kinds.contains(.retrain) { items.append(LegendItem(label: retrainLegend, glyph: .triangle(color: "#444444"))) }
        if kinds.contains(.deploy) { items.append(LegendItem(label: deployLegend, glyph: .diamond(color: "#444444"))) }
        if !spans.isEmpty { items.append(LegendItem(label: spanLegend, glyph: .swatch(color: "#8C8C8C", opacity: 0.22))) }
        return items
    }

    func dashPattern(_ i: Int) -> String? {
        if let d = Palette.dash(for: styleIndex(i)) { return d }
        return series[i].dashed ? "7 4" : nil
    }

    /// Splits the series' points into runs of finite (x, y) pairs: a NaN breaks the line.
    static func segments(x: [Double], y: [Double]) -> [[(Double, Double)]] {
        var out: [[(Double, Double)]] = []
        var cur: [(Double, Double)] = []
        for i in 0..<Swift.min(x.count, y.count) {
            if x[i].isFinite && y[i].isFinite {
                cur.append((x[i], y[i]))
            } else if !cur.isEmpty {
                out.append(cur)
                cur = []
            }
        }
        if !cur.isEmpty { out.append(cur) }
        return out
    }

    /// Runs of indices where x, lower and upper are all finite.
    static func bandSegments(x: [Double], lower: [Double], upper: [Double]) -> [[(Double, Double, Double)]] {
        var out: [[(Double, Double, Double)]] = []
        var cur: [(Double, Double, Double)] = []
        for i in 0..<Swift.min(x.count, lower.count, upper.count) {
            if x[i].isFinite && lower[i].isFinite && upper[i].isFinite {
                cur.append((x[i], lower[i], upper[i]))
            } else if !cur.isEmpty {
                out.append(cur)
                cur = []
            }
        }
        if !cur.isEmpty { out.append(cur) }
        return out
    }

    /// The y of a series at `x` by linear interpolation inside one segment; nil in a gap or
    /// outside the series.
    static func interpolate(_ segments: [[(Double, Double)]], at x: Double) -> Double? {
        for seg in segments {
            guard let first = seg.first, let last = seg.last else { continue }
            if seg.count == 1 {
                if abs(first.0 - x) <= 1e-9 * Swift.max(1, abs(x)) { return first.1 }
                continue
            }
            let lo = Swift.min(first.0, last.0), hi = Swift.max(first.0, last.0)
            guard x >= lo && x <= hi else { continue }
            for j in 1..<seg.count {
                let a = seg[j - 1], b = seg[j]
                if (x >= a.0 && x <= b.0) || (x <= a.0 && x >= b.0) {
                    if a.0 == b.0 { return b.1 }
                    return a.1 + (x - a.0) / (b.0 - a.0) * (b.1 - a.1)
                }
            }
        }
        return nil
    }

    /// Renders the chart as a standalone SVG 1.1 document of `width` × `height` pixels.
    public func svg(width: Int = 960, height: Int = 540) -> String {
        var doc = SVGDocument(width: width, height: height)
        let W = Double(doc.width), H = Double(doc.height)
        let segs = series.map { LineChart.segments(x: $0.x, y: $0.y) }

        // Data extent.
        var xs: [Double] = [], ys: [Double] = []
        for (i, s) in series.enumerated() {
            for seg in segs[i] { for p in seg { xs.append(p.0); ys.append(p.1) } }
            if let lo = s.lower, let up = s.upper {
                for seg in LineChart.bandSegments(x: s.x, lower: lo, upper: up) {
                    for p in seg { xs.append(p.0); ys.append(p.1); ys.append(p.2) }
                }
            }
            for m in s.markers { xs.append(m.x) }
        }
        for sp in spans { xs.append(sp.start); xs.append(sp.end) }
        for r in referenceLines { ys.append(r.y) }
        let hasData = segs.contains { !$0.isEmpty }
        let xExt = finiteExtent(xs) ?? (0, 1)
        var yExt = finiteExtent(ys) ?? (0, 1)
        if let b = yBounds {
            yExt = (Swift.min(Swift.max(yExt.0, b.lowerBound), b.upperBound),
                    Swift.max(Swift.min(yExt.1, b.upperBound), b.lowerBound))
        }
        if let r = yRange, r.lowerBound.isFinite, r.upperBound.isFinite { yExt = (r.lowerBound, r.upperBound) }

        // Layout.
        let items = legendItems()
        let legend = LegendLayout(items, width: W, height: H)
        let spanLabels = spans.contains { !$0.label.isEmpty }
        var top = 46.0
        let spanRowHeight = 14.0
        if spanLabels { top += spanRowHeight * 2 + 4 } // a strip with two rows of span labels
        let bottom = H - 52 - legend.reservedBottom
        let axes = TimeAxesLayout(xExt: xExt, yExt: yExt, yRange: yRange, top: top, bottom: bottom, width: W,
                                  legend: legend, yBounds: yBounds)
        let (plot, xScale, xTicks, yTicks, yLabels, xMap, yMap) = (axes.plot, axes.xScale, axes.xTicks, axes.yTicks, axes.yLabels, axes.xMap, axes.yMap)
        let clip = "clip-" + Layout.identifier(title, "\(width)x\(height)")

        Layout.drawTitle(title, into: &doc, width: W)
        doc.raw("<defs><clipPath id=\"\(clip)\"><rect x=\"\(svgNumber(plot.left))\" y=\"\(svgNumber(plot.top))\" width=\"\(svgNumber(plot.width))\" height=\"\(svgNumber(plot.height))\"/></clipPath></defs>")

        // Spans under everything, with labels in the strip above the plot.
        if !spans.isEmpty {
            doc.raw("<g class=\"spans\">")
            var rowsEnd: [[(Double, Double)]] = [[], []]
            for sp in spans where sp.start.isFinite && sp.end.isFinite {
                let a = Swift.max(plot.left, Swift.min(xMap(Swift.min(sp.start, sp.end)), plot.right))
                let b = Swift.max(plot.left, Swift.min(xMap(Swift.max(sp.start, sp.end)), plot.right))
                let stripTop = plot.top - (spanLabels ? spanRowHeight * 2 + 4 : 0)
                doc.rect(x: a, y: stripTop, w: Swift.max(b - a, 1), h: plot.bottom - stripTop,
                         fill: "#8C8C8C", opacity: 0.16, extra: "class=\"span\"")
                guard !sp.label.isEmpty else { continue }
                // The full label may run past the span's right edge into free room of the
                // strip; when every row is taken it is cut to the span's width instead.
                let x0 = a + 3
                let full = truncated(sp.label, maxWidth: plot.right - x0 - 2, fontSize: Layout.tickSize)
                let short = truncated(sp.label, maxWidth: Swift.max(b - a - 6, 0), fontSize: Layout.tickSize)
                var row = -1
                var text = ""
                var x1 = x0
                for candidate in [full, short] where !candidate.isEmpty {
                    let end = x0 + textWidth(candidate, fontSize: Layout.tickSize)
                    for r in 0..<rowsEnd.count where !rowsEnd[r].contains(where: { x0 < $0.1 + 6 && end > $0.0 - 6 }) {
                        row = r
                        break
                    }
                    if row >= 0 { text = candidate; x1 = end; break }
                }
                if row < 0 { continue }
                rowsEnd[row].append((x0, x1))
                let ty = stripTop + 11 + Double(row) * spanRowHeight
                doc.text(text, x: x0, y: ty, size: Layout.tickSize, fill: "#333333", extra: "class=\"span-label\"")
            }
            doc.raw("</g>")
        }

        Layout.drawYAxis(into: &doc, plot: plot, ticks: yTicks, labels: yLabels, map: yMap,
                         title: yLabel, titleX: Layout.outerMargin + 6)
        let xAxis = AxisTick.axis(xAxisTicks, scale: xScale, ticks: xTicks, lo: xMap.d0, hi: xMap.d1)
        Layout.drawXAxis(into: &doc, plot: plot, ticks: xAxis.ticks, labels: xAxis.labels, map: xMap, title: xLabel)

        if !hasData { Layout.drawNoData(into: &doc, plot: plot) }

        // Data, clipped to the plot area.
        doc.raw("<g clip-path=\"url(#\(clip))\" "
                + Layout.dataAttributes(x: xMap, y: yMap, xLabel: xLabel, yLabel: yLabel) + ">")
        for (i, s) in series.enumerated() {
            guard let lo = s.lower, let up = s.upper else { continue }
            let color = Palette.color(styleIndex(i))
            for seg in LineChart.bandSegments(x: s.x, lower: lo, upper: up) {
                let limit = Int(plot.width) * 2
                var pts = m4Decimate(seg.map { (xMap($0.0), yMap($0.2)) }, threshold: limit)
                pts += m4Decimate(seg.reversed().map { (xMap($0.0), yMap($0.1)) }, threshold: limit)
                if seg.count == 1 {
                    let px = xMap(seg[0].0)
                    pts = [(px - 1.5, yMap(seg[0].2)), (px + 1.5, yMap(seg[0].2)), (px + 1.5, yMap(seg[0].1)), (px - 1.5, yMap(seg[0].1))]
                }
                doc.polygon(pts, fill: color, opacity: 0.18, extra: "class=\"band s\(i)\" data-series=\"\(i)\"")
            }
        }
        for r in referenceLines where r.y.isFinite {
            let py = yMap(r.y)
            doc.line(x1: plot.left, y1: py, x2: plot.right, y2: py, stroke: "#555555", width: 1.3,
                     dash: "6 3 2 3", extra: "class=\"reference-line\"")
        }
        for (i, _) in series.enumerated() {
            let color = Palette.color(styleIndex(i))
            let dash = dashPattern(i)
            for seg in segs[i] {
                let pts = m4Decimate(seg.map { (xMap($0.0), yMap($0.1)) }, threshold: Int(plot.width) * 2)
                if pts.count == 1 {
                    doc.circle(cx: pts[0].0, cy: pts[0].1, r: 3, fill: color,
                               extra: "class=\"point s\(i)\" data-series=\"\(i)\"")
                } else {
                    doc.polyline(pts, stroke: color, width: 2, dash: dash,
                                 extra: "class=\"line s\(i)\" data-series=\"\(i)\"")
                }
            }
        }
        doc.raw("</g>")

        // Markers on the lines.
        for (i, s) in series.enumerated() where !s.markers.isEmpty {
            let color = Palette.color(styleIndex(i))
            let pxs = s.markers.compactMap { $0.x.isFinite ? xMap($0.x) : nil }.sorted()
            var minGap = Double.infinity
            for j in pxs.indices.dropFirst() { minGap = Swift.min(minGap, pxs[j] - pxs[j - 1]) }
            let size = Swift.min(6, Swift.max(4, minGap.isFinite ? minGap * 0.6 : 6.5))
            doc.raw("<g class=\"markers s\(i)\" data-series=\"\(i)\">")
            for m in s.markers where m.x.isFinite {
                let px = xMap(m.x)
                guard px >= plot.left - 0.5 && px <= plot.right + 0.5 else { continue }
                var py = plot.bottom - size
                if let y = LineChart.interpolate(segs[i], at: m.x) {
                    py = Swift.min(Swift.max(yMap(y), plot.top + size), plot.bottom - size)
                }
                switch m.kind {
                case .retrain:
                    doc.polygon(Layout.triangle(cx: px, cy: py, size: size), fill: color, stroke: "#FFFFFF",
                                strokeWidth: 0.8, extra: "class=\"marker retrain\"")
                case .deploy:
                    doc.polygon(Layout.diamond(cx: px, cy: py, size: size), fill: color, stroke: "#FFFFFF",
                                strokeWidth: 0.8, extra: "class=\"marker deploy\"")
                }
            }
            doc.raw("</g>")
        }

        // Reference line labels (outside the clip so they are never cut).
        for r in referenceLines where r.y.isFinite && !r.label.isEmpty {
            let py = yMap(r.y)
            guard py >= plot.top - 0.5 && py <= plot.bottom + 0.5 else { continue }
            let text = truncated(r.label, maxWidth: plot.width * 0.5, fontSize: Layout.tickSize)
            let tw = textWidth(text, fontSize: Layout.tickSize)
            let above = py - plot.top > 16
            let ty = above ? py - 4 : py + 13
            doc.rect(x: plot.right - tw - 6, y: ty - 10, w: tw + 4, h: 13, fill: "#FFFFFF", opacity: 0.8)
            doc.text(text, x: plot.right - 4, y: ty, size: Layout.tickSize, anchor: .end,
                     fill: "#333333", extra: "class=\"reference-label\"")
        }

        legend.draw(items, into: &doc, plot: plot, canvasHeight: H)
        return doc.finished(title: title)
    }
}
