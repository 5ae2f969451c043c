import FlywheelCore
import Foundation
import GRDB
import Streams
import Testing

/// A temporary folder, removed with the value.
final class Scratch {
    let url: URL
    init() throws {
        url = temporaryDirectory("sqlite-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(at: url) }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// Writes a text file.
    func write(_ name: String, _ text: String) throws -> String {
        try text.write(toFile: path(name), atomically: true, encoding: .utf8)
        return path(name)
    }

    /// Creates an SQLite database with GRDB and runs `build` in one write transaction.
    func database(_ name: String, _ build: (Database) throws -> Void) throws -> String {
        let queue = try DatabaseQueue(path: path(name))
        try queue.write(build)
        try queue.close()
        return path(name)
    }
}

/// Elec2 (Harries 1999) copied from `elec2.csv` into table `elec2` of an SQLite database, with
/// SQLite types: the timestamp and the class as TEXT, `day` as INTEGER, every other column REAL
/// (the CSV's text read by Swift's correctly rounded `Double(_:)`).
func elec2Database(in scratch: Scratch) throws -> String {
    let rows = try plainRows(RealData.path("elec2.csv"))
    return try scratch.database("elec2.sqlite") { db in
        try db.execute(sql: """
            CREATE TABLE elec2 (timestamp_reconstructed TEXT, date REAL, day INTEGER, period REAL, nswprice REAL,
                                nswdemand REAL, vicprice REAL, vicdemand REAL, transfer REAL, class TEXT)
            """)
        let insert = try db.makeStatement(sql: "INSERT INTO elec2 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        for r in rows {
            var values: [(any DatabaseValueConvertible)?] = [String(r[0])]
            for (j, cell) in r[1...8].enumerated() {
                values.append(j == 1 ? Int64(cell)! as any DatabaseValueConvertible : Double(cell)!)
            }
            values.append(String(r[9]))
            try insert.execute(arguments: StatementArguments(values))
        }
    }
}

/// Every tick of a replay: index, start and batch.
func drain(_ replay: TableReplay) throws -> [(tick: Int, start: Int64?, batch: EventBatch)] {
    var out: [(tick: Int, start: Int64?, batch: EventBatch)] = []
    while let t = try replay.nextTick() { out.append(t) }
    return out
}

/// Expects two replays' ticks to be identical: indices, starts, and every event's features (bit
/// for bit), label, slice, concept and Bayes value.
func expectSameTicks(_ a: [(tick: Int, start: Int64?, batch: EventBatch)], _ b: [(tick: Int, start: Int64?, batch: EventBatch)],
                     _ what: Comment, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
    #expect(a.count == b.count, "\(what): tick counts", sourceLocation: sourceLocation)
    for (x, y) in zip(a, b) {
        let same = x.tick == y.tick && x.start == y.start && x.batch.dimension == y.batch.dimension
            && x.batch.features.map(\.bitPattern) == y.batch.features.map(\.bitPattern)
            && x.batch.labels.map(\.bitPattern) == y.batch.labels.map(\.bitPattern)
            && x.batch.slice == y.batch.slice && x.batch.concept == y.batch.concept
            && x.batch.bayes.map(\.bitPattern) == y.batch.bayes.map(\.bitPattern)
        if !same {
            Issue.record("\(what): tick \(x.tick) differs", sourceLocation: sourceLocation)
            return
        }
    }
}

/// Runs `body` and returns the FlywheelError it throws (nil, with an issue, if it throws none).
func flywheelError(sourceLocation: Testing.SourceLocation = #_sourceLocation, _ body: () throws -> Void) -> FlywheelError? {
    do { try body() } catch let e as FlywheelError { return e } catch { Issue.record("unexpected error \(error)", sourceLocation: sourceLocation) }
    Issue.record("no error thrown", sourceLocation: sourceLocation)
    return nil
}

let hour = Span(seconds: 3_600)
let day = Span(seconds: 86_400)
