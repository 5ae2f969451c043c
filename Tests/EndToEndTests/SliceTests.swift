import Analysis
import FlywheelCore
import Foundation
import Scenarios
import Simulation
import Testing
import Workbench

@Suite struct Slices {
    /// A replay with a slice column records the accuracy served to each slice and the report
    /// compares them; each tick's overall accuracy lies between its slices'.
    @Test func perSliceAccuracyIsRecordedAndReported() throws {
        let dir = temporaryDirectory("slices")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        // Two regions; in "south" the label rule flips halfway through the file.
        var csv = "x,region,y\n"
        let rng = RandomStream(seed: 3)
        for row in 0..<6000 {
            let x = rng.uniform(), south = rng.bernoulli(0.3)
            let flipped = south && row >= 3000
            let y = (x > 0.5) != flipped ? 1 : 0
            csv += "\(x),\(south ? "south" : "north"),\(y)\n"
        }
        try csv.write(to: dir.appendingPathComponent("sliced.csv"), atomically: true, encoding: .utf8)
        let scenario = try ScenarioLoader.parse("""
        name: sliced
        stream:
          warmup_ticks: 2
          replay: {path: \(dir.appendingPathComponent("sliced.csv").path), label: y, numeric: [x], slice: region, tick: 200 rows}
        labels: {coverage: 0.5, delay: 1}
        strategies:
          - {name: never, trigger: never}
          - {name: every-3, trigger: {every: 3}, dataset: {window: 3}}
          - {name: per-slice-log, trigger: never, logging: {stratified: 0.1, by: slice}, labels: {coverage: 1}}
        """, file: "sliced.yaml")
        let out = dir.appendingPathComponent("out")
        let outputs = try Workbench.run(scenario, outDirectory: out.path, threads: 2)
        let never = try #require(outputs.record.runs(of: "never").first)
        let north = try #require(never.values("accuracy@north")), south = try #require(never.values("accuracy@south"))
        let all = try #require(never.values("accuracy"))
        for t in all.indices where !north[t].isNaN && !south[t].isNaN {
            #expect(all[t] >= min(north[t], south[t]) - 1e-12 && all[t] <= max(north[t], south[t]) + 1e-12)
        }
        // After the flip the never-retrained model fails the south only.
        let late = (all.count - 10)..<all.count
        #expect(late.map { south[$0] }.reduce(0, +) / 10 < 0.1)
        #expect(late.map { north[$0] }.reduce(0, +) / 10 > 0.9)
        let report = try String(contentsOf: out.appendingPathComponent("report.md"), encoding: .utf8)
        #expect(report.contains("## Per-slice comparison") && report.contains("`south`"))
        // Logging stratified by slice keeps ⌈0.1 × 200 / 3⌉ = 7 events of each slice a tick (the
        // third group, events without a slice, is empty here): 14 labels a tick.
        let perSlice = try #require(outputs.record.runs(of: "per-slice-log").first?.values("labels"))
        #expect(perSlice.allSatisfy { $0 == 14 }, "\(perSlice.prefix(5))")
    }
}
