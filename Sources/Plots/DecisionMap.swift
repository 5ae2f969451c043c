import Foundation

/// Which option is cheapest as a function of the ratio of retraining cost to error cost, on a
/// logarithmic x axis: contiguous runs of ratios with the same winner become coloured regions.
///
/// Ratios are sorted; non-positive or non-finite ratios are ignored. The boundary between two
/// evaluated ratios with different winners sits at their geometric mean √(r₁·r₂), and each switch
/// is marked with its ratio. Colours follow the order of `options` (default: first appearance).
///
/// ```swift
/// let map = DecisionMap(title: "Cheapest schedule by cost ratio",
///     ratios: [0.001, 0.01, 0.1, 1, 10], winners: ["daily", "daily", "weekly", "drift-triggered", "never"])
/// ```
public struct DecisionMap: Sendable, Equatable {
    public var title: String
    /// The x axis label, with its unit.
    public var xLabel: String
    public var ratios: [Double]
    /// The cheapest option at each ratio (same order as `ratios`).
    public var winners: [String]
    /// Colour order of the options; nil means order of first appearance.
    public var options: [String]?
    /// A ratio to mark with a solid line and `markedLabel` (the scenario's own prices).
    public var markedRatio: Double?
    public var markedLabel = "the scenario"

    public init(title: String, xLabel: String = "retraining cost / error cost (ratio, log scale)",
                ratios: [Double], winners: [String], options: [String]? = nil) {
        self.title = title
        self.xLabel = xLabel
        self.ratios = ratios
        self.winners = winners
        self.options = options
    }

    /// A run of consecutive evaluated ratios won by the same option, with its x extent.
    public struct Region: Sendable, Equatable {
        public var option: String
        public var from: Double
        public var to: Double
    }

    /// The regions: winners in ratio order merged into runs; inner boundaries at geometric means
    /// of neighbouring ratios, outer ones at the smallest and largest ratio.
    public static func regions(ratios: [Double], winners: [String]) -> [Region] {
        let n = Swift.min(ratios.count, winners.count)
        let kept: [Int] = (0..<n).filter { (i: Int) -> Bool in ratios[i].isFinite && ratios[i] > 0 }
        let sortedIdx: [Int] = kept.sorted { (a: Int, b: Int) -> Bool in
            if ratios[a] != ratios[b] { return ratios[a] < ratios[b] }
            return a < b
        }
        let pairs: [(Double, String)] = sortedIdx.map { (ratios[$0], winners[$0]) }
        var out: [Region] = []
        for (k, p) in pairs.enumerated() {
            if let last = out.last, last.option == p.1 {
                out[out.count - 1].to = p.0
            } else {
                let boundary = k == 0 ? p.0 : (pairs[k - 1].0 * p.0).squareRoot()
                if !out.isEmpty { out[out.count - 1].to = boundary }
                out.append(Region(option: p.1, from: boundary, to: p.0))
            }
        }
        return out
    }

    /// The options in colour order.
    func optionOrder() -> [String] {
        var seen: [String] = options ?? []
        for w in winners.prefix(ratios.count) where !seen.contains(w) { seen.append(w) }
        return seen
    }

    /// Renders the map as a standalone SVG 1.1 document of `width` × `height` pixels.
    public func svg(width: Int = 960, height: Int = 540) -> String {
        var doc = SVGDocument(width: width, height: height)
        let W = Double(doc.width), H = Double(doc.height)
        let regions = DecisionMap.regions(ratios: ratios, winners: winners)
        let order = optionOrder()
        func colorIndex(_ o: String) -> Int { order.firstIndex(of: o) ?? 0 }
        let lo = regions.first?.from ?? 0.1, hi = regions.last?.to ?? 10
        let domain: (Double, Double) = lo < hi ? (lo, hi) : (lo / 10, hi * 10)
        let log = LogTicks(minPositive: domain.0, maxPositive: domain.1)
        let marked = markedRatio.flatMap { $0.isFinite && $0 >= domain.0 && $0 <= domain.1 ? $0 : nil }
        /// The legend (options keyed by letter when `keyed`) and the plot area it leaves.
        func layout(keyed: Bool) -> ([LegendItem], LegendLayout, PlotRect) {
            var items = order.enumerated().map {
                LegendItem(label: keyed ? "\(DecisionMap.key($0.offset))  \($0.element)" : $0.element,
                           glyph: .swatch(color: Palette.color($0.offset), opacity: 0.85))
            }
            if !regions.isEmpty {
                items.append(LegendItem(label: "evaluated ratio", glyph: .tick(color: "#222222")))
                items.append(LegendItem(label: "switch point (ratio)", glyph: .line(color: "#222222", dash: "4 2", band: false)))
            }
            if marked != nil { items.append(LegendItem(label: markedLabel, glyph: .line(color: "#000000", dash: nil, band: false))) }
            let legend = LegendLayout(items, width: W, height: H)
            let top = 46.0 + 18, bottom = H - 52 - legend.reservedBottom
            let left = Layout.outerMargin + 16, right = W - Layout.outerMargin - legend.reservedRight
            return (items, legend, PlotRect(left: left, top: top, right: Swift.max(right, left + 10), bottom: Swift.max(bottom, top + 10)))
        }
        func pixels(_ plot: PlotRect) -> (Double) -> Double {
            let lmap = LinearMap(d0: Foundation.log10(domain.0), d1: Foundation.log10(domain.1), p0: plot.left, p1: plot.right)
            return { lmap(Foundation.log10($0)) }
        }
        /// Whether a region's whole name fits inside it (bold text runs about 12% wider than the
        /// regular-weight estimate).
        func fits(_ reg: Region, _ px: (Double) -> Double) -> Bool {
            textWidth(reg.option, fontSize: Layout.labelSize) * 1.12 <= px(reg.to) - px(reg.from) - 10
        }
        var (items, legend, plot) = layout(keyed: false)
        // Names that do not fit their region are written as a letter, keyed in the legend.
        let keyed = !regions.allSatisfy { fits($0, pixels(plot)) }
        if keyed { (items, legend, plot) = layout(keyed: true) }
        let px = pixels(plot)

        Layout.drawTitle(title, into: &doc, width: W)
        if regions.isEmpty { Layout.drawNoData(into: &doc, plot: plot) }
        doc.raw("<g class=\"regions\">")
        for reg in regions {
            let a = px(reg.from), b = px(reg.to)
            let color = Palette.color(colorIndex(reg.option))
            doc.rect(x: a, y: plot.top, w: Swift.max(b - a, 2), h: plot.height, fill: color, opacity: 0.85,
                     extra: "class=\"region\"")
            let name = keyed && !fits(reg, px) ? DecisionMap.key(colorIndex(reg.option)) : reg.option
            let text = truncated(name, maxWidth: (b - a - 10) / 1.12, fontSize: Layout.labelSize)
            if !text.isEmpty {
                let rgb = DecisionMap.rgb(color)
                // The region is drawn at 85% opacity over white.
                let blended = (rgb.0 * 0.85 + 255 * 0.15, rgb.1 * 0.85 + 255 * 0.15, rgb.2 * 0.85 + 255 * 0.15)
                doc.text(text, x: (a + b) / 2, y: (plot.top + plot.bottom) / 2 + 5, size: Layout.labelSize,
                         anchor: .middle, weight: "bold", fill: Palette.contrastingText(blended.0, blended.1, blended.2),
                         extra: "class=\"region-label\"")
            }
        }
        doc.raw("</g>")

        // Evaluated ratios as a rug along the bottom, so the sampling behind the regions shows.
        doc.raw("<g class=\"evaluated\">")
        for (r, _) in zip(ratios, winners) where r.isFinite && r > 0 {
            let x = px(r)
            doc.line(x1: x, y1: plot.bottom - 9, x2: x, y2: plot.bottom, stroke: "#222222", width: 1.2,
                     extra: "class=\"evaluated-ratio\"")
        }
        doc.raw("</g>")

        // Switch points, labelled above the plot; labels that would collide are left out.
        var lastLabelEnd = -Double.infinity
        for reg in regions.dropFirst() {
            let x = px(reg.from)
            doc.line(x1: x, y1: plot.top - 4, x2: x, y2: plot.bottom, stroke: "#222222", width: 1.2, dash: "4 2",
                     extra: "class=\"switch\"")
            let label = compactNumber(reg.from)
            let tw = textWidth(label, fontSize: Layout.tickSize)
            if x - tw / 2 > lastLabelEnd + 6 {
                doc.text(label, x: x, y: plot.top - 8, size: Layout.tickSize, anchor: .middle, fill: "#222222",
                         extra: "class=\"switch-label\"")
                lastLabelEnd = x + tw / 2
            }
        }

        if let marked {
            let x = px(marked)
            doc.line(x1: x, y1: plot.top, x2: x, y2: plot.bottom, stroke: "#000000", width: 2.4, extra: "class=\"marked-ratio\"")
            let label = "\(markedLabel): \(compactNumber(marked))"
            let right = x + 6 + textWidth(label, fontSize: Layout.tickSize) <= plot.right
            doc.text(label, x: right ? x + 6 : x - 6, y: plot.bottom - 16, size: Layout.tickSize, anchor: right ? .start : .end,
                     weight: "bold", fill: "#000000", extra: "class=\"marked-label\" paint-order=\"stroke\" stroke=\"#FFFFFF\" stroke-width=\"3\"")
        }

        // Log axis.
        doc.raw("<g class=\"x-axis\">")
        let majors = log.major.filter { $0 >= domain.0 * (1 - 1e-9) && $0 <= domain.1 * (1 + 1e-9) }
        for t in log.ticks where t >= domain.0 * (1 - 1e-9) && t <= domain.1 * (1 + 1e-9) {
            let x = px(t)
            doc.line(x1: x, y1: plot.bottom, x2: x, y2: plot.bottom + (majors.contains(t) ? 5 : 3), stroke: Layout.axisColor, width: 1)
        }
        let labels = majors.map { LogTicks.label($0) }
        var spacing = Double.infinity
        for i in majors.indices.dropFirst() { spacing = Swift.min(spacing, px(majors[i]) - px(majors[i - 1])) }
        let k = spacing.isFinite ? Layout.thinning(labelExtent: labels.map { textWidth($0, fontSize: Layout.tickSize) }.max() ?? 0, spacing: spacing) : 1
        for (i, t) in majors.enumerated() where i % k == 0 {
            doc.text(labels[i], x: px(t), y: plot.bottom + 18, size: Layout.tickSize, anchor: .middle,
                     fill: Layout.axisColor, extra: "class=\"tick-label\"")
        }
        doc.line(x1: plot.left, y1: plot.bottom, x2: plot.right, y2: plot.bottom, stroke: Layout.axisColor, width: 1)
        doc.text(truncated(xLabel, maxWidth: plot.width, fontSize: Layout.labelSize), x: (plot.left + plot.right) / 2,
                 y: plot.bottom + 40, size: Layout.labelSize, anchor: .middle, extra: "class=\"axis-label\"")
        doc.raw("</g>")

        legend.draw(items, into: &doc, plot: plot, canvasHeight: H)
        return doc.finished(title: title)
    }

    /// The letter keying option `i` in the legend: A…Z, then AA, AB, ….
    static func key(_ i: Int) -> String {
        let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        return i < 26 ? String(letters[i]) : String(letters[(i / 26 - 1) % 26]) + String(letters[i % 26])
    }

    /// Channels of a `#RRGGBB` colour.
    static func rgb(_ hex: String) -> (Double, Double, Double) {
        let digits = Array(hex.dropFirst())
        func byte(_ i: Int) -> Double {
            guard i + 1 < digits.count, let v = Int(String(digits[i...i + 1]), radix: 16) else { return 0 }
            return Double(v)
        }
        return (byte(0), byte(2), byte(4))
    }
}
