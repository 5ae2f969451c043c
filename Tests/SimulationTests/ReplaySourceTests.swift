import FlywheelCore
import Foundation
import Simulation
import Streams
import Testing

/// A CSV whose day `d` (from 2024-03-01) holds `perDay[d]` rows at evenly spread hours; feature
/// `a` is the row index, `b` is 100 + the row index, the label alternates p, q, p, q, ….
private func dayFile(_ name: String, perDay: [Int]) throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("flywheel-replaysource-\(ProcessInfo.processInfo.processIdentifier)-\(name).csv").path
    var csv = "t,a,b,y\n", row = 0
    let start = ISOTime.parse("2024-03-01")!
    for (d, n) in perDay.enumerated() {
        for i in 0..<n {
            let t = start + Int64(d) * 86_400 + Int64(i) * 86_400 / Int64(n)
            csv += "\(ISOTime.format(t)),\(row),\(100 + row),\(row % 2 == 0 ? "p" : "q")\n"
            row += 1
        }
    }
    try csv.write(toFile: path, atomically: true, encoding: .utf8)
    return path
}

private let day = Span(seconds: 86_400)

@Suite struct ReplaySourceTests {
    @Test func warmUpTicksAreHistoryAndTheRestAreScoredInOrder() throws {
        let path = try dayFile("order", perDay: [3, 5, 0, 4, 2, 6])
        defer { try? FileManager.default.removeItem(atPath: path) }
        let mapping = ReplayMapping(path: path, timestamp: "t", label: "y", numeric: ["a", "b"], tick: .span(day))
        let source = try ReplaySource(mapping: mapping, warmupTicks: 2)
        #expect(source.fileTicks == 6 && source.rows == 20 && source.ticks == 4)
        #expect(source.rowsPerTick == [3, 5, 0, 4, 2, 6])
        #expect(source.start == ISOTime.parse("2024-03-03"))
        let (warmup, batches) = try source.generate(replicate: 0, seed: 1)
        let expectedWarmup: [Double] = (0..<8).flatMap { (r: Int) -> [Double] in [Double(r), Double(100 + r)] }
        #expect(warmup.features == expectedWarmup)
        #expect(batches.map(\.count) == [0, 4, 2, 6])
        #expect(batches[1].features.first == 8 && batches[3].features.last == 119)
        #expect(batches.allSatisfy { $0.bayes.allSatisfy(\.isNaN) && $0.concept.allSatisfy { $0 == 0 } })
        let (_, again) = try source.generate(replicate: 5, seed: 1)
        #expect(again.map(\.features) == batches.map(\.features))

        let short = try ReplaySource(mapping: mapping, warmupTicks: 2, ticks: 3)
        #expect(try short.generate(replicate: 0, seed: 1).batches.map(\.count) == [0, 4, 2])
        #expect(throws: FlywheelError.self) { try ReplaySource(mapping: mapping, warmupTicks: 2, ticks: 5) }
        #expect(throws: FlywheelError.self) { try ReplaySource(mapping: mapping, warmupTicks: 6) }
        #expect(throws: FlywheelError.self) { try ReplaySource(mapping: mapping, warmupTicks: 0) }
    }

    @Test func declaredDriftsAreConvertedToScoredTicks() throws {
        let path = try dayFile("declared", perDay: [4, 4, 8, 2, 4, 4])
        defer { try? FileManager.default.removeItem(atPath: path) }
        let mapping = ReplayMapping(path: path, timestamp: "t", label: "y", numeric: ["a"], tick: .span(day))
        let source = try ReplaySource(mapping: mapping, warmupTicks: 1, declared: [
            // Row 14 is the 7th of the 8 rows of file tick 2: position 2 + 6/8, scored 1.75.
            DeclaredDrift(at: .row(14)),
            // Noon on 2024-03-05 is file tick 4.5, scored 3.5; a 2-day width spans scored 2.5 … 4.5.
            DeclaredDrift(at: .time(ISOTime.parse("2024-03-05T12:00")!), type: "gradual", width: .span(Span(seconds: 2 * 86_400))),
            // Row 2 is in the warm-up: not part of the scored ground truth.
            DeclaredDrift(at: .row(2)),
        ])
        let truth = source.groundTruth()
        #expect(truth.map(\.changePoint) == [1.75, 3.5])
        #expect(truth[1].start == 2.5 && truth[1].end == 4.5 && truth[1].type == "gradual")
        #expect(truth.map(\.id) == [0, 1])
        #expect(truth.allSatisfy { $0.target == "concept" && $0.detail == "declared" })

        #expect(throws: FlywheelError.self) { try ReplaySource(mapping: mapping, warmupTicks: 1, declared: [DeclaredDrift(at: .row(26))]) }
        #expect(throws: FlywheelError.self) {
            try ReplaySource(mapping: mapping, warmupTicks: 1, declared: [DeclaredDrift(at: .row(5), type: "gradual")])
        }
        let byRows = ReplayMapping(path: path, timestamp: "t", label: "y", numeric: ["a"], tick: .rows(4))
        #expect(throws: FlywheelError.self) {
            try ReplaySource(mapping: byRows, warmupTicks: 1, declared: [DeclaredDrift(at: .time(ISOTime.parse("2024-03-03")!))])
        }
    }

    @Test func labelNoiseAndQualityFaultsHitTheirShareOfEvents() throws {
        let path = try dayFile("faults", perDay: Array(repeating: 400, count: 26))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let mapping = ReplayMapping(path: path, timestamp: "t", label: "y", numeric: ["a", "b"], tick: .span(day))
        var source = try ReplaySource(mapping: mapping, warmupTicks: 1)
        source.drifts = [
            Drift(name: "noise", schedule: .instantaneous(at: 5), target: .labelNoise(rate: 0.3)),
            Drift(name: "b lost", schedule: .temporary(start: 10, duration: 10, ramp: 0), target: .quality(feature: 1, fault: .missing(rate: 0.5))),
        ]
        let (_, batches) = try source.generate(replicate: 0, seed: 9)
        var flipped = 0, flippedBefore = 0, missing = 0, missingOutside = 0, aTouched = 0
        for (t, b) in batches.enumerated() {
            for i in 0..<b.count {
                let row = Int(b.features[i * 2])
                if b.features[i * 2] != Double(row) { aTouched += 1 }
                let clean = Double(row % 2)
                if b.labels[i] != clean { if t >= 5 { flipped += 1 } else { flippedBefore += 1 } }
                if b.features[i * 2 + 1].isNaN { if t >= 10 && t < 20 { missing += 1 } else { missingOutside += 1 } }
                else if b.features[i * 2 + 1] != Double(100 + row) { aTouched += 1 }
            }
        }
        #expect(flippedBefore == 0 && missingOutside == 0 && aTouched == 0)
        // 20 ticks × 400 events at η = 0.3: sd ≈ 41 flips; 10 ticks × 400 at 0.5: sd ≈ 32 losses.
        #expect(abs(Double(flipped) - 0.3 * 8_000) < 200, "\(flipped) flips")
        #expect(abs(Double(missing) - 0.5 * 4_000) < 160, "\(missing) missing")
        let truth = source.groundTruth()
        #expect(truth.map(\.target) == ["label_noise", "quality"])
        #expect(truth.map(\.changePoint) == [5, 10])
    }
}
