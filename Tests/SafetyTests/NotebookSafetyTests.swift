import Foundation
import Reports
import Testing

@Suite struct NotebookSafety {
    @Test func aNotebookCommandInANotebookIsRefusedBeforeAnythingRuns() throws {
        let text =
            "# n\n\n```flywheel\nflywheel validate a.yaml\n```\n\n"
            + "```flywheel\n# comment\nflywheel  notebook run n.md\n```\n"
        var ran = 0
        do {
            _ = try Notebook.refresh(
                text, file: "n.md", notebookDirectory: URL(fileURLWithPath: "/tmp"),
                workingDirectory: URL(fileURLWithPath: "/tmp")
            ) { _ in
                ran += 1
                return Notebook.CommandResult(stdout: "", success: true)
            }
            Issue.record("the notebook command was accepted")
        } catch let e as NotebookError {
            #expect(e.file == "n.md" && e.line == 9 && e.message.contains("cannot run notebooks"))
        }
        #expect(ran == 0)
    }

    @Test func aCommandStartedByANotebookCannotStartNotebooks() throws {
        let root = try scratch("nb-marker")
        defer { try? FileManager.default.removeItem(at: root) }
        try put("# n\n", "n.md", in: root)
        let r = try flywheel(["notebook", "run", "n.md"], in: root, env: ["FLYWHEEL_NOTEBOOK": "1"])
        #expect(r.status == 1 && r.stderr.contains("cannot run from inside a notebook"), "\(r)")
        #expect(try String(contentsOf: root.appendingPathComponent("n.md"), encoding: .utf8) == "# n\n")
    }

    /// Started from PATH (argv[0] is `flywheel`), `notebook run` must run its commands through its
    /// own executable, never the `./flywheel` of the working directory.
    @Test func notebookRunNeverRunsAFlywheelFoundInTheWorkingDirectory() throws {
        let root = try scratch("nb-cwd")
        defer { try? FileManager.default.removeItem(at: root) }
        let marker = root.appendingPathComponent("PWNED")
        try put("#!/bin/sh\ntouch '\(marker.path)'\necho fake\n", "flywheel", in: root)
        chmod(root.appendingPathComponent("flywheel").path, 0o755)
        try put(tinyScenario.replacingOccurrences(of: "NAME", with: "t"), "t.yaml", in: root)
        try put("# n\n\n```flywheel\nflywheel validate t.yaml\n```\n", "n.md", in: root)
        let sh = Process()
        sh.executableURL = URL(fileURLWithPath: "/bin/sh")
        sh.currentDirectoryURL = root
        let bin = flywheelExecutable.deletingLastPathComponent().path
        sh.arguments = ["-c", "PATH='\(bin)':\"$PATH\" exec flywheel notebook run n.md"]
        sh.standardOutput = FileHandle.nullDevice
        try sh.run()
        sh.waitUntilExit()
        #expect(sh.terminationStatus == 0)
        #expect(!FileManager.default.fileExists(atPath: marker.path), "./flywheel was run")
        let refreshed = try String(contentsOf: root.appendingPathComponent("n.md"), encoding: .utf8)
        #expect(
            refreshed.contains("t.yaml: ok (t: 2 strategies, 20 ticks, 1 replicates)") && !refreshed.contains("fake"))
    }

    /// A notebook's command runs in the notebook's process group (so a Ctrl-C at the terminal
    /// reaches it), and an interrupt of the group ends both, leaving nothing behind.
    @Test func aNotebookCommandStaysInTheProcessGroupAndEndsWithIt() throws {
        let root = try scratch("nb-group")
        defer { try? FileManager.default.removeItem(at: root) }
        try put(tinyScenario.replacingOccurrences(of: "NAME", with: "t"), "t.yaml", in: root)
        try put("```flywheel\nflywheel run t.yaml --quiet --out o\n```\n", "n.md", in: root)
        let (parent, child) = try startPaused(["notebook", "run", "n.md"], at: "output.staged", in: root)
        defer { if parent.isRunning { kill(parent.processIdentifier, SIGKILL) } }
        #expect(processGroup(child) == processGroup(parent.processIdentifier))
        #expect(processGroup(child) != nil)
        // Ctrl-C at a terminal signals the whole foreground group.
        kill(-parent.processIdentifier, SIGINT)
        parent.waitUntilExit()
        #expect(parent.terminationStatus == 130)
        let gone = Date().addingTimeInterval(10)
        while processGroup(child) != nil && Date() < gone { usleep(5_000) }
        #expect(processGroup(child) == nil, "the notebook's command outlived it")
        #expect(
            leftovers(root).isEmpty && !FileManager.default.fileExists(atPath: root.appendingPathComponent("o").path))
    }
}

/// The process group of a live process (from /proc), or nil once it is gone or a zombie.
func processGroup(_ pid: Int32) -> Int32? {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
        let close = stat.lastIndex(of: ")")
    else { return nil }
    let fields = stat[stat.index(after: close)...].split(separator: " ")
    guard fields.count > 2, fields[0] != "Z" else { return nil }
    return Int32(fields[2])
}
