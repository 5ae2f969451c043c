import Foundation
import FlywheelCore
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
