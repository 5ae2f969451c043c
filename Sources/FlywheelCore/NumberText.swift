import Foundation

/// The text of numbers in every output (CSV, reports, event details, messages): one place, so
/// that the same value is written the same way everywhere.
public enum NumberText {
    /// The shortest text that reads back as `v`, an integral value without a decimal point:
    /// `3`, `0.25`, `1e-05`.
    @inline(__always) public static func plain(_ v: Double) -> String {
        if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
        return v.description
    }

    /// `v` rounded to 10 significant digits (so summaries are stable to the last printed digit),
    /// as ``plain(_:)`` writes it; empty for NaN and infinities.
    public static func significant(_ v: Double) -> String {
        guard v.isFinite else { return "" }
        if v == 0 { return "0" }
        let digits = 10 - Int(log10(abs(v)).rounded(.up))
        let scale = pow(10, Double(max(min(digits, 15), -15)))
        return plain((v * scale).rounded() / scale)
    }

    /// `v` rounded to `decimals` places, as Swift writes a `Double` (`0.8125`, `1.0`).
    @inline(__always) public static func rounded(_ v: Double, decimals: Int) -> String {
        let scale = pow(10, Double(decimals))
        return String((v * scale).rounded() / scale)
    }
}

/// A CSV field (RFC 4180): quoted, with doubled quotes, when it holds a comma, a quote or a
/// line break.
public func csvField(_ s: String) -> String {
    s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
}
