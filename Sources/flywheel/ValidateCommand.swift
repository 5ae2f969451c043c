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
        Exits 0 when every file is valid, 1 when a file cannot be read (it is
        named: "<path>: no such file"), else 2 when a file has problems. The
        problems and warnings (a value that is accepted but wasted, such as a
        window longer than the run) go to standard error; warnings do not change
        the exit status. Standard output gets one line per valid file, or with
        --json one JSON document for all of them (docs/cli-json.md). A FILE of
        - reads the scenario from standard input (named <stdin> in messages;
        its relative replay paths are looked up from the current directory).
        The memory a run of each file needs is estimated and checked against
        --memory-limit; an SQLite query is stopped after --query-time-limit
        seconds.

        Examples:
          flywheel validate scenarios/quickstart.yaml
          flywheel validate scenarios/*.yaml
          flywheel validate --json - < my.yaml
        """)

    @Argument(help: "Scenario files (- for standard input).")
    var files: [String]

    @Flag(name: .long, help: "Print one JSON document (file, valid, errors, warnings per file) on standard output.")
    var json = false

    @OptionGroup var dataHome: DataHomeOption
    @OptionGroup var memory: MemoryLimitOption
    @OptionGroup var queryTime: QueryTimeLimitOption

    func validate() throws {
        if files.filter({ $0 == "-" }).count > 1 { throw ValidationError("- (standard input) can be given once") }
    }

    /// One file's verdict, as `--json` writes it.
    struct FileReport: Encodable {
        var file: String
        var valid: Bool
        /// Whether the file could be read at all (false: `errors` holds why).
        var readable = true
        var errors: [ProblemJSON] = []
        var warnings: [ProblemJSON] = []
        var scenario: String?
        var strategies: Int?
        var ticks: Int?
        var replicates: Int?
        var sweep: Bool?

        enum CodingKeys: String, CodingKey {
            case file, valid, readable, errors, warnings, scenario, strategies, ticks, replicates, sweep
        }
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(file, forKey: .file)
            try c.encode(valid, forKey: .valid)
            try c.encode(readable, forKey: .readable)
            try c.encode(errors, forKey: .errors)
            try c.encode(warnings, forKey: .warnings)
            try c.encode(scenario, forKey: .scenario)
            try c.encode(strategies, forKey: .strategies)
            try c.encode(ticks, forKey: .ticks)
            try c.encode(replicates, forKey: .replicates)
            try c.encode(sweep, forKey: .sweep)
        }
    }

    /// Every file's verdict, as `--json` writes it.
    struct Report: Encodable {
        var valid: Bool
        var files: [FileReport]
    }

    func run() throws {
        dataHome.apply()
        var unreadable = 0, invalid = 0
        var reports: [FileReport] = []
        for path in files {
            let shown = CommandInput.name(path)
            var report = FileReport(file: shown, valid: false)
            do {
                let (text, file) = try CommandInput.scenarioText(path)
                try queryTime.applying {
                    let s = try ScenarioLoader.parse(text, file: file, memoryLimit: memory.bytes)
                    // A sweep's estimate counts its cells.
                    if s.hasSweep { _ = try SweepLoader.parse(text, file: file, memoryLimit: memory.bytes) }
                    let m = s.plan.manifest
                    report.valid = true
                    report.warnings = s.warnings.map(ProblemJSON.init)
                    report.scenario = s.name
                    report.strategies = s.plan.strategies.count
                    report.ticks = m.clock.ticks
                    report.replicates = m.replicates
                    report.sweep = s.hasSweep
                    if json { return }
                    printWarnings(s.warnings)
                    let n = s.warnings.count
                    let warned = n == 0 ? "" : ", \(n) warning\(n == 1 ? "" : "s")"
                    print("\(shown): ok (\(s.name): \(s.plan.strategies.count) strategies, \(m.clock.ticks) ticks, "
                          + "\(m.replicates) replicates\(warned))")
                }
            } catch let e as FlywheelErrors {
                invalid += 1
                report.errors = e.errors.map(ProblemJSON.init)
                report.warnings = e.warnings.map(ProblemJSON.init)
                if !json {
                    printError(e.description)
                    printWarnings(e.warnings)
                    printError("\(shown): \(e.errors.count) problem\(e.errors.count == 1 ? "" : "s")")
                }
            } catch let e as CommandFailure {
                unreadable += 1
                report.readable = false
                report.errors = [ProblemJSON(FlywheelError(e.message, at: SourceLocation(file: shown, line: 0)))]
                if !json { printError("error: \(e.message)") }
            }
            reports.append(report)
        }
        if json { try printJSON(Report(valid: unreadable + invalid == 0, files: reports)) }
        if unreadable > 0 { throw ExitCode(ExitStatus.runtime) }
        if invalid > 0 { throw ExitCode(ExitStatus.invalidScenario) }
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
