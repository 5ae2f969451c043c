import Foundation
import FlywheelCore

/// Runs `body` with a scratch buffer of `count` doubles, on the stack when small.
@inline(__always)
func withScratch<R>(_ count: Int, _ body: (UnsafeMutableBufferPointer<Double>) throws -> R) rethrows -> R {
    try withUnsafeTemporaryAllocation(of: Double.self, capacity: max(count, 1)) { buffer in
        buffer.initialize(repeating: 0)
        return try body(UnsafeMutableBufferPointer(rebasing: buffer[0..<count]))
    }
}

/// Index of the largest value (the first one on ties; NaN values are never chosen unless all are).
@inline(__always)
func argmax(_ v: UnsafeBufferPointer<Double>) -> Int {
    var best = 0
    var top = -Double.infinity
    for i in 0..<v.count where v[i] > top {
        top = v[i]
        best = i
    }
    return best
}

/// Replaces `v` by softmax(v) = exp(v_i − max v) / Σ exp(v_j − max v); a row of −∞ becomes uniform.
@inline(__always)
func softmaxInPlace(_ v: UnsafeMutableBufferPointer<Double>) {
    var top = -Double.infinity
    for i in 0..<v.count where v[i] > top { top = v[i] }
    guard top > -.infinity else {
        for i in 0..<v.count { v[i] = 1 / Double(v.count) }
        return
    }
    var sum = 0.0
    for i in 0..<v.count {
        let e = exp(v[i] - top)
        v[i] = e
        sum += e
    }
    for i in 0..<v.count { v[i] /= sum }
}

/// Reads a component's numeric parameters against its ``ComponentInfo``: an unknown name, or a
/// value out of range, is a ``FlywheelError`` that names the valid parameters or the range.
public struct ParameterReader {
    public let info: ComponentInfo
    private let parameters: [String: Double]

    /// Checks every name in `parameters` against `info.parameters`.
    public init(_ info: ComponentInfo, _ parameters: [String: Double]) throws {
        self.info = info
        self.parameters = parameters
        let valid = info.parameters.map(\.name)
        for name in parameters.keys.sorted() where !valid.contains(name) {
            let list = valid.isEmpty ? "it takes no parameters" : "valid parameters: \(valid.joined(separator: ", "))"
            var hint = list
            if let near = nearest(name, in: valid) { hint = "did you mean \(near)? \(list)" }
            throw FlywheelError("model '\(info.name)' has no parameter '\(name)'", key: "model.\(name)", hint: hint)
        }
    }

    /// The value of `name` (or `defaultValue`), which must be finite and at least `atLeast`.
    public mutating func value(_ name: String, _ defaultValue: Double, atLeast low: Double = -.infinity,
                               below high: Double = .infinity) throws -> Double {
        let v = parameters[name] ?? defaultValue
        guard v.isFinite, v >= low, v < high else {
            var range = "a finite number"
            if low > -.infinity && high < .infinity { range = "a number in [\(low), \(high))" }
            else if low > -.infinity { range = "a number ≥ \(low)" }
            throw FlywheelError("model '\(info.name)' parameter '\(name)' is \(v), expected \(range)", key: "model.\(name)")
        }
        return v
    }

    /// The value of `name` as a whole number of at least `atLeast`.
    public mutating func integer(_ name: String, _ defaultValue: Int, atLeast low: Int, atMost high: Int = 1 << 30) throws -> Int {
        let v = parameters[name] ?? Double(defaultValue)
        guard v.isFinite, v == v.rounded(), v >= Double(low), v <= Double(high) else {
            throw FlywheelError("model '\(info.name)' parameter '\(name)' is \(v), expected a whole number in \(low)...\(high)",
                                key: "model.\(name)")
        }
        return Int(v)
    }
}


