import Foundation

/// Pixel rectangle of the plotting area.
struct PlotRect {
    var left: Double, top: Double, right: Double, bottom: Double
    var width: Double { right - left }
    var height: Double { bottom - top }
}

/// What a legend entry shows next to its text.
enum LegendGlyph {
    case line(color: String, dash: String?, band: Bool)
    case swatch(color: String, opacity: Double)
    case triangle(color: String)
    case diamond(color: String)
    case dot(color: String, filled: Bool)
    case outline(color: String)
    /// A dashed rectangle outline (a heatmap's cells tied with the best).
    case dashedOutline(color: String)
    case tick(color: String)
}

struct LegendItem {
    var label: String
    var glyph: LegendGlyph
    /// The index of the series this entry names (its `data-series` in the SVG), nil for other entries.
    var series: Int? = nil
}

/// Shared layout constants and drawing helpers for all charts.
enum Layout {
    static let titleSize = 18.0
    static let labelSize = 13.0
    static let tickSize = 11.0
    static let legendSize = 12.0
    static let legendRow = 19.0
    static let legendGlyphWidth = 30.0
    static let outerMargin = 14.0
    static let gridColor = "#E3E3E3"
    static let axisColor = "#555555"
    static let textColor = "#222222"

    /// Width the legend needs (capped to `maxWidth`), zero when there are no items.
    static func legendWidth(_ items: [LegendItem], maxWidth: Double) -> Double {
        guard !items.isEmpty else { return 0 }
        var w = 0.0
        for it in items { w = Swift.max(w, textWidth(it.label, fontSize: legendSize)) }
        return Swift.min(w + legendGlyphWidth + 8 + 12, maxWidth)
    }

    /// Draws the legend in columns of at most `maxHeight / legendRow` rows starting at (x, y),
    /// outside the plot area, each `width` wide; entries are truncated with an ellipsis to the
    /// width. Every entry is drawn: when they do not fit in one column, the next column starts to
    /// the right (callers reserve the room, see ``LegendLayout``).
    static func drawLegend(_ items: [LegendItem], into doc: inout SVGDocument, x: Double, y: Double,
                           width: Double, maxHeight: Double) {
        guard !items.isEmpty else { return }
        let capacity = Swift.max(1, Int(maxHeight / legendRow))
        doc.raw("<g class=\"legend\">")
        let textMax = width - legendGlyphWidth - 8 - 4
        for (i, it) in items.enumerated() {
            let cx = x + Double(i / capacity) * width
            let cy = y + Double(i % capacity) * legendRow + legendRow / 2
            drawLegendEntry(it, into: &doc, x: cx, cy: cy, textMax: textMax)
        }
        doc.raw("</g>")
    }

    /// One legend entry, glyph then text; an entry naming a series is grouped with its
    /// `data-series` index and full name, so that a viewer can toggle the series it names.
    static func drawLegendEntry(_ it: LegendItem, into doc: inout SVGDocument, x: Double, cy: Double,
                                textMax: Double) {
        if let s = it.series {
            doc.raw("<g class=\"legend-item\" data-series=\"\(s)\" data-name=\"\(svgEscape(Layout.tipText(it.label)))\">")
        }
        drawGlyph(it.glyph, into: &doc, x: x, cy: cy)
        doc.text(truncated(it.label, maxWidth: textMax, fontSize: legendSize),
                 x: x + legendGlyphWidth + 8, y: cy + 4, size: legendSize,
                 extra: "class=\"legend-entry\"")
        if it.series != nil { doc.raw("</g>") }
    }

    static func drawGlyph(_ g: LegendGlyph, into doc: inout SVGDocument, x: Double, cy: Double) {
        let w = legendGlyphWidth
        switch g {
        case let .line(color, dash, band):
            if band { doc.rect(x: x, y: cy - 6, w: w, h: 12, fill: color, opacity: 0.18) }
            doc.line(x1: x, y1: cy, x2: x + w, y2: cy, stroke: color, width: 2.5, dash: dash)
        case let .swatch(color, opacity):
            doc.rect(x: x, y: cy - 7, w: w, h: 14, fill: color, opacity: opacity,
                     stroke: "#BBBBBB", strokeWidth: 0.5)
        case let .triangle(color):
            doc.polygon(triangle(cx: x + w / 2, cy: cy, size: 6), fill: color)
        case let .diamond(color):
            doc.polygon(diamond(cx: x + w / 2, cy: cy, size: 6), fill: color)
        case let .dot(color, filled):
            doc.circle(cx: x + w / 2, cy: cy, r: 5, fill: filled ? color : "#FFFFFF",
                       stroke: color, strokeWidth: 1.6)
        case let .tick(color):
            doc.line(x1: x + w / 2, y1: cy - 6, x2: x + w / 2, y2: cy + 6, stroke: color, width: 1.2)
        case let .outline(color):
            doc.rect(x: x + 4, y: cy - 7, w: w - 8, h: 14, fill: "none", stroke: color, strokeWidth: 2.5)
        case let .dashedOutline(color):
            doc.rect(x: x + 4, y: cy - 7, w: w - 8, h: 14, fill: "none", stroke: color, strokeWidth: 1.6,
                     extra: "stroke-dasharray=\"5 3\"")
        }
    }

    /// An upward-pointing triangle centred on (cx, cy).
    static func triangle(cx: Double, cy: Double, size s: Double) -> [(Double, Double)] {
        [(cx, cy - s), (cx + s * 0.9, cy + s * 0.65), (cx - s * 0.9, cy + s * 0.65)]
    }

    /// A diamond centred on (cx, cy).
    static func diamond(cx: Double, cy: Double, size s: Double) -> [(Double, Double)] {
        [(cx, cy - s), (cx + s * 0.75, cy), (cx, cy + s), (cx - s * 0.75, cy)]
    }

    /// Title centred at the top, truncated to the width.
    static func drawTitle(_ title: String, into doc: inout SVGDocument, width: Double) {
        // Bold text runs about 12% wider than the regular-weight width estimate.
        let t = truncated(title, maxWidth: (width - 2 * outerMargin) / 1.12, fontSize: titleSize)
        doc.text(t, x: width / 2, y: 28, size: titleSize, anchor: .middle, weight: "bold",
                 extra: "class=\"chart-title\"")
    }

    /// Step `k` so that every k-th label fits: labels need `labelExtent + gap` pixels and
    /// neighbouring ticks are `spacing` pixels apart.
    static func thinning(labelExtent: Double, spacing: Double, gap: Double = 10) -> Int {
        guard spacing > 0 else { return 1 }
        return Swift.max(1, Int(ceil((labelExtent + gap) / spacing)))
    }

    /// Horizontal axis with grid lines at every tick and labels thinned when crowded.
    static func drawXAxis(into doc: inout SVGDocument, plot: PlotRect, ticks: [Double],
                          labels: [String], map: LinearMap, title: String, grid: Bool = true) {
        doc.raw("<g class=\"x-axis\">")
        let positions = ticks.map { map($0) }
        var spacing = Double.infinity
        for i in 1..<Swift.max(positions.count, 1) where i < positions.count {
            spacing = Swift.min(spacing, abs(positions[i] - positions[i - 1]))
        }
        let widest = labels.map { textWidth($0, fontSize: tickSize) }.max() ?? 0
        let k = spacing.isFinite ? thinning(labelExtent: widest, spacing: spacing) : 1
        for (i, p) in positions.enumerated() where p >= plot.left - 0.5 && p <= plot.right + 0.5 {
            if grid { doc.line(x1: p, y1: plot.top, x2: p, y2: plot.bottom, stroke: gridColor, width: 1) }
            doc.line(x1: p, y1: plot.bottom, x2: p, y2: plot.bottom + 5, stroke: axisColor, width: 1)
            if i % k == 0 {
                doc.text(labels[i], x: p, y: plot.bottom + 18, size: tickSize, anchor: .middle,
                         fill: axisColor, extra: "class=\"tick-label\"")
            }
        }
        doc.line(x1: plot.left, y1: plot.bottom, x2: plot.right, y2: plot.bottom, stroke: axisColor, width: 1)
        doc.text(truncated(title, maxWidth: plot.width, fontSize: labelSize),
                 x: (plot.left + plot.right) / 2, y: plot.bottom + 40, size: labelSize,
                 anchor: .middle, extra: "class=\"axis-label\"")
        doc.raw("</g>")
    }

    /// Vertical axis with grid lines at every tick and labels thinned when crowded.
    static func drawYAxis(into doc: inout SVGDocument, plot: PlotRect, ticks: [Double],
                          labels: [String], map: LinearMap, title: String, titleX: Double) {
        doc.raw("<g class=\"y-axis\">")
        let positions = ticks.map { map($0) }
        var spacing = Double.infinity
        for i in 1..<Swift.max(positions.count, 1) where i < positions.count {
            spacing = Swift.min(spacing, abs(positions[i] - positions[i - 1]))
        }
        let k = spacing.isFinite ? thinning(labelExtent: tickSize, spacing: spacing, gap: 6) : 1
        for (i, p) in positions.enumerated() where p >= plot.top - 0.5 && p <= plot.bottom + 0.5 {
            doc.line(x1: plot.left, y1: p, x2: plot.right, y2: p, stroke: gridColor, width: 1)
            doc.line(x1: plot.left - 5, y1: p, x2: plot.left, y2: p, stroke: axisColor, width: 1)
            if i % k == 0 {
                doc.text(labels[i], x: plot.left - 8, y: p + 4, size: tickSize, anchor: .end,
                         fill: axisColor, extra: "class=\"tick-label\"")
            }
        }
        doc.line(x1: plot.left, y1: plot.top, x2: plot.left, y2: plot.bottom, stroke: axisColor, width: 1)
        let cy = (plot.top + plot.bottom) / 2
        doc.text(truncated(title, maxWidth: plot.height, fontSize: labelSize), x: titleX, y: cy,
                 size: labelSize, anchor: .middle, rotate: -90, extra: "class=\"axis-label\"")
        doc.raw("</g>")
    }

    /// A short deterministic identifier derived from text (FNV-1a), for element ids that must
    /// not clash when several charts are inlined in one page.
    static func identifier(_ parts: String...) -> String {
        var h: UInt64 = 0xcbf29ce484222325
        for p in parts {
            for b in p.utf8 {
                h ^= UInt64(b)
                h = h &* 0x100000001b3
            }
            h ^= 0xff
            h = h &* 0x100000001b3
        }
        return String(h & 0xFFFF_FFFF, radix: 16)
    }

    /// The attributes of a time chart's data group: its axis maps and axis titles, from which a
    /// viewer reads the data values back from the pixel coordinates of the lines under the pointer.
    static func dataAttributes(x: LinearMap, y: LinearMap, xLabel: String, yLabel: String) -> String {
        "class=\"plot-data\" data-x-map=\"\(x.attribute)\" data-y-map=\"\(y.attribute)\" "
            + "data-x-label=\"\(svgEscape(tipText(xLabel)))\" data-y-label=\"\(svgEscape(tipText(yLabel)))\""
    }

    /// A name in a hover text or data attribute: at most 120 characters, a longer one cut with "…"
    /// (the document's <title> keeps a title whole; an attribute does not repeat it).
    static func tipText(_ s: String) -> String {
        s.count <= 120 ? s : String(s.prefix(119)) + "…"
    }

    /// A value in a hover text (`data-tip`): six significant digits, locale-free.
    static func tipNumber(_ v: Double) -> String {
        v.isFinite ? String(format: "%.6g", v) : "–"
    }

    /// "No data" note centred in the plot area.
    static func drawNoData(into doc: inout SVGDocument, plot: PlotRect) {
        doc.text("no data", x: (plot.left + plot.right) / 2, y: (plot.top + plot.bottom) / 2,
                 size: 14, anchor: .middle, fill: "#888888", extra: "class=\"no-data\"")
    }
}

/// Smallest and largest finite values of a sequence, or nil when it has none.
func finiteExtent<S: Sequence>(_ values: S) -> (Double, Double)? where S.Element == Double {
    var lo = Double.infinity, hi = -Double.infinity
    for v in values where v.isFinite {
        if v < lo { lo = v }
        if v > hi { hi = v }
    }
    return lo <= hi ? (lo, hi) : nil
}

/// Reduces a polyline given in pixel coordinates to at most four points per pixel column
/// (the first, lowest, highest and last of each run of consecutive points falling in one
/// column), following the M4 aggregation of Jugel, Jerzak, Hackenbroich & Markl (2014,
/// "M4: A Visualization-Oriented Time Series Data Aggregation", PVLDB 7(10)). The rasterised
/// line is the same as with all points, while a 100 000-point series shrinks to a few thousand.
/// Polylines with fewer than `threshold` points are returned unchanged.
/// - Complexity: O(n).
func m4Decimate(_ pts: [(Double, Double)], threshold: Int) -> [(Double, Double)] {
    guard pts.count > Swift.max(threshold, 8) else { return pts }
    var out: [(Double, Double)] = []
    out.reserveCapacity(threshold * 2)
    var i = 0
    while i < pts.count {
        let column = floor(pts[i].0)
        var j = i
        var lo = i, hi = i
        while j + 1 < pts.count && floor(pts[j + 1].0) == column {
            j += 1
            if pts[j].1 < pts[lo].1 { lo = j }
            if pts[j].1 > pts[hi].1 { hi = j }
        }
        // Keep first, extremes and last in their original order, without repeats.
        var keep = [i, lo, hi, j]
        keep.sort()
        var last = -1
        for k in keep where k != last {
            out.append(pts[k])
            last = k
        }
        i = j + 1
    }
    return out
}

/// Where the legend goes: a column to the right of the plot on wide canvases, rows of columns
/// below the x axis label on narrow ones (under 600 px), never over the data.
/// The plot area and both axes of a chart whose x axis is time, laid out the same way by
/// ``LineChart`` and ``AreaBetweenChart``: nice y ticks (or the caller's range), a y-label
/// margin wide enough for them, and an x axis that ends where the data ends.
struct TimeAxesLayout {
    let plot: PlotRect
    let xScale: NiceScale
    let xTicks: [Double]
    let yTicks: [Double]
    let yLabels: [String]
    let xMap: LinearMap
    let yMap: LinearMap

    init(xExt: (Double, Double), yExt: (Double, Double), yRange: ClosedRange<Double>?, top: Double, bottom: Double,
         width W: Double, legend: LegendLayout, yBounds: ClosedRange<Double>? = nil) {
        let plotH = Swift.max(bottom - top, 10)
        let yScale = NiceScale(lo: yExt.0, hi: yExt.1, targetCount: Swift.max(2, Swift.min(8, Int(plotH / 55))))
        var yDomain = (yScale.lower, yScale.upper)
        // Nice ticks never widen the axis past what the quantity can take (an accuracy above 1).
        if let b = yBounds {
            let clamped = (Swift.max(yDomain.0, b.lowerBound), Swift.min(yDomain.1, b.upperBound))
            if clamped.1 > clamped.0 { yDomain = clamped }
        }
        if let r = yRange, r.lowerBound.isFinite, r.upperBound.isFinite {
            yDomain = NiceScale.padded(r.lowerBound, r.upperBound)
        }
        yTicks = yScale.ticks.filter { $0 >= yDomain.0 - yScale.step * 1e-6 && $0 <= yDomain.1 + yScale.step * 1e-6 }
        yLabels = yTicks.map { yScale.label($0) }
        let yLabelW = yLabels.map { textWidth($0, fontSize: Layout.tickSize) }.max() ?? 10
        let left = Layout.outerMargin + 20 + yLabelW + 10
        let right = W - Layout.outerMargin - legend.reservedRight
        plot = PlotRect(left: left, top: top, right: Swift.max(right, left + 10), bottom: Swift.max(bottom, top + 10))
        let xDomain = NiceScale.padded(Swift.max(xExt.0, -1e300), Swift.min(xExt.1, 1e300))
        let x = NiceScale.inside(lo: xDomain.0, hi: xDomain.1, targetCount: Swift.max(2, Swift.min(10, Int(plot.width / 90))))
        xScale = x.scale
        xTicks = x.ticks
        xMap = LinearMap(d0: x.domain.0, d1: x.domain.1, p0: plot.left, p1: plot.right)
        yMap = LinearMap(d0: yDomain.0, d1: yDomain.1, p0: plot.bottom, p1: plot.top)
    }
}

struct LegendLayout {
    enum Placement { case right, below }
    let placement: Placement
    /// Width of one legend column.
    let columnWidth: Double
    let columns: Int
    let rows: Int
    /// Horizontal room taken from the plot's right side.
    let reservedRight: Double
    /// Vertical room taken from the plot's bottom.
    let reservedBottom: Double

    static let narrowCanvas = 600.0
    /// The lowest the plot area of a time chart starts (title, then two rows of span labels).
    static let highestPlotTop = 46.0 + 14 * 2 + 4

    init(_ items: [LegendItem], width W: Double, height H: Double) {
        if items.isEmpty {
            placement = .right; columnWidth = 0; columns = 1; rows = 0; reservedRight = 10; reservedBottom = 0
            return
        }
        if W >= LegendLayout.narrowCanvas {
            placement = .right
            // Rows below the highest plot top (a title and two rows of span labels); the entries
            // that do not fit go to further columns, which share at most half the canvas.
            let capacity = Swift.max(1, Int((H - LegendLayout.highestPlotTop - 10) / Layout.legendRow))
            columns = (items.count + capacity - 1) / capacity
            columnWidth = Layout.legendWidth(items, maxWidth: columns == 1 ? W * 0.3 : W * 0.5 / Double(columns))
            rows = Swift.min(items.count, capacity)
            reservedRight = Double(columns) * columnWidth + 12
            reservedBottom = 0
        } else {
            placement = .below
            let avail = Swift.max(W - 2 * Layout.outerMargin, 40)
            // At least two columns when there are several entries (long names get truncated);
            // as many rows as every entry needs: the plot gives up the height.
            let cap = items.count > 2 ? Swift.max(avail / 2, 150) : avail
            columnWidth = Swift.min(Layout.legendWidth(items, maxWidth: cap), avail)
            columns = Swift.max(1, Int(avail / Swift.max(columnWidth, 1)))
            rows = (items.count + columns - 1) / columns
            reservedRight = 10
            reservedBottom = Double(rows) * Layout.legendRow + 8
        }
    }

    /// Draws the legend for the final plot rectangle on a canvas `H` pixels high.
    func draw(_ items: [LegendItem], into doc: inout SVGDocument, plot: PlotRect, canvasHeight H: Double) {
        guard !items.isEmpty else { return }
        switch placement {
        case .right:
            Layout.drawLegend(items, into: &doc, x: plot.right + 14, y: plot.top, width: columnWidth,
                              maxHeight: Double(rows) * Layout.legendRow)
        case .below:
            // Fill row by row; the layout reserved a row for every entry.
            let y0 = plot.bottom + 52
            doc.raw("<g class=\"legend\">")
            let textMax = columnWidth - Layout.legendGlyphWidth - 8 - 4
            for (i, it) in items.enumerated() {
                let x = Layout.outerMargin + Double(i % columns) * columnWidth
                let cy = y0 + Double(i / columns) * Layout.legendRow + Layout.legendRow / 2
                Layout.drawLegendEntry(it, into: &doc, x: x, cy: cy, textMax: textMax)
            }
            doc.raw("</g>")
        }
    }
}
