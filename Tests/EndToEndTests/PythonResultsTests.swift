import FlywheelCore
import Foundation
import GRDB
import Scenarios
import Testing
import Workbench

/// `python3` on PATH, or nil.
private let python3: String? = {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    return path.split(separator: ":").map { "\($0)/python3" }.first { FileManager.default.isExecutableFile(atPath: $0) }
}()

/// Runs `python3` with `arguments`; its exit status, standard output and standard error.
private func runPython(_ arguments: [String]) throws -> (status: Int32, out: String, err: String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: python3!)
    p.arguments = arguments
    var environment = ProcessInfo.processInfo.environment
    environment["PYTHONDONTWRITEBYTECODE"] = "1"
    p.environment = environment
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
}

/// The records of a CSV file Flywheel wrote, as dictionaries (fields without quotes or commas).
private func csvRecords(_ url: URL) throws -> [[String: String]] {
    let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init)
    let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    return lines.dropFirst().map { line in
        let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        return Dictionary(uniqueKeysWithValues: zip(header, fields))
    }
}

private let folder = repositoryRoot.appendingPathComponent("python")

/// A replayed file with real times: 40 days of 24 hourly rows, two features, a label that flips
/// its rule on day 20.
private func timedReplay(_ dir: URL) throws -> String {
    var text = "ts,x1,x2,y\n"
    for h in 0..<(40 * 24) {
        let x1 = Double((h * 37) % 100) / 100, x2 = Double((h * 61) % 100) / 100
        let y = (h < 20 * 24 ? x1 > x2 : x1 < x2) ? "a" : "b"
        text += "\(ISOTime.format(1_677_628_800 + Int64(h) * 3_600)),\(x1),\(x2),\(y)\n"
    }
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let file = dir.appendingPathComponent("hourly.csv")
    try text.write(to: file, atomically: true, encoding: .utf8)
    return file.path
}

/// `python/flywheel_results.py` run under the `python3` on PATH against real outputs: the loaded
/// tables equal the CSV files value by value (with pandas when it is installed, and always through
/// the lists-of-dicts fallback), and the SQL tables it reads hold what the CSVs say.
@Suite(.serialized, .enabled(if: python3 != nil, "python3 is not on PATH")) struct PythonResultsTests {
    @Test func loadRunAndLoadSweepEqualTheCSVs() throws {
        let run = temporaryDirectory("python-run"), sweep = temporaryDirectory("python-sweep")
        defer { for u in [run, sweep] { try? FileManager.default.removeItem(at: u) } }
        _ = try Workbench.run(shortQuickstart(ticks: 30, replicates: 2), outDirectory: run.path, threads: 2)
        _ = try Workbench.sweep(smallSweep(), outDirectory: sweep.path, threads: 2)

        let script = folder.appendingPathComponent("test_flywheel_results.py").path
        let checked = try runPython([script, run.path, sweep.path])
        #expect(checked.status == 0, "\(checked.out)\n\(checked.err)")
        #expect(checked.out.contains("ok run/dicts: summary from run.sqlite equals summary.csv"), "\(checked.out)")
        #expect(checked.out.contains("(synthetic clock: no times)"), "\(checked.out)")
        #expect(checked.out.contains("ok sweep/dicts: 8 cells"), "\(checked.out)")

        // A sweep database written before its series were rows (blobs) loads the same rows.
        let old = temporaryDirectory("python-sweep-old")
        defer { try? FileManager.default.removeItem(at: old) }
        try FileManager.default.createDirectory(at: old, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: sweep.appendingPathComponent("sweep.sqlite"),
                                         to: old.appendingPathComponent("sweep.sqlite"))
        try SweepRowsTests.downgrade(old.appendingPathComponent("sweep.sqlite"))
        let same = try runPython(["-c", """
            import sys
            sys.path.insert(0, sys.argv[1])
            import flywheel_results as fr
            key = lambda r: (r["cell"], r["replicate"], r["tick"], r["metric"])
            new = sorted(fr.load_sweep(sys.argv[2], pandas=False).metrics, key=key)
            old = sorted(fr.load_sweep(sys.argv[3], pandas=False).metrics, key=key)
            assert len(new) > 0 and new == old, (len(new), len(old))
            print("same", len(new))
            """, folder.path, sweep.path, old.path])
        #expect(same.status == 0 && same.out.hasPrefix("same "), "\(same.out)\n\(same.err)")

        // The summary as Python loads it, through JSON, against summary.csv read here.
        let code = """
            import json, sys
            sys.path.insert(0, sys.argv[1])
            import flywheel_results as fr
            print(json.dumps(fr.load_run(sys.argv[2], pandas=False).summary))
            """
        let loaded = try runPython(["-c", code, folder.path, run.path])
        #expect(loaded.status == 0, "\(loaded.err)")
        let rows = try JSONSerialization.jsonObject(with: Data(loaded.out.utf8)) as? [[String: Any]] ?? []
        let csv = try csvRecords(run.appendingPathComponent("summary.csv"))
        #expect(rows.count == csv.count && rows.count >= 2)
        for (row, want) in zip(rows, csv) {
            #expect(row["strategy"] as? String == want["strategy"])
            #expect(row["replicates"] as? Int == Int(want["replicates"]!))
            for (key, text) in want where key != "strategy" && key != "replicates" {
                if text.isEmpty { #expect(row[key] is NSNull, "\(key)") } else {
                    #expect((row[key] as? NSNumber)?.doubleValue == Double(text), "\(want["strategy"]!) \(key)")
                }
            }
        }
    }

    @Test func aReplayWithRealTimesStoresEachTicksStart() throws {
        let dir = temporaryDirectory("python-timed"), data = temporaryDirectory("python-timed-data")
        defer { for u in [dir, data] { try? FileManager.default.removeItem(at: u) } }
        let file = try timedReplay(data)
        let scenario = try ScenarioLoader.parse("""
            name: timed
            stream:
              warmup_ticks: 3
              replay: {path: \(file), timestamp: ts, label: y, numeric: [x1, x2], tick: 1d}
            labels: {coverage: 1, delay: 0}
            strategies:
              - {name: never, trigger: never}
              - {name: weekly, trigger: {every: 7d}}
            """, file: data.appendingPathComponent("timed.yaml").path)
        #expect(scenario.plan.manifest.timedTicks)
        _ = try Workbench.run(scenario, outDirectory: dir.path, threads: 1)
        let queue = try DatabaseQueue(path: dir.appendingPathComponent("run.sqlite").path)
        defer { try? queue.close() }
        let times = try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT DISTINCT tick, time FROM metric ORDER BY tick")
        }
        // The first scored tick is the file's fourth day (2023-03-04), then one day per tick.
        #expect(times.count == 37)
        for row in times {
            let tick: Int = row["tick"]
            #expect(row["time"] as String? == ISOTime.format(1_677_628_800 + Int64(3 + tick) * 86_400))
        }
        let script = folder.appendingPathComponent("test_flywheel_results.py").path
        let checked = try runPython([script, dir.path])
        #expect(checked.status == 0, "\(checked.out)\n\(checked.err)")
        #expect(checked.out.contains("(times parsed)"), "\(checked.out)")
    }
}
