import FlywheelCore
import Foundation
import GRDB
import Scenarios
import SQLiteReplay
import Streams
import Testing
import Workbench

/// Elec2 (Harries 1999) copied into SQLite replays exactly as the CSV file does.
@Suite(.serialized, .enabled(if: RealData.available, RealData.skipReason))
struct Elec2FromSQLite {
    static let features = ["date", "day", "period", "nswprice", "nswdemand", "vicprice", "vicdemand", "transfer"]

    /// Replays the CSV file and the SQLite copy with the same mapping and expects identical ticks.
    private func expectSame(_ db: String, _ what: Comment, _ mapping: (_ path: String, _ table: String?) -> ReplayMapping) throws {
        let csv = try ReplayOpener.files.replay(mapping(RealData.path("elec2.csv"), nil))
        let sql = try ReplayOpener.files.replay(mapping(db, "elec2"))
        #expect(csv.schema == sql.schema, what)
        #expect(csv.rowCount == sql.rowCount && csv.tickCount == sql.tickCount && csv.origin == sql.origin, what)
        expectSameTicks(try drain(csv), try drain(sql), what)
    }

    @Test func theSQLiteCopyReplaysExactlyTheCSVBatches() throws {
        let scratch = try Scratch()
        let db = try elec2Database(in: scratch)
        let f = Elec2FromSQLite.features

        // Classes learned by a first pass, one-day ticks: 944 ticks of 48 half-hours.
        let replay = try ReplayOpener.files.replay(ReplayMapping(path: db, timestamp: "timestamp_reconstructed", label: "class",
                                                                 numeric: f, tick: .span(day), table: "elec2"))
        let ticks = try drain(replay)
        #expect(ticks.count == 944 && ticks.allSatisfy { $0.batch.count == 48 })
        #expect(replay.schema.classes == ["UP", "DOWN"])
        #expect(ticks[0].start == ISOTime.parse("1996-05-07"))
        // Independent truth: row 48·500 + 7 of the CSV text, split by hand.
        let row = try plainRows(RealData.path("elec2.csv"))[48 * 500 + 7]
        #expect(Array(ticks[500].batch.features[(7 * 8)..<(8 * 8)]) == row[1...8].map { Double($0)! })
        #expect(ticks[500].batch.labels[7] == (row[9] == "UP" ? 0 : 1))

        try expectSame(db, "classes learned, 1d ticks") { p, t in
            ReplayMapping(path: p, timestamp: "timestamp_reconstructed", label: "class", numeric: f, tick: .span(day), table: t)
        }
        try expectSame(db, "classes given, 500-row ticks, day one-hot and as the slice") { p, t in
            ReplayMapping(path: p, timestamp: "timestamp_reconstructed", label: "class", classes: ["DOWN", "UP"], numeric: f.filter { $0 != "day" },
                          categorical: ["day"], encoding: .oneHot, slice: "day", tick: .rows(500), table: t)
        }
        try expectSame(db, "sorted (ORDER BY against the in-order CSV), 1h ticks") { p, t in
            ReplayMapping(path: p, timestamp: "timestamp_reconstructed", label: "class", numeric: f, tick: .span(hour),
                          order: t == nil ? .fail : .sort, table: t)
        }
        try expectSame(db, "regression on nswdemand, no timestamp") { p, t in
            ReplayMapping(path: p, label: "nswdemand", labelKind: .regression, numeric: ["nswprice", "vicprice", "transfer"],
                          categorical: ["class"], tick: .rows(1000), table: t)
        }
        try expectSame(db, "a query selecting the columns by name") { p, t in
            ReplayMapping(path: p, timestamp: "timestamp_reconstructed", label: "class", numeric: ["nswprice", "vicprice"],
                          tick: .span(day), query: t.map { "SELECT timestamp_reconstructed, nswprice, vicprice, class FROM \($0)" })
        }
    }

    @Test func aScenarioOnTheSQLiteCopyWritesByteIdenticalOutputs() throws {
        let scratch = try Scratch()
        let db = try elec2Database(in: scratch)
        var text = try String(contentsOf: repositoryRoot.appendingPathComponent("scenarios/elec2-daily.yaml"), encoding: .utf8)
        text = text.replacingOccurrences(of: "# clock: {ticks: 60}", with: "clock: {ticks: 60}")
        text = text.replacingOccurrences(of: "    order: fail\n", with: """
                order: fail
                known_drifts: [{at: 1996-06-20, type: instantaneous}, {at: 2000, type: gradual, width: 480}]
            drifts:
              - {type: instantaneous, at: 20, target: covariates, shift: {feature: nswprice, by: 0.1}}
              - {type: instantaneous, at: 30, target: label_noise, rate: 0.2}
            
            """)
        let csvText = text.replacingOccurrences(of: "path: elec2.csv", with: "path: \(RealData.path("elec2.csv"))")
        let sqlText = text.replacingOccurrences(of: "path: elec2.csv", with: "path: \(db)\n    table: elec2")
        #expect(csvText != sqlText && sqlText.contains("table: elec2"))
        let folders = [scratch.url.appendingPathComponent("csv"), scratch.url.appendingPathComponent("sqlite")]
        for (t, out) in zip([csvText, sqlText], folders) {
            let scenario = try ScenarioLoader.parse(t, file: "scenarios/elec2-daily.yaml")
            _ = try Workbench.run(scenario, outDirectory: out.path, threads: 2)
        }
        // Every output is byte-identical, except the run store, which records the scenario's text.
        let (a, b) = (try outputs(folders[0], database: "run.sqlite"), try outputs(folders[1], database: "run.sqlite"))
        #expect(Set(a.keys) == Set(b.keys))
        #expect(a.keys.contains("metrics.csv") && a.keys.contains("report.md") && a.keys.contains("drifts.csv"))
        for (file, bytes) in a { #expect(bytes == b[file], "\(file) differs between the CSV and the SQLite replay") }
        // The ground truth holds the two injected and the two declared drifts.
        let drifts = try String(contentsOf: folders[1].appendingPathComponent("drifts.csv"), encoding: .utf8)
        #expect(drifts.split(separator: "\n").count == 1 + 4, "\(drifts)")
        #expect(drifts.contains("declared"))
        // The run stores agree on every recorded table but the manifest.
        let stores = try folders.map { try DatabaseQueue(path: $0.appendingPathComponent("run.sqlite").path) }
        for table in ["metric", "event", "traffic", "drift", "strategy"] {
            let rows = try stores.map { s in try s.read { try Row.fetchAll($0, sql: "SELECT * FROM \(table)") } }
            #expect(rows[0] == rows[1], "table \(table) differs")
        }
    }
}

/// Replaying SQLite tables built in the test: every timestamp storage, every cell storage class,
/// sorting, streaming and the scenario path.
struct SQLiteReplaying {
    /// Timestamps stored every way a replay reads them give the same ticks, with the counts a
    /// closed-form grouping of the times gives.
    @Test func timestampsStoredAsTextIntegersRealsAndPatternsGiveTheSameTicks() throws {
        let scratch = try Scratch()
        // 300 rows from 2024-03-09T22:17:05Z, 0 to 2 hours apart (a fixed LCG), over about 12 days.
        var times: [Int64] = []
        var t: Int64 = 1_710_022_625, state: UInt64 = 7
        for _ in 0..<300 {
            times.append(t)
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            t += Int64(state >> 33) % 7_200
        }
        func pattern(_ t: Int64) -> String {   // %d/%m/%Y %H:%M:%S from the ISO form
            let iso = Array(ISOTime.format(t))
            return String(iso[8..<10]) + "/" + String(iso[5..<7]) + "/" + String(iso[0..<4]) + " " + String(iso[11..<19])
        }
        let db = try scratch.database("times.db") { db in
            try db.execute(sql: "CREATE TABLE ev (iso TEXT, s INTEGER, s_real REAL, s_text TEXT, ms INTEGER, ms_real REAL, pat TEXT, x REAL, y TEXT)")
            for (i, t) in times.enumerated() {
                try db.execute(sql: "INSERT INTO ev VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", arguments: [
                    ISOTime.format(t), t, Double(t) + 0.75, String(t), t * 1000 + 999, Double(t * 1000) + 123.5, pattern(t), Double(i),
                    i % 3 == 0 ? "a" : "b",
                ])
            }
        }
        // Closed form: 6-hour ticks from the first row's day's midnight, advanced by whole spans.
        let span: Int64 = 21_600
        let origin = times[0] - times[0] % 86_400 + (times[0] % 86_400) / span * span
        var expected = [Int](repeating: 0, count: Int((times.last! - origin) / span) + 1)
        for t in times { expected[Int((t - origin) / span)] += 1 }

        let formats: [(String, TimestampFormat)] = [("iso", .iso8601), ("s", .epochSeconds), ("s_real", .epochSeconds), ("s_text", .epochSeconds),
                                                    ("ms", .epochMilliseconds), ("ms_real", .epochMilliseconds), ("pat", .pattern("%d/%m/%Y %H:%M:%S"))]
        for (column, format) in formats {
            let replay = try ReplayOpener.files.replay(ReplayMapping(path: db, timestamp: column, timestampFormat: format, label: "y",
                                                                     numeric: ["x"], tick: .span(Span(seconds: span)), table: "ev"))
            let ticks = try drain(replay)
            #expect(replay.origin == origin, "\(column)")
            #expect(ticks.map(\.batch.count) == expected, "\(column)")
            #expect(ticks.map(\.start) == expected.indices.map { origin + Int64($0) * span }, "\(column)")
            #expect(ticks.flatMap(\.batch.features) == times.indices.map(Double.init), "\(column)")
        }
    }

    /// Cells of every storage class decode as the same text would in a CSV file: numbers as they
    /// are, NULL as missing, text through the CSV rules (missing-value tokens, categories).
    @Test func everyStorageClassDecodesAsTheSameCSVText() throws {
        let scratch = try Scratch()
        let csv = try scratch.write("mixed.csv", """
            x,c,s,y
            1.5,1,north,a
            ,2.5,,b
            NA,a,south,a
            7,,north,b
            3.25,1,south,b
            -0.0625,b,west,a

            """)
        let db = try scratch.database("mixed.sqlite") { db in
            try db.execute(sql: "CREATE TABLE m (x, c, s, y)")   // no declared types: cells keep what is stored
            let rows: [[(any DatabaseValueConvertible)?]] = [
                [1.5, 1, "north", "a"], [nil, 2.5, nil, "b"], ["NA", "a", "south", "a"],
                [7, nil, "north", "b"], ["3.25", "1", "south", "b"], [-0.0625, "b", "west", "a"],
            ]
            for r in rows { try db.execute(sql: "INSERT INTO m VALUES (?, ?, ?, ?)", arguments: StatementArguments(r)) }
        }
        for encoding in CategoricalEncoding.allCases {
            func mapping(_ path: String, _ table: String?) -> ReplayMapping {
                ReplayMapping(path: path, label: "y", numeric: ["x"], categorical: ["c"], encoding: encoding, slice: "s", tick: .rows(4), table: table)
            }
            let a = try ReplayOpener.files.replay(mapping(csv, nil)), b = try ReplayOpener.files.replay(mapping(db, "m"))
            #expect(a.schema == b.schema)
            #expect(b.schema.slices == ["north", "south", "west"])
            expectSameTicks(try drain(a), try drain(b), "\(encoding)")
        }
        let ordinal = try drain(ReplayOpener.files.replay(ReplayMapping(path: db, label: "y", numeric: ["x"], categorical: ["c"],
                                                                        tick: .rows(10), table: "m")))[0].batch
        // The vocabulary of c is "1" (INTEGER 1 and TEXT '1'), "2.5" (a REAL), "a", "b"; NULL is missing.
        #expect(Array(ordinal.features.enumerated().filter { $0.offset % 2 == 1 }.map(\.element).map { $0.isNaN ? -9 : $0 }) == [0, 1, 2, -9, 0, 3])
        #expect(Array(ordinal.features.enumerated().filter { $0.offset % 2 == 0 }.map(\.element).map { $0.isNaN ? -9 : $0 })
            == [1.5, -9, -9, 7, 3.25, -0.0625])
    }

    /// With `order: sort` the rows come ORDER BY the parsed time, ties in table order; without it
    /// the first decreasing timestamp is an error naming its rowid (or row number).
    @Test func sortingOrdersByTheParsedTimeStablyAndFailingNamesTheRow() throws {
        let scratch = try Scratch()
        // A day-first pattern: text order is not time order ("02/01/2024" sorts before "31/12/2023").
        let stamps = ["31/12/2023 23:00", "02/01/2024 08:00", "01/01/2024 09:00", "31/12/2023 23:00", "01/01/2024 09:00", "01/01/2024 00:30"]
        let times = stamps.map { s -> Int64 in
            let p = s.split(whereSeparator: { "/ :".contains($0) }).map { Int64($0)! }
            return ISOTime.days(year: p[2], month: p[1], day: p[0]) * 86_400 + p[3] * 3_600 + p[4] * 60
        }
        let order = times.indices.sorted { times[$0] != times[$1] ? times[$0] < times[$1] : $0 < $1 }.map(Double.init)
        let csv = try scratch.write("ev.csv", "ts,x,y\n" + stamps.enumerated().map { "\($1),\($0),\($0 % 2 == 0 ? "a" : "b")" }.joined(separator: "\n") + "\n")
        let db = try scratch.database("ev.sqlite") { db in
            try db.execute(sql: "CREATE TABLE ev (ts TEXT, x REAL, y TEXT)")
            try db.execute(sql: "CREATE TABLE keyed (id INTEGER PRIMARY KEY, ts TEXT, x REAL, y TEXT) WITHOUT ROWID")
            for (i, s) in stamps.enumerated() {
                try db.execute(sql: "INSERT INTO ev VALUES (?, ?, ?)", arguments: [s, Double(i), i % 2 == 0 ? "a" : "b"])
                try db.execute(sql: "INSERT INTO keyed VALUES (?, ?, ?, ?)", arguments: [10 + i, s, Double(i), i % 2 == 0 ? "a" : "b"])
            }
        }
        func mapping(_ path: String, table: String? = nil, query: String? = nil, sort: Bool) -> ReplayMapping {
            ReplayMapping(path: path, timestamp: "ts", timestampFormat: .pattern("%d/%m/%Y %H:%M"), label: "y", numeric: ["x"],
                          tick: .span(hour), order: sort ? .sort : .fail, table: table, query: query)
        }
        // Sorted: by time, ties in table order; the same as the CSV file's external sort.
        let sortedCSV = try drain(ReplayOpener.files.replay(mapping(csv, sort: true)))
        #expect(sortedCSV.flatMap(\.batch.features) == order)
        for m in [mapping(db, table: "ev", sort: true), mapping(db, table: "keyed", sort: true),
                  mapping(db, query: "SELECT ts, x, y FROM ev ORDER BY rowid; -- every row", sort: true)] {
            let rows = try ReplayOpener.files.rows(m)
            #expect(rows.sortsByTime)
            expectSameTicks(sortedCSV, try drain(TableReplay(rows: rows, mapping: m)), "\(m.table ?? m.query ?? "")")
        }
        // A query keeps only its rows, sorted in SQL.
        let subset = try drain(ReplayOpener.files.replay(mapping(db, query: "SELECT * FROM ev WHERE x <> 3", sort: true)))
        #expect(subset.flatMap(\.batch.features) == order.filter { $0 != 3 })

        // Not sorted: row 3 (01/01/2024 09:00) is earlier than row 2 (02/01/2024 08:00).
        let e = flywheelError { _ = try ReplayOpener.files.replay(mapping(db, table: "ev", sort: false)) }
        #expect(e?.keyPath == "order")
        #expect(e?.message.hasPrefix("\(db), table 'ev': timestamp 2024-01-01T09:00:00Z at rowid 3 is earlier than 2024-01-02T08:00:00Z at rowid 2") == true,
                "\(e?.message ?? "")")
        let keyed = flywheelError { _ = try ReplayOpener.files.replay(mapping(db, table: "keyed", sort: false)) }
        #expect(keyed?.message.contains("at row 3 is earlier than 2024-01-02T08:00:00Z at row 2") == true, "\(keyed?.message ?? "")")
        let query = flywheelError { _ = try ReplayOpener.files.replay(mapping(db, query: "SELECT * FROM ev", sort: false)) }
        #expect(query?.message.hasPrefix("\(db), query: timestamp 2024-01-01T09:00:00Z at row 3") == true, "\(query?.message ?? "")")
    }

    /// Rows stream through bounded chunks: a replay stopped, rewound or released part-way through a
    /// table many chunks long reads the same rows again and leaves nothing running.
    @Test func rewindingOrReleasingAReplayPartWayThroughStartsCleanly() throws {
        let scratch = try Scratch()
        let n = 5_000
        let db = try scratch.database("long.sqlite") { db in
            try db.execute(sql: "CREATE TABLE t (t INTEGER, x REAL, y TEXT)")
            let insert = try db.makeStatement(sql: "INSERT INTO t VALUES (?, ?, ?)")
            for i in 0..<n { try insert.execute(arguments: [1_700_000_000 + i * 60, Double(i) * 0.5, i % 7 == 0 ? "rare" : "common"]) }
        }
        let m = ReplayMapping(path: db, timestamp: "t", timestampFormat: .epochSeconds, label: "y", classes: ["common", "rare"],
                              numeric: ["x"], tick: .rows(250), table: "t")
        let full = try drain(ReplayOpener.files.replay(m))
        #expect(full.count == n / 250 && full.flatMap(\.batch.features) == (0..<n).map { Double($0) * 0.5 })
        let replay = try ReplayOpener.files.replay(m)
        for _ in 0..<3 { _ = try replay.nextTick() }
        try replay.rewind()
        expectSameTicks(full, try drain(replay), "after a rewind part-way")
        try replay.rewind()
        expectSameTicks(full, try drain(replay), "after a rewind at the end")
        for ticks in [0, 1, 7] {     // released with the reading thread waiting, mid-table, or before it starts
            let partial = try ReplayOpener.files.replay(m)
            for _ in 0..<ticks { _ = try partial.nextTick() }
        }
    }

    /// A scenario replays an SQLite table found in the data home, with `table:` in its replay block.
    @Test func aScenarioReplaysAnSQLiteTableFromTheDataHome() throws {
        let scratch = try Scratch()
        _ = try scratch.database("shop.db") { db in
            try db.execute(sql: "CREATE TABLE orders (placed INTEGER, amount REAL, region TEXT, churned TEXT)")
            for i in 0..<96 {
                try db.execute(sql: "INSERT INTO orders VALUES (?, ?, ?, ?)",
                               arguments: [1_704_067_200 + i * 3_600, Double(i % 10), i % 3 == 0 ? "eu" : "us", i % 4 == 0 ? "yes" : "no"])
            }
        }
        let scenario = try DataHome.$override.withValue(scratch.url.path) {
            try ScenarioLoader.parse("""
            name: shop
            stream:
              warmup_ticks: 1
              replay: {path: shop.db, table: orders, timestamp: placed, timestamp_format: epoch_s, label: churned,
                       numeric: [amount], categorical: [region], tick: 1d}
            strategies: [{name: never, trigger: never}]
            """, file: "shop.yaml")
        }
        #expect(scenario.plan.manifest.clock.ticks == 3)
        #expect(scenario.plan.manifest.clock.start == ISOTime.parse("2024-01-02"))
        #expect(scenario.plan.source.schema.features == ["amount", "region"])
        let (warmup, batches) = try scenario.plan.source.generate(replicate: 0, seed: 1)
        #expect(warmup.count == 24 && batches.map(\.count) == [24, 24, 24])
    }
}
