import Foundation

/// Cost against performance per strategy, with the Pareto front marked and connected.
///
/// A point dominates another when its cost (x) is no higher and its performance (y) no lower,
/// and it is strictly better in at least one of the two. The non-dominated points form the front
/// (``paretoFront(x:y:)``), drawn filled and joined in order of cost; dominated points are hollow.
/// Point labels are placed beside their points by trying eight positions at two distances and
/// keeping the first that overlaps no other label, no point and stays inside the plot (a short
/// leader line joins a label placed at the far distance).
///
/// ```swift
/// let chart = ScatterChart(title: "Cost vs accuracy", xLabel: "total cost (EUR)",
///     yLabel: "mean accuracy", points: [.init(label: "weekly", x: 5200, y: 0.91), …])
/// ```
public struct ScatterChart: Sendable, Equatable {
    /// One strategy: its label, cost (x) and performance (y).
    public struct Point: Sendable, Equatable {
        public var label: String
        public var x: Double
        public var y: Double
        /// The point's interval on each axis, drawn as an error bar (nil: none).
        public var xInterval: ClosedRange<Double>?
        public var yInterval: ClosedRange<Double>?
        public init(label: String, x: Double, y: Double, xInterval: ClosedRange<Double>? = nil,
                    yInterval: ClosedRange<Double>? = nil) {
            self.label = label
            self.x = x
            self.y = y
            self.xInterval = xInterval.flatMap { $0.lowerBound.isFinite && $0.upperBound.isFinite ? $0 : nil }
            self.yInterval = yInterval.flatMap { $0.lowerBound.isFinite && $0.upperBound.isFinite ? $0 : nil }
        }
    }

    public var title: String
    /// Cost axis label with unit, e.g. "total cost (EUR)".
    public var xLabel: String
    /// Performance axis label with unit, e.g. "mean accuracy".
    public var yLabel: String
    public var points: [Point]
    public var frontLegend: String
    public var dominatedLegend: String

    public init(title: String, xLabel: String, yLabel: String, points: [Point] = [],
                frontLegend: String = "Pareto front (non-dominated)",
                dominatedLegend: String = "dominated") {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.points = points
        self.frontLegend = frontLegend
        self.dominatedLegend = dominatedLegend
    }

    /// Indices of the non-dominated points, ordered by increasing cost (then decreasing
    /// performance, then index). Lower cost and higher performance are better; points with a
    /// non-finite coordinate are ignored. Equal points do not dominate each other, so both stay.
    /// - Complexity: O(n log n).
    public static func paretoFront(x: [Double], y: [Double]) -> [Int] {
        let n = Swift.min(x.count, y.count)
        let idx = (0..<n).filter { x[$0].isFinite && y[$0].isFinite }
            .sorted { a, b in
                if x[a] != x[b] { return x[a] < x[b] }
                if y[a] != y[b] { return y[a] > y[b] }
                return a < b
            }
        var front: [Int] = []
        var bestBelow = -Double.infinity // best performance at a strictly lower cost
        var groupMax = -Double.infinity  // best performance at the current cost
        var currentX = Double.nan
        for i in idx {
            if x[i] != currentX {
                bestBelow = Swift.max(bestBelow, groupMax)
                currentX = x[i]
                groupMax = y[i]
                if y[i] > bestBelow { front.append(i) }
            } else if y[i] == groupMax && y[i] > bestBelow {
                front.append(i) // ties with the best point at this cost: not dominated
            }
        }
        return front
    }

    /// ``paretoFront(x:y:)`` of the chart's points.
    public static func paretoFront(_ points: [Point]) -> [Int] {
        paretoFront(x: points.map(\.x), y: points.map(\.y))
    }

    static let frontColor = "#D55E00"
    static let otherColor = "#0072B2"

    struct Box {
        var x0, y0, x1, y1: Double
        func overlap(_ o: Box) -> Double {
            let w = Swift.min(x1, o.x1) - Swift.max(x0, o.x0)
            let h = Swift.min(y1, o.y1) - Swift.max(y0, o.y0)
            return w > 0 && h > 0 ? w * h : 0
        }
    }

    /// Renders the chart as a standalone SVG 1.1 document of `width` × `height` pixels.
    public func svg(width: Int = 960, height: Int = 540) -> String {
        var doc = SVGDocument(width: width, height: height)
        let W = Double(doc.width), H = Double(doc.height)
        let valid = points.indices.filter { points[$0].x.isFinite && points[$0].y.isFinite }
        let front = ScatterChart.paretoFront(points)
        let onFront = Set(front)
        let items = [LegendItem(label: frontLegend, glyph: .dot(color: ScatterChart.frontColor, filled: true)),
                     LegendItem(label: dominatedLegend, glyph: .dot(color: ScatterChart.otherColor, filled: false))]
        let legend = LegendLayout(items, width: W, height: H)
        // The axes hold the error bars too.
        let xExt = finiteExtent(valid.flatMap { i in [points[i].x] + (points[i].xInterval.map { [$0.lowerBound, $0.upperBound] } ?? []) }) ?? (0, 1)
        let yExt = finiteExtent(valid.flatMap { i in [points[i].y] + (points[i].yInterval.map { [$0.lowerBound, $0.upperBound] } ?? []) }) ?? (0, 1)
        let top = 46.0, bottom = H - 52 - legend.reservedBottom
        // Pad the data range by 8% so labels of extreme points have room.
        // A non-negative range (costs) is not padded below zero.
        func padded(_ e: (Double, Double)) -> (Double, Double) {
            let (a, b) = NiceScale.padded(e.0, e.1)
            let p = (b - a) * 0.08
            return (e.0 >= 0 ? Swift.max(a - p, 0) : a - p, b + p)
        }
        let yScale = NiceScale(lo: padded(yExt).0, hi: padded(yExt).1, targetCount: Swift.max(2, Swift.min(8, Int((bottom - top) / 55))))
        let yTicks = yScale.ticks
        let yLabels = yTicks.map { yScale.label($0) }
        let yLabelW = yLabels.map { textWidth($0, fontSize: Layout.tickSize) }.max() ?? 10
        let left = Layout.outerMargin + 20 + yLabelW + 10
        let right = W - Layout.outerMargin - legend.reservedRight
        let plot = PlotRect(left: left, top: top, right: Swift.max(right, left + 10), bottom: Swift.max(bottom, top + 10))
        let xScale = NiceScale(lo: padded(xExt).0, hi: padded(xExt).1, targetCount: Swift.max(2, Swift.min(10, Int(plot.width / 90))))
        let xMap = LinearMap(d0: xScale.lower, d1: xScale.upper, p0: plot.left, p1: plot.right)
        let yMap = LinearMap(d0: yScale.lower, d1: yScale.upper, p0: plot.bottom, p1: plot.top)

        Layout.drawTitle(title, into: &doc, width: W)
        Layout.drawYAxis(into: &doc, plot: plot, ticks: yTicks, labels: yLabels, map: yMap, title: yLabel,
                         titleX: Layout.outerMargin + 6)
        Layout.drawXAxis(into: &doc, plot: plot, ticks: xScale.ticks, labels: xScale.ticks.map { xScale.label($0) },
                         map: xMap, title: xLabel)
        if valid.isEmpty { Layout.drawNoData(into: &doc, plot: plot) }

        if front.count >= 2 {
            doc.polyline(front.map { (xMap(points[$0].x), yMap(points[$0].y)) }, stroke: ScatterChart.frontColor,
                         width: 1.8, extra: "class=\"pareto-front\"")
        }
        let r = 5.5
        if valid.contains(where: { points[$0].xInterval != nil || points[$0].yInterval != nil }) {
            doc.raw("<g class=\"error-bars\">")
            for i in valid {
                let px = xMap(points[i].x), py = yMap(points[i].y), cap = 4.0
                let color = onFront.contains(i) ? ScatterChart.frontColor : ScatterChart.otherColor
                if let iv = points[i].xInterval, iv.upperBound > iv.lowerBound {
                    let a = xMap(iv.lowerBound), b = xMap(iv.upperBound)
                    doc.line(x1: a, y1: py, x2: b, y2: py, stroke: color, width: 1.2, extra: "class=\"error-bar x\"")
                    for e in [a, b] { doc.line(x1: e, y1: py - cap, x2: e, y2: py + cap, stroke: color, width: 1.2) }
                }
                if let iv = points[i].yInterval, iv.upperBound > iv.lowerBound {
                    let a = yMap(iv.lowerBound), b = yMap(iv.upperBound)
                    doc.line(x1: px, y1: a, x2: px, y2: b, stroke: color, width: 1.2, extra: "class=\"error-bar y\"")
                    for e in [a, b] { doc.line(x1: px - cap, y1: e, x2: px + cap, y2: e, stroke: color, width: 1.2) }
                }
            }
            doc.raw("</g>")
        }
        doc.raw("<g class=\"points\">")
        for i in valid {
            let px = xMap(points[i].x), py = yMap(points[i].y)
            let tip = "\(Layout.tipText(points[i].label)): \(Layout.tipText(xLabel)) \(Layout.tipNumber(points[i].x)), "
                + "\(Layout.tipText(yLabel)) \(Layout.tipNumber(points[i].y))"
            let data = " data-tip=\"\(svgEscape(tip))\""
            if onFront.contains(i) {
                doc.circle(cx: px, cy: py, r: r, fill: ScatterChart.frontColor, stroke: "#FFFFFF", strokeWidth: 1.2,
                           extra: "class=\"point front\"" + data)
            } else {
                doc.circle(cx: px, cy: py, r: r, fill: "#FFFFFF", stroke: ScatterChart.otherColor, strokeWidth: 1.8,
                           extra: "class=\"point dominated\"" + data)
            }
        }
        doc.raw("</g>")

        // Labels: front points first, then the rest, each at the first free candidate position.
        let fs = Layout.tickSize
        var obstacles: [Box] = valid.map {
            let px = xMap(points[$0].x), py = yMap(points[$0].y)
            return Box(x0: px - r - 1, y0: py - r - 1, x1: px + r + 1, y1: py + r + 1)
        }
        // The front's segments are obstacles too, sampled every few pixels.
        for k in front.indices.dropFirst() {
            let ax = xMap(points[front[k - 1]].x), ay = yMap(points[front[k - 1]].y)
            let bx = xMap(points[front[k]].x), by = yMap(points[front[k]].y)
            // Every 4 px, at most 4,000 samples: a point far off the plot (a cost beyond the
            // axis' ±1e300) must not turn the segment into millions of obstacles.
            let length = abs(bx - ax) + abs(by - ay)
            guard length.isFinite else { continue }
            let steps = Swift.max(1, Int(Swift.min(length / 4, 4000)))
            for s in 0...steps {
                let t = Double(s) / Double(steps)
                let qx = ax + (bx - ax) * t, qy = ay + (by - ay) * t
                obstacles.append(Box(x0: qx - 1.5, y0: qy - 1.5, x1: qx + 1.5, y1: qy + 1.5))
            }
        }
        let bounds = Box(x0: plot.left + 2, y0: plot.top + 2, x1: plot.right - 2, y1: plot.bottom - 2)
        let order = front + valid.filter { !onFront.contains($0) }
        doc.raw("<g class=\"point-labels\">")
        for i in order where !points[i].label.isEmpty {
            let px = xMap(points[i].x), py = yMap(points[i].y)
            let text = truncated(points[i].label, maxWidth: Swift.min(220, plot.width / 3), fontSize: fs)
            let tw = textWidth(text, fontSize: fs), th = fs + 2
            // (dx, dy) of the label box's anchor corner relative to the point, per direction.
            let directions: [(Double, Double)] = [(1, 0), (-1, 0), (0, -1), (0, 1), (1, -1), (1, 1), (-1, -1), (-1, 1)]
            var chosen: (Box, Bool)? = nil
            var fallback: (Box, Bool, Double)? = nil
            for dist in [r + 4, r + 22, r + 40, r + 60] {
                for (dx, dy) in directions {
                    let cx = px + dx * (dist + (dx == 0 ? 0 : tw / 2)), cy = py + dy * (dist + th / 2)
                    let box = Box(x0: cx - tw / 2, y0: cy - th / 2, x1: cx + tw / 2, y1: cy + th / 2)
                    let inside = box.x0 >= bounds.x0 && box.x1 <= bounds.x1 && box.y0 >= bounds.y0 && box.y1 <= bounds.y1
                    var overlap = obstacles.reduce(0) { $0 + box.overlap($1) }
                    let far = dist > r + 5
                    if far {
                        // A leader line must not pass over other points or labels.
                        let ex = Swift.min(Swift.max(px, box.x0), box.x1), ey = Swift.min(Swift.max(py, box.y0), box.y1)
                        let len = ((ex - px) * (ex - px) + (ey - py) * (ey - py)).squareRoot()
                        let steps = Swift.max(1, Int(len / 3))
                        for s in 0...steps {
                            let t = Double(s) / Double(steps)
                            let qx = px + (ex - px) * t, qy = py + (ey - py) * t
                            if (qx - px) * (qx - px) + (qy - py) * (qy - py) <= (r + 2) * (r + 2) { continue }
                            let q = Box(x0: qx - 0.5, y0: qy - 0.5, x1: qx + 0.5, y1: qy + 0.5)
                            for o in obstacles where q.overlap(o) > 0 { overlap += 1 }
                        }
                    }
                    if inside && overlap == 0 { chosen = (box, far); break }
                    let penalty = overlap + (inside ? 0 : 1e6)
                    if fallback == nil || penalty < fallback!.2 { fallback = (box, far, penalty) }
                }
                if chosen != nil { break }
            }
            let (box, far) = chosen ?? (fallback!.0, fallback!.1)
            if far {
                let bx = Swift.min(Swift.max(px, box.x0), box.x1), by = Swift.min(Swift.max(py, box.y0), box.y1)
                doc.line(x1: px, y1: py, x2: bx, y2: by, stroke: "#999999", width: 0.8)
            }
            obstacles.append(box)
            doc.text(text, x: (box.x0 + box.x1) / 2, y: box.y1 - 3.5, size: fs, anchor: .middle,
                     extra: "class=\"point-label\"")
        }
        doc.raw("</g>")

        legend.draw(items, into: &doc, plot: plot, canvasHeight: H)
        return doc.finished(title: title)
    }
}
