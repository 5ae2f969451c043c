import Foundation
import Reports
import Testing

@Suite struct Notebooks {
    let text = """
    # An analysis

    Prose before.

    ```flywheel
    flywheel list trigger
    flywheel validate "scenarios/a b.yaml"
    ```

    Prose after, untouched.
    """

    func refresh(_ t: String, _ log: inout [[String]]) throws -> String {
        var calls: [[String]] = []
        let out = try Notebook.refresh(t, file: "nb.md", notebookDirectory: URL(fileURLWithPath: "/tmp/nb"),
                                       workingDirectory: URL(fileURLWithPath: "/tmp")) { args in
            calls.append(args)
            return Notebook.CommandResult(stdout: "output of \(args.joined(separator: " "))\n", success: true)
        }
        log += calls
        return out
    }

    @Test func refreshInsertsOutputsAfterEachBlockAndLeavesProseAlone() throws {
        var calls: [[String]] = []
        let once = try refresh(text, &calls)
        #expect(calls == [["list", "trigger"], ["validate", "scenarios/a b.yaml"]])
        #expect(once.contains(Notebook.outputStart) && once.contains(Notebook.outputEnd))
        #expect(once.contains("output of list trigger") && once.contains("output of validate scenarios/a b.yaml"))
        #expect(once.hasPrefix("# An analysis\n\nProse before.\n"))
        #expect(once.hasSuffix("Prose after, untouched."))
        // Refreshing again replaces the region instead of adding a second one.
        let twice = try refresh(once, &calls)
        #expect(twice == once)
        #expect(twice.components(separatedBy: Notebook.outputStart).count == 2)
    }

    @Test func aFailingCommandNamesItsLine() {
        #expect(throws: NotebookError.self) {
            _ = try Notebook.refresh(text, file: "nb.md", notebookDirectory: URL(fileURLWithPath: "/tmp"), workingDirectory: URL(fileURLWithPath: "/tmp")) { _ in
                Notebook.CommandResult(stdout: "boom", success: false)
            }
        }
        do {
            _ = try Notebook.refresh(text, file: "nb.md", notebookDirectory: URL(fileURLWithPath: "/tmp"), workingDirectory: URL(fileURLWithPath: "/tmp")) { _ in
                Notebook.CommandResult(stdout: "boom", success: false)
            }
        } catch let e as NotebookError {
            #expect(e.line == 6)
        } catch {}
    }

    @Test func theShippedNotebooksHaveWellFormedBlocks() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let dir = root.appendingPathComponent("notebooks-md")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".md") && $0 != "README.md" }
        #expect(!files.isEmpty)
        for f in files {
            let text = try String(contentsOf: dir.appendingPathComponent(f), encoding: .utf8)
            var calls: [[String]] = []
            // Replaying each block's recorded output must reproduce the file exactly.
            _ = try Notebook.refresh(text, file: f, notebookDirectory: dir, workingDirectory: root) { args in
                calls.append(args)
                return Notebook.CommandResult(stdout: "", success: true)
            }
            #expect(!calls.isEmpty, "\(f) has no flywheel commands")
            #expect(calls.allSatisfy { ["run", "report", "validate", "list", "detect", "distance", "dataset", "sweep"].contains($0.first ?? "") })
        }
    }
}
