import Analysis
import Foundation

/// Number formats shared by the Markdown reports (fixed, locale-free).
protocol ReportFormat {}

extension ReportFormat {
    static func num(_ v: Double) -> String {
        guard v.isFinite else { return "–" }
        if v == v.rounded(), abs(v) < 1e12 { return String(Int64(v)) }
        return String(format: "%.3g", v)
    }
    static func pct(_ v: Double) -> String { v.isFinite ? String(format: "%.2f %%", v * 100) : "–" }
    static func pctCI(_ i: Interval) -> String { i.halfWidth > 0 ? String(format: "%.2f ± %.2f %%", i.mean * 100, i.halfWidth * 100) : pct(i.mean) }
    static func ci(_ i: Interval, digits: Int = 3) -> String {
        guard i.mean.isFinite else { return "–" }
        let f = "%.\(digits)f"
        return i.halfWidth > 0 ? String(format: "\(f) ± \(f)", i.mean, i.halfWidth) : String(format: f, i.mean)
    }
    static func money(_ v: Double) -> String { v.isFinite ? String(format: "%.1f", v) : "–" }
    static func moneyCI(_ i: Interval) -> String { i.halfWidth > 0 ? String(format: "%.1f ± %.1f", i.mean, i.halfWidth) : money(i.mean) }
}

extension MarkdownReport: ReportFormat {}
extension SweepReport: ReportFormat {}
