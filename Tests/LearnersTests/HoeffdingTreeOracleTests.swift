import Foundation
import Testing
@testable import Learners

/// A committed River oracle (`Benchmarks/oracles/hoeffding_oracle.py`): rows, River 0.26.1's
/// prediction before learning each row with `HoeffdingTreeClassifier()`, and its report.
struct HoeffdingOracle {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Oracles")

    let dimension: Int
    var rows: [Double] = []
    var labels: [Int] = []
    /// River's prediction before learning each row (nil: none, before the first row).
    var riverPredictions: [Int?] = []
    var report: [String: Any] = [:]

    /// Reads `hoeffding_NAME.csv` (an empty feature cell is a missing value: NaN) and its JSON.
    init(_ name: String) throws {
        let text = try String(contentsOf: Self.folder.appendingPathComponent("hoeffding_\(name).csv"), encoding: .utf8)
        let lines = text.split(separator: "\n")
        dimension = lines[0].split(separator: ",").count - 2
        for line in lines.dropFirst() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            rows += fields[0..<dimension].map { $0.isEmpty ? .nan : Double($0)! }
            labels.append(Int(fields[dimension])!)
            riverPredictions.append(fields[dimension + 1].isEmpty ? nil : Int(fields[dimension + 1])!)
        }
        let json = try Data(contentsOf: Self.folder.appendingPathComponent("hoeffding_\(name).json"))
        report = try JSONSerialization.jsonObject(with: json) as? [String: Any] ?? [:]
    }

    /// Flywheel's prequential run over the rows: per row whether the prediction was right and
    /// whether it equals River's, and the tree size after each `chunk` rows.
    func run(classCount: Int, chunk: Int) -> (correct: [Bool], agree: [Bool], sizes: [[Int]], final: [Int]) {
        let n = labels.count, d = dimension
        var state = HoeffdingTreeState(dimension: d, classCount: classCount)
        var correct = [Bool](repeating: false, count: n), agree = correct
        var sizes: [[Int]] = []
        rows.withUnsafeBufferPointer { x in
            for i in 0..<n {
                let p = state.testThenTrain(UnsafeBufferPointer(rebasing: x[(d * i)..<(d * i + d)]), label: labels[i])
                correct[i] = p == labels[i]
                agree[i] = p == riverPredictions[i]
                if (i + 1) % chunk == 0 { sizes.append([state.nodeCount, state.leafCount, state.height]) }
            }
        }
        return (correct, agree, sizes, [state.nodeCount, state.leafCount, state.height])
    }
}

@Suite struct HoeffdingTreeOracleTests {
    /// Flywheel against River on one oracle: accuracy within 0.5 points overall and per chunk,
    /// and the same tree size after every chunk.
    func check(_ name: String, classCount: Int, rows: Int) throws {
        let oracle = try HoeffdingOracle(name)
        #expect(oracle.labels.count == rows)
        #expect(oracle.report["river_version"] as? String == "0.26.1")
        let chunk = try #require(oracle.report["chunk_rows"] as? Int)
        let (correct, agree, sizes, final) = oracle.run(classCount: classCount, chunk: chunk)
        let accuracy = Double(correct.filter { $0 }.count) / Double(rows)
        let river = try #require(oracle.report["accuracy"] as? Double)
        #expect(abs(accuracy - river) <= 0.005, "\(name): Flywheel \(accuracy), River \(river)")
        let riverChunks = try #require(oracle.report["chunk_accuracy"] as? [Double])
        for (c, r) in riverChunks.enumerated() {
            let mine = Double(correct[(c * chunk)..<((c + 1) * chunk)].filter { $0 }.count) / Double(chunk)
            #expect(abs(mine - r) <= 0.005, "\(name) chunk \(c): Flywheel \(mine), River \(r)")
        }
        // Flywheel follows River operation for operation, so the predictions are River's; allow a
        // few rows for a last-bit difference of another libm.
        let agreement = agree.filter { $0 }.count
        #expect(agreement >= rows - rows / 1_000, "\(name): \(agreement) of \(rows) predictions equal River's")
        let riverSizes = try #require(oracle.report["tree_after_chunk"] as? [[String: Int]])
        #expect(sizes == riverSizes.map { [$0["nodes"]!, $0["leaves"]!, $0["height"]!] })
        let tree = try #require(oracle.report["tree"] as? [String: Int])
        #expect(final == [tree["nodes"]!, tree["leaves"]!, tree["height"]!])
    }

    /// SEA, threshold 8 switching to 9.5 at row 10,000: 20,000 rows, two classes.
    @Test func prequentialRunOnSEAMatchesRiver() throws {
        try check("sea", classCount: 2, rows: 20_000)
    }

    /// Random RBF, four classes, 5 % of the values missing: River's ties between classes and its
    /// routing of a missing value to the heavier branch.
    @Test func prequentialRunOnRBFWithMissingValuesMatchesRiver() throws {
        try check("rbf", classCount: 4, rows: 10_000)
    }
}
