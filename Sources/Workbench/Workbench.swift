import Analysis
import FlywheelCore
import Scenarios
import Foundation
import Reports
import Simulation
import Storage

/// The files a run writes.
public struct RunOutputs: Sendable {
    public var directory: String
    public var files: [String]
    public var record: RunRecord
    public var summaries: [StrategySummary]
    public var seconds: Double
    /// Wall time of the oracle's age matrices and dynamic program (0 without `oracle:`).
    public var oracleSeconds: Double = 0
    /// The hindsight-optimal schedule and the regrets, with `oracle:`.
    public var oracle: OracleAnalysis?
}

/// End-to-end operations the CLI exposes, callable from a user's own Swift code.
public enum Workbench {
    /// Runs a scenario and writes its results atomically into `outDirectory`:
    /// `metrics.csv`, `summary.csv`, `traffic.csv`, `drifts.csv`, `opportunity.csv`, `comparisons.csv`,
    /// the figures, `report.md`, `report.html` (the same report with its figures inline), `run.sqlite`.
    ///
    /// The folder is claimed before simulating (``OutputClaim``): it must be absent, empty or
    /// written by Flywheel, and no other Flywheel process may be writing it. `followSymlink`: a
    /// symbolic link as the folder is followed (the caller named it), else refused.
    public static func run(_ scenario: Scenario, outDirectory: String, followSymlink: Bool = true,
                           threads: Int = ProcessInfo.processInfo.activeProcessorCount,
                           chunkBytes: Int = Runner.defaultChunkBytes,
                           progress: (@Sendable (_ runsDone: Double, _ runs: Int) -> Void)? = nil,
                           staging: ((OutputDirectory) -> Void)? = nil) throws -> RunOutputs {
        let started = Date()
        let claim = try OutputClaim(outDirectory, followSymlink: followSymlink)
        defer { claim.release() }
        let record = try Runner.run(scenario.plan, threads: threads, chunkBytes: chunkBytes, progress: progress)
        let oracleStarted = Date()
        let oracle = try oracle(scenario.plan, record: record, threads: threads)
        let oracleSeconds = oracle == nil ? 0 : Date().timeIntervalSince(oracleStarted)
        TestHook.reach("run.simulated")
        let out = try OutputDirectory(claim)
        staging?(out)
        TestHook.reach("output.staged")
        do {
            let files = try write(record, to: out, oracle: oracle?.analysis, matrices: oracle?.matrices ?? [],
                                  strategies: strategySettings(scenario.plan))
            try out.commit()
            return RunOutputs(directory: out.destination.path, files: files, record: record,
                              summaries: RunSummary.summarize(record), seconds: Date().timeIntervalSince(started),
                              oracleSeconds: oracleSeconds, oracle: oracle?.analysis)
        } catch {
            out.abandon()
            throw error
        }
    }

    /// Writes every output of a finished run into a staged folder (no commit).
    /// With an oracle (``oracle(_:record:threads:)``): `oracle.csv`, the age-matrix figure and the
    /// report's section on the hindsight-optimal schedule. `strategies`: each strategy's components
    /// as the run used them (``strategySettings(_:)``): the report's "Strategies under test" and
    /// the per-strategy prices of its "Cost model", and `run.sqlite`'s `strategy_config`.
    public static func write(_ record: RunRecord, to out: OutputDirectory, oracle: OracleAnalysis? = nil,
                             matrices: [AgeMatrix] = [], strategies: [StrategySetting] = []) throws -> [String] {
        let summaries = RunSummary.summarize(record)
        try out.write(CSVExport.metrics(record), to: "metrics.csv")
        let summaryCSV = CSVExport.summary(record, summaries)
        try out.write(summaryCSV, to: "summary.csv")
        try out.write(CSVExport.traffic(record), to: "traffic.csv")
        try out.write(CSVExport.drifts(record), to: "drifts.csv")
        try out.write(CSVExport.opportunity(record), to: "opportunity.csv")
        let ranked = RunSummary.ranked(summaries, higherIsBetter: record.manifest.task.higherIsBetter).map(\.strategy)
        let comparisons = Comparisons.all(record, ranked: ranked)
        try out.write(Comparisons.csv(comparisons), to: "comparisons.csv")
        let curve = oracle.map { oracleCurve($0, matrices) }
        let drawn = Figures.all(record, summaries: summaries, oracle: curve) + oracleFigures(record, oracle, matrices)
        let figures = try writeFigures(drawn, to: out)
        let report = MarkdownReport.render(record, summaries: summaries, figures: figures, comparisons: comparisons,
                                           strategies: strategies,
                                           costs: costStatement(record.manifest, settings: strategies),
                                           analyses: oracle.map { [$0.markdown] } ?? [])
        try writeReport(report, name: "report", figures: drawn, to: out)
        if let oracle { try out.write(oracle.csv, to: "oracle.csv") }
        try RunStore.write(record, to: out.file("run.sqlite"), oracle: oracle.map { stored($0, matrices) },
                           summary: summaryCSV, strategies: strategies)
        TestHook.reach("output.file")
        return ["metrics.csv", "summary.csv", "traffic.csv", "drifts.csv", "opportunity.csv", "comparisons.csv"] + figures.map(\.file)
            + ["report.md", "report.html", "run.sqlite"] + (oracle == nil ? [] : ["oracle.csv"])
    }

    /// Writes each figure's SVG file into `out`; their files and captions, as a report lists them.
    static func writeFigures(_ figures: [Figure], to out: OutputDirectory) throws -> [(file: String, caption: String)] {
        for f in figures { try out.write(f.svg, to: f.file) }
        return figures.map { ($0.file, $0.caption) }
    }

    /// Writes a Markdown report as `<name>.md` and its self-contained HTML page (``HTMLReport``)
    /// as `<name>.html`, the page's figures inlined from `figures`, the SVGs written beside it.
    static func writeReport(_ markdown: String, name: String, figures: [Figure], to out: OutputDirectory) throws {
        try out.write(markdown, to: "\(name).md")
        let svgs = Dictionary(figures.map { ($0.file, $0.svg) }, uniquingKeysWith: { a, _ in a })
        let page = try HTMLReport.render(markdown) { file in
            guard let svg = svgs[file] else {
                throw FlywheelError("\(name).md references \(file), which is not a figure of this report")
            }
            return svg
        }
        try out.write(page, to: "\(name).html")
    }

    /// Regenerates the CSVs, figures and report of a run folder from its `run.sqlite` (claimed as
    /// ``run(_:outDirectory:followSymlink:threads:chunkBytes:progress:staging:)`` does).
    public static func regenerate(runDirectory: String,
                                  staging: ((OutputDirectory) -> Void)? = nil) throws -> [String] {
        let claim = try OutputClaim(try existingFolder(runDirectory, holding: "run.sqlite"))
        defer { claim.release() }
        let database = claim.destination.appendingPathComponent("run.sqlite")
        let record = try RunStore.read(database)
        let oracle = try RunStore.readOracle(database).map { restored($0, record) }
        let strategies = try RunStore.readStrategies(database)
        let out = try OutputDirectory(claim)
        staging?(out)
        do {
            let files = try write(record, to: out, oracle: oracle?.analysis, matrices: oracle?.matrices ?? [],
                                  strategies: strategies)
            try out.commit()
            return files
        } catch {
            out.abandon()
            throw error
        }
    }

    /// The warnings a finished run earns: replicates of a replayed file that changed nothing.
    public static func warnings(_ record: RunRecord) -> [FlywheelError] {
        let m = record.manifest
        guard m.replayed, Comparisons.replicatesIdentical(record) else { return [] }
        // The line of the top-level `replicates:` key (none when --replicates set it).
        let lines = m.scenarioText.split(separator: "\n", omittingEmptySubsequences: false)
        let line = lines.firstIndex { $0.hasPrefix("replicates:") }.map { $0 + 1 }
        return [FlywheelError("\(m.replicates) replicates changed nothing: every replicate of this replayed file gave "
                              + "the same results (one realisation)",
                              at: SourceLocation(file: m.scenarioFile, line: line ?? 0),
                              key: line == nil ? "--replicates" : "replicates",
                              hint: "set replicates: 1; the report's intervals come from the block bootstrap over ticks")]
    }

    /// `path` when it is a folder; otherwise an error saying it should hold `database`.
    static func existingFolder(_ path: String, holding database: String) throws -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw FlywheelError("\(path) is not a folder", at: SourceLocation(file: path, line: 0),
                                hint: "give a folder written by `flywheel run` or `flywheel sweep` "
                                    + "(holding \(database))")
        }
        return path
    }
}
