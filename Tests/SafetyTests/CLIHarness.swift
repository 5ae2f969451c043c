import Foundation
import Testing

/// The `flywheel` executable SwiftPM built next to this test bundle.
let flywheelExecutable: URL = {
    let fm = FileManager.default
    var candidates: [URL] = []
    if let exe = Bundle.main.executableURL {
        candidates.append(exe.deletingLastPathComponent().appendingPathComponent("flywheel"))
    }
    for b in Bundle.allBundles {
        candidates.append(b.bundleURL.deletingLastPathComponent().appendingPathComponent("flywheel"))
    }
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    candidates.append(root.appendingPathComponent(".build/debug/flywheel"))
    return candidates.first { fm.isExecutableFile(atPath: $0.path) } ?? candidates.last!
}()

/// What one command did.
struct CLIResult: CustomStringConvertible {
    var status: Int32
    /// The signal that ended the process, or nil when it exited.
    var signal: Int32?
    var stdout: String
    var stderr: String
    var description: String {
        "status \(status)\(signal.map { " (signal \($0))" } ?? "")\nstdout: \(stdout)\nstderr: \(stderr)"
    }
}

/// Runs `flywheel args` in `cwd` (test hooks from the environment of the test removed, `env`
/// added), giving up after `timeout` seconds (a hang is then reported as signal SIGKILL).
func flywheel(_ args: [String], in cwd: URL, env: [String: String] = [:], timeout: Double = 60) throws -> CLIResult {
    let process = Process()
    process.executableURL = flywheelExecutable
    process.arguments = args
    process.currentDirectoryURL = cwd
    var environment = ProcessInfo.processInfo.environment
    for k in ["FLYWHEEL_TEST_HOOK", "FLYWHEEL_TEST_HOOK_READY", "FLYWHEEL_TEST_RENAME", "FLYWHEEL_NOTEBOOK"] {
        environment[k] = nil
    }
    for (k, v) in env { environment[k] = v }
    process.environment = environment
    let out = FileManager.default.temporaryDirectory.appendingPathComponent("flywheel-cli-\(UUID().uuidString)")
    _ = FileManager.default.createFile(atPath: out.path + ".out", contents: nil)
    _ = FileManager.default.createFile(atPath: out.path + ".err", contents: nil)
    defer { for s in [".out", ".err"] { try? FileManager.default.removeItem(atPath: out.path + s) } }
    process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out.path + ".out"))
    process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: out.path + ".err"))
    try process.run()
    let deadline = Date().addingTimeInterval(timeout)
    while process.isRunning && Date() < deadline { usleep(2_000) }
    if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    process.waitUntilExit()
    let stdout = (try? String(contentsOfFile: out.path + ".out", encoding: .utf8)) ?? ""
    let stderr = (try? String(contentsOfFile: out.path + ".err", encoding: .utf8)) ?? ""
    let signalled = process.terminationReason == .uncaughtSignal
    return CLIResult(
        status: process.terminationStatus, signal: signalled ? process.terminationStatus : nil, stdout: stdout,
        stderr: stderr)
}

/// A fresh temporary folder for one test.
func scratch(_ name: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("flywheel-safety-\(getpid())-\(name)")
    try? FileManager.default.removeItem(at: url)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url.resolvingSymlinksInPath()
}

/// Every entry of a tree, by path relative to `root`, without following links: a file's bytes,
/// `dir` for a folder, `-> target` for a link.
func tree(_ root: URL) -> [String: Data] {
    var out: [String: Data] = [:]
    let fm = FileManager.default
    func walk(_ url: URL, _ rel: String) {
        guard let names = try? fm.contentsOfDirectory(atPath: url.path) else { return }
        for name in names {
            let child = url.appendingPathComponent(name)
            let path = rel.isEmpty ? name : "\(rel)/\(name)"
            let type = (try? fm.attributesOfItem(atPath: child.path))?[.type] as? FileAttributeType
            switch type {
            case .typeDirectory?:
                out[path] = Data("dir".utf8)
                walk(child, path)
            case .typeSymbolicLink?:
                out[path] = Data("-> \((try? fm.destinationOfSymbolicLink(atPath: child.path)) ?? "?")".utf8)
            default:
                out[path] = (try? Data(contentsOf: child)) ?? Data("unreadable".utf8)
            }
        }
    }
    walk(root, "")
    return out
}

/// The entries of `t` outside the subtree `excluded` (a relative path).
func outside(_ t: [String: Data], _ excluded: String) -> [String: Data] {
    t.filter { $0.key != excluded && !$0.key.hasPrefix(excluded + "/") }
}

/// A short scenario: 20 ticks of SEA traffic, two schedules, one replicate (`NAME` replaced).
let tinyScenario = """
    name: NAME
    seed: 3
    replicates: 1
    clock: {tick: 1d, ticks: 20, events_per_tick: 200}
    stream: {generator: sea, noise: 0.1, warmup: 300}
    drifts:
      - {type: instantaneous, at: 8d, target: concept, to: 3}
    model: {family: logistic_regression, l2: 1.0e-4}
    labels: {coverage: 0.3, delay: 1d, cost: 0.01}
    costs: {error: 1.0, retrain: 20, retrain_per_sample: 0.001, deploy: 2}
    strategies:
      - {name: never, trigger: never}
      - {name: weekly, trigger: {every: 7d}, dataset: {window: 14d}}
    reference: never

    """

/// A short sweep: 2 × 2 cells of a periodic strategy next to never retraining, 20 ticks.
let tinySweep =
    tinyScenario.replacingOccurrences(of: "name: NAME", with: "name: tiny-sweep") + """
        sweep:
          strategy: weekly
          grid:
            trigger.every: [2d, 5d]
            dataset.window: [5d, 10d]

        """

/// Writes `text` to `dir/file` and returns the file name.
@discardableResult
func put(_ text: String, _ file: String, in dir: URL) throws -> String {
    try text.write(to: dir.appendingPathComponent(file), atomically: true, encoding: .utf8)
    return file
}

/// Hidden staging, earlier copies and lock files beside or inside `dir`'s entries.
func leftovers(_ dir: URL) -> [String] {
    tree(dir).keys.filter { key in
        let name = key.split(separator: "/").last.map(String.init) ?? key
        return name.hasPrefix(".") && (name.contains(".tmp-") || name.contains(".old-") || name.hasSuffix(".lock"))
    }.sorted()
}

/// The outputs of a results folder compared across runs: every file but the SQLite database
/// (whose pages need not be laid out alike).
func comparable(_ dir: URL) -> [String: Data] {
    tree(dir).filter { !$0.key.hasSuffix(".sqlite") }
}

/// Starts `flywheel args` in `cwd`, paused at the test hook `point` (see `TestHook`); returns once
/// it has paused, with the pid of the process that paused (the command itself, or the command a
/// notebook started). The caller ends it.
func startPaused(_ args: [String], at point: String, in cwd: URL) throws -> (process: Process, paused: Int32) {
    let ready = cwd.appendingPathComponent(".ready-\(UUID().uuidString)").path
    let process = Process()
    process.executableURL = flywheelExecutable
    process.arguments = args
    process.currentDirectoryURL = cwd
    var env = ProcessInfo.processInfo.environment
    env["FLYWHEEL_TEST_HOOK"] = "\(point):pause"
    env["FLYWHEEL_TEST_HOOK_READY"] = ready
    process.environment = env
    process.standardError = FileHandle.nullDevice
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    let deadline = Date().addingTimeInterval(30)
    while (try? String(contentsOfFile: ready, encoding: .utf8))?.hasSuffix("\n") != true && Date() < deadline {
        usleep(5_000)
    }
    let text = (try? String(contentsOfFile: ready, encoding: .utf8)) ?? ""
    try? FileManager.default.removeItem(atPath: ready)
    guard let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
        kill(process.processIdentifier, SIGKILL)
        throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: ready])
    }
    return (process, pid)
}
