import FlywheelCore

/// How a replayed file writes its timestamps. Every format resolves to whole seconds since
/// 1970-01-01T00:00:00Z (UTC); fractions of a second are dropped, so ordering is checked at
/// one-second resolution.
///
/// - `iso8601` (scenario text `iso8601`): `2024-01-31`, `2024/01/31`, `2024-01-31T12:30`,
///   `2024-01-31 12:30:15.250`, optionally ending in `Z` or a `±HH:MM` / `±HHMM` offset; a time
///   without an offset is taken as UTC.
/// - `epochSeconds` (`epoch_s`): seconds since the epoch, integer or decimal.
/// - `epochMilliseconds` (`epoch_ms`): milliseconds since the epoch, integer or decimal.
/// - `epochDays` (`epoch_d`): whole days since 1970-01-01 (`19723` is 2024-01-01T00:00:00Z); a
///   fractional day count is refused as not matching.
/// - `pattern` (any text containing `%`): a strftime-like pattern. Supported directives:
///   `%Y` (4-digit year), `%y` (2-digit year: 69–99 → 19xx, 00–68 → 20xx, as POSIX),
///   `%m` `%d` `%H` `%M` `%S` (1 or 2 digits), `%j` (day of the year, 1–3 digits), `%b`
///   (English month abbreviation, any case), `%f` (fraction digits, dropped), `%p` (AM/PM with a
///   12-hour `%H`), `%z` (`Z`, `±HH:MM` or `±HHMM`), `%%` (a percent sign). Any other character
///   must match itself. Example: `%d.%m.%Y %H:%M` for `31.01.2024 12:30`.
public enum TimestampFormat: Sendable, Hashable, CustomStringConvertible {
    case iso8601
    case epochSeconds
    case epochMilliseconds
    case epochDays
    case pattern(String)

    /// Parses the scenario spelling: `iso8601`, `epoch_s`, `epoch_ms`, `epoch_d`, or a `%` pattern.
    public init?(parsing text: String) {
        switch text.trimmingCharacters(in: .whitespaces).lowercased() {
        case "iso8601", "iso", "iso-8601": self = .iso8601
        case "epoch_s", "epoch", "unix", "epoch_seconds": self = .epochSeconds
        case "epoch_ms", "epoch_milliseconds": self = .epochMilliseconds
        case "epoch_d", "epoch_days": self = .epochDays
        default:
            guard text.contains("%") else { return nil }
            self = .pattern(text)
        }
    }

    /// The scenario spelling.
    public var description: String {
        switch self {
        case .iso8601: return "iso8601"
        case .epochSeconds: return "epoch_s"
        case .epochMilliseconds: return "epoch_ms"
        case .epochDays: return "epoch_d"
        case .pattern(let p): return p
        }
    }
}

/// A compiled ``TimestampFormat``: parses field bytes into epoch seconds without allocating.
public struct TimestampParser: Sendable {
    enum Token: Equatable {
        case year4, year2, month, day, hour, minute, second, dayOfYear, monthName, fraction, ampm, zone
        case literal(UInt8)
    }

    public let format: TimestampFormat
    private let tokens: [Token]

    /// Compiles `format`; throws for an unknown `%` directive.
    public init(_ format: TimestampFormat) throws {
        self.format = format
        guard case .pattern(let p) = format else { tokens = []; return }
        var t: [Token] = []
        var it = Array(p.utf8).makeIterator()
        while let c = it.next() {
            guard c == 37 else { t.append(.literal(c)); continue }
            guard let d = it.next() else { throw FlywheelError("timestamp pattern \"\(p)\" ends with a lone %") }
            switch d {
            case UInt8(ascii: "Y"): t.append(.year4)
            case UInt8(ascii: "y"): t.append(.year2)
            case UInt8(ascii: "m"): t.append(.month)
            case UInt8(ascii: "d"): t.append(.day)
            case UInt8(ascii: "H"): t.append(.hour)
            case UInt8(ascii: "M"): t.append(.minute)
            case UInt8(ascii: "S"): t.append(.second)
            case UInt8(ascii: "j"): t.append(.dayOfYear)
            case UInt8(ascii: "b"): t.append(.monthName)
            case UInt8(ascii: "f"): t.append(.fraction)
            case UInt8(ascii: "p"): t.append(.ampm)
            case UInt8(ascii: "z"): t.append(.zone)
            case 37: t.append(.literal(37))
            default:
                throw FlywheelError("timestamp pattern \"\(p)\" uses %\(Character(Unicode.Scalar(d))), which is not supported",
                                    hint: "use %Y %y %m %d %H %M %S %j %b %f %p %z %%")
            }
        }
        guard t.contains(.year4) || t.contains(.year2) else {
            throw FlywheelError("timestamp pattern \"\(p)\" has no year (%Y or %y)")
        }
        tokens = t
    }

    /// Epoch seconds of a field, or nil when it does not match the format.
    ///
    /// - Complexity: O(field length); no allocation.
    @inline(__always)
    func parse(_ f: UnsafeBufferPointer<UInt8>) -> Int64? {
        switch format {
        case .iso8601: return ISOTime.parse(f)
        case .epochSeconds, .epochMilliseconds, .epochDays:
            guard let v = FieldParse.double(f) else { return nil }
            return parse(number: v)
        case .pattern: return parsePattern(f)
        }
    }

    /// Epoch seconds of a stored number under an epoch format (seconds or milliseconds, rounded
    /// down to whole seconds; whole days); nil for the text formats, a fractional day count or a
    /// value out of range.
    @inline(__always)
    func parse(number v: Double) -> Int64? {
        switch format {
        case .epochSeconds:
            guard v.isFinite, abs(v) < 1e15 else { return nil }
            return Int64(v.rounded(.down))
        case .epochMilliseconds:
            guard v.isFinite, abs(v) < 1e18 else { return nil }
            return Int64((v / 1000).rounded(.down))
        case .epochDays:
            // Within ±10⁸ days (beyond the years 0001–9999 Flywheel writes).
            guard v.isFinite, v == v.rounded(), abs(v) < 1e8 else { return nil }
            return Int64(v) * 86_400
        case .iso8601, .pattern: return nil
        }
    }

    private static let monthNames: [[UInt8]] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
        .map { Array($0.utf8) }

    private func parsePattern(_ f: UnsafeBufferPointer<UInt8>) -> Int64? {
        var i = 0
        let n = f.count
        func digits(_ minCount: Int, _ maxCount: Int) -> Int64? {
            var v: Int64 = 0
            var k = 0
            while k < maxCount, i < n, f[i] >= 48 && f[i] <= 57 {
                v = v * 10 + Int64(f[i] - 48)
                i += 1
                k += 1
            }
            return k >= minCount ? v : nil
        }
        var year: Int64 = 1970, month: Int64 = 1, day: Int64 = 1, hour: Int64 = 0, minute: Int64 = 0, second: Int64 = 0
        var doy: Int64 = 0, offset: Int64 = 0
        var pm: Bool? = nil
        for t in tokens {
            switch t {
            case .literal(let c):
                guard i < n, f[i] == c else { return nil }
                i += 1
            case .year4: guard let v = digits(4, 4) else { return nil }; year = v
            case .year2: guard let v = digits(2, 2) else { return nil }; year = v < 69 ? 2000 + v : 1900 + v
            case .month: guard let v = digits(1, 2), (1...12).contains(v) else { return nil }; month = v
            case .day: guard let v = digits(1, 2), v >= 1 else { return nil }; day = v
            case .hour: guard let v = digits(1, 2), v < 24 else { return nil }; hour = v
            case .minute: guard let v = digits(1, 2), v < 60 else { return nil }; minute = v
            case .second: guard let v = digits(1, 2), v < 61 else { return nil }; second = v
            case .dayOfYear: guard let v = digits(1, 3), v >= 1, v <= 366 else { return nil }; doy = v
            case .fraction: guard digits(1, 64) != nil else { return nil }
            case .monthName:
                guard i + 3 <= n else { return nil }
                var found: Int64? = nil
                for (k, name) in TimestampParser.monthNames.enumerated()
                where FieldParse.lower(f[i]) == name[0] && FieldParse.lower(f[i + 1]) == name[1] && FieldParse.lower(f[i + 2]) == name[2] {
                    found = Int64(k + 1)
                }
                guard let m = found else { return nil }
                month = m
                i += 3
            case .ampm:
                guard i + 2 <= n, FieldParse.lower(f[i + 1]) == 109 else { return nil }
                let c = FieldParse.lower(f[i])
                guard c == 97 || c == 112 else { return nil }
                pm = c == 112
                i += 2
            case .zone:
                guard i < n else { return nil }
                if f[i] == 90 { i += 1; continue }
                guard f[i] == 43 || f[i] == 45 else { return nil }
                let sign: Int64 = f[i] == 43 ? 1 : -1
                i += 1
                guard let oh = digits(2, 2), oh < 24 else { return nil }
                if i < n, f[i] == 58 { i += 1 }
                guard let om = digits(2, 2), om < 60 else { return nil }
                offset = sign * (oh * 3600 + om * 60)
            }
        }
        guard i == n else { return nil }
        if let pm {
            guard hour >= 1 && hour <= 12 else { return nil }
            hour = hour % 12 + (pm ? 12 : 0)
        }
        let days: Int64
        if doy > 0 {
            guard doy <= (ISOTime.isLeap(year) ? 366 : 365) else { return nil }
            days = ISOTime.days(year: year, month: 1, day: 1) + doy - 1
        } else {
            guard day <= ISOTime.daysIn(month: month, year: year) else { return nil }
            days = ISOTime.days(year: year, month: month, day: day)
        }
        return days * 86_400 + hour * 3600 + minute * 60 + second - offset
    }
}
