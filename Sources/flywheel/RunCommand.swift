import ArgumentParser
import Dispatch
import FlywheelCore
import Foundation
import Scenarios
import Workbench
import Storage

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a scenario: every strategy on the same traffic, then CSV, SVG, SQLite and a report.",
        discussion: """
        Without a file, runs the built-in quickstart scenario (the same as
        scenarios/quickstart.yaml). Results go to results/<slug>/ unless --out
        names a folder. The slug is the scenario's name as a folder name: each
        run of characters other than A-Z a-z 0-9 . _ - becomes one '-', leading
        and trailing '.' and '-' are dropped, and it is cut to 64 characters
        ("team/exp 1" -> results/team-exp-1); a name that leaves nothing ("..")
        is refused.

        Results are written to a hidden sibling folder and swapped into place
        atomically only when complete, so an error or Ctrl-C leaves earlier
        results untouched. Flywheel replaces only a folder it wrote (one holding
        its .flywheel marker or run.sqlite/sweep.sqlite), an empty one, or none;
        any other existing folder or file is refused. While it writes, a second
        flywheel on the same folder is refused. A symbolic link given to --out
        is followed (its target must pass the same rule); one met at the
        default results/<slug> is refused. The output is a folder, so --out -
        is refused; --json prints a JSON summary of the run on standard output
        instead of the text one (docs/cli-json.md), and a scenario of - is read
        from standard input.

        Examples:
          flywheel run
          flywheel run scenarios/quickstart.yaml --replicates 10 --threads 2
          flywheel run my.yaml --out /tmp/try --seed 7 --quiet
          flywheel run my.yaml -o /tmp/try --json --progress
        """)

    @Argument(help: "Scenario file (YAML; - for standard input). Omit to run the built-in quickstart.")
    var scenario: String?

    @Option(name: [.customShort("o"), .long], help: ArgumentHelp(
        "Output folder (default: results/<slug of the scenario name>); not - (the output is a folder).",
        valueName: "folder"))
    var out: String?

    @Option(name: .long, help: "Override the scenario's seed.")
    var seed: UInt64?

    @Option(name: .long, help: "Override the scenario's number of replicates.")
    var replicates: Int?

    @Flag(name: .long, help: "Print one JSON document (output folder, strategies, files) instead of the text summary.")
    var json = false

    @OptionGroup var execution: ExecutionOptions

    func validate() throws {
        if let replicates, let problem = ScenarioLoader.replicatesProblem(replicates) { throw ValidationError(problem) }
        try refuseStandardOutput(out, command: "run", writes: "CSV, SVG, SQLite and a report")
    }

    @OptionGroup var dataHome: DataHomeOption
    @OptionGroup var memory: MemoryLimitOption

    /// What `run --json` prints (docs/cli-json.md).
    struct Report: Encodable {
        struct Strategy: Encodable {
            var name: String
            var metric: IntervalJSON
            var retrains: IntervalJSON
            var deployments: IntervalJSON
            var labels: IntervalJSON
            var totalCost: IntervalJSON
            /// The mean of each series the scenario's `metrics:` requested, by name.
            var requested: [String: IntervalJSON]
            enum CodingKeys: String, CodingKey {
                case name, metric, retrains, deployments, labels, totalCost = "total_cost", requested
            }
        }
        var scenario: String
        var output: String
        var metric: String
        var replicates: Int
        var events: Int
        var strategies: [Strategy]
        var files: [String]
    }

    func run() throws {
        dataHome.apply()
        let loaded = try loadScenario(scenario, seed: seed, replicates: replicates, memoryLimit: memory.bytes,
                                      quiet: execution.quiet)
        let dir = try out ?? defaultFolder(loaded.name)
        let progress = execution.progressLine()
        let interrupt = InterruptCleanup.shared
        try exitingOnError {
            let outputs = try Workbench.run(loaded, outDirectory: dir, followSymlink: out != nil,
                                            threads: execution.threads,
                                            chunkBytes: execution.chunkBytes, progress: { done, total in
                progress.show("simulated \(String(format: "%.1f", done))/\(total) strategy × replicate runs")
            }, staging: { interrupt.watch($0) })
            progress.finish()
            if !execution.quiet { printWarnings(Workbench.warnings(outputs.record)) }
            let events = outputs.record.traffic.reduce(0.0) { $0 + $1.volume.reduce(0, +) }
            let metric = outputs.record.manifest.primaryMetric
            if json {
                try printJSON(Report(
                    scenario: loaded.name, output: dir, metric: metric, replicates: outputs.record.manifest.replicates,
                    events: Int(events),
                    strategies: outputs.summaries.map {
                        .init(name: $0.strategy, metric: IntervalJSON($0.meanMetric),
                              retrains: IntervalJSON($0.retrains),
                              deployments: IntervalJSON($0.deployments), labels: IntervalJSON($0.labels),
                              totalCost: IntervalJSON($0.totalCost), requested: $0.requested.mapValues { IntervalJSON($0) })
                    },
                    files: outputs.files))
            }
            if !execution.quiet {
                // Timing goes to standard error: standard output stays the same for the same scenario.
                printError("simulated in \(String(format: "%.2f", outputs.seconds)) s "
                           + "(\(Int(events * Double(outputs.record.strategies.count) / max(outputs.seconds, 1e-9))) strategy-events/s)")
            }
            if !execution.quiet && !json {
                print("\(loaded.name): \(outputs.record.strategies.count) strategies × \(outputs.record.manifest.replicates) replicates, \(Int(events)) events")
                let width = (outputs.summaries.map(\.strategy.count).max() ?? 0) + 2
                for s in outputs.summaries {
                    print("  \(s.strategy.padding(toLength: width, withPad: " ", startingAt: 0)) \(metric) "
                          + String(format: "%.4f", s.meanMetric.mean) + "  retrains " + String(format: "%.0f", s.retrains.mean)
                          + "  total cost " + String(format: "%.1f", s.totalCost.mean))
                }
                print("results: \(dir)/ (\(outputs.files.joined(separator: ", ")))")
            }
        }
    }
}

/// Loads a scenario file (`-`: standard input), or the built-in quickstart without one; a file
/// that cannot be read is a ``CommandFailure`` (status 1), a scenario with problems prints them
/// all and exits with status 2. Warnings go to standard error (unless `quiet`).
func loadScenario(_ path: String?, seed: UInt64?, replicates: Int? = nil, memoryLimit: Double?,
                  quiet: Bool = false) throws -> Scenarios.Scenario {
    do {
        let loaded: Scenarios.Scenario
        if let path {
            let (text, file) = try CommandInput.scenarioText(path)
            loaded = try ScenarioLoader.parse(text, file: file, seedOverride: seed, replicatesOverride: replicates,
                                              memoryLimit: memoryLimit)
        } else {
            loaded = try ScenarioLoader.parse(BuiltinScenarios.quickstart, file: "scenarios/quickstart.yaml (built in)",
                                              seedOverride: seed, replicatesOverride: replicates,
                                              memoryLimit: memoryLimit)
        }
        if !quiet { printWarnings(loaded.warnings) }
        return loaded
    } catch let e as FlywheelErrors {
        printError(e.description)
        printWarnings(e.warnings)
        throw ExitCode(ExitStatus.invalidScenario)
    }
}

/// `results/<slug>` for a scenario name (``ResultsFolder``); validation has refused names
/// without one, so this only fails for a scenario built in code.
func defaultFolder(_ name: String, suffix: String = "") throws -> String {
    guard let path = ResultsFolder.defaultPath(forScenario: name, suffix: suffix) else {
        throw CommandFailure("the scenario name \"\(name)\" leaves no folder name for its results (give --out)")
    }
    return path
}

/// What Ctrl-C (SIGINT) or SIGTERM does while a command writes: the watched staged output is
/// abandoned, every output claim of the process cleans up (``OutputClaim/cleanUpAllForExit()``),
/// a notebook's running command is passed the signal, one true sentence is printed
/// ("interrupted: earlier results are untouched"), and the process exits with status 130.
///
/// The handler holds ``lock`` until the process ends, and the error path of every command
/// (``exitingOnError(_:)``) waits on it first: an error that the cleanup itself causes in the
/// writing thread (a file removed under SQLite) is never printed.
final class InterruptCleanup: @unchecked Sendable {
    static let shared = InterruptCleanup()
    private static let lock = NSLock()
    nonisolated(unsafe) private static var current: StagedOutput?
    nonisolated(unsafe) private static var child: pid_t = 0
    private var sources: [DispatchSourceSignal] = []

    private init() {
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { InterruptCleanup.interrupt(sig) }
            source.resume()
            sources.append(source)
        }
    }

    private static func interrupt(_ sig: Int32) {
        lock.lock()  // never released: the process ends here
        if child > 0 {
            // A notebook's command: pass the signal on and give it 5 s to clean up after itself.
            kill(child, sig)
            var status: Int32 = 0, waited = 0
            while waited < 500, waitpid(child, &status, WNOHANG) == 0 { usleep(10_000); waited += 1 }
        }
        current?.abandon()
        OutputClaim.cleanUpAllForExit()
        let notice = current?.interruptionNotice ?? "interrupted: earlier results are untouched"
        FileHandle.standardError.write(Data("\n\(notice)\n".utf8))
        _exit(130)
    }

    /// What an interruption must abandon from now on (nil: nothing staged).
    func watch(_ out: StagedOutput?) {
        Self.lock.lock()
        Self.current = out
        Self.lock.unlock()
    }

    /// The child process an interruption must pass the signal to (0: none).
    func watchChild(_ pid: pid_t) {
        Self.lock.lock()
        Self.child = pid
        Self.lock.unlock()
    }

    /// Returns at once unless an interruption is being handled; then waits for it to end the process.
    static func waitIfInterrupted() {
        lock.lock()
        lock.unlock()
    }
}
