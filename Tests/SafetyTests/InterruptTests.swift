import FlywheelCore
import Foundation
import GRDB
import Storage
import Testing

/// Tallies of an interrupt harness, for its closing line.
struct Tally {
    var cases = 0, clean = 0, crashes = 0, hangs = 0, lost = 0
    mutating func record(_ r: CLIResult, ok: Bool, expectSignal: Bool) {
        cases += 1
        if r.signal == SIGKILL && !expectSignal { hangs += 1 } else if r.signal != nil && !expectSignal { crashes += 1 }
        if !ok { lost += 1 } else { clean += 1 }
    }
    func line(_ what: String) -> String {
        "\(what): \(cases) cases, \(clean) ended as promised, \(crashes) crashes, \(hangs) hangs, "
            + "\(lost) with results lost or wrong"
    }
}

/// How an interruption must end: SIGINT and SIGTERM with status 130 and one true sentence,
/// never an error; SIGKILL killed.
func checkEnding(_ r: CLIResult, action: String, _ label: String) -> Bool {
    if action == "SIGKILL" {
        #expect(r.signal == SIGKILL, "\(label): \(r)")
        return r.signal == SIGKILL
    }
    let ok =
        r.signal == nil && (r.status == 130 || (action.hasSuffix("-go") && r.status == 0))
        && !r.stderr.contains("error") && !r.stderr.contains("SQLite")
        && (r.status == 0 || r.stderr.contains("interrupted: "))
    #expect(ok, "\(label): \(r)")
    return ok
}

@Suite(.serialized) struct Interruptions {
    /// SIGINT, SIGTERM and SIGKILL at every named point of a run, with the atomic exchange and
    /// with the two-rename fallback: the results folder is always there, complete, and either the
    /// earlier results or the new ones; nothing is left beside it after the next run.
    @Test func anInterruptedRunLeavesCompleteResultsOldOrNew() throws {
        let root = try scratch("interrupt-run")
        defer { try? FileManager.default.removeItem(at: root) }
        let fm = FileManager.default
        try put(tinyScenario.replacingOccurrences(of: "NAME", with: "tiny"), "t.yaml", in: root)
        let results = root.appendingPathComponent("results")
        let folder = results.appendingPathComponent("tiny")
        // The earlier results (seed 3) and what the new run gives (seed 4), uninterrupted.
        #expect(try flywheel(["run", "t.yaml", "--quiet", "--out", "new"], in: root, env: [:]).status == 0)
        let newRun = try flywheel(["run", "t.yaml", "--quiet", "--seed", "4", "--out", "new"], in: root)
        #expect(newRun.status == 0)
        #expect(try flywheel(["run", "t.yaml", "--quiet"], in: root).status == 0)
        let old = comparable(folder)
        let new = comparable(root.appendingPathComponent("new"))
        #expect(old != new && old["metrics.csv"] != nil && new["metrics.csv"] != nil)
        let saved = root.appendingPathComponent("saved")
        try fm.copyItem(at: folder, to: saved)

        var cases: [(point: String, action: String, plain: Bool)] = []
        for point in [
            "run.simulated", "output.staged", "output.file#3", "sqlite.transaction", "commit.before",
            "commit.exchanged",
        ] {
            for action in ["SIGINT", "SIGKILL"] { cases.append((point, action, false)) }
        }
        cases += [
            ("output.file#2", "SIGTERM", false), ("output.file#5", "SIGINT-go", false),
            ("commit.before", "SIGINT-go", false),
            ("commit.before", "SIGKILL", true), ("commit.between", "SIGKILL", true),
            ("commit.between", "SIGINT-go", true),
            ("commit.exchanged", "SIGKILL", true), ("commit.exchanged", "SIGINT", true),
        ]
        var tally = Tally()
        for c in cases {
            let label = "\(c.point):\(c.action)\(c.plain ? " (two renames)" : "")"
            var env = ["FLYWHEEL_TEST_HOOK": "\(c.point):\(c.action)"]
            if c.plain { env["FLYWHEEL_TEST_RENAME"] = "plain" }
            let r = try flywheel(["run", "t.yaml", "--quiet", "--seed", "4"], in: root, env: env)
            var ok = checkEnding(r, action: c.action, label)
            if c.action != "SIGKILL" {
                // Ctrl-C or SIGTERM clean up after themselves at once.
                ok = ok && leftovers(results).isEmpty
                #expect(leftovers(results).isEmpty, "\(label) left \(leftovers(results))")
            } else {
                // The next run (here one that stops before writing) recovers and cleans.
                let next = try flywheel(
                    ["run", "t.yaml", "--quiet", "--seed", "4"], in: root,
                    env: ["FLYWHEEL_TEST_HOOK": "run.simulated:SIGINT"])
                ok = ok && next.status == 130 && leftovers(results).isEmpty
                #expect(
                    next.status == 130 && leftovers(results).isEmpty, "after \(label): \(next) \(leftovers(results))")
            }
            let now = comparable(folder)
            let intact = now == old || now == new
            #expect(intact, "\(label): results are neither the earlier nor the new ones: \(now.keys.sorted())")
            tally.record(r, ok: ok && intact, expectSignal: c.action == "SIGKILL")
            // Back to the earlier results for the next case.
            try fm.removeItem(at: folder)
            try fm.copyItem(at: saved, to: folder)
        }
        print(tally.line("run interrupt harness"))
    }

    /// A sweep interrupted anywhere, from creating its database to swapping its outputs in,
    /// resumes to outputs byte-identical to an uninterrupted sweep's, and nothing is left behind.
    @Test func everyInterruptedSweepResumesToIdenticalOutputs() throws {
        let root = try scratch("interrupt-sweep")
        defer { try? FileManager.default.removeItem(at: root) }
        try put(tinySweep, "s.yaml", in: root)
        #expect(
            try flywheel(["sweep", "s.yaml", "--quiet", "--threads", "1", "--out", "reference"], in: root).status == 0)
        let reference = comparable(root.appendingPathComponent("reference"))
        #expect(reference["sweep-summary.csv"] != nil && reference[".flywheel"] != nil)
        var tally = Tally()
        let points = [
            "sweep.creating", "sweep.created", "sweep.traffic", "sweep.cell#1", "sweep.cell#3", "sqlite.transaction#2",
            "output.staged", "output.file#3", "commit.exchanged",
        ]
        for point in points {
            for action in ["SIGINT", "SIGKILL"] {
                let label = "\(point):\(action)"
                let out = root.appendingPathComponent("out")
                try? FileManager.default.removeItem(at: out)
                let r = try flywheel(
                    ["sweep", "s.yaml", "--quiet", "--threads", "1", "--out", "out"], in: root,
                    env: ["FLYWHEEL_TEST_HOOK": label])
                var ok = checkEnding(r, action: action, label)
                if action != "SIGKILL" {
                    #expect(leftovers(root).isEmpty, "\(label) left \(leftovers(root))")
                    ok = ok && leftovers(root).isEmpty
                }
                let resumed = try flywheel(["sweep", "s.yaml", "--quiet", "--threads", "2", "--out", "out"], in: root)
                #expect(resumed.status == 0, "resuming after \(label): \(resumed)")
                let same = comparable(out) == reference
                #expect(same, "\(label): the resumed sweep differs from the uninterrupted one")
                #expect(leftovers(root).isEmpty, "after resuming \(label): \(leftovers(root))")
                tally.record(
                    r, ok: ok && same && resumed.status == 0 && leftovers(root).isEmpty,
                    expectSignal: action == "SIGKILL")
            }
        }
        print(tally.line("sweep interrupt harness"))
    }

    /// What an older Flywheel left when killed as it created the database — an empty file, or the
    /// schema with no manifest — resumes from nothing instead of failing every rerun.
    @Test func anEmptyOrSchemaOnlySweepDatabaseResumesFromNothing() throws {
        let root = try scratch("sweep-empty-db")
        defer { try? FileManager.default.removeItem(at: root) }
        try put(tinySweep, "s.yaml", in: root)
        #expect(
            try flywheel(["sweep", "s.yaml", "--quiet", "--threads", "1", "--out", "reference"], in: root).status == 0)
        let reference = comparable(root.appendingPathComponent("reference")).filter { $0.key != OutputMarker.fileName }
        for kind in ["empty", "schema"] {
            let out = root.appendingPathComponent(kind)
            try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
            let db = out.appendingPathComponent("sweep.sqlite")
            if kind == "empty" {
                _ = FileManager.default.createFile(atPath: db.path, contents: Data())
            } else {
                let q = try DatabaseQueue(path: db.path)
                try q.write { db in
                    try db.execute(sql: "CREATE TABLE manifest(key TEXT PRIMARY KEY, value TEXT NOT NULL)")
                    try db.execute(sql: "CREATE TABLE cell(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)")
                    try db.execute(sql: "CREATE TABLE run(cell_id INTEGER, replicate INTEGER, series BLOB)")
                }
                try q.close()
            }
            let r = try flywheel(["sweep", "s.yaml", "--quiet", "--threads", "1", "--out", kind], in: root)
            #expect(r.status == 0, "\(kind): \(r)")
            #expect(comparable(out).filter { $0.key != OutputMarker.fileName } == reference, "\(kind)")
        }
    }

    /// A second flywheel on a folder being written is refused, naming the first one's pid, and
    /// changes nothing; the first resumes afterwards.
    @Test func aSecondFlywheelOnTheSameFolderIsRefused() throws {
        let root = try scratch("lock")
        defer { try? FileManager.default.removeItem(at: root) }
        try put(tinySweep, "s.yaml", in: root)
        try put(tinyScenario.replacingOccurrences(of: "NAME", with: "t"), "t.yaml", in: root)
        let first = try startPaused(
            ["sweep", "s.yaml", "--quiet", "--threads", "1", "--out", "out"], at: "sweep.cell#1", in: root
        ).process
        defer { if first.isRunning { kill(first.processIdentifier, SIGKILL) } }
        let before = tree(root)
        for args in [
            ["sweep", "s.yaml", "--quiet", "--out", "out"], ["run", "t.yaml", "--quiet", "--out", "out"],
            ["merge", "out", "out"], ["report", "out"], ["plot", "out"],
        ] {
            let r = try flywheel(args, in: root)
            #expect(
                r.status == 1
                    && r.stderr.contains(
                        "another flywheel (pid \(first.processIdentifier)) is writing \(root.path)/out"),
                "\(args): \(r)")
        }
        #expect(tree(root) == before)
        kill(first.processIdentifier, SIGINT)
        first.waitUntilExit()
        #expect(first.terminationStatus == 130)
        #expect(try flywheel(["sweep", "s.yaml", "--quiet", "--out", "out"], in: root).status == 0)
        #expect(leftovers(root).isEmpty)
    }

    /// A full disk: one sentence naming the path and its cause, and no staging left (needs a
    /// small tmpfs, which only root may mount: skipped otherwise).
    @Test(.enabled(if: tmpfsMountable, "mounting a small tmpfs needs root"))
    func aFullDiskIsOneSentenceAndLeavesNoStaging() throws {
        let root = try scratch("full")
        defer { try? FileManager.default.removeItem(at: root) }
        let small = root.appendingPathComponent("small")
        try FileManager.default.createDirectory(at: small, withIntermediateDirectories: true)
        try #require(system("/bin/mount", "-t", "tmpfs", "-o", "size=96k", "tmpfs", small.path))
        defer { _ = system("/bin/umount", small.path) }
        try put(tinyScenario.replacingOccurrences(of: "NAME", with: "t"), "t.yaml", in: root)
        let r = try flywheel(["run", "t.yaml", "--quiet", "--out", "small/q"], in: root)
        #expect(r.status == 1, "\(r)")
        #expect(
            r.stderr.hasPrefix("error: cannot write \(small.path)/q/")
                && r.stderr.hasSuffix(": no space left on device\n"), "\(r)")
        #expect(!r.stderr.contains("Domain=") && tree(small).isEmpty, "\(r) \(tree(small).keys)")
    }
}

/// Runs a system command quietly; whether it succeeded.
func system(_ path: String, _ args: String...) -> Bool {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: path)
    p.arguments = args
    p.standardError = FileHandle.nullDevice
    p.standardOutput = FileHandle.nullDevice
    guard (try? p.run()) != nil else { return false }
    p.waitUntilExit()
    return p.terminationStatus == 0
}

/// Whether this process may mount a tmpfs (root with the capability, as in CI containers run as root).
let tmpfsMountable: Bool = {
    guard getuid() == 0 else { return false }
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("flywheel-mount-probe-\(getpid())")
    try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    guard system("/bin/mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", dir.path) else { return false }
    return system("/bin/umount", dir.path)
}()
