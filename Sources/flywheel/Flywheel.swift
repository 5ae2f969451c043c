import ArgumentParser
import FlywheelCore
import Foundation
import Scenarios
import Workbench
import Simulation
import Storage

@main
struct Flywheel: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flywheel",
        abstract: "Simulate and backtest retraining strategies for ML models in production.",
        discussion: """
        Replays production-like traffic with injected drift, runs competing
        retraining strategies on exactly the same events, and reports how each
        model decays and recovers, what it spent, and its opportunity cost.

        Examples:
          flywheel run                         # the built-in quickstart
          flywheel run scenarios/trigger-shootout.yaml --out results/ts
          flywheel sweep scenarios/retrain-frequency.yaml
          flywheel validate scenarios/*.yaml
          flywheel list trigger
          flywheel report results/quickstart   # rebuild from run.sqlite
          flywheel detect --detector adwin --column error errors.csv
          flywheel dataset describe my-logs.csv --label outcome
          flywheel traffic -o traffic.csv      # every event with its drift intensities
          flywheel validate --json - < my.yaml
          flywheel schema -o flywheel-scenario.schema.json
        """ + "\n\n" + ExitStatus.documentation,
        version: FlywheelVersion.current,
        subcommands: [RunCommand.self, SweepCommand.self, MergeCommand.self, ValidateCommand.self, ListCommand.self, ReportCommand.self,
                      PlotCommand.self, DetectCommand.self, DistanceCommand.self, DatasetCommand.self, NotebookCommand.self, TrafficCommand.self,
                      OracleCommand.self, SchemaCommand.self]
    )

    /// Parses and runs the command; a ``CommandFailure`` (thrown anywhere) is printed on standard
    /// error as one sentence and ends the process with its status, any other error as
    /// ArgumentParser reports it (64 for a usage error, 1 otherwise).
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let failure as CommandFailure {
            InterruptCleanup.waitIfInterrupted()
            printError("error: \(failure.message)")
            Foundation.exit(failure.status)
        } catch {
            exit(withError: error)
        }
    }
}

/// Prints to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// Runs a command's work: a Flywheel error is printed to standard error (every problem, for a
/// list of them) and the command exits with status 1 (``ExitStatus``); a file-system or SQLite error becomes one
/// sentence naming the path and the cause. While an interruption is being handled nothing is
/// printed: the interrupt handler ends the process with its own message.
func exitingOnError(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let e as FlywheelErrors {
        InterruptCleanup.waitIfInterrupted()
        printError(e.description)
        throw ExitCode(1)
    } catch let e as ExitCode {
        throw e
    } catch let e as CommandFailure {
        throw e
    } catch let e as ValidationError {
        throw e
    } catch let e as CleanExit {
        throw e
    } catch {
        InterruptCleanup.waitIfInterrupted()
        printError("error: \(FileErrors.describe(error))")
        throw ExitCode(1)
    }
}

/// Whether standard error is a terminal (progress is shown only there).
var stderrIsTerminal: Bool { isatty(2) == 1 }

/// `--data DIR`: the data home for this command (where replayed datasets are looked up),
/// overriding the FLYWHEEL_DATA environment variable.
struct DataHomeOption: ParsableArguments {
    @Option(name: .long, help: "Data home: the folder holding replayed datasets (default: $FLYWHEEL_DATA, else ~/.flywheel/data).")
    var data: String?

    /// Makes the choice visible to the loader and to any command this one starts.
    func apply() {
        if let data { setenv("FLYWHEEL_DATA", data, 1) }
    }
}

/// `--memory-limit GIB`: the memory a run may need (its estimate is checked before anything is
/// allocated), for run, sweep, traffic and validate.
struct MemoryLimitOption: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("GiB a run may need (default: half of this machine's memory, or of its "
                                             + "container's limit). A scenario whose estimated memory is larger is "
                                             + "refused with the estimate.", valueName: "GiB"))
    var memoryLimit: Double?

    /// The limit in bytes.
    var bytes: Double { memoryLimit.map { $0 * Double(1 << 30) } ?? MemoryEstimate.defaultLimit }

    func validate() throws {
        if let memoryLimit, !(memoryLimit > 0 && memoryLimit.isFinite) {
            throw ValidationError("--memory-limit must be a positive number of GiB")
        }
    }
}

/// Prints a scenario's warnings on standard error.
func printWarnings(_ warnings: [FlywheelError]) {
    if !warnings.isEmpty { printError(FlywheelErrors([], warnings: warnings).warningDescription) }
}

/// `--threads`, `--quiet` and `--progress`, shared by the commands that simulate.
struct ExecutionOptions: ParsableArguments {
    @Option(name: .customLong("threads"), help: ArgumentHelp(
        "Worker threads (default: the number of cores). Results do not depend on it.", valueName: "threads"))
    var threadCount: Int?

    /// The worker threads to use.
    var threads: Int { threadCount ?? ProcessInfo.processInfo.activeProcessorCount }

    @Flag(name: .long, help: "Print nothing but errors.")
    var quiet = false

    @Flag(name: .long, help: ArgumentHelp(
        "Show progress even when standard error is not a terminal (a line every "
            + "\(Int(ProgressLine.interval)) s, for CI logs; on a terminal it is always shown)."))
    var progress = false

    /// The progress line of this command.
    func progressLine() -> ProgressLine { ProgressLine(quiet: quiet, forced: progress) }

    @Option(name: .long, help: "MiB of traffic held at once: longer runs and larger files stream through the strategies in chunks of this size. Results do not depend on it.")
    var trafficMemory: Int = Runner.defaultChunkBytes >> 20

    var chunkBytes: Int { trafficMemory << 20 }

    func validate() throws {
        if let threadCount, threadCount < 1 { throw ValidationError("--threads must be at least 1") }
        if trafficMemory < 1 { throw ValidationError("--traffic-memory must be at least 1 (MiB)") }
    }
}
