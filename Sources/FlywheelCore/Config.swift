import Foundation

/// A node of a configuration file as read (YAML, through the Scenarios module): a scalar's text,
/// a mapping's entries in order, a list's items, each with the tag written on it and its place in
/// the file. Components read their own configuration through a ``ConfigValue`` on such a node,
/// without depending on a YAML library.
public indirect enum ConfigNode: Sendable {
    /// A line and column in the file (1-based).
    public struct Mark: Hashable, Sendable {
        public var line: Int, column: Int
        public init(line: Int, column: Int) {
            self.line = line
            self.column = column
        }
    }

    public struct Scalar: Sendable {
        /// The text as written (without quotes).
        public var string: String
        /// The tag written on it (`""` for none, `!` for the non-specific one, else the full tag).
        public var tag: String
        /// Whether it was written plain (unquoted, not a block scalar).
        public var plain: Bool
        public var mark: Mark?

        public init(_ string: String, tag: String = "", plain: Bool = true, mark: Mark? = nil) {
            self.string = string
            self.tag = tag
            self.plain = plain
            self.mark = mark
        }
    }

    case scalar(Scalar)
    case mapping([(key: ConfigNode, value: ConfigNode)], tag: String, mark: Mark?)
    case sequence([ConfigNode], tag: String, mark: Mark?)

    public var scalar: Scalar? {
        if case .scalar(let s) = self { return s }
        return nil
    }

    public var mapping: [(key: ConfigNode, value: ConfigNode)]? {
        if case .mapping(let m, _, _) = self { return m }
        return nil
    }

    public var sequence: [ConfigNode]? {
        if case .sequence(let s, _, _) = self { return s }
        return nil
    }

    /// The value of a mapping's entry whose key is the scalar `key`.
    public subscript(key: String) -> ConfigNode? { mapping?.first { $0.key.scalar?.string == key }?.value }

    /// The tag written on the node (`""` for none).
    public var tag: String {
        switch self {
        case .scalar(let s): return s.tag
        case .mapping(_, let tag, _), .sequence(_, let tag, _): return tag
        }
    }

    public var mark: Mark? {
        switch self {
        case .scalar(let s): return s.mark
        case .mapping(_, _, let mark), .sequence(_, _, let mark): return mark
        }
    }
}

/// Collects every problem found while reading a configuration file, each with file, line and key
/// path: errors (it cannot run) and warnings (a value is accepted but wasted).
public final class Diagnostics {
    public let file: String
    public private(set) var errors: [FlywheelError] = []
    public private(set) var warnings: [FlywheelError] = []

    /// When a tick is a number of rows (a replay's `tick: 30 rows`), that number: a duration
    /// written in time (`90d`) is then refused (``ConfigValue/duration(tick:allowZero:)``), a tick
    /// having no length in time. nil when a tick is a span of time.
    public var rowsPerTick: Int?
    /// The replayed file's timestamp column when ticks are row counts (the refusal's hint names it).
    public var rowTicksTimestamp: String?

    public init(file: String) { self.file = file }

    /// A reader for a part of the same file (a sweep's trial of one value), with the same ticks.
    public func sibling() -> Diagnostics {
        let d = Diagnostics(file: file)
        d.rowsPerTick = rowsPerTick
        d.rowTicksTimestamp = rowTicksTimestamp
        return d
    }

    private func located(_ message: String, at node: ConfigNode?, key: String, hint: String?) -> FlywheelError {
        let loc = node?.mark.map { SourceLocation(file: file, line: $0.line, column: $0.column) } ?? SourceLocation(file: file, line: 1)
        return FlywheelError(message, at: loc, key: key, hint: hint)
    }

    public func report(_ message: String, at node: ConfigNode?, key: String, hint: String? = nil) {
        errors.append(located(message, at: node, key: key, hint: hint))
    }

    public func warn(_ message: String, at node: ConfigNode?, key: String, hint: String? = nil) {
        let w = located(message, at: node, key: key, hint: hint)
        if !warnings.contains(w) { warnings.append(w) }
    }

    /// Takes over another reader's findings (a sweep's trial of one value).
    public func absorb(warnings more: [FlywheelError]) {
        for w in more where !warnings.contains(w) { warnings.append(w) }
    }

    /// Tags a configuration may carry: none, or the YAML core schema's (`!!str`, `!!int`, …).
    public static let coreTags = Set(["", "!"] + ["str", "int", "float", "bool", "null", "seq", "map"].map { "tag:yaml.org,2002:" + $0 })

    /// Reports every node with a tag outside the core schema (`!!binary`, `!!timestamp`, `!foo`):
    /// a configuration is read from the text of its values, so such a tag would be silently ignored.
    public func checkTags(_ node: ConfigNode, path: String) {
        let tag = node.tag
        if !Diagnostics.coreTags.contains(tag) {
            let shown = tag.hasPrefix("tag:yaml.org,2002:") ? "!!" + tag.dropFirst(18) : tag
            report("the YAML tag \(shown) is not part of the scenario format", at: node, key: path,
                   hint: "remove the tag: values are read from their text (quote a value to keep it as text)")
        }
        if let m = node.mapping {
            for (k, v) in m {
                checkTags(k, path: path)
                let key = k.scalar?.string ?? "?"
                checkTags(v, path: path.isEmpty ? key : "\(path).\(key)")
            }
        } else if let s = node.sequence {
            for (i, v) in s.enumerated() { checkTags(v, path: "\(path)[\(i)]") }
        }
    }
}

/// A cursor on one configuration node that reads typed values and reports what is wrong with
/// them, at the node's line and key path.
public struct ConfigValue {
    public let node: ConfigNode
    public let path: String
    public let diagnostics: Diagnostics

    public init(node: ConfigNode, path: String, diagnostics: Diagnostics) {
        self.node = node
        self.path = path
        self.diagnostics = diagnostics
    }

    public func child(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    public var scalarText: String? { node.scalar?.string }
    /// The value as written, shortened for a message: a 10,000-character value is not repeated whole.
    public var written: String { ConfigValue.shortened(scalarText ?? "…") }

    public static func shortened(_ s: String) -> String { s.count > 60 ? String(s.prefix(57)) + "…" : s }
    public var isMapping: Bool { node.mapping != nil }
    public var isSequence: Bool { node.sequence != nil }
    /// A plain, untagged `~`, `null` or empty value.
    public var isNull: Bool {
        guard let s = node.scalar else { return false }
        return s.tag.isEmpty && (s.string == "~" || s.string == "null" || s.string.isEmpty) && s.plain
    }

    public func fail(_ message: String, hint: String? = nil) { diagnostics.report(message, at: node, key: path, hint: hint) }
    public func warn(_ message: String, hint: String? = nil) { diagnostics.warn(message, at: node, key: path, hint: hint) }

    /// The mapping's entries, reporting keys outside `allowed` with the nearest valid one.
    public func mapping(allowed: [String]) -> [String: ConfigValue]? {
        guard let m = node.mapping else {
            fail("expected a mapping with keys \(allowed.joined(separator: ", "))")
            return nil
        }
        var out: [String: ConfigValue] = [:]
        for (k, v) in m {
            guard let key = k.scalar?.string else { fail("keys must be plain names"); continue }
            let keyPath = child(key)
            if !allowed.contains(key) {
                let hint = nearest(key, in: allowed).map { "did you mean '\($0)'?" } ?? "valid keys: \(allowed.joined(separator: ", "))"
                diagnostics.report("unknown key '\(key)'", at: k, key: keyPath, hint: hint)
                continue
            }
            if out[key] != nil { diagnostics.report("duplicate key '\(key)'", at: k, key: keyPath); continue }
            out[key] = ConfigValue(node: v, path: keyPath, diagnostics: diagnostics)
        }
        return out
    }

    /// The entries of a mapping whose keys are not fixed (parameters, named regions), in order.
    public func entries() -> [(key: String, keyValue: ConfigValue, value: ConfigValue)]? {
        guard let m = node.mapping else { return nil }
        return m.map { k, v in
            let name = k.scalar?.string ?? "?"
            return (name, ConfigValue(node: k, path: child(name), diagnostics: diagnostics),
                    ConfigValue(node: v, path: child(name), diagnostics: diagnostics))
        }
    }

    public func sequence() -> [ConfigValue]? {
        guard let s = node.sequence else { fail("expected a list"); return nil }
        return s.enumerated().map { ConfigValue(node: $1, path: "\(path)[\($0)]", diagnostics: diagnostics) }
    }

    public func string() -> String? {
        guard let s = scalarText, node.mapping == nil else { fail("expected a text value"); return nil }
        return s
    }

    /// A name (of a strategy, a drift, an edge case): text that is not empty or only blanks.
    public func name() -> String? {
        guard let s = string() else { return nil }
        guard !s.allSatisfy(\.isWhitespace) else {
            fail("a name must not be empty", hint: "outputs and reports refer to it by this name")
            return nil
        }
        return s
    }

    /// A finite number in `[lo, hi]` (`(lo, hi]` with `exclusiveMin`); `unit` ends range messages.
    public func double(min lo: Double? = nil, max hi: Double? = nil, exclusiveMin: Bool = false, unit: String? = nil) -> Double? {
        guard let s = scalarText, let v = Double(s.replacingOccurrences(of: "_", with: "")) else {
            fail("\"\(written)\" is not a number")
            return nil
        }
        guard v.isFinite else { fail("must be a finite number"); return nil }
        let u = unit.map { " \($0)" } ?? ""
        if let lo, exclusiveMin ? v <= lo : v < lo {
            fail("\(written) is out of range: must be \(exclusiveMin ? ">" : "≥") \(NumberText.plain(lo))\(u)")
            return nil
        }
        if let hi, v > hi { fail("\(written) is out of range: must be ≤ \(NumberText.plain(hi))\(u)"); return nil }
        return v
    }

    /// A whole number in `[lo, hi]`, written as digits (`1_000` too) or as an integral number such
    /// as `1e6`; a value too large for a machine integer is out of range, not "not a number".
    public func int(min lo: Int? = nil, max hi: Int? = nil, unit: String? = nil) -> Int? {
        guard let s = scalarText else {
            fail("\"…\" is not a whole number")
            return nil
        }
        let text = s.replacingOccurrences(of: "_", with: "")
        var value = Int(text)
        if value == nil, let d = Double(text), d.isFinite {
            guard d == d.rounded() else { fail("\(written) is not a whole number"); return nil }
            guard let v = Int(exactly: d) else {
                let (low, high) = d < 0 ? (lo ?? Int.min, nil) : (nil, hi ?? Int.max)
                fail(Limits.outOfRange(written, min: low, max: high, unit: unit))
                return nil
            }
            value = v
        }
        guard let v = value else {
            fail("\"\(written)\" is not a whole number")
            return nil
        }
        if let lo, v < lo { fail(Limits.outOfRange(written, min: lo, max: nil, unit: unit)); return nil }
        if let hi, v > hi { fail(Limits.outOfRange(written, min: nil, max: hi, unit: unit)); return nil }
        return v
    }

    /// A count of events, labels or rows: a whole number in `[lo, Limits.maxCount]`.
    public func count(min lo: Int, unit: String) -> Int? { int(min: lo, max: Limits.maxCount, unit: unit) }

    public func bool() -> Bool? {
        switch scalarText?.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: fail("expected true or false"); return nil
        }
    }

    /// A duration in ticks: `7d`, `12h` (converted with the tick length) or a bare tick count,
    /// at most ``Limits/maxTicks`` ticks (the longest run). When ticks are row counts
    /// (``Diagnostics/rowsPerTick``) only a tick count is accepted: `7d` is refused, since a tick
    /// of rows has no length in time.
    public func duration(tick: Span, allowZero: Bool = true) -> Double? {
        let range = "a duration must be at most \(Limits.grouped(Limits.maxTicks)) ticks, the longest run "
            + "(here a tick is \(tick))"
        guard let s = scalarText, let d = DurationSpec(parsing: s) else {
            let t = ConfigValue.shortened((scalarText ?? "").trimmingCharacters(in: .whitespaces))
            if let unit = Span.units.first(where: { t.hasSuffix($0.suffix) }),
               let v = Double(t.dropLast(unit.suffix.count)), v.isFinite, v > 0 {
                let seconds = v * Double(unit.seconds)
                if seconds != seconds.rounded() {
                    fail("\(t) is not a whole number of seconds", hint: "use e.g. 90s rather than 1.5m")
                } else {
                    fail("\(t) is out of range: \(range)")
                }
                return nil
            }
            fail("\"\(written)\" is not a duration", hint: "use e.g. 7d, 12h, 30m, 2w, or a number of ticks")
            return nil
        }
        if case .span = d, let rows = diagnostics.rowsPerTick {
            refuseTimeInRowTicks(s.trimmingCharacters(in: .whitespaces), rows: rows)
            return nil
        }
        let ticks = d.ticks(per: tick)
        if !allowZero && ticks <= 0 { fail("must be longer than zero"); return nil }
        if ticks > Double(Limits.maxTicks) {
            var shown = ConfigValue.shortened(s.trimmingCharacters(in: .whitespaces))
            if case .span = d { shown += " (\(NumberText.plain(ticks)) ticks)" }
            fail("\(shown) is out of range: \(range)")
            return nil
        }
        return ticks
    }

    /// Reports a duration in time (`written`, e.g. `90d`) where ticks are `rows` rows each.
    private func refuseTimeInRowTicks(_ written: String, rows: Int) {
        var key = String(path.split(separator: ".").last ?? "")
        if let bracket = key.firstIndex(of: "[") { key = String(key[..<bracket]) }
        let number = Span.units.first { written.hasSuffix($0.suffix) }.map { String(written.dropLast($0.suffix.count)) }
        let count = number.flatMap { Double($0) }.map { $0 >= 1 && $0 == $0.rounded() ? String(Int($0)) : "10" } ?? "10"
        let example = key.isEmpty ? count : "\(key): \(count)"
        let regroup = diagnostics.rowTicksTimestamp
            .map { "use `tick: 1d` to group by the file's timestamp column '\($0)'" }
            ?? "use `tick: 1d` with the file's timestamp column (`timestamp: COLUMN`)"
        fail("\(ConfigValue.shortened(written)) is a length of time, but ticks are \(rows) rows: a tick has no length "
             + "in time, so a time cannot be converted to ticks",
             hint: "write a tick count such as `\(example)` (ticks of \(rows) rows), or \(regroup)")
    }

    /// A duration that must come to a whole number of ticks (a delay, a latency, a rollout).
    public func wholeTicks(tick: Span) -> Int? {
        guard let d = duration(tick: tick) else { return nil }
        if d != d.rounded() { fail("must be a whole number of ticks (\(d) ticks)"); return nil }
        return Int(d)
    }

    public func oneOf(_ choices: [String]) -> String? {
        guard let s = string() else { return nil }
        guard choices.contains(s) else {
            let hint = nearest(s, in: choices).map { "did you mean '\($0)'?" } ?? "choose one of \(choices.joined(separator: ", "))"
            fail("'\(written)' is not one of \(choices.joined(separator: ", "))", hint: hint)
            return nil
        }
        return s
    }
}

extension ConfigValue {
    /// The index of the feature this value names in `schema`, or nil (reported with the nearest
    /// name) when there is none; nil without a report when the schema is unknown.
    public func featureIndex(_ name: String, in schema: FeatureSchema?) -> Int? {
        guard let schema else { return nil }
        if let i = schema.features.firstIndex(of: name) { return i }
        fail("no feature named '\(name)'", hint: nearest(name, in: schema.features).map { "did you mean '\($0)'?" }
                                              ?? "features: \(schema.features.joined(separator: ", "))")
        return nil
    }
}
