import Foundation

/// A grid of values over two swept parameters, coloured with viridis, each cell printed with
/// its value in black or white (whichever contrasts more, by WCAG relative luminance), with a
/// colour bar and the best cell outlined.
///
/// `values[r][c]` belongs to `rowLabels[r]` and `columnLabels[c]`; row 0 is drawn at the top.
/// Missing or non-finite cells are drawn grey and left out of the colour scale and of the search
/// for the best cell.
///
/// ```swift
/// let map = Heatmap(title: "Mean accuracy by window and threshold",
///     rowAxisLabel: "window (days)", columnAxisLabel: "threshold",
///     valueLabel: "mean accuracy", rowLabels: ["7", "14"], columnLabels: ["0.1", "0.2"],
///     values: [[0.90, 0.88], [0.91, 0.87]])
/// ```
public struct Heatmap: Sendable, Equatable {
    /// Which cell is the best.
    public enum Best: String, Sendable, Equatable {
        /// The largest value (for example accuracy).
        case max
        /// The smallest value (for example cost).
        case min
        /// No highlighted cell.
        case none
    }

    public var title: String
    /// Label (with unit) of the parameter that varies by row.
    public var rowAxisLabel: String
    /// Label (with unit) of the parameter that varies by column.
    public var columnAxisLabel: String
    /// Label (with unit) of the cell values, shown by the colour bar.
    public var valueLabel: String
    public var rowLabels: [String]
    public var columnLabels: [String]
    public var values: [[Double]]
    public var best: Best
    /// How values map to colours.
    public enum Colouring: Sendable, Equatable {
        /// Linearly over the data range.
        case value
        /// By rank, the best brightest: near-optimal cells stand apart however close their values
        /// are, and one far cell does not flatten the rest. The colour bar reads rank.
        case rank
    }
    public var colouring: Colouring = .value
    /// With ``Colouring/value``: the value range the palette spans, when it is wider than the
    /// data's (an accuracy range of 0.4 points does not fill the whole palette); nil: the data's.
    public var colourSpan: ClosedRange<Double>?
    /// Cells statistically tied with the best (`tied[r][c]`): drawn with a dashed outline.
    public var tied: [[Bool]] = []
    /// Legend text of the tied cells' outline.
    public var tiedLegend = "tied with the best"

    public init(title: String, rowAxisLabel: String, columnAxisLabel: String, valueLabel: String,
                rowLabels: [String], columnLabels: [String], values: [[Double]], best: Best = .max) {
        self.title = title
        self.rowAxisLabel = rowAxisLabel
        self.columnAxisLabel = columnAxisLabel
        self.valueLabel = valueLabel
        self.rowLabels = rowLabels
        self.columnLabels = columnLabels
        self.values = values
        self.best = best
    }

    /// The value of cell (r, c), NaN when missing.
    func value(_ r: Int, _ c: Int) -> Double {
        guard r < values.count, c < values[r].count else { return .nan }
        return values[r][c]
    }

    var rowCount: Int { Swift.max(rowLabels.count, values.count) }
    var columnCount: Int { Swift.max(columnLabels.count, values.map(\.count).max() ?? 0) }

    /// The best cell (first in row-major order on ties), or nil when there is none.
    public static func bestCell(_ values: [[Double]], best: Best) -> (row: Int, column: Int)? {
        guard best != .none else { return nil }
        var found: (Int, Int)? = nil
        var bestValue = 0.0
        for (r, row) in values.enumerated() {
            for (c, v) in row.enumerated() where v.isFinite {
                if found == nil || (best == .max ? v > bestValue : v < bestValue) {
                    found = (r, c)
                    bestValue = v
                }
            }
        }
        return found.map { (row: $0.0, column: $0.1) }
    }

    /// Renders the heatmap as a standalone SVG 1.1 document of `width` × `height` pixels.
    public func svg(width: Int = 960, height: Int = 540) -> String {
        var doc = SVGDocument(width: width, height: height)
        let W = Double(doc.width), H = Double(doc.height)
        let rows = rowCount, cols = columnCount
        let ext = finiteExtent(values.flatMap { $0 })
        // Ranks (0 = best) of the finite cells, for ``Colouring/rank``.
        let finite = values.flatMap { $0 }.filter(\.isFinite).sorted(by: best == .max ? (>) : (<))
        let ranked = colouring == .rank && finite.count > 1
        func rank(_ v: Double) -> Double { Double(finite.firstIndex(of: v) ?? 0) }
        // Colours span the data range itself (padded only when constant), or the wider span given.
        var (vmin, vmax) = NiceScale.padded(ext?.0 ?? 0, ext?.1 ?? 1)
        if let span = colourSpan, !ranked, let ext, span.upperBound - span.lowerBound > ext.1 - ext.0 {
            let middle = (ext.0 + ext.1) / 2, half = (span.upperBound - span.lowerBound) / 2
            // Centred on the data, moved inside the span's bounds.
            let lo = Swift.min(Swift.max(middle - half, span.lowerBound), span.upperBound - 2 * half)
            (vmin, vmax) = (lo, lo + 2 * half)
        }
        if ranked { (vmin, vmax) = (1, Double(finite.count)) }
        let scale = ranked ? NiceScale(lo: 1, hi: Double(finite.count), targetCount: 5)
            : NiceScale(lo: vmin, hi: vmax, targetCount: 5)
        /// The palette position of a value: best at the top with ranks.
        func position(_ v: Double) -> Double {
            ranked ? 1 - rank(v) / Double(finite.count - 1) : (v - vmin) / (vmax - vmin)
        }
        let bestCell = Heatmap.bestCell(values, best: best)

        // Value format: the same decimals for every cell, three significant digits of the largest.
        let maxAbs = Swift.max(abs(ext?.0 ?? 0), abs(ext?.1 ?? 0))
        let decimals = maxAbs == 0 ? 0 : Swift.min(4, Swift.max(0, 2 - Int(floor(log10(maxAbs)))))
        func fmt(_ v: Double) -> String { v.isFinite ? fixedDecimal(v, decimals: decimals) : "n/a" }

        // Layout: row labels left, column labels below, colour bar and best-cell note right.
        let fs = Layout.tickSize
        let rowLabelMax = Swift.min(W * 0.22, (rowLabels.map { textWidth($0, fontSize: fs) }.max() ?? 0))
        let barLabels = scale.ticks.filter { $0 >= vmin - scale.step * 1e-6 && $0 <= vmax + scale.step * 1e-6 }
        let barLabelW = barLabels.map { textWidth(scale.label($0), fontSize: fs) }.max() ?? 20
        let bestNote = bestCell.map { "best: " + fmt(value($0.row, $0.column)) } ?? ""
        let rightBlock = Swift.max(18 + 8 + barLabelW + 26, textWidth(bestNote, fontSize: Layout.legendSize) + 46,
                                 tied.joined().contains(true) ? Swift.min(W * 0.3, textWidth(tiedLegend, fontSize: Layout.legendSize) + 46) : 0)
        let left = Layout.outerMargin + 22 + rowLabelMax + 8
        let right = W - Layout.outerMargin - rightBlock - 16
        let top = 46.0, bottom = H - 52
        let plot = PlotRect(left: left, top: top, right: Swift.max(right, left + 10), bottom: Swift.max(bottom, top + 10))
        let cw = plot.width / Double(Swift.max(cols, 1)), ch = plot.height / Double(Swift.max(rows, 1))

        Layout.drawTitle(title, into: &doc, width: W)
        if rows == 0 || cols == 0 { Layout.drawNoData(into: &doc, plot: plot) }

        // Cells.
        let longest = (0..<rows).flatMap { r in (0..<cols).map { c in fmt(value(r, c)) } }
            .map { textWidth($0, fontSize: 1) }.max() ?? 1
        let valueSize = Swift.min(13, ch * 0.42, (cw - 6) / Swift.max(longest, 0.1))
        doc.raw("<g class=\"cells\">")
        for r in 0..<rows {
            for c in 0..<cols {
                let v = value(r, c)
                let x = plot.left + Double(c) * cw, y = plot.top + Double(r) * ch
                var fill = "#D9D9D9", textFill = "#333333"
                if v.isFinite {
                    let (cr, cg, cb) = Palette.viridisRGB(position(v))
                    fill = Palette.hex(cr, cg, cb)
                    textFill = Palette.contrastingText(cr, cg, cb)
                }
                let rowName = r < rowLabels.count ? rowLabels[r] : ""
                let columnName = c < columnLabels.count ? columnLabels[c] : ""
                let t = Layout.tipText
                let tip = "\(t(rowAxisLabel)) \(t(rowName)), \(t(columnAxisLabel)) \(t(columnName)): \(t(valueLabel)) \(fmt(v))"
                doc.rect(x: x, y: y, w: cw, h: ch, fill: fill, stroke: "#FFFFFF", strokeWidth: 1,
                         extra: "class=\"cell\" data-tip=\"\(svgEscape(tip))\"")
                if valueSize >= 7 {
                    doc.text(fmt(v), x: x + cw / 2, y: y + ch / 2 + valueSize * 0.36, size: valueSize,
                             anchor: .middle, fill: textFill, extra: "class=\"cell-value\"")
                }
            }
        }
        doc.raw("</g>")
        var anyTie = false
        for r in 0..<Swift.min(rows, tied.count) {
            for c in 0..<Swift.min(cols, tied[r].count) where tied[r][c] && !(bestCell?.row == r && bestCell?.column == c) {
                anyTie = true
                let x = plot.left + Double(c) * cw, y = plot.top + Double(r) * ch
                doc.rect(x: x + 2, y: y + 2, w: cw - 4, h: ch - 4, fill: "none", stroke: "#000000", strokeWidth: 1.6,
                         extra: "stroke-dasharray=\"5 3\" class=\"tied-cell\"")
            }
        }
        if let b = bestCell {
            let x = plot.left + Double(b.column) * cw, y = plot.top + Double(b.row) * ch
            doc.rect(x: x + 1.5, y: y + 1.5, w: cw - 3, h: ch - 3, fill: "none", stroke: "#000000", strokeWidth: 3,
                     extra: "class=\"best-cell\"")
            doc.rect(x: x + 4, y: y + 4, w: cw - 8, h: ch - 8, fill: "none", stroke: "#FFFFFF", strokeWidth: 1.5)
        }

        // Row labels (thinned when rows are shorter than the text).
        let rk = Layout.thinning(labelExtent: fs, spacing: ch, gap: 3)
        for r in 0..<Swift.min(rows, rowLabels.count) where r % rk == 0 {
            doc.text(truncated(rowLabels[r], maxWidth: rowLabelMax, fontSize: fs), x: plot.left - 6,
                     y: plot.top + (Double(r) + 0.5) * ch + 4, size: fs, anchor: .end, fill: Layout.axisColor,
                     extra: "class=\"row-label\"")
        }
        // Column labels: every k-th label at full length when that keeps at least four of them,
        // otherwise truncated to the room k cells give.
        let fullWidest = columnLabels.prefix(cols).map { textWidth($0, fontSize: fs) }.max() ?? 0
        let maxK = Swift.max(1, cols / 4)
        let ck = Swift.min(Layout.thinning(labelExtent: fullWidest, spacing: cw, gap: 8), maxK)
        let room = Double(ck) * cw - 8
        for (c, label) in columnLabels.prefix(cols).enumerated() where c % ck == 0 {
            doc.text(truncated(label, maxWidth: room, fontSize: fs), x: plot.left + (Double(c) + 0.5) * cw,
                     y: plot.bottom + 17, size: fs, anchor: .middle, fill: Layout.axisColor,
                     extra: "class=\"column-label\"")
        }
        doc.text(truncated(columnAxisLabel, maxWidth: plot.width, fontSize: Layout.labelSize),
                 x: (plot.left + plot.right) / 2, y: plot.bottom + 40, size: Layout.labelSize, anchor: .middle,
                 extra: "class=\"axis-label\"")
        doc.text(truncated(rowAxisLabel, maxWidth: plot.height, fontSize: Layout.labelSize),
                 x: Layout.outerMargin + 6, y: (plot.top + plot.bottom) / 2, size: Layout.labelSize,
                 anchor: .middle, rotate: -90, extra: "class=\"axis-label\"")

        // Colour bar: a vertical gradient through the viridis anchors, high values on top.
        let barX = plot.right + 22, barW = 18.0
        let barTop = plot.top, barBottom = plot.top + Swift.min(plot.height, Swift.max(120, plot.height - 60))
        let grad = "viridis-" + Layout.identifier(title, "heatmap", "\(width)x\(height)")
        var stops = ""
        let n = Palette.viridisAnchors.count
        for (i, a) in Palette.viridisAnchors.enumerated() {
            stops += "<stop offset=\"\(svgNumber(Double(i) / Double(n - 1)))\" stop-color=\"\(Palette.hex(a.0, a.1, a.2))\"/>"
        }
        doc.raw("<defs><linearGradient id=\"\(grad)\" x1=\"0\" y1=\"1\" x2=\"0\" y2=\"0\">\(stops)</linearGradient></defs>")
        doc.raw("<g class=\"colour-bar\">")
        doc.rect(x: barX, y: barTop, w: barW, h: barBottom - barTop, fill: "url(#\(grad))", stroke: "#777777", strokeWidth: 0.6)
        // Ranks: 1 (the best, brightest) at the top.
        let barMap = ranked ? LinearMap(d0: vmax, d1: vmin, p0: barBottom, p1: barTop)
            : LinearMap(d0: vmin, d1: vmax, p0: barBottom, p1: barTop)
        let bk = Layout.thinning(labelExtent: fs, spacing: barLabels.count > 1 ? abs(barMap(barLabels[1]) - barMap(barLabels[0])) : 100, gap: 4)
        for (i, t) in barLabels.enumerated() {
            let py = barMap(t)
            doc.line(x1: barX + barW, y1: py, x2: barX + barW + 4, y2: py, stroke: Layout.axisColor, width: 1)
            if i % bk == 0 {
                doc.text(scale.label(t), x: barX + barW + 7, y: py + 4, size: fs, fill: Layout.axisColor,
                         extra: "class=\"tick-label\"")
            }
        }
        doc.text(truncated(valueLabel, maxWidth: barBottom - barTop, fontSize: Layout.labelSize),
                 x: barX + barW + 7 + barLabelW + 14, y: (barTop + barBottom) / 2, size: Layout.labelSize,
                 anchor: .middle, rotate: -90, extra: "class=\"axis-label\"")
        doc.raw("</g>")
        var items: [LegendItem] = []
        if !bestNote.isEmpty { items.append(LegendItem(label: bestNote, glyph: .outline(color: "#000000"))) }
        if anyTie { items.append(LegendItem(label: tiedLegend, glyph: .dashedOutline(color: "#000000"))) }
        if !items.isEmpty {
            Layout.drawLegend(items, into: &doc, x: barX - 6, y: barBottom + 14, width: W - barX,
                              maxHeight: Layout.legendRow * Double(items.count))
        }
        return doc.finished(title: title)
    }
}
