import Analysis
import FlywheelCore
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
}

/// End-to-end operations the CLI exposes, callable from a user's own Swift code.
public enum Workbench {
    /// Runs a scenario and writes its results atomically into `outDirectory`:
    /// `metrics.csv`, `summary.csv`, `traffic.csv`, `drifts.csv`, `decay.svg`, `report.md`, `run.sqlite`.
    public static func run(_ scenario: Scenario, outDirectory: String, threads: Int = ProcessInfo.processInfo.activeProcessorCount,
                           chunkBytes: Int = Runner.defaultChunkBytes,
                           progress: (@Sendable (_ runsDone: Double, _ runs: Int) -> Void)? = nil,
                           staging: ((OutputDirectory) -> Void)? = nil) throws -> RunOutputs {
        let started = Date()
        let record = try Runner.run(scenario.plan, threads: threads, chunkBytes: chunkBytes, progress: progress)
        let out = try OutputDirectory(outDirectory)
        staging?(out)
        do {
            let files = try write(record, to: out)
            try out.commit()
            return RunOutputs(directory: out.destination.path, files: files, record: record,
                              summaries: RunSummary.summarize(record), seconds: Date().timeIntervalSince(started))
        } catch {
            out.abandon()
            throw error
        }
    }

    /// Writes every output of a finished run into a staged folder (no commit).
    public static func write(_ record: RunRecord, to out: OutputDirectory) throws -> [String] {
        let summaries = RunSummary.summarize(record)
        try out.write(CSVExport.metrics(record), to: "metrics.csv")
        try out.write(CSVExport.summary(record, summaries), to: "summary.csv")
        try out.write(CSVExport.traffic(record), to: "traffic.csv")
        try out.write(CSVExport.drifts(record), to: "drifts.csv")
        try out.write(CSVExport.opportunity(record), to: "opportunity.csv")
        var figures: [(file: String, caption: String)] = []
        for figure in Figures.all(record, summaries: summaries) {
            try out.write(figure.svg, to: figure.file)
            figures.append((figure.file, figure.caption))
        }
        try out.write(MarkdownReport.render(record, summaries: summaries, figures: figures), to: "report.md")
        try RunStore.write(record, to: out.file("run.sqlite"))
        return ["metrics.csv", "summary.csv", "traffic.csv", "drifts.csv", "opportunity.csv"] + figures.map(\.file) + ["report.md", "run.sqlite"]
    }

    /// Regenerates the CSVs, figures and report of a run folder from its `run.sqlite`.
    public static func regenerate(runDirectory: String) throws -> [String] {
        let db = URL(fileURLWithPath: runDirectory).appendingPathComponent("run.sqlite")
        let record = try RunStore.read(db)
        let out = try OutputDirectory(runDirectory)
        do {
            let files = try write(record, to: out)
            try out.commit()
            return files
        } catch {
            out.abandon()
            throw error
        }
    }
}
