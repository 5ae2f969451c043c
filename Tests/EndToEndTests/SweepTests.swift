import Analysis
import FlywheelCore
import Foundation
import Reports
import Scenarios
import Storage
import Strategies
import Testing
import Workbench

/// A small sweep: 3 intervals × 2 windows of a periodic strategy, next to never and every-tick.
let smallSweepText = """
name: small-sweep
seed: 11
replicates: 2
clock: {tick: 1d, ticks: 36, events_per_tick: 150}
stream: {generator: sea, noise: 0.1, warmup: 600}
drifts:
  - {type: instantaneous, at: 12d, target: concept, to: 3}
  - {type: gradual, center: 26d, width: 6d, target: concept, to: 1}
model: {family: logistic_regression, l2: 1.0e-4}
labels: {coverage: 0.3, delay: 1d, cost: 0.01}
costs: {error: 1.0, retrain: 20, retrain_per_sample: 0.001, deploy: 2}
strategies:
  - {name: never, trigger: never}
  - {name: periodic, trigger: {every: 7d}, dataset: {window: 14d}}
  - {name: every-tick, trigger: every_tick, dataset: {window: 7d}}
reference: every-tick
sweep:
  strategy: periodic
  grid:
    trigger.every: [2d, 5d, 10d]
    dataset.window: [5d, 20d]
"""

func smallSweep(seed: Int = 11) throws -> SweepScenario {
    try SweepLoader.parse(smallSweepText.replacingOccurrences(of: "seed: 11", with: "seed: \(seed)"), file: "scenarios/small-sweep.yaml")
}

/// Every output file of a sweep (or run) folder (relative path → bytes), the database excluded.
func outputs(_ dir: URL, database: String = "sweep.sqlite") throws -> [String: Data] {
    var out: [String: Data] = [:]
    let fm = FileManager.default
    for name in try fm.subpathsOfDirectory(atPath: dir.path) where name != database && name != "cells" {
        out[name] = try Data(contentsOf: dir.appendingPathComponent(name))
    }
    return out
}

@Suite(.serialized) struct Sweeps {
    @Test func cellsAreTheTemplateWithEachCombinationAndTheComparatorsStay() throws {
        let s = try smallSweep()
        let names = s.plan.strategies.map(\.name)
        #expect(names.first == "never" && names.last == "every-tick")
        #expect(names.count == 2 + 6)
        #expect(names[1] == "periodic[trigger.every=2d,dataset.window=5d]")
        #expect(names[2] == "periodic[trigger.every=2d,dataset.window=20d]")
        // Substituted values reach the configured strategy (5 days = 5 ticks of a day).
        let cell = s.plan.strategies[4]
        #expect(cell.name == "periodic[trigger.every=5d,dataset.window=20d]")
        #expect(cell.trigger.policy as? PeriodicTrigger == PeriodicTrigger(every: 5))
        #expect(cell.dataset as? WindowDataset == WindowDataset(ticks: 20))
        #expect(s.coordinates[4] == [1, 1] && s.coordinates[0] == nil)
    }

    @Test func theShippedRetrainFrequencySweepLoads() throws {
        let s = try SweepLoader.load(path: repositoryRoot.appendingPathComponent("scenarios/retrain-frequency.yaml").path)
        #expect(s.sweep.cells.count == 15)
        #expect(s.plan.strategies.count == 17)
        #expect(s.plan.manifest.replicates == 3)
        #expect(s.sweep.parameters.map(\.keyPath) == ["trigger.every", "dataset.window"])
    }

    @Test func mergedShardsEqualAnUnshardedSweepByteForByte() throws {
        let whole = temporaryDirectory("sweep-whole"), merged = temporaryDirectory("sweep-merged")
        let shards = (1...3).map { temporaryDirectory("sweep-shard-\($0)") }
        defer { for u in [whole, merged] + shards { try? FileManager.default.removeItem(at: u) } }
        let a = try Workbench.sweep(smallSweep(), outDirectory: whole.path, threads: 2)
        #expect(a.missing.isEmpty && a.cellsRun == 8)
        var ran = 0
        for (i, dir) in shards.enumerated() {
            let o = try Workbench.sweep(smallSweep(), outDirectory: dir.path, shard: try SweepShard(index: i + 1, count: 3), threads: i + 1)
            #expect(o.files.isEmpty, "a shard writes only its database")
            ran += o.cellsRun
        }
        #expect(ran == 8)
        let m = try Workbench.mergeSweeps(shards.map(\.path), outDirectory: merged.path)
        #expect(m.missing.isEmpty)
        let expected = try outputs(whole), got = try outputs(merged)
        // 8 cell CSVs, 8 summary, comparison, figure and report files (Markdown and HTML), and
        // the .flywheel marker.
        #expect(expected.count == 8 + 8 + 1, "\(expected.keys.sorted())")
        #expect(Set(expected.keys) == Set(got.keys))
        for (name, bytes) in expected { #expect(got[name] == bytes, "\(name) differs between the merged and the unsharded sweep") }
    }

    /// The cost heatmap: coloured by rank, axis titles that say what each key is, and a dashed
    /// outline on exactly the cells whose paired total-cost difference from the cheapest holds 0.
    @Test func theCostHeatmapMarksTheCellsTiedWithTheCheapest() throws {
        let dir = temporaryDirectory("sweep-ties")
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = try #require(try Workbench.sweep(smallSweep(), outDirectory: dir.path, threads: 2).analysis)
        let figure = SweepReport.costHeatmap(a)
        #expect(figure.svg.contains("retraining interval (trigger.every)") && figure.svg.contains("training window (dataset.window)"))
        #expect(figure.svg.contains("rank by mean total cost (1 = cheapest)"))
        let grid = a.summaries.filter { a.cell($0.strategy)?.coordinates != nil }
        let cheapest = try #require(grid.min { $0.totalCost.mean < $1.totalCost.mean })
        let tied = grid.filter { s in
            guard s.strategy != cheapest.strategy else { return false }
            let c = Comparisons.compare(a.record, s.strategy, cheapest.strategy, measure: Comparisons.totalCost)
            return c.low <= 0 && c.high >= 0
        }
        #expect(figure.svg.components(separatedBy: "class=\"tied-cell\"").count - 1 == tied.count)
        #expect(figure.caption.contains("the \(tied.count) cell"))

        // The best/worst figure names its cells by their swept values, whole.
        let curves = SweepReport.bestWorst(a).svg
        #expect(curves.contains(">cheapest: \(a.shortLabel(a.bestCell.strategy))<"), "\(a.shortLabel(a.bestCell.strategy))")
        #expect(curves.contains(">most expensive: \(a.shortLabel(a.worstCell.strategy))<"))
        #expect(curves.contains(">deployment (replicate 0)<"))
    }

    @Test func anInterruptedSweepResumesToTheSameResult() throws {
        let whole = temporaryDirectory("sweep-uninterrupted"), resumed = temporaryDirectory("sweep-resumed"), halves = temporaryDirectory("sweep-halves")
        defer { for u in [whole, resumed, halves] { try? FileManager.default.removeItem(at: u) } }
        _ = try Workbench.sweep(smallSweep(), outDirectory: whole.path, threads: 2)

        struct Interrupted: Error {}
        #expect(throws: Interrupted.self) {
            _ = try Workbench.sweep(smallSweep(), outDirectory: resumed.path, threads: 2, afterCell: { if $0 == 3 { throw Interrupted() } })
        }
        // Three cells were committed before the interruption; nothing else was written.
        let partial = try SweepStore.read(resumed.appendingPathComponent("sweep.sqlite"))
        #expect(partial.record.strategies.count == 3 && partial.missing.count == 5)
        #expect(!FileManager.default.fileExists(atPath: resumed.appendingPathComponent("sweep-summary.csv").path))
        let finished = try Workbench.sweep(smallSweep(), outDirectory: resumed.path, threads: 1)
        #expect(finished.cellsSkipped == 3 && finished.cellsRun == 5)
        #expect(try outputs(resumed) == outputs(whole))

        // Half the cells via shard 1/2 into the same folder, then the rest unsharded.
        _ = try Workbench.sweep(smallSweep(), outDirectory: halves.path, shard: try SweepShard(parsing: "1/2"), threads: 2)
        let rest = try Workbench.sweep(smallSweep(), outDirectory: halves.path, threads: 2)
        #expect(rest.cellsSkipped == 4 && rest.cellsRun == 4)
        #expect(try outputs(halves) == outputs(whole))
    }

    @Test func aDatabaseOfAnotherSweepIsRefusedAndNotMerged() throws {
        let a = temporaryDirectory("sweep-seed-a"), b = temporaryDirectory("sweep-seed-b"), out = temporaryDirectory("sweep-mixed")
        defer { for u in [a, b, out] { try? FileManager.default.removeItem(at: u) } }
        _ = try Workbench.sweep(smallSweep(), outDirectory: a.path, shard: try SweepShard(index: 1, count: 4), threads: 2)
        do {
            _ = try Workbench.sweep(smallSweep(seed: 12), outDirectory: a.path, threads: 2)
            Issue.record("a sweep with another seed ran into the first one's database")
        } catch let e as FlywheelError {
            #expect(e.message.contains("different sweep") && e.message.contains("seed 11, not 12"), "\(e)")
        }
        _ = try Workbench.sweep(smallSweep(seed: 12), outDirectory: b.path, shard: try SweepShard(index: 2, count: 4), threads: 2)
        #expect(throws: FlywheelError.self) { _ = try Workbench.mergeSweeps([a.path, b.path], outDirectory: out.path) }
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    @Test func theDecisionMapWinnerAtTheScenariosRatioIsTheRecommendedCell() throws {
        let dir = temporaryDirectory("sweep-decision")
        defer { try? FileManager.default.removeItem(at: dir) }
        let o = try Workbench.sweep(smallSweep(), outDirectory: dir.path, threads: 2)
        let a = try #require(o.analysis)
        let one = try #require(a.multipliers.firstIndex(of: 1))
        #expect(a.ratio(a.multipliers[one]) == 20)
        #expect(a.winners[one] == a.recommended.strategy)
        // At k = 1 the recomputed totals are the stored ones.
        for s in a.summaries { #expect(a.totalCost(of: s.strategy, multiplier: 1).mean == s.totalCost.mean) }
        // Recomputation is linear in k: C(k) = C_error + C_label + k (C_retrain + C_deploy).
        for s in a.summaries {
            let expected = s.errorCost.mean + s.labelCost.mean + 10 * (s.retrainCost.mean + s.deployCost.mean)
            #expect(abs(a.totalCost(of: s.strategy, multiplier: 10).mean - expected) <= 1e-9 * max(1, abs(expected)))
        }
        // Nearly free retraining favours the strategy with the fewest error and label costs;
        // prohibitive retraining favours never.
        let cheapestToRun = a.summaries.min { ($0.errorCost.mean + $0.labelCost.mean, $0.strategy) < ($1.errorCost.mean + $1.labelCost.mean, $1.strategy) }!
        #expect(a.winners.first == cheapestToRun.strategy)
        #expect(a.winners.last == "never")
        // The summary ranks the recommendation first and the report names it.
        let summary = try String(contentsOf: dir.appendingPathComponent("sweep-summary.csv"), encoding: .utf8)
        let row = try #require(summary.split(separator: "\n").first { $0.hasPrefix("\"\(a.recommended.strategy)\",") || $0.hasPrefix("\(a.recommended.strategy),") })
        #expect(row.hasSuffix(",1"))
        let report = try String(contentsOf: dir.appendingPathComponent("sweep-report.md"), encoding: .utf8)
        #expect(report.contains("**`\(a.recommended.strategy)`** is the cheapest"))
    }

    @Test func plotRedrawsTheFiguresFromTheDatabase() throws {
        let dir = temporaryDirectory("sweep-plot")
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try Workbench.sweep(smallSweep(), outDirectory: dir.path, threads: 2)
        let figures = ["heatmap.svg", "heatmap-accuracy.svg", "best-worst.svg", "decision-map.svg"]
        let before = try figures.map { try read(dir, $0) }
        for f in figures { try FileManager.default.removeItem(at: dir.appendingPathComponent(f)) }
        let drawn = try Workbench.plot(directory: dir.path)
        #expect(Set(drawn) == Set(figures))
        #expect(try figures.map { try read(dir, $0) } == before)
        #expect(throws: FlywheelError.self) { _ = try Workbench.plot(directory: dir.appendingPathComponent("cells").path) }
    }
}

@Suite struct OpportunityCost {
    /// A deterministic pseudo-random sequence (Weyl sequence on the golden ratio) for inputs.
    func sequence(_ n: Int, offset: Double) -> [Double] { (0..<n).map { (Double($0) * 0.6180339887 + offset).truncatingRemainder(dividingBy: 1) } }

    @Test func againstItselfItIsZeroEverywhere() {
        let m = sequence(50, offset: 0.3), v = sequence(50, offset: 0.7).map { 100 + 900 * $0 }
        let (total, per) = opportunityCost(strategy: m, reference: m, volume: v)
        #expect(total == 0)
        #expect(per.allSatisfy { $0 == 0 })
    }

    @Test func itIsAdditiveOverTicks() {
        let s = sequence(60, offset: 0.1), r = sequence(60, offset: 0.55), v = sequence(60, offset: 0.9).map { 50 + 500 * $0 }
        let (total, per) = opportunityCost(strategy: s, reference: r, volume: v)
        #expect(abs(total - per.reduce(0, +)) <= 1e-9 * max(1, abs(total)))
        for cut in [1, 17, 30, 59] {
            let head = opportunityCost(strategy: Array(s[..<cut]), reference: Array(r[..<cut]), volume: Array(v[..<cut])).total
            let tail = opportunityCost(strategy: Array(s[cut...]), reference: Array(r[cut...]), volume: Array(v[cut...])).total
            #expect(abs(head + tail - total) <= 1e-9 * max(1, abs(total)))
        }
        // Each tick's term is (reference − strategy) × volume.
        for t in [0, 13, 42] { #expect(per[t] == (r[t] - s[t]) * v[t]) }
    }

    @Test func aDominatingReferenceGivesANonNegativeArea() {
        let s = sequence(80, offset: 0.2).map { 0.5 + 0.4 * $0 }
        let r = zip(s, sequence(80, offset: 0.8)).map { $0 + 0.1 * $1 }   // r(t) ≥ s(t) at every tick
        let v = sequence(80, offset: 0.4).map { 10 + 90 * $0 }
        let (total, per) = opportunityCost(strategy: s, reference: r, volume: v)
        #expect(per.allSatisfy { $0 >= 0 })
        #expect(total >= 0)
        // And the other way round the area is non-positive, of the same size.
        let (back, _) = opportunityCost(strategy: r, reference: s, volume: v)
        #expect(abs(back + total) <= 1e-9 * max(1, total))
    }

    @Test func onARunTheReferenceHasZeroAndTheSummaryMatchesTheDefinition() throws {
        let out = temporaryDirectory("opportunity")
        defer { try? FileManager.default.removeItem(at: out) }
        let o = try Workbench.run(shortQuickstart(ticks: 30, replicates: 2), outDirectory: out.path, threads: 2)
        let ref = try #require(o.record.manifest.reference)
        let s = Dictionary(uniqueKeysWithValues: o.summaries.map { ($0.strategy, $0) })
        #expect(s[ref]!.opportunityCost!.mean == 0)
        let volumes = Dictionary(uniqueKeysWithValues: o.record.traffic.map { ($0.replicate, $0.volume) })
        let refRuns = o.record.runs(of: ref)
        for name in o.record.strategies where name != ref {
            let values = o.record.runs(of: name).map { run in
                opportunityCost(strategy: run.values("accuracy")!, reference: refRuns.first { $0.replicate == run.replicate }!.values("accuracy")!,
                                volume: volumes[run.replicate]!).total
            }
            #expect(s[name]!.opportunityCost!.mean == Interval(values).mean)
        }
    }
}
