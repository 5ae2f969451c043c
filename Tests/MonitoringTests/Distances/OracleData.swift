import Foundation
import Testing

/// Reads the C2 oracle (SciPy 1.17.1 / NumPy 2.4.6 reference values) from `../shared/oracles/`.
enum OracleData {
    static let directory: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent() // Distances
        .deletingLastPathComponent() // MonitoringTests
        .deletingLastPathComponent() // Tests
        .deletingLastPathComponent() // repository root
        .deletingLastPathComponent()
        .appendingPathComponent("shared/oracles")

    static var available: Bool {
        FileManager.default.fileExists(atPath: directory.appendingPathComponent("c2_stats.json").path)
    }

    static let missingReason: Comment = "oracle folder ../shared/oracles (c2_stats.json) not found next to the repository"

    /// The numeric fields of one oracle entry.
    struct Expected: Sendable {
        var scalars: [String: Double] = [:]
        var arrays: [String: [Double]] = [:]
        init(_ object: [String: Any]) {
            for (key, value) in object {
                if let n = value as? NSNumber { scalars[key] = n.doubleValue }
                if let a = value as? [NSNumber] { arrays[key] = a.map(\.doubleValue) }
            }
        }
    }

    struct Univariate: Sendable {
        let pair: String
        let reference: [Double]
        let current: [Double]
        let expected: Expected
        func number(_ key: String) -> Double { expected.scalars[key]! }
        func numbers(_ key: String) -> [Double] { expected.arrays[key]! }
    }

    struct MMDPair: Sendable {
        let shift: Double
        let x: [Double]
        let y: [Double]
        let expected: Expected
        func number(_ key: String) -> Double { expected.scalars[key]! }
    }

    static func json() -> [String: Any] {
        guard available, let data = try? Data(contentsOf: directory.appendingPathComponent("c2_stats.json")),
              let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [:] }
        return obj
    }

    static func csvRows(_ name: String) -> [[Substring]] {
        guard let text = try? String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8) else { return [] }
        return text.split(whereSeparator: \.isNewline).dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
    }

    static let univariate: [Univariate] = {
        guard let list = json()["univariate"] as? [[String: Any]] else { return [] }
        var samples: [String: (ref: [(Int, Double)], cur: [(Int, Double)])] = [:]
        for row in csvRows("c2_univariate_samples.csv") where row.count == 4 {
            let key = String(row[0])
            let item = (Int(row[2])!, Double(row[3])!)
            if row[1] == "ref" { samples[key, default: ([], [])].ref.append(item) } else { samples[key, default: ([], [])].cur.append(item) }
        }
        return list.map { e in
            let pair = e["pair"] as! String
            let s = samples[pair] ?? ([], [])
            return Univariate(pair: pair, reference: s.ref.sorted { $0.0 < $1.0 }.map(\.1),
                              current: s.cur.sorted { $0.0 < $1.0 }.map(\.1), expected: Expected(e))
        }
    }()

    static let mmd: [MMDPair] = {
        guard let list = json()["mmd"] as? [[String: Any]] else { return [] }
        var x: [Double: [Double]] = [:], y: [Double: [Double]] = [:]
        for row in csvRows("c2_mmd_samples.csv") where row.count == 5 {
            let shift = Double(row[0])!
            let point = [Double(row[3])!, Double(row[4])!]
            if row[1] == "X" { x[shift, default: []] += point } else { y[shift, default: []] += point }
        }
        return list.map { e in
            let shift = (e["shift"] as! [NSNumber])[0].doubleValue
            return MMDPair(shift: shift, x: x[shift] ?? [], y: y[shift] ?? [], expected: Expected(e))
        }
    }()

    static var pairNames: [String] { univariate.map(\.pair) }
}

/// `|a − b| ≤ rel·max(|a|, |b|)`, with an absolute floor for values that are exactly zero.
func close(_ a: Double, _ b: Double, rel: Double = 1e-9, abs absTol: Double = 1e-300) -> Bool {
    if a == b { return true }
    return Swift.abs(a - b) <= Swift.max(rel * Swift.max(Swift.abs(a), Swift.abs(b)), absTol)
}
