/// Escapes text for use inside SVG/XML character data or attribute values.
public func svgEscape(_ s: String) -> String {
    var out = ""
    out.reserveCapacity(s.count)
    for c in s {
        switch c {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "\t", "\n", "\r": out.append(c)
        default:
            // XML 1.0 forbids other C0 control characters even when escaped.
            if let a = c.asciiValue, a < 0x20 { out += "\u{FFFD}" } else { out.append(c) }
        }
    }
    return out
}

/// Formats a coordinate with at most two decimals, without locale, trimming trailing zeros
/// (`12.5`, `3`, `-0.25`). Non-finite values become `0` so the document stays valid.
func svgNumber(_ v: Double) -> String {
    guard v.isFinite else { return "0" }
    let scaled = (v * 100).rounded()
    if scaled == 0 { return "0" }
    let negative = scaled < 0
    let magnitude = Int64(Swift.min(abs(scaled), 9.0e17))
    let whole = magnitude / 100
    let frac = magnitude % 100
    var s = negative ? "-" : ""
    s += String(whole)
    if frac != 0 {
        if frac % 10 == 0 {
            s += "." + String(frac / 10)
        } else {
            s += "." + (frac < 10 ? "0" : "") + String(frac)
        }
    }
    return s
}

/// Formats `v` with exactly `decimals` digits after the point, without locale (`0.20`, `1000`).
/// Negative zero prints as `0`. Works by integer arithmetic, so output is identical on every
/// platform.
public func fixedDecimal(_ v: Double, decimals: Int) -> String {
    guard v.isFinite else { return v.isNaN ? "NaN" : (v < 0 ? "-∞" : "∞") }
    let d = Swift.max(0, Swift.min(decimals, 12))
    var p: Double = 1
    for _ in 0..<d { p *= 10 }
    let scaled = (abs(v) * p).rounded()
    if scaled >= 9.0e17 {
        return String(describing: v)
    }
    let n = Int64(scaled)
    let pInt = Int64(p)
    let whole = n / pInt
    let frac = n % pInt
    var s = (v < 0 && n != 0) ? "-" : ""
    s += String(whole)
    if d > 0 {
        var fs = String(frac)
        while fs.count < d { fs = "0" + fs }
        s += "." + fs
    }
    return s
}

/// Estimated advance width of one character, in units of the font size (see ``textWidth(_:fontSize:)``).
@inline(__always)
func characterWidth(_ c: Character) -> Double {
    switch c {
    case "i", "l", "j", "I", ".", ",", ":", ";", "'", "|", "!", " ", "(", ")", "[", "]":
        return 0.34
    case "f", "t", "r", "-":
        return 0.45
    case "m", "w", "M", "W", "%", "@":
        return 0.95
    case "0"..."9", "+", "=", "<", ">", "–", "−", "$", "#":
        return 0.64
    default:
        return c.isUppercase ? 0.72 : 0.6
    }
}

/// Estimated advance width of `text` in pixels at `fontSize`, for a sans-serif face such as
/// DejaVu Sans (slightly generous, so layouts err towards more room).
func textWidth(_ text: String, fontSize: Double) -> Double {
    var w = 0.0
    for c in text { w += characterWidth(c) }
    return w * fontSize
}

/// Shortens `text` so that it fits in `maxWidth` pixels at `fontSize`, ending it with "…" when cut.
/// Returns the empty string when not even one character and the ellipsis fit.
///
/// The longest prefix (trailing spaces dropped) that fits with the ellipsis, found from running
/// sums of the character widths: O(length), so a name of any length is cut at once.
func truncated(_ text: String, maxWidth: Double, fontSize: Double) -> String {
    if textWidth(text, fontSize: fontSize) <= maxWidth { return text }
    let chars = Array(text)
    // sums[i]: the width of the first i characters, summed in order as textWidth does.
    var sums = [Double](repeating: 0, count: chars.count + 1)
    // kept[i]: the length of the first i characters without their trailing spaces.
    var kept = [Int](repeating: 0, count: chars.count + 1)
    for (i, c) in chars.enumerated() {
        sums[i + 1] = sums[i] + characterWidth(c)
        kept[i + 1] = c == " " ? kept[i] : i + 1
    }
    let ellipsis = characterWidth("…")
    var n = chars.count - 1
    while n > 0 {
        if (sums[kept[n]] + ellipsis) * fontSize <= maxWidth {
            return String(chars[0..<kept[n]]) + "…"
        }
        n -= 1
    }
    return ""
}


/// Text anchoring for ``SVGDocument/text(_:x:y:size:anchor:weight:fill:rotate:)``.
enum TextAnchor: String {
    case start, middle, end
}

/// A minimal, append-only SVG 1.1 writer. Every number goes through ``svgNumber(_:)`` and
/// every text through ``svgEscape(_:)``, so equal inputs give byte-identical documents.
struct SVGDocument {
    let width: Int
    let height: Int
    private(set) var body: String = ""

    static let fontFamily = "DejaVu Sans, Helvetica, Arial, sans-serif"

    init(width: Int, height: Int) {
        self.width = Swift.max(width, 1)
        self.height = Swift.max(height, 1)
    }

    mutating func raw(_ s: String) {
        body += s
        body += "\n"
    }

    mutating func comment(_ s: String) {
        raw("<!-- " + s.replacingOccurrences(of: "--", with: "- -") + " -->")
    }

    mutating func rect(x: Double, y: Double, w: Double, h: Double, fill: String,
                       opacity: Double? = nil, stroke: String? = nil, strokeWidth: Double = 1,
                       extra: String = "") {
        var s = "<rect x=\"\(svgNumber(x))\" y=\"\(svgNumber(y))\" width=\"\(svgNumber(Swift.max(w, 0)))\" height=\"\(svgNumber(Swift.max(h, 0)))\" fill=\"\(fill)\""
        if let opacity { s += " fill-opacity=\"\(svgNumber(opacity))\"" }
        if let stroke { s += " stroke=\"\(stroke)\" stroke-width=\"\(svgNumber(strokeWidth))\"" }
        if !extra.isEmpty { s += " " + extra }
        s += "/>"
        raw(s)
    }

    mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, stroke: String,
                       width: Double = 1, dash: String? = nil, extra: String = "") {
        var s = "<line x1=\"\(svgNumber(x1))\" y1=\"\(svgNumber(y1))\" x2=\"\(svgNumber(x2))\" y2=\"\(svgNumber(y2))\" stroke=\"\(stroke)\" stroke-width=\"\(svgNumber(width))\""
        if let dash { s += " stroke-dasharray=\"\(dash)\"" }
        if !extra.isEmpty { s += " " + extra }
        s += "/>"
        raw(s)
    }

    /// A polyline path through `points` (`M x y L x y …`), unfilled.
    mutating func polyline(_ points: [(Double, Double)], stroke: String, width: Double,
                           dash: String? = nil, extra: String = "") {
        guard !points.isEmpty else { return }
        var d = ""
        for (i, p) in points.enumerated() {
            d += (i == 0 ? "M" : " L") + svgNumber(p.0) + " " + svgNumber(p.1)
        }
        var s = "<path d=\"\(d)\" fill=\"none\" stroke=\"\(stroke)\" stroke-width=\"\(svgNumber(width))\" stroke-linejoin=\"round\" stroke-linecap=\"round\""
        if let dash { s += " stroke-dasharray=\"\(dash)\"" }
        if !extra.isEmpty { s += " " + extra }
        s += "/>"
        raw(s)
    }

    /// A closed filled polygon.
    mutating func polygon(_ points: [(Double, Double)], fill: String, opacity: Double? = nil,
                          stroke: String? = nil, strokeWidth: Double = 1, extra: String = "") {
        guard points.count >= 3 else { return }
        var d = ""
        for (i, p) in points.enumerated() {
            d += (i == 0 ? "M" : " L") + svgNumber(p.0) + " " + svgNumber(p.1)
        }
        d += " Z"
        var s = "<path d=\"\(d)\" fill=\"\(fill)\""
        if let opacity { s += " fill-opacity=\"\(svgNumber(opacity))\"" }
        if let stroke { s += " stroke=\"\(stroke)\" stroke-width=\"\(svgNumber(strokeWidth))\"" } else { s += " stroke=\"none\"" }
        if !extra.isEmpty { s += " " + extra }
        s += "/>"
        raw(s)
    }

    mutating func circle(cx: Double, cy: Double, r: Double, fill: String, stroke: String? = nil,
                         strokeWidth: Double = 1, extra: String = "") {
        var s = "<circle cx=\"\(svgNumber(cx))\" cy=\"\(svgNumber(cy))\" r=\"\(svgNumber(r))\" fill=\"\(fill)\""
        if let stroke { s += " stroke=\"\(stroke)\" stroke-width=\"\(svgNumber(strokeWidth))\"" }
        if !extra.isEmpty { s += " " + extra }
        s += "/>"
        raw(s)
    }

    mutating func text(_ t: String, x: Double, y: Double, size: Double = 12,
                       anchor: TextAnchor = .start, weight: String? = nil, fill: String = "#222222",
                       rotate: Double? = nil, extra: String = "") {
        guard !t.isEmpty else { return }
        var s = "<text x=\"\(svgNumber(x))\" y=\"\(svgNumber(y))\" font-size=\"\(svgNumber(size))\""
        if anchor != .start { s += " text-anchor=\"\(anchor.rawValue)\"" }
        if let weight { s += " font-weight=\"\(weight)\"" }
        s += " fill=\"\(fill)\""
        if let rotate { s += " transform=\"rotate(\(svgNumber(rotate)) \(svgNumber(x)) \(svgNumber(y)))\"" }
        if !extra.isEmpty { s += " " + extra }
        s += ">" + svgEscape(t) + "</text>"
        raw(s)
    }

    /// The finished standalone document: XML declaration, `svg` root with `viewBox`, a white
    /// background and a `<title>` for accessibility.
    func finished(title: String) -> String {
        var s = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n"
        s += "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" font-family=\"\(SVGDocument.fontFamily)\">\n"
        s += "<title>" + svgEscape(title) + "</title>\n"
        s += "<rect x=\"0\" y=\"0\" width=\"\(width)\" height=\"\(height)\" fill=\"#FFFFFF\"/>\n"
        s += body
        s += "</svg>\n"
        return s
    }
}
