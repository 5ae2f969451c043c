import FlywheelCore
import Foundation
import Yams

/// Collects every problem found while reading a scenario, each with file, line and key path:
/// errors (the scenario cannot run) and warnings (a value is accepted but wasted).
final class Diagnostics {
    let file: String
    private(set) var errors: [FlywheelError] = []
    private(set) var warnings: [FlywheelError] = []

    init(file: String) { self.file = file }

    private func located(_ message: String, at node: Node?, key: String, hint: String?) -> FlywheelError {
        let loc = node?.mark.map { SourceLocation(file: file, line: $0.line, column: $0.column) } ?? SourceLocation(file: file, line: 1)
        return FlywheelError(message, at: loc, key: key, hint: hint)
    }

    func report(_ message: String, at node: Node?, key: String, hint: String? = nil) {
        errors.append(located(message, at: node, key: key, hint: hint))
    }

    func warn(_ message: String, at node: Node?, key: String, hint: String? = nil) {
        let w = located(message, at: node, key: key, hint: hint)
        if !warnings.contains(w) { warnings.append(w) }
    }

    /// Takes over another reader's findings (a sweep's trial of one value).
    func absorb(warnings more: [FlywheelError]) {
        for w in more where !warnings.contains(w) { warnings.append(w) }
    }

    /// Tags a scenario may carry: none, or the YAML core schema's (`!!str`, `!!int`, …).
    static let coreTags = Set(["", "!"] + [Tag.Name.str, .int, .float, .bool, .null, .seq, .map].map(\.rawValue))

    /// Reports every node with a tag outside the core schema (`!!binary`, `!!timestamp`, `!foo`):
    /// a scenario is read from the text of its values, so such a tag would be silently ignored.
    func checkTags(_ node: Node, path: String) {
        // The tag as written (the node's own `tag` would resolve plain scalars to !!timestamp, …).
        let tag = node.scalar?.tag.rawValue ?? node.mapping?.tag.rawValue ?? node.sequence?.tag.rawValue ?? ""
        if !Diagnostics.coreTags.contains(tag) {
            let shown = tag.hasPrefix("tag:yaml.org,2002:") ? "!!" + tag.dropFirst(18) : tag
            report("the YAML tag \(shown) is not part of the scenario format", at: node, key: path,
                   hint: "remove the tag: values are read from their text (quote a value to keep it as text)")
        }
        switch node {
        case .mapping(let m):
            for (k, v) in m {
                checkTags(k, path: path)
                let key = k.scalar?.string ?? "?"
                checkTags(v, path: path.isEmpty ? key : "\(path).\(key)")
            }
        case .sequence(let s):
            for (i, v) in s.enumerated() { checkTags(v, path: "\(path)[\(i)]") }
        default: break
        }
    }
}

/// A cursor on one YAML node that reads typed values and reports what is wrong with them.
struct YAMLValue {
    let node: Node
    let path: String
    let diagnostics: Diagnostics

    func child(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    var scalarText: String? { node.scalar?.string }
    /// The value as written, shortened for a message: a 10,000-character value is not repeated whole.
    var written: String { YAMLValue.shortened(scalarText ?? "…") }

    static func shortened(_ s: String) -> String { s.count > 60 ? String(s.prefix(57)) + "…" : s }
    var isMapping: Bool { node.mapping != nil }
    var isSequence: Bool { node.sequence != nil }
    var isNull: Bool { if let s = node.scalar { return s.tag == .implicit && (s.string == "~" || s.string == "null" || s.string.isEmpty) && s.style == .plain } else { return false } }

    func fail(_ message: String, hint: String? = nil) { diagnostics.report(message, at: node, key: path, hint: hint) }
    func warn(_ message: String, hint: String? = nil) { diagnostics.warn(message, at: node, key: path, hint: hint) }

    /// The mapping's entries, reporting keys outside `allowed` with the nearest valid one.
    func mapping(allowed: [String]) -> [String: YAMLValue]? {
        guard let m = node.mapping else {
            fail("expected a mapping with keys \(allowed.joined(separator: ", "))")
            return nil
        }
        var out: [String: YAMLValue] = [:]
        for (k, v) in m {
            guard let key = k.scalar?.string else { fail("keys must be plain names"); continue }
            let keyPath = child(key)
            if !allowed.contains(key) {
                let hint = nearest(key, in: allowed).map { "did you mean '\($0)'?" } ?? "valid keys: \(allowed.joined(separator: ", "))"
                diagnostics.report("unknown key '\(key)'", at: k, key: keyPath, hint: hint)
                continue
            }
            if out[key] != nil { diagnostics.report("duplicate key '\(key)'", at: k, key: keyPath); continue }
            out[key] = YAMLValue(node: v, path: keyPath, diagnostics: diagnostics)
        }
        return out
    }

    func sequence() -> [YAMLValue]? {
        guard let s = node.sequence else { fail("expected a list"); return nil }
        return s.enumerated().map { YAMLValue(node: $1, path: "\(path)[\($0)]", diagnostics: diagnostics) }
    }

    func string() -> String? {
        guard let s = scalarText, node.mapping == nil else { fail("expected a text value"); return nil }
        return s
    }

    /// A name (of a strategy, a drift, an edge case): text that is not empty or only blanks.
    func name() -> String? {
        guard let s = string() else { return nil }
        guard !s.allSatisfy(\.isWhitespace) else {
            fail("a name must not be empty", hint: "outputs and reports refer to it by this name")
            return nil
        }
        return s
    }

    /// A finite number in `[lo, hi]` (`(lo, hi]` with `exclusiveMin`); `unit` ends range
    /// messages.
    func double(min lo: Double? = nil, max hi: Double? = nil, exclusiveMin: Bool = false,
                unit: String? = nil) -> Double? {
        guard let s = scalarText, let v = Double(s.replacingOccurrences(of: "_", with: "")) else {
            fail("\"\(written)\" is not a number")
            return nil
        }
        guard v.isFinite else { fail("must be a finite number"); return nil }
        let u = unit.map { " \($0)" } ?? ""
        if let lo, exclusiveMin ? v <= lo : v < lo {
            fail("\(written) is out of range: must be \(exclusiveMin ? ">" : "≥") \(num(lo))\(u)")
            return nil
        }
        if let hi, v > hi { fail("\(written) is out of range: must be ≤ \(num(hi))\(u)"); return nil }
        return v
    }

    /// A whole number in `[lo, hi]`, written as digits (`1_000` too) or as an integral number such
    /// as `1e6`; a value too large for a machine integer is out of range, not "not a number".
    func int(min lo: Int? = nil, max hi: Int? = nil, unit: String? = nil) -> Int? {
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
    func count(min lo: Int, unit: String) -> Int? { int(min: lo, max: Limits.maxCount, unit: unit) }

    func bool() -> Bool? {
        switch scalarText?.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: fail("expected true or false"); return nil
        }
    }

    /// A duration in ticks: `7d`, `12h` (converted with the tick length) or a bare tick count,
    /// at most ``Limits/maxTicks`` ticks (the longest run).
    func duration(tick: Span, allowZero: Bool = true) -> Double? {
        let range = "a duration must be at most \(Limits.grouped(Limits.maxTicks)) ticks, the longest run "
            + "(here a tick is \(tick))"
        guard let s = scalarText, let d = DurationSpec(parsing: s) else {
            let t = YAMLValue.shortened((scalarText ?? "").trimmingCharacters(in: .whitespaces))
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
        let ticks = d.ticks(per: tick)
        if !allowZero && ticks <= 0 { fail("must be longer than zero"); return nil }
        if ticks > Double(Limits.maxTicks) {
            var shown = YAMLValue.shortened(s.trimmingCharacters(in: .whitespaces))
            if case .span = d { shown += " (\(num(ticks)) ticks)" }
            fail("\(shown) is out of range: \(range)")
            return nil
        }
        return ticks
    }

    /// A duration that must come to a whole number of ticks (a delay, a latency, a rollout).
    func wholeTicks(tick: Span) -> Int? {
        guard let d = duration(tick: tick) else { return nil }
        if d != d.rounded() { fail("must be a whole number of ticks (\(d) ticks)"); return nil }
        return Int(d)
    }

    func oneOf(_ choices: [String]) -> String? {
        guard let s = string() else { return nil }
        guard choices.contains(s) else {
            let hint = nearest(s, in: choices).map { "did you mean '\($0)'?" } ?? "choose one of \(choices.joined(separator: ", "))"
            fail("'\(written)' is not one of \(choices.joined(separator: ", "))", hint: hint)
            return nil
        }
        return s
    }
}

private func num(_ v: Double) -> String { v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v) }
