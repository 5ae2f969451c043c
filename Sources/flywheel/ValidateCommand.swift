import ArgumentParser
import FlywheelCore
import Foundation
import Scenarios
import Workbench

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check scenario files and report every problem with file, line, key and a suggestion.",
        discussion: """
        Exits 0 when every file is valid, 2 otherwise. Warnings (a value that is
        accepted but wasted, such as a window longer than the run) go to standard
        error and do not change the exit status. The memory a run of each file
        needs is estimated and checked against --memory-limit; an SQLite query is
        stopped after --query-time-limit seconds.

        Examples:
          flywheel validate scenarios/quickstart.yaml
          flywheel validate scenarios/*.yaml
        """)

    @Argument(help: "Scenario files.")
    var files: [String]

    @OptionGroup var dataHome: DataHomeOption
    @OptionGroup var memory: MemoryLimitOption
    @OptionGroup var queryTime: QueryTimeLimitOption

    func run() throws {
        dataHome.apply()
        var bad = 0
        for file in files {
            do {
                try queryTime.applying {
                    let s = try ScenarioLoader.load(path: file, memoryLimit: memory.bytes)
                    // A sweep's estimate counts its cells.
                    if s.hasSweep { _ = try SweepLoader.load(path: file, memoryLimit: memory.bytes) }
                    printWarnings(s.warnings)
                    let n = s.warnings.count
                    let warned = n == 0 ? "" : ", \(n) warning\(n == 1 ? "" : "s")"
                    let m = s.plan.manifest
                    print("\(file): ok (\(s.name): \(s.plan.strategies.count) strategies, \(m.clock.ticks) ticks, "
                          + "\(m.replicates) replicates\(warned))")
                }
            } catch let e as FlywheelErrors {
                bad += 1
                print(e.description)
                printWarnings(e.warnings)
                print("\(file): \(e.errors.count) problem\(e.errors.count == 1 ? "" : "s")")
            }
        }
        if bad > 0 { throw ExitCode(2) }
    }
}

/// `--query-time-limit SECONDS` for the commands that only read a replayed SQLite source to
/// check or describe it (validate, dataset describe): a query that runs longer is stopped.
struct QueryTimeLimitOption: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Seconds one pass over an SQLite table or query may take (default: 60).",
                                            valueName: "SECONDS"))
    var queryTimeLimit: Double = 60

    func validate() throws {
        if !(queryTimeLimit > 0 && queryTimeLimit.isFinite) {
            throw ValidationError("--query-time-limit must be a positive number of seconds")
        }
    }

    /// Runs `body` with the limit bound for every SQLite source it opens.
    func applying<T>(_ body: () throws -> T) rethrows -> T {
        try ReplayReader.withQueryTimeLimit(queryTimeLimit, body)
    }
}
