import FlywheelCore
import Foundation
import Scenarios
import Simulation
import Storage
import Testing
import Workbench

@Suite struct TrafficExportTests {
    static let scenario = """
    name: export
    seed: 11
    replicates: 2
    clock: {tick: 1d, ticks: 30, events_per_tick: 200}
    stream: {generator: sea, noise: 0.1}
    drifts:
      - {name: step, type: instantaneous, at: 10d, target: concept, to: 3}
      - {name: cohort, type: gradual, center: 20d, width: 6d, target: covariates, subpopulation: {where: {x1: [0, 3]}, share: 0.6}}
      - {name: late feed, type: temporary, start: 25d, duration: 2d, ramp: 12h, target: quality, fault: {feature: x2, missing: 0.5}, amplitude: 0.8}
      - {name: after the end, type: instantaneous, at: 40d, target: prior, prior: {class: "1", share: 0.5}}
    strategies: [{name: never, trigger: never}]
    """

    func export(_ text: String = scenario, replicate: Int = 1, from: Int = 0, to: Int? = nil) throws -> String {
        var out = ""
        try TrafficExport.write(try ScenarioLoader.parse(text, file: "export.yaml"), replicate: replicate, from: from, to: to) { out += $0 }
        return out
    }

    func rows(_ csv: String) -> (header: [String], rows: [[String]]) {
        let lines = csv.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        return (lines.first!.split(separator: ",", omittingEmptySubsequences: false).map(String.init),
                lines.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) })
    }

    @Test func everyEventWithTheIntensitiesItsDriftsHadAndTheConceptThatLabelledIt() throws {
        let (header, rows) = rows(try export())
        let plan = try ScenarioLoader.parse(Self.scenario, file: "export.yaml").plan
        let truth = plan.source.groundTruth()
        // The drift starting after the run is not in the ground truth, and has no column either.
        #expect(truth.map(\.id) == [0, 1, 2])
        #expect(header == ["tick", "event", "time", "x0", "x1", "x2", "label", "concept", "bayes", "slice", "drift_0", "drift_1", "drift_2", "active"])
        #expect(rows.count == 30 * 200)
        let (_, batches) = try plan.source.generate(replicate: 1, seed: 11)
        for (k, r) in rows.enumerated() {
            let tick = Int(r[0])!, i = Int(r[1])!, t = Double(r[2])!
            #expect(tick == k / 200 && i == k % 200)
            #expect(t == Double(tick) + Double(i) / 200)
            // The served event, as the run sees it.
            let b = batches[tick]
            for j in 0..<3 { #expect(r[3 + j] == (b.features[i * 3 + j].isNaN ? "" : "\(b.features[i * 3 + j])")) }
            #expect(Double(r[6]) == b.labels[i])
            // A step to concept 3 at tick 10.
            #expect(r[7] == (t < 10 ? "0" : "3"))
            #expect(abs(Double(r[8])! - 0.9) < 1e-12)
            #expect(r[9] == "")
            // Intensities from the schedules' definitions.
            let step = t >= 10 ? 1.0 : 0.0
            let sigmoid = 1 / (1 + exp(-4 * (t - 20) / 6))
            let pulse = t < 25 || t >= 27 ? 0 : 0.8 * min((t - 25) / 0.5, (27 - t) / 0.5, 1)
            #expect(Double(r[10]) == step)
            #expect(abs(Double(r[11])! - sigmoid) <= 1e-12 * sigmoid)
            #expect(abs(Double(r[12])! - pulse) < 1e-12)
            #expect(r[13] == (step > 0 || sigmoid > 0 || pulse > 0 ? "1" : "0"))
            // Missing values only while the feed fault is in force.
            if r[5].isEmpty { #expect(pulse > 0) }
        }
    }

    @Test func aRangeOfTicksIsTheSameRowsAsTheWholeExport() throws {
        let whole = try export().split(separator: "\n")
        let part = try export(from: 12, to: 14).split(separator: "\n")
        #expect(part.count == 1 + 2 * 200)
        #expect(part[0] == whole[0])
        #expect(Array(part[1...]) == Array(whole[(1 + 12 * 200)..<(1 + 14 * 200)]))
    }

    @Test func theSameSeedGivesTheSameBytesAndAnotherReplicateOtherEvents() throws {
        let a = try export(), b = try export()
        #expect(a == b)
        #expect(try export(replicate: 0) != a)
    }

    @Test func aReplicateOrRangeOutsideTheRunIsRefused() {
        #expect(throws: FlywheelError.self) { try export(replicate: 2) }
        #expect(throws: FlywheelError.self) { try export(from: 10, to: 10) }
        #expect(throws: FlywheelError.self) { try export(to: 31) }
    }

    @Test func replayedRowsThinnedByASubpopulationDriftKeepTheirTimes() throws {
        // 8 days of 100 rows: `a` cycles 0…9 (a ≤ 2 is 30 % of each day), `i` is the row's index in its day.
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("flywheel-export-replay-\(ProcessInfo.processInfo.processIdentifier)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var csv = "t,a,i,y\n"
        for d in 0..<8 {
            for i in 0..<100 {
                let minute = i * 14
                csv += "2024-02-\(String(format: "%02d", d + 1))T\(String(format: "%02d:%02d", minute / 60, minute % 60)),\((i * 7) % 10),\(i),\(i % 2 == 0 ? "p" : "q")\n"
            }
        }
        try csv.write(to: dir.appendingPathComponent("rows.csv"), atomically: true, encoding: .utf8)
        let text = """
        name: replay-export
        stream:
          warmup_ticks: 1
          replay: {path: \(dir.path)/rows.csv, timestamp: t, label: y, numeric: [a, i], tick: 1d}
        drifts:
          - {name: fewer small a, type: instantaneous, at: 3d, target: covariates, subpopulation: {where: {a: [0, 2]}, share: 0.1}}
        strategies: [{name: never, trigger: never}]
        """
        var out = ""
        try TrafficExport.write(try ScenarioLoader.parse(text, file: "replay-export.yaml"), replicate: 0) { out += $0 }
        let (header, rows) = rows(out)
        #expect(header == ["tick", "event", "time", "a", "i", "label", "concept", "bayes", "slice", "drift_0", "active"])
        var small = [Int](repeating: 0, count: 7), kept = [Int](repeating: 0, count: 7)
        for r in rows {
            let tick = Int(r[0])!, t = Double(r[2])!, a = Double(r[3])!, i = Double(r[4])!
            // Each kept row at its own place among the day's 100 rows; the intensity at that time.
            #expect(t == Double(tick) + i / 100)
            #expect(r[9] == (t >= 3 ? "1" : "0") && r[10] == r[9])
            #expect(r[6] == "0" && r[7] == "" && r[5] == (Int(i) % 2 == 0 ? "p" : "q"))
            kept[tick] += 1
            if a <= 2 { small[tick] += 1 }
        }
        #expect(kept[0..<3].allSatisfy { $0 == 100 } && small[0..<3].allSatisfy { $0 == 30 })
        // From day 3 the 70 rows with a > 2 all stay and each row with a ≤ 2 stays with
        // probability 0.1 · 0.7 / (0.9 · 0.3) = 0.259: about 7.8 of 30 a day.
        #expect(kept[3...].allSatisfy { $0 < 100 } && small[3...].allSatisfy { $0 < 30 })
        let total = small[3...].reduce(0, +), p = 0.07 / 0.27
        #expect(abs(Double(total) - 120 * p) < 4 * (120 * p * (1 - p)).squareRoot(), "\(total) small rows kept of 120")
    }

    @Test func theFileIsWrittenAtomically() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("flywheel-export-\(ProcessInfo.processInfo.processIdentifier)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("traffic.csv").path
        let first = try AtomicFile(path)
        try first.write("earlier\n")
        try first.commit()
        // An export abandoned halfway leaves the earlier file as it was, and no staged file behind.
        let second = try AtomicFile(path)
        try second.write(String(repeating: "x", count: 3 << 20))
        second.abandon()
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "earlier\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["traffic.csv"])
        let third = try AtomicFile(path)
        try third.write(try export(from: 0, to: 1))
        try third.commit()
        #expect(try String(contentsOfFile: path, encoding: .utf8) == (try export(from: 0, to: 1)))
    }
}
