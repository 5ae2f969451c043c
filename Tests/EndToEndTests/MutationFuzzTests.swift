import Foundation
import Testing
import Yams

/// The `flywheel` executable SwiftPM built beside the test bundle (the test target depends on it).
func flywheelExecutable() -> URL? {
    var places = [Bundle.main.bundleURL, URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()]
    if let e = Bundle.main.executableURL { places.append(e.deletingLastPathComponent()) }
    for p in places {
        for dir in [p, p.deletingLastPathComponent()] {
            let f = dir.appendingPathComponent("flywheel")
            if FileManager.default.isExecutableFile(atPath: f.path) { return f }
        }
    }
    return nil
}

/// How a child process ended.
struct ChildResult {
    var status: Int32
    /// Killed by a signal (a trap, an abort), not exited.
    var signalled: Bool
    /// Still running at the deadline (then killed).
    var timedOut: Bool
    var stdout: String
    var stderr: String
}

/// Runs `executable` with `arguments`, its output in files (so a large output never blocks it),
/// killing it after `seconds`.
func runChild(_ executable: URL, _ arguments: [String], seconds: Double,
              environment: [String: String]? = nil) throws -> ChildResult {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("flywheel-child-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("out"), err = dir.appendingPathComponent("err")
    FileManager.default.createFile(atPath: out.path, contents: nil)
    FileManager.default.createFile(atPath: err.path, contents: nil)
    let p = Process()
    p.executableURL = executable
    p.arguments = arguments
    if let environment { p.environment = environment }
    p.standardOutput = try FileHandle(forWritingTo: out)
    p.standardError = try FileHandle(forWritingTo: err)
    p.standardInput = FileHandle.nullDevice
    let done = DispatchSemaphore(value: 0)
    p.terminationHandler = { _ in done.signal() }
    try p.run()
    var timedOut = false
    if done.wait(timeout: .now() + seconds) == .timedOut {
        timedOut = true
        kill(p.processIdentifier, SIGKILL)
        done.wait()
    }
    func text(_ url: URL) -> String { (try? String(contentsOf: url, encoding: .utf8)) ?? "" }
    return ChildResult(status: p.terminationStatus, signalled: p.terminationReason == .uncaughtSignal && !timedOut,
                       timedOut: timedOut, stdout: text(out), stderr: text(err))
}

/// SplitMix64: a seeded generator independent of the platform's.
struct SplitMix {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}

/// Seeded structural mutations of a YAML document: one node replaced by an extreme value, or one
/// mapping entry or list item deleted or duplicated.
enum Mutator {
    enum Operation { case replace(Node), delete, duplicate }

    static func plain(_ s: String) -> Node { .scalar(.init(s, .implicit, .plain)) }

    /// The extreme values a node is replaced by.
    static var values: [Node] { [
        plain("0"), plain("-1"), plain("1e300"), plain("-1e300"), plain("1e-300"), plain(".nan"), plain(".inf"),
        plain("-.inf"), plain("nan"), plain("99999999999999999999999"), plain("9223372036854775807"),
        plain("-9223372036854775808"), plain("1e15"), plain("14000000000w"), plain("1e9d"), plain("0.5"), plain("2.5"),
        plain("1000000"),
        .scalar(.init(String(repeating: "x", count: 10_000), .implicit, .doubleQuoted)),
        .scalar(.init("", .implicit, .doubleQuoted)), plain("~"),
        .scalar(.init("1111111111111111111111111", .implicit, .singleQuoted)),
        .sequence(.init([plain("1"), plain("2")], .implicit, .flow)),
        .mapping(.init([(plain("a"), plain("1"))], .implicit, .flow)),
        .scalar(.init("x", Tag(Tag.Name(rawValue: "!foo")), .plain)),
        .scalar(.init("aGk=", Tag(.binary), .plain)),
    ] }

    /// Nodes in pre-order (mapping values and list items; the root is 0).
    static func count(_ n: Node) -> Int {
        switch n {
        case .mapping(let m): return 1 + m.reduce(0) { $0 + count($1.value) }
        case .sequence(let s): return 1 + s.reduce(0) { $0 + count($1) }
        default: return 1
        }
    }

    /// `n` with operation `op` at node `target` (its pre-order index).
    static func apply(_ n: Node, target: Int, _ op: Operation) -> Node {
        var index = 0
        return visit(n, target: target, op, &index)
    }

    private static func visit(_ n: Node, target: Int, _ op: Operation, _ index: inout Int) -> Node {
        let mine = index
        index += 1
        if mine == target, case .replace(let v) = op { return v }
        switch n {
        case .mapping(let m):
            var pairs: [(Node, Node)] = []
            for (k, v) in m {
                let at = index
                let value = visit(v, target: target, op, &index)
                if at == target, case .delete = op { continue }
                pairs.append((k, value))
                if at == target, case .duplicate = op { pairs.append((k, value)) }
            }
            return .mapping(.init(pairs, m.tag, m.style))
        case .sequence(let s):
            var items: [Node] = []
            for v in s {
                let at = index
                let value = visit(v, target: target, op, &index)
                if at == target, case .delete = op { continue }
                items.append(value)
                if at == target, case .duplicate = op { items.append(value) }
            }
            return .sequence(.init(items, s.tag, s.style))
        default: return n
        }
    }

    /// A shortened copy for a quick run: a few ticks, few events, a small warm-up (nil when the
    /// mutant's clock or stream is no longer a mapping to shorten).
    static func shortened(_ root: Node, replay: Bool) -> Node? {
        guard var top = root.mapping else { return nil }
        if replay {
            top["clock"] = .mapping(.init([(plain("ticks"), plain("5"))], .implicit, .flow))
        } else {
            guard var clock = top["clock"]?.mapping else { return nil }
            clock["ticks"] = plain("5")
            clock["events_per_tick"] = plain("200")
            top["clock"] = .mapping(clock)
            if var stream = top["stream"]?.mapping {
                if stream["warmup"] != nil { stream["warmup"] = plain("500") }
                top["stream"] = .mapping(stream)
            }
        }
        return .mapping(top)
    }
}

/// A mutant on disk, and whether it replays a file.
struct Mutant: Sendable {
    var path: String
    var replay: Bool

    /// Its shortened copy for a quick run (nil when its clock or stream can no longer be shortened).
    func shortened() -> String? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8), let root = try? Yams.compose(yaml: text),
              let short = Mutator.shortened(root, replay: replay) else { return nil }
        return try? Yams.serialize(node: short)
    }
}

/// What the children did, gathered from two threads.
final class Tally: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var crashes: [String] = [], hangs: [String] = [], unclear: [String] = [], valid: [Int] = []
    private(set) var errors = 0, warned = 0, runs = 0, runErrors = 0

    /// Reads `validate`'s verdict on `path`: ok (valid, on standard output), N problems (on
    /// standard error, each error starting `error: FILE:LINE`), a signal or a timeout.
    func record(validation res: ChildResult, of path: String, index: Int) {
        lock.lock()
        defer { lock.unlock() }
        if res.signalled { crashes.append("\(path): signal \(res.status)"); return }
        if res.timedOut { hangs.append(path); return }
        let lines = (res.stdout + "\n" + res.stderr).split(separator: "\n")
        func isVerdict(_ line: Substring) -> Bool {
            line.hasPrefix("\(path): ") && (line.hasSuffix(" problem") || line.hasSuffix(" problems"))
        }
        if lines.contains(where: { $0.hasPrefix("\(path): ok") }) {
            valid.append(index)
        } else if lines.contains(where: { isVerdict($0) }) {
            errors += 1
            let own = lines.filter { $0.hasPrefix("error: \(path)") }
            if own.isEmpty || own.contains(where: { $0.dropFirst("error: \(path):".count).first?.isNumber != true }) {
                unclear.append(path)
            }
        } else {
            unclear.append("\(path): no verdict")
        }
        if res.stderr.contains("warning: \(path):") { warned += 1 }
    }

    func record(run r: ChildResult, of path: String) {
        lock.lock()
        defer { lock.unlock() }
        runs += 1
        if r.signalled { crashes.append("run \(path): signal \(r.status)") }
        else if r.timedOut { hangs.append("run \(path)") }
        else if r.status != 0 { runErrors += 1 }
    }
}

/// Seeded mutations of every shipped scenario through `flywheel validate` and short `run`s as
/// child processes: a trap or abort shows as a signal exit of the child, a hang as a child still
/// running at its deadline. Neither may happen; every error must name its file and line.
@Suite(.serialized) struct MutationFuzz {
    static let seed: UInt64 = 20_261_203
    /// Mutants per shipped scenario: replayed ones scan their data file on every validation.
    static func mutants(for name: String) -> Int { name.contains("elec2") ? 25 : name.contains("sea-") ? 12 : 200 }

    @Test func mutantsOfTheShippedScenariosNeverCrashOrHang() throws {
        let binary = try #require(flywheelExecutable(), "the flywheel executable is built beside the tests")
        let root = repositoryRoot.appendingPathComponent("scenarios")
        let begun = Date()
        // FLYWHEEL_FUZZ_KEEP=DIR keeps the mutants there for inspection.
        let keep = ProcessInfo.processInfo.environment["FLYWHEEL_FUZZ_KEEP"]
        let work = keep.map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("flywheel-fuzz-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { if keep == nil { try? FileManager.default.removeItem(at: work) } }
        var environment = ProcessInfo.processInfo.environment
        // A short copy of Elec2 keeps its mutants quick to scan (SEA's known drifts need its whole file).
        if let home = environment["FLYWHEEL_DATA"], FileManager.default.fileExists(atPath: "\(home)/elec2.csv") {
            let data = work.appendingPathComponent("data")
            try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
            // The header and 4,800 rows (100 days), cut at a line feed whatever the line ending.
            let bytes = try Data(contentsOf: URL(fileURLWithPath: "\(home)/elec2.csv"))
            let cut = bytes.indices.lazy.filter { bytes[$0] == 0x0A }.dropFirst(4800).first.map { $0 + 1 }
                ?? bytes.endIndex
            try bytes.prefix(upTo: cut).write(to: data.appendingPathComponent("elec2.csv"))
            for f in ["sea-abrupt-noise20.csv"] where FileManager.default.fileExists(atPath: "\(home)/\(f)") {
                try FileManager.default.createSymbolicLink(atPath: data.appendingPathComponent(f).path,
                                                           withDestinationPath: "\(home)/\(f)")
            }
            environment["FLYWHEEL_DATA"] = data.path
        }

        // Write the mutants.
        var rng = SplitMix(state: Self.seed)
        var files: [Mutant] = []
        let names = try FileManager.default.contentsOfDirectory(atPath: root.path).filter { $0.hasSuffix(".yaml") }
            .sorted()
        #expect(names.count >= 9)
        for name in names {
            let text = try String(contentsOf: root.appendingPathComponent(name), encoding: .utf8)
            let original = try #require(try Yams.compose(yaml: text))
            let nodes = Mutator.count(original)
            let replay = text.contains("replay:")
            for i in 0..<Self.mutants(for: name) {
                let target = 1 + rng.below(nodes - 1)
                let op: Mutator.Operation
                switch rng.below(10) {
                case 0: op = .delete
                case 1: op = .duplicate
                default: op = .replace(Mutator.values[rng.below(Mutator.values.count)])
                }
                let mutant = Mutator.apply(original, target: target, op)
                guard let yaml = try? Yams.serialize(node: mutant) else { continue }
                let path = work.appendingPathComponent("\(name.dropLast(5))-\(i).yaml").path
                try yaml.write(toFile: path, atomically: true, encoding: .utf8)
                files.append(Mutant(path: path, replay: replay))
            }
        }
        #expect(files.count >= 1_000 && files.count <= 1_500)
        let mutants = files, env = environment, tally = Tally()

        let started = Date()
        // Validate them in batches, two at a time (the machine has two cores).
        let batches = stride(from: 0, to: mutants.count, by: 100).map { Array($0..<min($0 + 100, mutants.count)) }
        DispatchQueue.concurrentPerform(iterations: 2) { worker in
            for (b, batch) in batches.enumerated() where b % 2 == worker {
                let paths = batch.map { mutants[$0].path }
                let validate = ["validate", "--query-time-limit", "10"]
                guard let r = try? runChild(binary, validate + paths, seconds: 120, environment: env) else { continue }
                var results: [(Int, ChildResult)] = []
                if r.signalled || r.timedOut {
                    // Find the culprits one by one.
                    for i in batch {
                        if let one = try? runChild(binary, validate + [mutants[i].path], seconds: 60,
                                                   environment: env) { results.append((i, one)) }
                    }
                } else {
                    results = batch.map { ($0, r) }
                }
                for (i, res) in results { tally.record(validation: res, of: mutants[i].path, index: i) }
            }
        }

        let validated = Date()
        // Short runs of a sample of the mutants that validate.
        let valid = tally.valid.sorted()
        let every = max(1, valid.count / 24)
        let sample = Array(valid.enumerated().filter { $0.offset % every == 0 }.map(\.element).prefix(24))
        DispatchQueue.concurrentPerform(iterations: 2) { worker in
            for (k, i) in sample.enumerated() where k % 2 == worker {
                let path = mutants[i].path.replacingOccurrences(of: ".yaml", with: "-short.yaml")
                guard let short = mutants[i].shortened(),
                      (try? short.write(toFile: path, atomically: true, encoding: .utf8)) != nil else { continue }
                let out = work.appendingPathComponent("run-\(i)").path
                let arguments = ["run", path, "--out", out, "--replicates", "1", "--threads", "1", "--quiet"]
                guard let r = try? runChild(binary, arguments,
                                            seconds: 120, environment: env) else { continue }
                tally.record(run: r, of: path)
            }
        }
        let (crashes, hangs, unclear) = (tally.crashes, tally.hangs, tally.unclear)
        let (errorsCount, warned, runs, runErrors) = (tally.errors, tally.warned, tally.runs, tally.runErrors)
        let validCount = tally.valid.count

        print("mutation fuzz: \(files.count) mutants, \(errorsCount) clear errors, "
              + "\(validCount) valid (\(warned) with warnings), "
              + "\(crashes.count) crashes, \(hangs.count) hangs; \(runs) short runs (\(runErrors) refused); "
              + String(format: "%.0f s writing, %.0f s validating, %.0f s running", started.timeIntervalSince(begun),
                       validated.timeIntervalSince(started),
                       Date().timeIntervalSince(validated)))
        #expect(crashes.isEmpty, "\(crashes)")
        #expect(hangs.isEmpty, "\(hangs)")
        #expect(unclear.isEmpty, "\(unclear.prefix(10))")
        #expect(errorsCount > files.count / 3, "most mutants are errors")
        #expect(runs >= 12)
    }

    @Test func replicatesOnTheCommandLineAreRefusedAsInTheScenario() throws {
        let binary = try #require(flywheelExecutable())
        let r = try runChild(binary, ["run", "--replicates", "20000", "--out", "/nonexistent/never-written"],
                             seconds: 60)
        #expect(!r.signalled && !r.timedOut)
        #expect(r.status != 0)
        #expect(r.stderr.contains("--replicates 20000 is out of range: must be ≤ 10000 replicates"), "\(r.stderr)")
    }
}
