import FlywheelCore
import Foundation
import Yams

/// Collects every problem found while reading a scenario, each with file, line and key path.
final class Diagnostics {
    let file: String
    private(set) var errors: [FlywheelError] = []

    init(file: String) { self.file = file }

    func report(_ message: String, at node: Node?, key: String, hint: String? = nil) {
        let loc = node?.mark.map { SourceLocation(file: file, line: $0.line, column: $0.column) } ?? SourceLocation(file: file, line: 1)
        errors.append(FlywheelError(message, at: loc, key: key, hint: hint))
    }
}

/// A cursor on one YAML node that reads typed values and reports what is wrong with them.
struct YAMLValue {
    let node: Node
    let path: String
    let diagnostics: Diagnostics

    func child(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    var scalarText: String? { node.scalar?.string }
    var isMapping: Bool { node.mapping != nil }
    var isSequence: Bool { node.sequence != nil }
    var isNull: Bool { if let s = node.scalar { return s.tag == .implicit && (s.string == "~" || s.string == "null" || s.string.isEmpty) && s.style == .plain } else { return false } }

    func fail(_ message: String, hint: String? = nil) { diagnostics.report(message, at: node, key: path, hint: hint) }

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

    func double(min lo: Double? = nil, max hi: Double? = nil, exclusiveMin: Bool = false) -> Double? {
        guard let s = scalarText, let v = Double(s.replacingOccurrences(of: "_", with: "")) else {
            fail("\"\(scalarText ?? "…")\" is not a number")
            return nil
        }
        guard v.isFinite else { fail("must be a finite number"); return nil }
        if let lo, exclusiveMin ? v <= lo : v < lo { fail("\(s) is out of range: must be \(exclusiveMin ? ">" : "≥") \(num(lo))"); return nil }
        if let hi, v > hi { fail("\(s) is out of range: must be ≤ \(num(hi))"); return nil }
        return v
    }

    func int(min lo: Int? = nil, max hi: Int? = nil) -> Int? {
        guard let s = scalarText, let v = Int(s.replacingOccurrences(of: "_", with: "")) else {
            fail("\"\(scalarText ?? "…")\" is not a whole number")
            return nil
        }
        if let lo, v < lo { fail("\(v) is out of range: must be ≥ \(lo)"); return nil }
        if let hi, v > hi { fail("\(v) is out of range: must be ≤ \(hi)"); return nil }
        return v
    }

    func bool() -> Bool? {
        switch scalarText?.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: fail("expected true or false"); return nil
        }
    }

    /// A duration in ticks: `7d`, `12h` (converted with the tick length) or a bare tick count.
    func duration(tick: Span, allowZero: Bool = true) -> Double? {
        guard let s = scalarText, let d = DurationSpec(parsing: s) else {
            fail("\"\(scalarText ?? "…")\" is not a duration", hint: "use e.g. 7d, 12h, 30m, 2w, or a number of ticks")
            return nil
        }
        let ticks = d.ticks(per: tick)
        if !allowZero && ticks <= 0 { fail("must be longer than zero"); return nil }
        return ticks
    }

    func oneOf(_ choices: [String]) -> String? {
        guard let s = string() else { return nil }
        guard choices.contains(s) else {
            let hint = nearest(s, in: choices).map { "did you mean '\($0)'?" } ?? "choose one of \(choices.joined(separator: ", "))"
            fail("'\(s)' is not one of \(choices.joined(separator: ", "))", hint: hint)
            return nil
        }
        return s
    }
}

private func num(_ v: Double) -> String { v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v) }

