import FlywheelCore
import Foundation
import Scenarios
import Storage
import Testing

@Suite struct ResultsFolderNames {
    @Test func theSlugKeepsSafeCharactersAndNeverLeavesResults() {
        #expect(ResultsFolder.slug("quickstart") == "quickstart")
        #expect(ResultsFolder.slug("team/exp 1") == "team-exp-1")
        #expect(ResultsFolder.slug("../x") == "x")
        #expect(ResultsFolder.slug("/tmp/x") == "tmp-x")
        #expect(ResultsFolder.slug("a/../../b") == "a-..-..-b")
        #expect(ResultsFolder.slug(".hidden") == "hidden")
        #expect(ResultsFolder.slug("café crème") == "caf-cr-me")
        #expect(ResultsFolder.slug("v1.2_final-") == "v1.2_final")
        for empty in ["", ".", "..", "../..", "/", "///", "-", "日本"] {
            #expect(ResultsFolder.slug(empty) == "", "\(empty)")
        }
        let long = ResultsFolder.slug(String(repeating: "ab/", count: 1000))
        #expect(long.count <= ResultsFolder.maxLength && !long.hasSuffix("-"))
        // No slug is a path: never a slash, never `.` or `..`, never hidden.
        for name in ["../../etc", "./.", "x/..", "..\\..", "a\u{0}b", "~/x"] {
            let s = ResultsFolder.slug(name)
            #expect(!s.contains("/") && s != "." && s != ".." && !s.hasPrefix("."), "\(name) → \(s)")
        }
    }

    @Test func theShippedScenariosKeepTheirFolders() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let dir = root.appendingPathComponent("scenarios")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".yaml") }
        #expect(files.count >= 8)
        for file in files {
            let text = try String(contentsOf: dir.appendingPathComponent(file), encoding: .utf8)
            let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("name: ") })
            let name = String(line.dropFirst("name: ".count))
            #expect(ResultsFolder.slug(name) == name, "\(file)")
            #expect(name == String(file.dropLast(".yaml".count)))
        }
        for folder in [
            "quickstart", "full-loop", "labels-budget", "shipping-safely", "trigger-shootout", "elec2-daily",
        ] {
            #expect(
                OutputMarker.isPresent(in: root.appendingPathComponent("results/\(folder)")),
                "results/\(folder) lacks its marker: a fresh clone could not rerun it")
        }
    }

    @Test func aNameWithoutFolderNameIsAValidationErrorAtItsLine() throws {
        for name in ["\"\"", "\".\"", "\"..\"", "../..", "/"] {
            let text = tinyScenario.replacingOccurrences(of: "name: NAME", with: "name: \(name)")
            do {
                _ = try ScenarioLoader.parse(text, file: "bad.yaml")
                Issue.record("name \(name) was accepted")
            } catch let e as FlywheelErrors {
                let error = try #require(e.errors.first { $0.keyPath == "name" }, "\(e)")
                #expect(error.location == SourceLocation(file: "bad.yaml", line: 1, column: 7))
            }
        }
    }
}

@Suite struct OutputFolderSafety {
    /// Every malicious name and --out: whatever the command does, every file outside the results
    /// folder it was entitled to write is byte-identical afterwards.
    @Test func maliciousNamesAndOutFoldersTouchNothingOutsideTheirOwnResultsFolder() throws {
        let root = try scratch("tree")
        defer { try? FileManager.default.removeItem(at: root) }
        let work = root.appendingPathComponent("work")
        let fm = FileManager.default
        for dir in ["work/results/other", "work/notes", "work/foreign", "work/results/linked-target", "sibling"] {
            try fm.createDirectory(at: root.appendingPathComponent(dir), withIntermediateDirectories: true)
        }
        try put("keep me\n", "a.txt", in: work)
        try put("notes\n", "n.md", in: work.appendingPathComponent("notes"))
        try put("someone else's\n", "data.csv", in: work.appendingPathComponent("foreign"))
        try put("other results\n", "summary.csv", in: work.appendingPathComponent("results/other"))
        try put("user file\n", "plain-file", in: work)
        try put("outside\n", "x.txt", in: root.appendingPathComponent("sibling"))
        try put("not a database\n", "sweep.sqlite", in: work.appendingPathComponent("foreign"))
        try fm.createSymbolicLink(
            atPath: work.appendingPathComponent("link-to-foreign").path, withDestinationPath: "foreign")
        try fm.createSymbolicLink(
            atPath: work.appendingPathComponent("results/linked").path, withDestinationPath: "linked-target")
        try put(tinyScenario.replacingOccurrences(of: "NAME", with: "fine"), "fine.yaml", in: work)

        var tried = 0
        var refused = 0
        var wrote = 0
        // (name in the scenario, --out or nil, the folder the command may write, relative to root)
        let names: [(String, String)] = [
            ("\"..\"", ""), ("\"../..\"", ""), ("\"\"", ""), ("\".\"", ""), ("\"../x\"", "work/results/x"),
            ("\"\(root.path)/abs\"", "work/results/\(ResultsFolder.slug(root.path))-abs"),
            ("\"a/b/c\"", "work/results/a-b-c"), ("\"results/other\"", "work/results/results-other"),
            ("linked", ""),
        ]
        var cases: [(yaml: String, out: String?, allowed: String)] = names.map {
            (tinyScenario.replacingOccurrences(of: "name: NAME", with: "name: \($0.0)"), nil, $0.1)
        }
        cases += [".", "..", "foreign", "plain-file", "link-to-foreign", "results", "notes/", "\(root.path)/sibling"]
            .map {
                (tinyScenario.replacingOccurrences(of: "NAME", with: "fine"), $0, "")
            }
        for (i, c) in cases.enumerated() {
            let file = try put(c.yaml, "case-\(i).yaml", in: work)
            let before = tree(root)
            let r = try flywheel(["run", file, "--quiet"] + (c.out.map { ["--out", $0] } ?? []), in: work)
            let after = tree(root)
            tried += 1
            #expect(r.signal == nil, "case \(i) crashed: \(r)")
            let allowed = c.allowed.isEmpty ? "work/case-\(i).yaml-none" : c.allowed
            #expect(
                outside(after, allowed) == outside(before, allowed),
                "case \(i) (\(c.yaml.prefix(20)), --out \(c.out ?? "-")) touched other files\n\(r)")
            if r.status == 0 {
                wrote += 1
                #expect(!c.allowed.isEmpty, "case \(i) should have been refused")
                #expect(OutputMarker.isPresent(in: root.appendingPathComponent(c.allowed)))
                try fm.removeItem(at: root.appendingPathComponent(c.allowed))
            } else {
                refused += 1
                #expect(r.stderr.hasPrefix("error: ") || r.stderr.contains(": name: "), "case \(i): \(r)")
                #expect(c.allowed.isEmpty, "case \(i) should have run: \(r)")
            }
        }
        // An explicit --out through a link to a folder Flywheel wrote is followed.
        try fm.createDirectory(
            at: root.appendingPathComponent("work/results/linked-target"), withIntermediateDirectories: true)
        let r = try flywheel(["run", "fine.yaml", "--quiet", "--out", "results/linked"], in: work)
        #expect(r.status == 0, "\(r)")
        #expect(OutputMarker.isPresent(in: work.appendingPathComponent("results/linked-target")))
        #expect(
            ((try? fm.destinationOfSymbolicLink(atPath: work.appendingPathComponent("results/linked").path)) ?? "")
                == "linked-target")
        print(
            "output safety: \(tried) cases, \(refused) refused with a clear error, "
                + "\(wrote) written to their own folder, 0 crashes"
        )
    }

    @Test func aSymlinkedSweepDatabaseIsRefusedAndItsTargetUntouched() throws {
        let root = try scratch("sweep-link")
        defer { try? FileManager.default.removeItem(at: root) }
        try put(tinySweep, "s.yaml", in: root)
        try put("precious\n", "precious.db", in: root)
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("out"), withIntermediateDirectories: true)
        try put(OutputMarker.text, OutputMarker.fileName, in: root.appendingPathComponent("out"))
        try FileManager.default.createSymbolicLink(
            atPath: root.appendingPathComponent("out/sweep.sqlite").path,
            withDestinationPath: root.appendingPathComponent("precious.db").path)
        let before = tree(root)
        let r = try flywheel(["sweep", "s.yaml", "--out", "out", "--quiet"], in: root)
        #expect(r.status == 1 && r.stderr.contains("out/sweep.sqlite is a symbolic link"), "\(r)")
        #expect(tree(root) == before)
    }

    @Test func mergeReportAndPlotRefuseAFolderFlywheelDidNotWrite() throws {
        let root = try scratch("other-commands")
        defer { try? FileManager.default.removeItem(at: root) }
        try put(tinySweep, "s.yaml", in: root)
        #expect(try flywheel(["sweep", "s.yaml", "--out", "sw", "--quiet", "--threads", "1"], in: root).status == 0)
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("mine"), withIntermediateDirectories: true)
        try put("mine\n", "thesis.tex", in: root.appendingPathComponent("mine"))
        let before = tree(root)
        for args in [
            ["merge", "mine", "sw"], ["report", "mine"], ["plot", "mine"], ["merge", ".", "sw"], ["report", "."],
        ] {
            let r = try flywheel(args, in: root)
            #expect(r.status == 1 && r.stderr.contains("was not written by Flywheel"), "\(args): \(r)")
        }
        #expect(tree(root) == before)
        // A folder Flywheel wrote is fine.
        #expect(try flywheel(["merge", "merged", "sw", "--quiet"], in: root).status == 0)
        #expect(try flywheel(["plot", "merged"], in: root).status == 0)
    }

    @Test func trafficRefusesToOverwriteAFileThatIsNotAnExportUnlessForced() throws {
        let root = try scratch("traffic")
        defer { try? FileManager.default.removeItem(at: root) }
        try put(tinyScenario.replacingOccurrences(of: "NAME", with: "t"), "t.yaml", in: root)
        try put("my notes\n", "notes.txt", in: root)
        let r = try flywheel(["traffic", "t.yaml", "--to", "2", "-o", "notes.txt"], in: root)
        #expect(
            r.status == 1 && r.stderr.contains("notes.txt exists and is not a traffic export")
                && r.stderr.contains("--force"), "\(r)")
        #expect(try String(contentsOf: root.appendingPathComponent("notes.txt"), encoding: .utf8) == "my notes\n")
        try FileManager.default.createSymbolicLink(
            atPath: root.appendingPathComponent("link.csv").path, withDestinationPath: "notes.txt")
        #expect(try flywheel(["traffic", "t.yaml", "--to", "2", "-o", "link.csv"], in: root).status == 1)
        // A new file, then an earlier export, are written without --force.
        #expect(try flywheel(["traffic", "t.yaml", "--to", "2", "-o", "t.csv"], in: root).status == 0)
        #expect(try flywheel(["traffic", "t.yaml", "--from", "2", "--to", "3", "-o", "t.csv"], in: root).status == 0)
        let export = try String(contentsOf: root.appendingPathComponent("t.csv"), encoding: .utf8)
        #expect(export.hasPrefix("tick,event,time,") && export.contains("\n2,0,"))
        #expect(try flywheel(["traffic", "t.yaml", "--to", "2", "-o", "notes.txt", "--force"], in: root).status == 0)
        #expect(
            try String(contentsOf: root.appendingPathComponent("notes.txt"), encoding: .utf8).hasPrefix(
                "tick,event,time,"))
        #expect(leftovers(root).isEmpty)
    }

    @Test func fileSystemErrorsAreOneSentenceNamingThePath() {
        let full = CocoaError(.fileWriteOutOfSpace, userInfo: [NSFilePathErrorKey: "/data/.q.tmp-123/metrics.csv"])
        #expect(FileErrors.describe(full).description == "cannot write /data/q/metrics.csv: no space left on device")
        let readOnly = CocoaError(.fileWriteVolumeReadOnly, userInfo: [NSFilePathErrorKey: "/ro/x"])
        #expect(FileErrors.describe(readOnly).description == "cannot write /ro/x: read-only file system")
        let missing = CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: "/nope"])
        #expect(FileErrors.describe(missing).description == "cannot read /nope: no such file or directory")
    }
}
