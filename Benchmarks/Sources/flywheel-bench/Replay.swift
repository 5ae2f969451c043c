import Foundation
import FlywheelCore
import Scenarios
import Simulation
import SQLiteReplay
import Streams

/// Replaying a timestamped CSV or SQLite table (Elec2's columns) through ``TableReplay``: every
/// tick of one day, every row decoded into an ``EventBatch`` (timestamps parsed, seven numeric
/// features, the class).
enum ReplayBench {
    static func mapping(_ path: String, table: String?, classesGiven: Bool) -> ReplayMapping {
        ReplayMapping(path: path, timestamp: "timestamp_reconstructed", timestampFormat: .iso8601, label: "class",
                      classes: classesGiven ? ["DOWN", "UP"] : nil,
                      numeric: ["day", "period", "nswprice", "nswdemand", "vicprice", "vicdemand", "transfer"],
                      tick: .span(Span(seconds: 86_400)), table: table)
    }

    /// (rows, ticks, positives, seconds) for one full replay, opening the file included; `table`
    /// names the table of an SQLite database.
    static func run(_ path: String, table: String? = nil, classesGiven: Bool) throws -> (rows: Int, ticks: Int, up: Int, seconds: Double) {
        let clock = ContinuousClock()
        let start = clock.now
        let replay = try ReplayOpener.files.replay(mapping(path, table: table, classesGiven: classesGiven))
        var rows = 0, ticks = 0, up = 0
        let upIndex = Double(replay.schema.classes.firstIndex(of: "UP") ?? -1)
        while let (_, _, batch) = try replay.nextTick() {
            ticks += 1
            rows += batch.count
            for y in batch.labels where y == upIndex { up += 1 }
        }
        return (rows, ticks, up, (clock.now - start).seconds)
    }
}

/// A whole run on a replayed file (Elec2's columns, one-day ticks): the file read once for both
/// strategies, a never-retrained model and a monthly one on a 30-day window, every label arriving
/// a day later. Peak memory is the process's (run it once per process).
enum ReplayRunBench {
    static func scenario(_ path: String) -> String {
        """
        name: replay-run
        seed: 1
        stream:
          warmup_ticks: 7
          replay:
            path: \(path)
            timestamp: timestamp_reconstructed
            timestamp_format: iso8601
            label: class
            classes: [UP, DOWN]
            numeric: [day, period, nswprice, nswdemand, vicprice, vicdemand, transfer]
            tick: 1d
            order: fail
        model: {family: logistic_regression, l2: 1.0e-4}
        labels: {coverage: 1.0, delay: 1d}
        strategies:
          - {name: never, trigger: never}
          - {name: monthly, trigger: {every: 30d}, dataset: {window: 30d}}
        """
    }

    static func run(_ path: String, threads: Int, trafficMiB: Int) throws -> [String: Any] {
        let clock = ContinuousClock()
        let start = clock.now
        let plan = try ScenarioLoader.parse(scenario(path), file: "replay-run.yaml").plan
        let record = try Runner.run(plan, threads: threads, chunkBytes: trafficMiB << 20)
        let seconds = (clock.now - start).seconds
        let events = record.traffic[0].volume.reduce(0, +)
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let bytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        let accuracy = record.runs.map { run -> Double in
            let a = run.values("accuracy")!, v = record.traffic[0].volume
            return zip(a, v).reduce(0) { $0 + $1.0 * $1.1 } / events
        }
        return ["workload": "replay-run", "file_bytes": bytes, "events": Int(events), "ticks": plan.source.ticks,
                "traffic_mib": trafficMiB, "seconds": seconds, "per_s": events * Double(record.runs.count) / seconds,
                "peak_rss_mb": Double(usage.ru_maxrss) / 1024, "accuracy_never": accuracy[0], "accuracy_monthly": accuracy[1]]
    }
}
