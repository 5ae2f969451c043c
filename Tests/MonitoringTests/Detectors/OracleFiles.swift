import Foundation
import Testing

/// Reads the shared oracle files (../shared/oracles beside the repository root).
enum Oracles {
    static let folder: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()   // Detectors
        .deletingLastPathComponent()   // MonitoringTests
        .deletingLastPathComponent()   // Tests
        .deletingLastPathComponent()   // repository root
        .deletingLastPathComponent()
        .appendingPathComponent("shared/oracles")

    static var available: Bool { FileManager.default.fileExists(atPath: folder.appendingPathComponent("c1_detectors.json").path) }
    static let missing: Comment = "oracle folder ../shared/oracles is missing"

    static func text(_ name: String) throws -> String {
        try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
    }

    static func json(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: folder.appendingPathComponent(name))
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }

    /// Rows of a CSV file without its header, split on commas.
    static func rows(_ name: String) throws -> [[String]] {
        try text(name).split(whereSeparator: \.isNewline).dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }

    /// The `x` column of a c1 stream.
    static func stream(_ name: String) throws -> [Double] {
        try rows(name).map { Double($0[1])! }
    }

    static func detectorResult(_ stream: String, _ detector: String) throws -> [String: Any] {
        let root = try json("c1_detectors.json")
        let results = root["results"] as! [String: Any]
        return (results[stream] as! [String: Any])[detector] as! [String: Any]
    }

    static func ints(_ any: Any?) -> [Int] { (any as? [Any] ?? []).map { ($0 as! NSNumber).intValue } }
    static func double(_ any: Any?) -> Double { (any as! NSNumber).doubleValue }
}
