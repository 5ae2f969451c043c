import ArgumentParser
import Dispatch
import FlywheelCore
import Foundation
import Scenarios
import Storage

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a scenario: every strategy on the same traffic, then CSV, SVG, SQLite and a report.",
        discussion: """
        Without a file, runs the built-in quickstart scenario (the same as
        scenarios/quickstart.yaml). Results go to results/<scenario name>/ unless
        --out names a folder; they are written to a temporary folder and moved
        into place only when complete, so an error or Ctrl-C leaves earlier
        results untouched.

        Examples:
          flywheel run
          flywheel run scenarios/quickstart.yaml --replicates 10 --threads 2
          flywheel run my.yaml --out /tmp/try --seed 7 --quiet
        """)

    @Argument(help: "Scenario file (YAML). Omit to run the built-in quickstart.")
    var scenario: String?

    @Option(name: .long, help: "Output folder (default: results/<scenario name>).")
    var out: String?

    @Option(name: .long, help: "Override the scenario's seed.")
    var seed: UInt64?

    @Option(name: .long, help: "Override the scenario's number of replicates.")
    var replicates: Int?

    @OptionGroup var execution: ExecutionOptions

    func validate() throws {
        if let replicates, let problem = ScenarioLoader.replicatesProblem(replicates) { throw ValidationError(problem) }
    }

    @OptionGroup var dataHome: DataHomeOption
    @OptionGroup var memory: MemoryLimitOption

    func run() throws {
        dataHome.apply()
        let loaded = try loadScenario(scenario, seed: seed, replicates: replicates, memoryLimit: memory.bytes,
                                      quiet: execution.quiet)
        let dir = out ?? "results/\(loaded.name)"
        let showProgress = !execution.quiet && stderrIsTerminal
        let interrupt = InterruptCleanup.shared
        try exitingOnError {
            let outputs = try Workbench.run(loaded, outDirectory: dir, threads: execution.threads, chunkBytes: execution.chunkBytes, progress: { done, total in
                if showProgress { FileHandle.standardError.write(Data("\r  simulated \(String(format: "%.1f", done))/\(total) strategy × replicate runs".utf8)) }
            }, staging: { interrupt.watch($0) })
            interrupt.watch(nil)
            if showProgress { printError("") }
            if !execution.quiet {
                let events = outputs.record.traffic.reduce(0.0) { $0 + $1.volume.reduce(0, +) }
                let runs = outputs.record.runs.count
                // Timing goes to standard error: standard output stays the same for the same scenario.
                print("\(loaded.name): \(outputs.record.strategies.count) strategies × \(outputs.record.manifest.replicates) replicates, \(Int(events)) events")
                printError("simulated in \(String(format: "%.2f", outputs.seconds)) s "
                           + "(\(Int(events * Double(outputs.record.strategies.count) / max(outputs.seconds, 1e-9))) strategy-events/s)")
                _ = runs
                let width = (outputs.summaries.map(\.strategy.count).max() ?? 0) + 2
                for s in outputs.summaries {
                    print("  \(s.strategy.padding(toLength: width, withPad: " ", startingAt: 0)) \(outputs.record.manifest.primaryMetric) "
                          + String(format: "%.4f", s.meanMetric.mean) + "  retrains " + String(format: "%.0f", s.retrains.mean)
                          + "  total cost " + String(format: "%.1f", s.totalCost.mean))
                }
                print("results: \(dir)/ (\(outputs.files.joined(separator: ", ")))")
            }
        }
    }
}

/// Loads a scenario file, or the built-in quickstart without one; a scenario with problems prints
/// them all and exits with status 2. Warnings go to standard error (unless `quiet`).
func loadScenario(_ path: String?, seed: UInt64?, replicates: Int? = nil, memoryLimit: Double?,
                  quiet: Bool = false) throws -> Scenarios.Scenario {
    do {
        let loaded: Scenarios.Scenario
        if let path {
            guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
                throw ValidationError("cannot read scenario file '\(path)'")
            }
            loaded = try ScenarioLoader.parse(text, file: path, seedOverride: seed, replicatesOverride: replicates,
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
        throw ExitCode(2)
    }
}

/// Removes a run's staging folder when the user presses Ctrl-C, so nothing half-written remains
/// and the earlier results stay as they were.
final class InterruptCleanup: @unchecked Sendable {
    static let shared = InterruptCleanup()
    private let lock = NSLock()
    private var current: StagedOutput?
    private var sources: [DispatchSourceSignal] = []

    private init() {
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { [weak self] in
                self?.lock.lock()
                self?.current?.abandon()
                self?.lock.unlock()
                FileHandle.standardError.write(Data("\ninterrupted: earlier results are untouched\n".utf8))
                exit(130)
            }
            source.resume()
            sources.append(source)
        }
    }

    func watch(_ out: StagedOutput?) {
        lock.lock()
        current = out
        lock.unlock()
    }
}
