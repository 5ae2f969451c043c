import FlywheelCore
import Foundation
import Scenarios
import Simulation
import Testing

/// Hand-made traffic: 30 days of 100 events (a, b uniform on [0, 10), label a + b ≤ 10), with
/// three faults: on day 15 a is missing in 30 events, on day 20 b is 25 (outside [0, 10)) in 40
/// events, and day 25 has only 30 events.
private func faultyTraffic(_ name: String) throws -> String {
    let path = FileManager.default.temporaryDirectory
        .appendingPathComponent("flywheel-quality-\(ProcessInfo.processInfo.processIdentifier)-\(name).csv").path
    let rng = RandomStream(seed: 11)
    var csv = "time,a,b,y\n"
    for day in 0..<30 {
        let count = day == 25 ? 30 : 100
        for i in 0..<count {
            let a = rng.uniform() * 10, b = rng.uniform() * 10
            let label = a + b <= 10 ? "yes" : "no"
            let aText = day == 15 && i < 30 ? "NaN" : "\(a)", bText = day == 20 && i < 40 ? "25" : "\(b)"
            csv += String(format: "2024-01-%02dT%02d:%02d:00,", day + 1, i / 60 % 24, i % 60) + "\(aText),\(bText),\(label)\n"
        }
    }
    try csv.write(toFile: path, atomically: true, encoding: .utf8)
    return path
}

private func run(_ trigger: String, name: String, dataset: String = "{window: 3d}", gate: String = "{holdout: 0}") throws -> RunRecord {
    let path = try faultyTraffic(name)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let plan = try ScenarioLoader.parse("""
    name: quality
    seed: 3
    stream:
      warmup_ticks: 7
      replay: {path: \(path), timestamp: time, label: y, numeric: [a, b], tick: 1d}
    model: {family: gaussian_nb}
    labels: {coverage: 1, delay: 0}
    strategies: [{name: q, trigger: \(trigger), dataset: \(dataset), gate: \(gate)}]
    """, file: "quality.yaml").plan
    return try Runner.run(plan, threads: 1)
}

@Suite struct QualityTriggerOnHandMadeTraffic {
    /// Days 0-6 fit the initial model, so run tick t is day t + 7: the faults are at ticks 8, 13
    /// and 18. Each check fires exactly at its fault, and no clean tick fires.
    @Test(arguments: [("{quality: {missing: 0.2}}", [8]), ("{quality: {out_of_range: 0.2}}", [13]),
                      ("{quality: {volume_drop: 0.5}}", [18]),
                      ("{quality: {missing: 0.2, out_of_range: 0.2, volume_drop: 0.5}}", [8, 13, 18])])
    func eachCheckFiresAtItsFault(trigger: String, ticks: [Int]) throws {
        let r = try run(trigger, name: ticks.map(String.init).joined(separator: "-"))
        let fired = r.runs[0].events.filter { $0.kind == "trigger" }.map(\.tick)
        #expect(fired == ticks, "\(trigger): \(fired)")
    }

    /// Thresholds just above each fault's share: 30 % missing, 40 % out of range, 70 % fewer events.
    @Test func aThresholdAboveTheFaultDoesNotFire() throws {
        let r = try run("{quality: {missing: 0.31, out_of_range: 0.41, volume_drop: 0.71}}", name: "above")
        #expect(r.runs[0].events.filter { $0.kind == "trigger" }.isEmpty)
    }
}

@Suite struct QualityGateOnHandMadeTraffic {
    /// Training every day on the last 100 labels (that day's rows): the candidate of day 15 (30 of 100 rows missing a)
    /// and that of day 20 (40 of 100 rows with b = 25, outside the warmup's range) are refused,
    /// with their exact shares; every other candidate is deployed.
    @Test func refusesExactlyTheCandidatesTrainedOnFaultyDays() throws {
        let r = try run("{every: 1d}", name: "gate", dataset: "{count: 100}", gate: "{quality: {missing: 0.2, out_of_range: 0.2}}")
        let rejects = r.runs[0].events.filter { $0.kind == "reject" }
        #expect(rejects.map(\.tick) == [8, 13], "\(rejects)")
        #expect(rejects.first?.detail.hasPrefix("data quality: a missing in 0.3 of the training rows") == true, "\(rejects)")
        #expect(rejects.last?.detail.contains("b outside its reference range") == true
                && rejects.last?.detail.contains("in 0.4 of the training rows") == true, "\(rejects)")
        let trains = r.runs[0].events.filter { $0.kind == "train" }.count
        #expect(r.runs[0].events.filter { $0.kind == "deploy" }.count == trains - 2)
    }

    @Test func refusesAVolumeCheckWithTheReason() {
        var messages: [FlywheelError] = []
        do { _ = try run("{every: 1d}", name: "vol", gate: "{quality: {volume_drop: 0.5}}") } catch let e as FlywheelErrors {
            messages = e.errors
        } catch {}
        #expect(messages.contains { $0.description.contains("a training set has no volume to judge") }, "\(messages)")
    }
}

/// The monitor series on the same hand-made traffic: `quality_missing` is exactly the missing share of
/// `a` on day 15 (the warmup has none) and 0 elsewhere; `quality_out_of_range` is the 40 % of `b` at 25
/// on day 20, and on clean days only the few uniform draws beyond the warmup's own extremes (under 5 %).
@Suite struct QualityMonitorsOnHandMadeTraffic {
    @Test func theSeriesAreTheFaultsShares() throws {
        let path = try faultyTraffic("monitors")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let plan = try ScenarioLoader.parse("""
        name: monitors
        seed: 3
        stream:
          warmup_ticks: 7
          replay: {path: \(path), timestamp: time, label: y, numeric: [a, b], tick: 1d}
        model: {family: gaussian_nb}
        labels: {coverage: 1, delay: 0}
        metrics: [quality_missing, quality_out_of_range]
        strategies: [{name: never, trigger: never}, {name: daily, trigger: {every: 1d}}]
        """, file: "monitors.yaml").plan
        let r = try Runner.run(plan, threads: 1)
        for run in r.runs {
            let missing = try #require(run.values("quality_missing")), range = try #require(run.values("quality_out_of_range"))
            #expect(missing.count == 23)
            for t in 0..<missing.count { #expect(abs(missing[t] - (t == 8 ? 0.3 : 0)) < 1e-12, "tick \(t): \(missing[t])") }
            #expect(abs(range[13] - 0.4) < 0.03, "\(range[13])")
            for t in 0..<range.count where t != 13 { #expect(range[t] < 0.05, "tick \(t): \(range[t])") }
        }
        // The inputs are the same traffic for every strategy, so are the monitors.
        #expect(r.runs[0].values("quality_missing") == r.runs[1].values("quality_missing"))
    }
}
