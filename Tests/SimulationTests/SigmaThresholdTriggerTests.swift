import FlywheelCore
import Foundation
import Scenarios
import Simulation
import Testing

/// Hand-made traffic: 30 days of 100 events, a uniform on [0, 10), label a < 5 until day 25 and the
/// opposite from then on (tick 18 of the run, after 7 warmup days); with `shift`, the concept stays
/// and a moves by +5 from day 25 instead.
private func flippingTraffic(_ name: String, shift: Bool = false) throws -> String {
    let path = FileManager.default.temporaryDirectory
        .appendingPathComponent("flywheel-sigma-\(ProcessInfo.processInfo.processIdentifier)-\(name).csv").path
    let rng = RandomStream(seed: 8)
    var csv = "time,a,y\n"
    for day in 0..<30 {
        for i in 0..<100 {
            let a = rng.uniform() * 10 + (shift && day >= 25 ? 5 : 0)
            let label = (a < 5) == (shift || day < 25) ? "yes" : "no"
            csv += String(format: "2024-01-%02dT%02d:%02d:00,", day + 1, i / 60, i % 60) + "\(a),\(label)\n"
        }
    }
    try csv.write(toFile: path, atomically: true, encoding: .utf8)
    return path
}

private func firings(_ trigger: String, name: String, shift: Bool = false) throws -> [Int] {
    let path = try flippingTraffic(name, shift: shift)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let plan = try ScenarioLoader.parse("""
    name: sigma
    stream:
      warmup_ticks: 7
      replay: {path: \(path), timestamp: time, label: y, numeric: [a], tick: 1d}
    model: {family: gaussian_nb}
    labels: {coverage: 1, delay: 0}
    strategies: [{name: s, trigger: \(trigger), dataset: {window: 1d}}]
    """, file: "sigma.yaml").plan
    return try Runner.run(plan, threads: 1).runs[0].events.filter { $0.kind == "trigger" }.map(\.tick)
}

@Suite struct LearntPerformanceThreshold {
    /// The first four one-day windows after deployment are the reference (accuracy near 1, little
    /// spread); nothing fires on the clean days after them, and the flip fires at its first tick.
    @Test func theFlipFiresAtItsTickAndNothingBefore() throws {
        let fired = try firings("{performance: {threshold: {sigma: 3, windows: 4}, window: 1d}}", name: "fires")
        #expect(fired.first == 18, "\(fired)")
    }

    /// A reference longer than the run never completes, so the trigger never fires.
    @Test func anIncompleteReferenceNeverFires() throws {
        #expect(try firings("{performance: {threshold: {sigma: 3, windows: 40}, window: 1d}}", name: "never").isEmpty)
    }

    /// The drift trigger's distances on the first four one-day windows after deployment set its
    /// threshold; the input shift fires at its first tick, the clean days before it do not.
    @Test(arguments: ["ks", "wasserstein", "mmd"])
    func aDriftTriggerLearnsItsThreshold(metric: String) throws {
        let fired = try firings("{drift: {on: features, metric: \(metric), threshold: {sigma: 3}, window: 1d}}",
                                name: "drift-\(metric)", shift: true)
        #expect(fired.first == 18, "\(metric): \(fired)")
        #expect(try firings("{drift: {on: features, metric: \(metric), threshold: {sigma: 3, windows: 40}, window: 1d}}",
                            name: "drift-never-\(metric)", shift: true).isEmpty)
    }

    @Test func sigmaWithDropIsRefusedAtTheLine() {
        do {
            _ = try ScenarioLoader.parse("""
            name: s
            clock: {tick: 1d, ticks: 10}
            stream: {generator: sea}
            strategies: [{name: a, trigger: {performance: {threshold: {sigma: 3}, drop: 0.02}}}]
            """, file: "s.yaml")
            Issue.record("accepted")
        } catch {
            #expect("\(error)".contains("s.yaml:4") && "\(error)".contains("drop and threshold: {sigma"), "\(error)")
        }
    }
}
