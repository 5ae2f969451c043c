import Analysis
import FlywheelCore
import Scenarios
import Foundation
import Reports
import Simulation
import Storage

/// Which share of a sweep's cells one process runs: cells whose index `k` (in sweep order,
/// from 0) satisfies `k % count == index − 1`.
public struct SweepShard: Sendable, Hashable, CustomStringConvertible {
    /// 1-based, as in a Slurm array task id.
    public var index: Int
    public var count: Int

    public init(index: Int, count: Int) throws {
        guard count >= 1, index >= 1, index <= count else {
            throw FlywheelError("shard \(index)/\(count) does not exist", hint: "write i/n with 1 ≤ i ≤ n, e.g. --shard 3/8")
        }
        self.index = index
        self.count = count
    }

    /// Parses `i/n`.
    public init(parsing text: String) throws {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]) else {
            throw FlywheelError("'\(text)' is not a shard", hint: "write i/n, e.g. --shard 3/8 for the third of eight")
        }
        try self.init(index: i, count: n)
    }

    public func contains(_ cell: Int) -> Bool { cell % count == index - 1 }
    public var description: String { "\(index)/\(count)" }
}

/// Progress of a sweep, reported after each finished strategy × replicate run.
public struct SweepProgress: Sendable {
    /// Cells of this invocation finished (a fractional share of the running batch included).
    public var cellsDone: Double
    public var cellsToRun: Int
    /// Cells found already complete in the database and skipped.
    public var cellsSkipped: Int
    public var seconds: Double
    /// Cells per second so far.
    public var rate: Double { seconds > 0 ? cellsDone / seconds : 0 }
    /// Estimated seconds left, at the rate so far.
    public var secondsLeft: Double? { rate > 0 ? (Double(cellsToRun) - cellsDone) / rate : nil }
}

/// What a sweep invocation did and wrote.
public struct SweepOutputs: Sendable {
    public var directory: String
    public var database: String
    /// Files written next to the database (empty for a shard or an incomplete sweep).
    public var files: [String]
    public var cellsRun: Int
    public var cellsSkipped: Int
    /// Cells of the whole sweep still without results (other shards).
    public var missing: [String]
    public var analysis: SweepAnalysis?
    public var seconds: Double
}

extension Workbench {
    /// The grid design of a loaded sweep (stored in its database).
    public static func design(of s: SweepScenario) -> SweepDesign {
        SweepDesign(template: s.sweep.template, parameters: s.sweep.parameters.map { .init(keyPath: $0.keyPath, values: $0.values) },
                    cells: zip(s.plan.strategies, s.coordinates).map { .init(name: $0.name, coordinates: $1) })
    }

    /// Runs a sweep: every cell (or a shard's share) on the same traffic and replicates as the
    /// scenario's fixed strategies, committing each cell to `outDirectory/sweep.sqlite` as it
    /// finishes. Cells already in the database are skipped (it must hold the same sweep). Without
    /// a shard, once every cell is present, the outputs are written atomically next to the
    /// database: `cells/<cell>.csv`, `sweep-summary.csv`, the figures, `sweep-report.md` and
    /// `sweep-report.html` (the same report with its figures inline).
    ///
    /// Determinism: a cell's results depend only on the seed, the replicate and the cell itself,
    /// never on batching, sharding, resumption or the thread count.
    ///
    /// The folder is claimed first (``OutputClaim``: absent, empty or Flywheel's, and locked
    /// against other Flywheel processes); `sweep.sqlite` in it must not be a symbolic link.
    ///
    /// - Parameter afterCell: called after each committed cell with the count so far; a throw
    ///   stops the sweep there (as an interruption would).
    public static func sweep(_ s: SweepScenario, outDirectory: String, followSymlink: Bool = true,
                             shard: SweepShard? = nil,
                             threads: Int = ProcessInfo.processInfo.activeProcessorCount,
                             chunkBytes: Int = Runner.defaultChunkBytes,
                             progress: (@Sendable (SweepProgress) -> Void)? = nil,
                             afterCell: ((Int) throws -> Void)? = nil,
                             staging: ((OutputDirectory) -> Void)? = nil) throws -> SweepOutputs {
        let started = Date()
        let claim = try OutputClaim(outDirectory, followSymlink: followSymlink,
                                    inPlace: [OutputMarker.fileName] + SweepStore.files)
        defer { claim.release() }
        try claim.markFolder()
        let dir = claim.destination
        let dbURL = dir.appendingPathComponent("sweep.sqlite")
        let design = design(of: s)
        let names = s.plan.strategies.map(\.name)
        let store = try SweepStore.open(dbURL, manifest: s.plan.manifest, cells: names, design: design.json())
        var closed = false
        defer { if !closed { try? store.close() } }
        let complete = try store.completedCells()
        let wanted = names.indices.filter { shard?.contains($0) ?? true }
        let pending = wanted.filter { !complete.contains(names[$0]) }
        let skipped = wanted.count - pending.count
        let reps = s.plan.manifest.replicates

        // Batches of cells share one traffic generation and keep every worker busy; each cell is
        // committed on its own when its batch ends (an interruption loses at most one batch).
        let workers = max(1, threads)
        let batchSize = max(4 * workers, Int((Double(pending.count) / 10).rounded(.up)))
        var done = 0
        var needTraffic = try !store.hasTraffic()
        var batchStart = 0
        repeat {
            let batch = Array(pending[min(batchStart, pending.count)..<min(batchStart + batchSize, pending.count)])
            var plan = s.plan
            plan.strategies = batch.map { s.plan.strategies[$0] }
            if batch.isEmpty && !needTraffic { break }
            let before = Double(done)
            let total = pending.count
            let record = try Runner.run(plan, threads: workers, chunkBytes: chunkBytes, progress: { n, _ in
                progress?(SweepProgress(cellsDone: before + n / Double(reps), cellsToRun: total, cellsSkipped: skipped,
                                        seconds: Date().timeIntervalSince(started)))
            })
            if needTraffic {
                try store.storeTraffic(record.traffic, drifts: record.drifts)
                needTraffic = false
            }
            let volumes = Dictionary(uniqueKeysWithValues: record.traffic.map { ($0.replicate, $0.volume) })
            for name in plan.strategies.map(\.name) {
                try store.commit(cell: name, runs: record.runs(of: name), volumes: volumes)
                done += 1
                TestHook.reach("sweep.cell")
                try afterCell?(done)
            }
            batchStart += batchSize
        } while batchStart < pending.count

        try store.close()
        closed = true
        let contents = try SweepStore.read(dbURL)
        var outputs = SweepOutputs(directory: dir.path, database: dbURL.path, files: [], cellsRun: done, cellsSkipped: skipped,
                                   missing: contents.missing, analysis: nil, seconds: 0)
        if shard == nil, contents.missing.isEmpty {
            let (files, analysis) = try writeSweepOutputs(contents, claim: claim, staging: staging)
            outputs.files = files
            outputs.analysis = analysis
        }
        outputs.seconds = Date().timeIntervalSince(started)
        return outputs
    }

    /// Joins shard databases (files, or folders holding `sweep.sqlite`) into `outDirectory`,
    /// then writes the sweep's outputs there when every cell is present.
    /// The output folder is claimed as a sweep's is (``OutputClaim``).
    public static func mergeSweeps(_ inputs: [String], outDirectory: String, followSymlink: Bool = true,
                                   staging: ((OutputDirectory) -> Void)? = nil) throws -> SweepOutputs {
        let started = Date()
        let urls = inputs.map { path -> URL in
            var isDir: ObjCBool = false
            let url = URL(fileURLWithPath: path)
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue { return url.appendingPathComponent("sweep.sqlite") }
            return url
        }
        let claim = try OutputClaim(outDirectory, followSymlink: followSymlink)
        defer { claim.release() }
        let out = try OutputDirectory(claim)
        staging?(out)
        do {
            let merged = try SweepStore.merge(urls, into: out.file("sweep.sqlite"))
            var files = ["sweep.sqlite"]
            var analysis: SweepAnalysis?
            if merged.contents.missing.isEmpty {
                let (written, a) = try writeOutputs(merged.contents, into: out)
                files += written
                analysis = a
            }
            try out.commit()
            return SweepOutputs(directory: out.destination.path, database: out.destination.appendingPathComponent("sweep.sqlite").path,
                                files: files, cellsRun: 0, cellsSkipped: merged.contributed.reduce(0, +), missing: merged.contents.missing,
                                analysis: analysis, seconds: Date().timeIntervalSince(started))
        } catch {
            out.abandon()
            throw error
        }
    }

    /// Writes a complete sweep's outputs atomically into `directory`, keeping its `sweep.sqlite`.
    static func writeSweepOutputs(_ contents: SweepStore.Contents, claim: OutputClaim,
                                  staging: ((OutputDirectory) -> Void)? = nil) throws -> ([String], SweepAnalysis) {
        let out = try OutputDirectory(claim)
        staging?(out)
        TestHook.reach("output.staged")
        do {
            let db = claim.destination.appendingPathComponent("sweep.sqlite")
            do { try FileManager.default.linkItem(at: db, to: out.file("sweep.sqlite")) } catch {
                try FileManager.default.copyItem(at: db, to: out.file("sweep.sqlite"))
            }
            let (files, analysis) = try writeOutputs(contents, into: out)
            try out.commit()
            return (["sweep.sqlite"] + files, analysis)
        } catch {
            out.abandon()
            throw error
        }
    }

    /// Writes the per-cell CSVs, the summary, the figures and the report of a complete sweep.
    static func writeOutputs(_ contents: SweepStore.Contents, into out: OutputDirectory) throws -> ([String], SweepAnalysis) {
        let design = try SweepDesign.decode(contents.design)
        let record = contents.record
        let analysis = try SweepAnalysis(record: record, design: design)
        try out.createFolder("cells")
        var files: [String] = []
        for (cell, file) in zip(design.cells, design.fileNames) {
            let sub = RunRecord(manifest: record.manifest, strategies: [cell.name], runs: record.runs(of: cell.name),
                                traffic: record.traffic, drifts: record.drifts)
            try out.write(CSVExport.metrics(sub), to: "cells/\(file).csv")
        }
        files.append("cells/")
        try out.write(SweepReport.summaryCSV(analysis), to: "sweep-summary.csv")
        files.append("sweep-summary.csv")
        let drawn = SweepReport.figures(analysis)
        let figures = try writeFigures(drawn, to: out)
        files += figures.map(\.file)
        let comparisons = SweepReport.comparisons(analysis)
        try out.write(Comparisons.csv(comparisons), to: "comparisons.csv")
        files.append("comparisons.csv")
        let report = SweepReport.markdown(analysis, figures: figures, comparisons: comparisons)
        try writeReport(report, name: "sweep-report", figures: drawn, to: out)
        files += ["sweep-report.md", "sweep-report.html"]
        return (files, analysis)
    }

    /// Rebuilds every output of a sweep folder from its `sweep.sqlite` (no simulation).
    public static func regenerateSweep(directory: String,
                                       staging: ((OutputDirectory) -> Void)? = nil) throws -> [String] {
        let claim = try OutputClaim(try existingFolder(directory, holding: "sweep.sqlite"), inPlace: SweepStore.files)
        defer { claim.release() }
        let contents = try SweepStore.read(claim.destination.appendingPathComponent("sweep.sqlite"))
        return try writeSweepOutputs(contents, claim: claim, staging: staging).0
    }

    /// Redraws the figures of a run folder (`run.sqlite`) or a sweep folder (`sweep.sqlite`) from
    /// its database, without re-simulating and without touching its other files. Each figure is
    /// replaced atomically.
    public static func plot(directory: String) throws -> [String] {
        let claim = try OutputClaim(try existingFolder(directory, holding: "run.sqlite or sweep.sqlite"),
                                    inPlace: SweepStore.files + ["run.sqlite"])
        defer { claim.release() }
        let dir = claim.destination
        let fm = FileManager.default
        var figures: [Figure]
        if fm.fileExists(atPath: dir.appendingPathComponent("sweep.sqlite").path) {
            let contents = try SweepStore.read(dir.appendingPathComponent("sweep.sqlite"))
            let analysis = try SweepAnalysis(record: contents.record, design: try SweepDesign.decode(contents.design))
            figures = SweepReport.figures(analysis)
        } else if fm.fileExists(atPath: dir.appendingPathComponent("run.sqlite").path) {
            let record = try RunStore.read(dir.appendingPathComponent("run.sqlite"))
            figures = Figures.all(record, summaries: RunSummary.summarize(record))
        } else {
            throw FlywheelError("\(directory) holds neither run.sqlite nor sweep.sqlite", at: SourceLocation(file: directory, line: 0),
                                hint: "give a folder written by `flywheel run` or `flywheel sweep`")
        }
        try claim.refuseSymlinks(figures.map(\.file))
        for f in figures {
            let file = try AtomicFile(dir.appendingPathComponent(f.file).path)
            do {
                try file.write(f.svg)
                try file.commit()
            } catch {
                file.abandon()
                throw error
            }
        }
        return figures.map(\.file)
    }
}
