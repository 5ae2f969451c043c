import Foundation

/// A span of simulated time, kept in whole seconds.
///
/// Scenario files write durations as a number and a unit: `30s`, `15m`, `12h`, `7d`, `2w`.
/// A bare number in a place that takes a duration means that many ticks (see ``DurationSpec``).
public struct Span: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var seconds: Int64

    public init(seconds: Int64) { self.seconds = seconds }

    public static let units: [(suffix: String, seconds: Int64)] = [
        ("w", 604_800), ("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1),
    ]

    /// Parses `7d`, `12h`, `1.5d`; returns nil when the text is not a duration.
    public init?(parsing text: String) {
        let t = text.trimmingCharacters(in: .whitespaces)
        guard let unit = Span.units.first(where: { t.hasSuffix($0.suffix) }) else { return nil }
        let number = t.dropLast(unit.suffix.count)
        guard let value = Double(number), value.isFinite, value > 0 else { return nil }
        let secs = value * Double(unit.seconds)
        guard secs == secs.rounded(), secs < 9.0e15 else { return nil }
        self.seconds = Int64(secs)
    }

    public static func < (a: Span, b: Span) -> Bool { a.seconds < b.seconds }

    /// The shortest exact rendering: `86400` seconds is `1d`.
    public var description: String {
        for unit in Span.units where seconds % unit.seconds == 0 {
            return "\(seconds / unit.seconds)\(unit.suffix)"
        }
        return "\(seconds)s"
    }
}

/// A duration as a scenario states it: in ticks (a bare number) or in time (`7d`).
public enum DurationSpec: Hashable, Sendable, CustomStringConvertible {
    case ticks(Double)
    case span(Span)

    /// Parses `7d` (a span) or `12` / `2.5` (ticks).
    public init?(parsing text: String) {
        if let s = Span(parsing: text) { self = .span(s); return }
        let t = text.trimmingCharacters(in: .whitespaces)
        if let unit = Span.units.first(where: { t.hasSuffix($0.suffix) }), Double(t.dropLast(unit.suffix.count)) == 0 {
            self = .ticks(0)
            return
        }
        if let v = Double(text.trimmingCharacters(in: .whitespaces)), v.isFinite, v >= 0 { self = .ticks(v); return }
        return nil
    }

    /// The duration in ticks of length `tick` (fractional when it does not divide evenly).
    public func ticks(per tick: Span) -> Double {
        switch self {
        case .ticks(let n): return n
        case .span(let s): return Double(s.seconds) / Double(tick.seconds)
        }
    }

    public var description: String {
        switch self {
        case .ticks(let n): return n == n.rounded() && abs(n) < 1e15 ? String(Int(n)) : String(n)
        case .span(let s): return s.description
        }
    }
}

/// The simulated clock: how long a tick is, how many there are, and when the first one starts.
public struct Clock: Hashable, Sendable {
    public var tick: Span
    public var ticks: Int
    /// Seconds since 1970-01-01T00:00:00Z of the start of tick 0.
    public var start: Int64
    /// What a tick is: of a synthetic clock, of a replayed file's time, or a number of its rows
    /// (``TickBasis``); outputs say it and write no time a tick does not have.
    public var basis: TickBasis

    public init(tick: Span, ticks: Int, start: Int64 = 1_704_067_200, basis: TickBasis = .synthetic) {
        self.tick = tick
        self.ticks = ticks
        self.start = start
        self.basis = basis
    }

    /// The ISO 8601 UTC time at which tick `t` starts, e.g. `2024-01-08T00:00:00Z`.
    public func time(ofTick t: Int) -> String { ISOTime.format(start + Int64(t) * tick.seconds) }
}

/// Formatting and parsing of UTC timestamps without Foundation's locale-dependent formatters.
public enum ISOTime {
    /// `yyyy-MM-ddTHH:mm:ssZ` for seconds since the epoch (proleptic Gregorian, UTC).
    public static func format(_ epochSeconds: Int64) -> String {
        let days = floorDiv(epochSeconds, 86_400)
        let secs = epochSeconds - days * 86_400
        let (y, m, d) = civil(fromDays: days)
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(secs / 3600, 2)):\(pad(secs % 3600 / 60, 2)):\(pad(secs % 60, 2))Z"
    }

    /// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
    public static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = floorDiv(y, 400)
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The civil date of a day count since 1970-01-01.
    public static func civil(fromDays z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468
        let era = floorDiv(z, 146_097)
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// Parses a timestamp as ``parse(_:)-(UnsafeBufferPointer<UInt8>)`` does its bytes.
    public static func parse(_ text: Substring) -> Int64? {
        var text = text
        return text.withUTF8 { parse($0) }
    }

    /// Whether `y` is a leap year of the proleptic Gregorian calendar.
    public static func isLeap(_ y: Int64) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    /// The days of month `m` of year `y`.
    public static func daysIn(month m: Int64, year y: Int64) -> Int64 {
        switch m {
        case 2: return isLeap(y) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Parses ISO 8601 UTF-8 bytes: `2024-01-31` (or `2024/01/31`), `2024-01-31T12:30`,
    /// `2024-01-31 12:30:15`, optionally with fractional seconds (after `.` or `,`, dropped) and
    /// ending in `Z` or a `±HH:MM` / `±HHMM` offset, into seconds since the epoch. The day is checked
    /// against the month's length (proleptic Gregorian leap years), so `2023-02-29` is refused.
    ///
    /// - Complexity: O(length); no allocation.
    public static func parse(_ f: UnsafeBufferPointer<UInt8>) -> Int64? {
        var i = 0
        let n = f.count
        func num(_ k: Int) -> Int64? {
            guard i + k <= n else { return nil }
            var v: Int64 = 0
            for j in i..<(i + k) {
                let c = f[j]
                guard c >= 48 && c <= 57 else { return nil }
                v = v * 10 + Int64(c - 48)
            }
            i += k
            return v
        }
        func take(_ c: UInt8) -> Bool {
            if i < n && f[i] == c { i += 1; return true }
            return false
        }
        guard let y = num(4), take(45) || take(47), let mo = num(2), take(45) || take(47), let d = num(2),
              (1...12).contains(mo), d >= 1, d <= daysIn(month: mo, year: y) else { return nil }
        var secs: Int64 = 0
        if take(84) || take(32) {
            guard let h = num(2), take(58), let mi = num(2), h < 24, mi < 60 else { return nil }
            secs = h * 3600 + mi * 60
            if take(58) { guard let se = num(2), se < 61 else { return nil }; secs += se }
            if take(46) || take(44) {
                let s0 = i
                while i < n, f[i] >= 48 && f[i] <= 57 { i += 1 }
                guard i > s0 else { return nil }
            }
        }
        if take(90) {
        } else if i < n, f[i] == 43 || f[i] == 45 {
            let sign = f[i]
            i += 1
            guard let oh = num(2), oh < 24 else { return nil }
            _ = take(58)
            let om = i < n ? (num(2) ?? -1) : 0
            guard om >= 0, om < 60 else { return nil }
            let off = oh * 3600 + om * 60
            secs -= sign == 43 ? off : -off
        }
        guard i == n else { return nil }
        return days(year: y, month: mo, day: d) * 86_400 + secs
    }

    private static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 { a >= 0 ? a / b : -((-a + b - 1) / b) }
    private static func pad(_ v: Int64, _ w: Int) -> String {
        let s = String(v)
        return s.count >= w ? s : String(repeating: "0", count: w - s.count) + s
    }
}
