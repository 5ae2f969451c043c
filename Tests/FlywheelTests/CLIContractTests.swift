import Flywheel
import Foundation
import Yams
import Testing

/// The `flywheel` executable SwiftPM built next to this test bundle.
private let executable: URL = {
    var candidates: [URL] = []
    for b in Bundle.allBundles {
        candidates.append(b.bundleURL.deletingLastPathComponent().appendingPathComponent("flywheel"))
    }
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    candidates.append(root.appendingPathComponent(".build/debug/flywheel"))
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates.last!
}()

private let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

private struct Outcome {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs `flywheel args` in `cwd`, with `input` on standard input.
private func flywheel(_ args: [String], input: String = "", in cwd: URL = repositoryRoot) throws -> Outcome {
    let p = Process()
    p.executableURL = executable
    p.arguments = args
    p.currentDirectoryURL = cwd
    let base = FileManager.default.temporaryDirectory.appendingPathComponent("flywheel-contract-\(UUID().uuidString)")
    for s in [".in", ".out", ".err"] { _ = FileManager.default.createFile(atPath: base.path + s, contents: nil) }
    defer { for s in [".in", ".out", ".err"] { try? FileManager.default.removeItem(atPath: base.path + s) } }
    try input.write(toFile: base.path + ".in", atomically: false, encoding: .utf8)
    p.standardInput = try FileHandle(forReadingFrom: URL(fileURLWithPath: base.path + ".in"))
    p.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: base.path + ".out"))
    p.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: base.path + ".err"))
    try p.run()
    p.waitUntilExit()
    return Outcome(
        status: p.terminationStatus,
        stdout: (try? String(contentsOfFile: base.path + ".out", encoding: .utf8)) ?? "",
        stderr: (try? String(contentsOfFile: base.path + ".err", encoding: .utf8)) ?? "")
}

private func object(_ text: String) throws -> [String: Any] {
    try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
}

private func scratch(_ name: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("flywheel-contract-\(getpid())-\(name)")
    try? FileManager.default.removeItem(at: url)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

private let tiny = """
    name: tiny
    seed: 3
    clock: {tick: 1d, ticks: 12, events_per_tick: 100}
    stream: {generator: sea, noise: 0.1, warmup: 200}
    labels: {coverage: 0.3, delay: 1d}
    strategies:
      - {name: never, trigger: never}
      - {name: weekly, trigger: {every: 5d}, dataset: {window: 10d}}
    reference: never

    """

@Suite(.serialized) struct CLIContractTests {
    @Test func aMissingFileIsNamedOnStandardErrorWithStatus1() throws {
        for args in [
            ["validate", "no-such.yaml"], ["run", "no-such.yaml"], ["sweep", "no-such.yaml"],
            ["detect", "--detector", "adwin", "no-such.csv"],
        ] {
            let r = try flywheel(args)
            #expect(r.status == 1, "\(args)")
            #expect(r.stdout.isEmpty, "\(args)")
            #expect(r.stderr.contains("no-such.\(args[0] == "detect" ? "csv" : "yaml"): no such file"), "\(r.stderr)")
            #expect(!r.stderr.contains(":0:") && !r.stderr.contains("Usage:"), "\(r.stderr)")
        }
    }

    @Test func anInvalidScenarioGoesToStandardErrorWithStatus2() throws {
        let r = try flywheel(
            ["validate", "-"], input: tiny.replacingOccurrences(of: "trigger: never", with: "trigger: nevr"))
        #expect(r.status == 2)
        #expect(r.stdout.isEmpty)
        #expect(r.stderr.contains("<stdin>:"))
        #expect(r.stderr.contains("did you mean 'never'?"))
    }

    @Test func usageErrorsExit64AndInterruptionIsDocumented() throws {
        let r = try flywheel(["run", "--out", "-"])
        #expect(r.status == 64)
        #expect(r.stdout.isEmpty)
        #expect(r.stderr.contains("writes a folder"))
        let help = try flywheel(["--help"])
        #expect(help.status == 0)
        for code in ["0 ", "1 ", "2 ", "64 ", "130 "] { #expect(help.stdout.contains("\n  \(code)")) }
    }

    @Test func validateJSONHasTheDocumentedShape() throws {
        let ok = try flywheel(["validate", "--json", "-"], input: tiny)
        #expect(ok.status == 0)
        let doc = try object(ok.stdout)
        #expect(doc["valid"] as? Bool == true)
        let file = try #require((doc["files"] as? [[String: Any]])?.first)
        #expect(
            Set(file.keys) == [
                "file", "valid", "readable", "errors", "warnings", "scenario", "strategies", "ticks",
                "replicates", "sweep",
            ])
        #expect(file["file"] as? String == "<stdin>")
        #expect(file["strategies"] as? Int == 2)
        #expect(file["ticks"] as? Int == 12)

        let bad = try flywheel(
            ["validate", "--json", "-"], input: tiny.replacingOccurrences(of: "ticks: 12", with: "ticks: -1"))
        #expect(bad.status == 2)
        let badDoc = try object(bad.stdout)
        #expect(badDoc["valid"] as? Bool == false)
        let error = try #require(((badDoc["files"] as? [[String: Any]])?.first?["errors"] as? [[String: Any]])?.first)
        #expect(Set(error.keys) == ["file", "line", "column", "key", "message", "hint"])
        #expect(error["line"] as? Int == 3)
        #expect((error["key"] as? String)?.contains("ticks") == true)
    }

    @Test func listJSONCoversEveryTopLevelKeyAndComponent() throws {
        let r = try flywheel(["list", "--json"])
        #expect(r.status == 0)
        let doc = try object(r.stdout)
        let keys = try #require(doc["keys"] as? [[String: Any]])
        #expect(keys.compactMap { $0["key"] as? String } == ScenarioLoader.topLevelKeys)
        #expect(keys.allSatisfy { !(($0["meaning"] as? String) ?? "").isEmpty })
        let components = try #require(doc["components"] as? [[String: Any]])
        #expect(components.count == Catalog.all.count)
        #expect(Set(components[0].keys) == ["family", "name", "summary", "reference", "parameters", "work_unit"])
    }

    @Test func runJSONAndSweepRefuseStandardOutputAndReadStandardInput() throws {
        let dir = try scratch("run")
        let r = try flywheel(
            ["run", "-", "--out", dir.appendingPathComponent("out").path, "--json", "--threads", "1", "--progress"],
            input: tiny)
        #expect(r.status == 0, "\(r.stderr)")
        // --progress without a terminal: whole lines on standard error (the first at once), none rewritten in place.
        #expect(r.stderr.contains("  simulated "))
        #expect(!r.stderr.contains("\r"))
        let doc = try object(r.stdout)
        #expect(Set(doc.keys) == ["scenario", "output", "metric", "replicates", "events", "strategies", "files"])
        let strategies = try #require(doc["strategies"] as? [[String: Any]])
        #expect(strategies.compactMap { $0["name"] as? String } == ["never", "weekly"])
        #expect(Set(strategies[0].keys) == ["name", "metric", "retrains", "deployments", "labels", "total_cost", "requested"])
        // Nothing requested in this scenario: an empty object.
        #expect((strategies[0]["requested"] as? [String: Any])?.isEmpty == true)
        // The numbers are summary.csv's: mean accuracy and total cost with their half-widths.
        let summary = try String(contentsOf: dir.appendingPathComponent("out/summary.csv"), encoding: .utf8)
            .split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let header = summary[0]
        for (row, s) in zip(summary.dropFirst(), strategies) {
            for (key, column) in [("metric", "mean_accuracy"), ("total_cost", "total_cost")] {
                let value = try #require(s[key] as? [String: Any])
                let i = try #require(header.firstIndex(of: column))
                let mean = try #require(value["mean"] as? Double), half = try #require(value["half_width"] as? Double)
                #expect(abs(mean - Double(row[i])!) <= 1e-6 * max(1, abs(mean)), "\(row[0]) \(key): \(mean), not \(row[i])")
                #expect(abs(half - Double(row[i + 1])!) <= 1e-6 * max(1, abs(half)), "\(row[0]) \(key) half-width")
            }
        }
        let files = try #require(doc["files"] as? [String])
        for f in files { #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("out/\(f)").path)) }
        let sweep = try flywheel(["sweep", "s.yaml", "-o", "-"])
        #expect(sweep.status == 64)
        #expect(sweep.stdout.isEmpty)
    }

    @Test func detectReadsStandardInput() throws {
        let values = (0..<400).map { $0 < 200 ? "0" : "1" }.joined(separator: "\n") + "\n"
        let r = try flywheel(["detect", "--detector", "adwin", "--json", "-"], input: values)
        #expect(r.status == 0, "\(r.stderr)")
        let doc = try object(r.stdout)
        #expect(doc["values"] as? Int == 400)
        #expect(((doc["drifts"] as? [Int]) ?? []).contains { $0 >= 200 })
        let bad = try flywheel(["detect", "--detector", "adwin", "-"], input: "1\nx\n")
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("<stdin>:2"))
    }

    @Test func helpExamplesDoNotWrapAndThreadsStatesOneDefault() throws {
        for command in [
            [], ["run"], ["sweep"], ["validate"], ["list"], ["detect"], ["distance"], ["dataset"],
            ["dataset", "describe"], ["dataset", "fetch"], ["traffic"], ["oracle"], ["schema"], ["merge"],
        ] {
            let r = try flywheel(command + ["--help"])
            let lines = r.stdout.components(separatedBy: "\n")
            guard let start = lines.firstIndex(where: { $0.hasPrefix("Example") }) else { continue }
            for line in lines[(start + 1)...].prefix(while: { !$0.isEmpty }) {
                #expect(line.hasPrefix("  flywheel ") || line.hasPrefix("  my-job |"), "\(command): \(line)")
            }
        }
        let run = try flywheel(["run", "--help"])
        let threads = run.stdout.components(separatedBy: "--threads <threads>").dropFirst().first ?? ""
        let option = threads.components(separatedBy: "\n  --").first ?? ""
        #expect(option.components(separatedBy: "default").count == 2, "\(option)")
    }

    /// Every string a schema fragment names as a property or an enum value.
    private func vocabulary(_ v: Any, into out: inout Set<String>) {
        if let o = v as? [String: Any] {
            if let p = o["properties"] as? [String: Any] { out.formUnion(p.keys) }
            if let e = o["enum"] as? [Any] { for x in e { if let s = x as? String { out.insert(s) } } }
            for (_, x) in o { vocabulary(x, into: &out) }
        } else if let a = v as? [Any] {
            for x in a { vocabulary(x, into: &out) }
        }
    }

    @Test func schemaListsEveryComponentAndEveryShippedScenarioFitsIt() throws {
        let r = try flywheel(["schema"])
        #expect(r.status == 0)
        let schema = try object(r.stdout)
        #expect(schema["$schema"] as? String == "https://json-schema.org/draft/2020-12/schema")
        let properties = try #require(schema["properties"] as? [String: Any])
        #expect(Set(properties.keys) == Set(ScenarioLoader.topLevelKeys))
        var words = Set<String>()
        vocabulary(schema, into: &words)
        // Projections and sketches are chosen through a drift trigger's own words, not by name.
        for c in Catalog.all where !["projection", "sketch"].contains(c.family) {
            for name in c.name.components(separatedBy: " / ") { #expect(words.contains(name), "\(c.family) \(name)") }
        }
        let defs = try #require(schema["$defs"] as? [String: Any])
        func enumOf(_ fragment: Any?, _ key: String) -> Set<String> {
            var out = Set<String>()
            func walk(_ v: Any) {
                if let o = v as? [String: Any] {
                    if let p = o["properties"] as? [String: Any], let k = p[key] as? [String: Any],
                        let e = k["enum"] as? [String]
                    {
                        out.formUnion(e)
                    }
                    for (_, x) in o { walk(x) }
                } else if let a = v as? [Any] {
                    for x in a { walk(x) }
                }
            }
            if let fragment { walk(fragment) }
            return out
        }
        let generators = enumOf(defs["syntheticStream"], "generator"), families = enumOf(defs["model"], "family")
        let types = enumOf(defs["drift"], "type")
        let triggerWords = Set(
            ((defs["trigger"] as? [String: Any])?["anyOf"] as? [[String: Any]])?
                .compactMap { $0["enum"] as? [String] }.flatMap { $0 } ?? [])
        let triggerKeys = Set(
            ((defs["triggerMapping"] as? [String: Any])?["properties"] as? [String: Any])?.keys
                .map { $0 } ?? [])
        let strategyKeys = Set(
            ((defs["strategy"] as? [String: Any])?["properties"] as? [String: Any])?.keys.map { $0 } ?? [])
        let folder = repositoryRoot.appendingPathComponent("scenarios")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".yaml") }
        #expect(!files.isEmpty)
        for file in files {
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            let root = try #require(try Yams.load(yaml: text) as? [String: Any], "\(file)")
            for key in root.keys { #expect(properties[key] != nil, "\(file): \(key)") }
            if let stream = root["stream"] as? [String: Any], let g = stream["generator"] as? String {
                #expect(generators.contains(g), "\(file): generator \(g)")
            }
            var models = [root["model"]]
            for d in root["drifts"] as? [[String: Any]] ?? [] {
                #expect(types.contains(d["type"] as? String ?? ""), "\(file): drift type")
            }
            for s in root["strategies"] as? [[String: Any]] ?? [] {
                for k in s.keys { #expect(strategyKeys.contains(k), "\(file): strategy key \(k)") }
                models.append(s["model"])
                if let word = s["trigger"] as? String {
                    #expect(triggerWords.contains(word), "\(file): trigger \(word)")
                }
                if let m = s["trigger"] as? [String: Any] {
                    for k in m.keys { #expect(triggerKeys.contains(k), "\(file): trigger key \(k)") }
                }
            }
            for case let m as [String: Any] in models {
                if let f = m["family"] as? String { #expect(families.contains(f), "\(file): family \(f)") }
            }
        }
    }
}
