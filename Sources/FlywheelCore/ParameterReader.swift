/// What is wrong with a component's numeric parameter (``ParameterReader``). Each family words
/// these in its own messages (``ParameterError/message(_:)`` is the plain wording).
public enum ParameterError: Error, Hashable, Sendable {
    /// A parameter the component does not have; `valid` lists those it has.
    case unknown(String, valid: [String])
    /// Not a finite number in `[low, high)`.
    case outOfRange(String, Double, low: Double, high: Double)
    /// Not a whole number in `low...high`.
    case notWhole(String, Double, low: Int, high: Int)
    /// Not a whole number from 0 to 2⁵³ − 1.
    case notSeed(String, Double)
    /// Neither 0 nor 1.
    case notFlag(String, Double)

    /// The parameter's name.
    public var parameter: String {
        switch self {
        case .unknown(let n, _), .outOfRange(let n, _, _, _), .notWhole(let n, _, _, _), .notSeed(let n, _), .notFlag(let n, _):
            return n
        }
    }
}

/// Reads a component's numeric parameters against its ``ComponentInfo``: names outside the
/// documented ones are refused, and a parameter left out takes the default its info states.
///
/// ```swift
/// let p = try ParameterReader(ADWIN.info, ["delta": 0.01])
/// let delta = p.number("delta")         // 0.01; 0.002 (from the info) when left out
/// ```
public struct ParameterReader: Sendable {
    public let info: ComponentInfo
    /// The values given (the rest take their defaults).
    public let values: [String: Double]

    /// Checks every name in `values` against `info.parameters` (the first unknown one, in name
    /// order, is the error).
    public init(_ info: ComponentInfo, _ values: [String: Double]) throws(ParameterError) {
        self.info = info
        self.values = values
        let valid = info.parameters.map(\.name)
        if let name = values.keys.sorted().first(where: { !valid.contains($0) }) { throw .unknown(name, valid: valid) }
    }

    /// The value given for `name`, if any.
    public func given(_ name: String) -> Double? { values[name] }

    /// The value of `name` (or its default), unchecked.
    public func number(_ name: String) -> Double { values[name] ?? info.defaultNumber(name) }

    /// The value of `name` (or its default), which must be finite and in `[low, high)`.
    public func real(_ name: String, atLeast low: Double = -.infinity, below high: Double = .infinity) throws(ParameterError) -> Double {
        let v = number(name)
        guard v.isFinite, v >= low, v < high else { throw .outOfRange(name, v, low: low, high: high) }
        return v
    }

    /// The value of `name` (or its default) as a whole number in `range`.
    public func whole(_ name: String, in range: ClosedRange<Int>) throws(ParameterError) -> Int {
        try whole(name, number(name), in: range)
    }

    /// The value given for `name` as a whole number in `range`; nil when not given.
    public func optionalWhole(_ name: String, in range: ClosedRange<Int>) throws(ParameterError) -> Int? {
        guard let v = values[name] else { return nil }
        return try whole(name, v, in: range)
    }

    /// The value given for `name` as a seed (a whole number from 0 to 2⁵³ − 1), else `fallback`.
    public func seed(_ name: String, else fallback: UInt64) throws(ParameterError) -> UInt64 {
        guard let v = values[name] else { return fallback }
        guard v.isFinite, v == v.rounded(), v >= 0, v < 9_007_199_254_740_992 else { throw .notSeed(name, v) }
        return UInt64(v)
    }

    /// The value of `name` (or its default), 0 or 1.
    public func flag(_ name: String) throws(ParameterError) -> Bool {
        let v = number(name)
        guard v == 0 || v == 1 else { throw .notFlag(name, v) }
        return v == 1
    }

    private func whole(_ name: String, _ v: Double, in range: ClosedRange<Int>) throws(ParameterError) -> Int {
        guard v.isFinite, v == v.rounded(), v >= Double(range.lowerBound), v <= Double(range.upperBound) else {
            throw .notWhole(name, v, low: range.lowerBound, high: range.upperBound)
        }
        return Int(v)
    }
}

extension ParameterError {
    /// The plain wording, after `component: `.
    public func message(_ component: String) -> String {
        switch self {
        case .unknown(let n, _): return "\(component): unknown parameter '\(n)'"
        case .outOfRange(let n, let v, let low, let high):
            if low == -.infinity && high == .infinity { return "\(component): \(n) must be a finite number, got \(v)" }
            return "\(component): \(n) must be a finite number in [\(low), \(high)), got \(v)"
        case .notWhole(let n, let v, _, _): return "\(component): \(n) must be a whole number, got \(v)"
        case .notSeed(let n, let v): return "\(component): \(n) must be a non-negative whole number, got \(v)"
        case .notFlag(let n, let v): return "\(component): \(n) must be 0 or 1, got \(v)"
        }
    }

    /// "valid parameters: a, b" (or that there are none), after "did you mean x? " when a valid
    /// name is near the unknown one; `quoted` writes the suggestion as 'x'.
    public static func validList(_ name: String, _ valid: [String], component: String, quoted: Bool, suggest: Bool = true) -> String {
        var hint = valid.isEmpty ? "\(component) takes no parameters" : "valid parameters: \(valid.joined(separator: ", "))"
        if suggest, let near = nearest(name, in: valid) { hint = (quoted ? "did you mean '\(near)'? " : "did you mean \(near)? ") + hint }
        return hint
    }
}
