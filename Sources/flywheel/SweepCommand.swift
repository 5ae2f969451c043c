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
          sweep: {strategy: periodic,
                  grid: {trigger.every: [1d, 7d, 30d], dataset.window: [14d, 90d]}}
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
        sweep.sqlite must not be a symbolic link. The output is a folder, so
        --out - is refused; --json prints a JSON summary of the sweep on
        standard output instead of the text one (docs/cli-json.md).

        Examples:
          flywheel sweep scenarios/retrain-frequency.yaml
          flywheel sweep scenarios/retrain-frequency.yaml --out results/rf --threads 4
          flywheel sweep s.yaml --shard 3/8 --out shards/3
          flywheel merge results/s shards/*
          flywheel sweep s.yaml --json --progress
        """)

    @Argument(help: "Scenario file (YAML; - for standard input) with a sweep: section.")
    var scenario: String

    @Option(name: [.customShort("o"), .long], help: ArgumentHelp(
        "Output folder (default: results/<slug of the scenario name>-sweep); not - (the output is a folder).",
        valueName: "folder"))
    var out: String?

    @Option(name: .long, help: "Run only shard i of n (1-based), e.g. 3/8.")
    var shard: String?

    @Flag(name: .long, help: ArgumentHelp("Print one JSON document (output folder, cells, recommendation, files) "
                                          + "instead of the text summary."))
    var json = false

    @OptionGroup var execution: ExecutionOptions

    func validate() throws {
        if let shard { do { _ = try SweepShard(parsing: shard) } catch let e as FlywheelError { throw ValidationError(e.description) } }
        try refuseStandardOutput(out, command: "sweep", writes: "sweep.sqlite, CSV, SVG and a report")
    }

    @OptionGroup var dataHome: DataHomeOption
    @OptionGroup var memory: MemoryLimitOption

    /// What `sweep --json` prints (docs/cli-json.md).
    struct Report: Encodable {
        struct Recommended: Encodable {
            var strategy: String
            var metric: IntervalJSON
            var totalCost: IntervalJSON
            enum CodingKeys: String, CodingKey { case strategy, metric, totalCost = "total_cost" }
        }
        var scenario: String
        var output: String
        var database: String
        var shard: String?
        var strategies: Int
        var cellsRun: Int
        var cellsSkipped: Int
        var missing: [String]
        var complete: Bool
        var metric: String?
        var recommended: Recommended?
        var files: [String]
        enum CodingKeys: String, CodingKey {
            case scenario, output, database, shard, strategies, cellsRun = "cells_run", cellsSkipped = "cells_skipped"
            case missing, complete, metric, recommended, files
        }
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(scenario, forKey: .scenario)
            try c.encode(output, forKey: .output)
            try c.encode(database, forKey: .database)
            try c.encode(shard, forKey: .shard)
            try c.encode(strategies, forKey: .strategies)
            try c.encode(cellsRun, forKey: .cellsRun)
            try c.encode(cellsSkipped, forKey: .cellsSkipped)
            try c.encode(missing, forKey: .missing)
            try c.encode(complete, forKey: .complete)
            try c.encode(metric, forKey: .metric)
            try c.encode(recommended, forKey: .recommended)
            try c.encode(files, forKey: .files)
        }
    }

    func run() throws {
        dataHome.apply()
        let loaded: SweepScenario
        do {
            let (text, file) = try CommandInput.scenarioText(scenario)
            loaded = try SweepLoader.parse(text, file: file, memoryLimit: memory.bytes)
        } catch let e as FlywheelErrors {
            printError(e.description)
            printWarnings(e.warnings)
            throw ExitCode(ExitStatus.invalidScenario)
        }
        if !execution.quiet { printWarnings(loaded.scenario.warnings) }
        let part = try shard.map { try SweepShard(parsing: $0) }
        let suffix = part.map { "-sweep-shard-\($0.index)-of-\($0.count)" } ?? "-sweep"
        let dir = try out ?? defaultFolder(loaded.name, suffix: suffix)
        let progress = execution.progressLine()
        let interrupt = InterruptCleanup.shared
        let database = URL(fileURLWithPath: dir).appendingPathComponent("sweep.sqlite").path
        interrupt.watch(SweepCellsNotice(database: database))
        try exitingOnError {
            let outputs = try Workbench.sweep(loaded, outDirectory: dir, followSymlink: out != nil, shard: part,
                                              threads: execution.threads, chunkBytes: execution.chunkBytes, progress: { p in
                let left = p.secondsLeft.map { String(format: ", %.0f s left", $0) } ?? ""
                progress.show(String(format: "cells %.1f/%d done, %.2f cells/s", p.cellsDone, p.cellsToRun, p.rate)
                              + left + "   ")
            }, staging: { interrupt.watch($0) })
            progress.finish()
            let total = loaded.plan.strategies.count
            if json {
                let recommended = outputs.analysis.map { a in
                    Report.Recommended(strategy: a.recommended.strategy, metric: IntervalJSON(a.recommended.meanMetric),
                                       totalCost: IntervalJSON(a.recommended.totalCost))
                }
                try printJSON(Report(
                    scenario: loaded.name, output: outputs.directory, database: outputs.database,
                    shard: part.map { "\($0.index)/\($0.count)" }, strategies: total, cellsRun: outputs.cellsRun,
                    cellsSkipped: outputs.cellsSkipped, missing: outputs.missing, complete: outputs.analysis != nil,
                    metric: outputs.analysis?.record.manifest.primaryMetric, recommended: recommended,
                    files: outputs.files))
                return
            }
            if execution.quiet { return }
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
