import FlywheelCore
import Foundation
import Scenarios
import Simulation
import Storage
import Testing

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
