import Foundation
import Testing

/// `flywheel distance --metric mmd` on two-column files written from the C2 oracle
/// (`../shared/oracles/c2_mmd_samples.csv`), against NumPy's MMD² (`c2_stats.json`) at 1e-9
/// relative: the computation is the same.
@Suite struct DistanceCommandMMD {
    static let oracles = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/oracles")
    static var available: Bool { FileManager.default.fileExists(atPath: oracles.appendingPathComponent("c2_stats.json").path) }

    @Test(.enabled(if: available, "../shared/oracles not found next to the repository"))
    func mmdOnTwoColumnFilesMatchesTheOracle() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("flywheel-mmd-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let lines = try String(contentsOf: Self.oracles.appendingPathComponent("c2_mmd_samples.csv"), encoding: .utf8)
            .split(whereSeparator: \.isNewline).dropFirst().map { $0.split(separator: ",").map(String.init) }
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: Self.oracles.appendingPathComponent("c2_stats.json")))
        let expected = try #require((json as? [String: Any])?["mmd"] as? [[String: Any]])
        #expect(expected.count == 3)
        for entry in expected {
            let shift = try #require((entry["shift"] as? [Double])?.first)
            for group in ["X", "Y"] {
                let rows = lines.filter { Double($0[0]) == shift && $0[1] == group }.map { "\($0[3]),\($0[4])" }
                #expect(rows.count == 200)
                try ("x0,x1\n" + rows.joined(separator: "\n") + "\n")
                    .write(to: dir.appendingPathComponent("\(group).csv"), atomically: true, encoding: .utf8)
            }
            for (estimator, key) in [("unbiased", "mmd2_unbiased"), ("biased", "mmd2_biased_same_sigma")] {
                let r = try flywheel(["distance", "--metric", "mmd", "--columns", "x0,x1", "--estimator", estimator, "--json",
                                      "X.csv", "Y.csv"], in: dir)
                #expect(r.status == 0, "\(r)")
                let out = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
                let value = try #require(out?["value"] as? Double), want = try #require(entry[key] as? Double)
                #expect(abs(value - want) <= 1e-9 * abs(want), "shift \(shift) \(estimator): \(value) vs \(want)")
                #expect(out?["dimension"] as? Int == 2)
            }
        }
        // MMD's own options are refused with other metrics, rather than ignored.
        let ks = try flywheel(["distance", "--metric", "ks", "--column", "x0", "--bandwidth", "2", "X.csv", "Y.csv"], in: dir)
        #expect(ks.status != 0 && ks.stderr.contains("--bandwidth applies to --metric mmd only"), "\(ks)")
    }
}
