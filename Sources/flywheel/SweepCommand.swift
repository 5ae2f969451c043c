import ArgumentParser
import FlywheelCore
import Foundation
import Scenarios
import Workbench
import Storage

struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Backtest a grid of strategy parameters (e.g. retraining interval × window) on the same traffic.",
        discussion: """
        The scenario's sweep: section names a strategy and a grid of its
        parameters by key path:
          sweep: {strategy: periodic, grid: {trigger.every: [1d, 7d, 30d], dataset.window: [14d, 90d]}}
        Every cell runs on the same traffic and replicates as the scenario's other
        strategies (the fixed comparators). Each finished cell is committed to
        OUT/sweep.sqlite, so an interrupted sweep resumes where it stopped when
        run again with the same --out. Once every cell is present, OUT gets
        cells/<cell>.csv, sweep-summary.csv, comparisons.csv, heatmap.svg, best-worst.svg,
        decision-map.svg, sweep-report.md and sweep-report.html, the same report with
        its figures inline (written atomically).

        --shard i/n runs only the cells whose index k satisfies k % n == i-1, into
        its own database (default folder results/<slug>-sweep-shard-i-of-n); join
        the shards with `flywheel merge`. The slug, the rule for replacing a
        folder, the lock and the handling of links are those of `flywheel run`;
        sweep.sqlite must not be a symbolic link.

        Examples:
          flywheel sweep scenarios/retrain-frequency.yaml
          flywheel sweep scenarios/retrain-frequency.yaml --out results/rf --threads 4
          flywheel sweep s.yaml --shard 3/8 --out shards/3 && flywheel merge results/s shards/*
        """)

    @Argument(help: "Scenario file (YAML) with a sweep: section.")
    var scenario: String

    @Option(name: .long, help: "Output folder (default: results/<slug of the scenario name>-sweep).")
    var out: String?

    @Option(name: .long, help: "Run only shard i of n (1-based), e.g. 3/8.")
    var shard: String?

    @OptionGroup var execution: ExecutionOptions

    func validate() throws {
        if let shard { do { _ = try SweepShard(parsing: shard) } catch let e as FlywheelError { throw ValidationError(e.description) } }
    }

    @OptionGroup var dataHome: DataHomeOption
    @OptionGroup var memory: MemoryLimitOption

    func run() throws {
        dataHome.apply()
        let loaded: SweepScenario
        do { loaded = try SweepLoader.load(path: scenario, memoryLimit: memory.bytes) } catch let e as FlywheelErrors {
            printError(e.description)
            printWarnings(e.warnings)
            throw ExitCode(2)
        }
        if !execution.quiet { printWarnings(loaded.scenario.warnings) }
        let part = try shard.map { try SweepShard(parsing: $0) }
        let suffix = part.map { "-sweep-shard-\($0.index)-of-\($0.count)" } ?? "-sweep"
        let dir = try out ?? defaultFolder(loaded.name, suffix: suffix)
        let showProgress = !execution.quiet && stderrIsTerminal
        let interrupt = InterruptCleanup.shared
        let database = URL(fileURLWithPath: dir).appendingPathComponent("sweep.sqlite").path
        interrupt.watch(SweepCellsNotice(database: database))
        try exitingOnError {
            let outputs = try Workbench.sweep(loaded, outDirectory: dir, followSymlink: out != nil, shard: part,
                                              threads: execution.threads, chunkBytes: execution.chunkBytes, progress: { p in
                guard showProgress else { return }
                let left = p.secondsLeft.map { String(format: ", %.0f s left", $0) } ?? ""
                FileHandle.standardError.write(Data((String(format: "\r  cells %.1f/%d done, %.2f cells/s", p.cellsDone, p.cellsToRun, p.rate) + left + "   ").utf8))
            }, staging: { interrupt.watch($0) })
            if showProgress { printError("") }
            if execution.quiet { return }
            let total = loaded.plan.strategies.count
            print("\(loaded.name): ran \(outputs.cellsRun) of \(total) sweep strategies\(part.map { " (shard \($0))" } ?? "")"
                  + (outputs.cellsSkipped > 0 ? ", \(outputs.cellsSkipped) already done" : "")
                  + String(format: ", in %.2f s", outputs.seconds))
            if let a = outputs.analysis {
                let r = a.recommended
                print("  recommended: \(r.strategy), total cost " + String(format: "%.1f", r.totalCost.mean)
                      + (r.totalCost.halfWidth > 0 ? String(format: " ± %.1f", r.totalCost.halfWidth) : "")
                      + ", \(a.record.manifest.primaryMetric) " + String(format: "%.4f", r.meanMetric.mean))
                print("results: \(outputs.directory)/ (\(outputs.files.joined(separator: ", ")))")
            } else {
                print("database: \(outputs.database)")
                if !outputs.missing.isEmpty {
                    print("  \(outputs.missing.count) of \(total) strategies are in other shards; join the shard databases with `flywheel merge OUT DB...`")
                }
            }
        }
    }
}

/// What an interrupted sweep leaves before its outputs are staged: the finished cells.
final class SweepCellsNotice: StagedOutput, @unchecked Sendable {
    let database: String
    init(database: String) { self.database = database }
    func abandon() {}
    var interruptionNotice: String {
        "interrupted: earlier results are untouched; finished cells are kept in \(database), "
            + "and the same command resumes from them"
    }
}
