import FlywheelCore
import Foundation

/// The layout of a sweep: the template strategy, the swept key paths with their values, and every
/// strategy of the sweep in order (grid cells with their coordinates, fixed comparators without).
public struct SweepDesign: Sendable, Codable, Equatable {
    /// One swept key path and its values as written.
    public typealias Parameter = SweepParameter

    /// One strategy of the sweep.
    public struct Cell: Sendable, Codable, Equatable {
        public var name: String
        /// Value index per parameter; nil for a fixed comparator (a strategy outside the grid).
        public var coordinates: [Int]?
        public init(name: String, coordinates: [Int]?) {
            self.name = name
            self.coordinates = coordinates
        }
    }

    public var template: String
    public var parameters: [Parameter]
    public var cells: [Cell]

    public init(template: String, parameters: [Parameter], cells: [Cell]) {
        self.template = template
        self.parameters = parameters
        self.cells = cells
    }

    /// JSON text with sorted keys (stored in the sweep database).
    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
    }

    public static func decode(_ json: String) throws -> SweepDesign {
        do { return try JSONDecoder().decode(SweepDesign.self, from: Data(json.utf8)) } catch {
            throw FlywheelError("the sweep database's grid design is unreadable: \(error)")
        }
    }

    /// A file name for a cell's CSV: characters outside `[A-Za-z0-9._=+-]` become `_`.
    public static func fileName(_ cell: String) -> String {
        var out = ""
        for ch in cell.unicodeScalars {
            if CharacterSet.alphanumerics.contains(ch) && ch.isASCII || "._=+-".unicodeScalars.contains(ch) { out.unicodeScalars.append(ch) } else { out += "_" }
        }
        while out.hasSuffix("_") { out.removeLast() }
        return out.isEmpty ? "cell" : out
    }

    /// Unique file names for every cell, in cell order (a numeric suffix resolves collisions).
    public var fileNames: [String] {
        var used: Set<String> = []
        return cells.map { c in
            var f = SweepDesign.fileName(c.name)
            var k = 2
            while used.contains(f) { f = SweepDesign.fileName(c.name) + "-\(k)"; k += 1 }
            used.insert(f)
            return f
        }
    }
}

/// Everything the sweep outputs show, computed from the stored results only (no re-simulation).
///
/// Totals at another cost ratio: with every retraining price (per job, per sample, per deployment)
/// multiplied by `k`, a strategy's total on one replicate is
/// `C(k) = C_error + C_label + k × (C_retrain + C_deploy)`, computed as
/// `C_total + (k − 1) × (C_retrain + C_deploy)` so that `C(1)` is the stored total exactly.
/// The ratio on the decision map's axis is `k × retrain / error` (the scenario's per-job
/// retraining price over its price of one error), or `k` itself when either price is zero.
public struct SweepAnalysis: Sendable {
    public let record: RunRecord
    public let design: SweepDesign
    /// Per strategy, in sweep order.
    public let summaries: [StrategySummary]
    /// Cheapest first (ties: better metric, then name).
    public let ranked: [StrategySummary]
    /// The cheapest strategy at the scenario's own costs.
    public let recommended: StrategySummary
    /// The cheapest and the most expensive grid cells.
    public let bestCell: StrategySummary
    public let worstCell: StrategySummary
    /// The multipliers `k` of the decision map: 10^(j/8) for j = −24…24 (10⁻³ … 10³, with 1 exact).
    public let multipliers: [Double]
    /// The cheapest strategy at each multiplier.
    public let winners: [String]
    /// `retrain / error` of the scenario, or nil when either price is zero.
    public let scenarioRatio: Double?

    /// Fails when a strategy of the design has no results, or the grid has no cell.
    public init(record: RunRecord, design: SweepDesign) throws {
        self.record = record
        self.design = design
        let present = Set(record.strategies)
        let missing = design.cells.map(\.name).filter { !present.contains($0) }
        guard missing.isEmpty else {
            throw FlywheelError("\(missing.count) of \(design.cells.count) cells have no results yet (first: \(missing[0]))",
                                hint: "run the remaining shards, merge them, or rerun `flywheel sweep` on this folder to finish")
        }
        let all = RunSummary.summarize(record)
        let byName = Dictionary(uniqueKeysWithValues: all.map { ($0.strategy, $0) })
        summaries = design.cells.map { byName[$0.name]! }
        let higher = record.manifest.task.higherIsBetter
        ranked = RunSummary.ranked(summaries, higherIsBetter: higher)
        recommended = ranked[0]
        let grid = Set(design.cells.filter { $0.coordinates != nil }.map(\.name))
        let gridRanked = ranked.filter { grid.contains($0.strategy) }
        guard let best = gridRanked.first, let worst = gridRanked.last else { throw FlywheelError("the sweep has no grid cell") }
        bestCell = best
        worstCell = worst
        let costs = record.manifest.costs
        let retrain = costs["retrain"] ?? 0, error = costs["error"] ?? 0
        scenarioRatio = retrain > 0 && error > 0 ? retrain / error : nil
        multipliers = (-24...24).map { $0 == 0 ? 1 : pow(10, Double($0) / 8) }
        var w: [String] = []
        let parts = summaries.map { s in SweepAnalysis.parts(record.runs(of: s.strategy)) }
        for k in multipliers {
            var bestIndex = 0
            var bestTotal = Double.infinity
            for (i, s) in summaries.enumerated() {
                let total = Interval(parts[i].map { $0.total + (k - 1) * $0.retraining }).mean
                if total < bestTotal || (total == bestTotal && SweepAnalysis.before(s, summaries[bestIndex], higher: higher)) {
                    bestTotal = total
                    bestIndex = i
                }
            }
            w.append(summaries[bestIndex].strategy)
        }
        winners = w
    }

    /// Tie-break of ``RunSummary/ranked(_:higherIsBetter:)`` for equal totals.
    static func before(_ a: StrategySummary, _ b: StrategySummary, higher: Bool) -> Bool {
        if a.meanMetric.mean != b.meanMetric.mean { return higher ? a.meanMetric.mean > b.meanMetric.mean : a.meanMetric.mean < b.meanMetric.mean }
        return a.strategy < b.strategy
    }

    /// Per replicate: the stored total and the retraining share (retrain + deploy costs).
    static func parts(_ runs: [StrategyRun]) -> [(total: Double, retraining: Double)] {
        func sum(_ run: StrategyRun, _ m: String) -> Double { (run.values(m) ?? []).reduce(0) { $0 + ($1.isNaN ? 0 : $1) } }
        return runs.map { run in (sum(run, "cost_total"), sum(run, "cost_retrain") + sum(run, "cost_deploy")) }
    }

    /// The mean total cost of `strategy` with every retraining price multiplied by `k`.
    public func totalCost(of strategy: String, multiplier k: Double) -> Interval {
        Interval(SweepAnalysis.parts(record.runs(of: strategy)).map { $0.total + (k - 1) * $0.retraining })
    }

    /// The x value of multiplier `k` on the decision map.
    public func ratio(_ k: Double) -> Double { k * (scenarioRatio ?? 1) }

    public var higherIsBetter: Bool { record.manifest.task.higherIsBetter }

    public func summary(_ name: String) -> StrategySummary? { summaries.first { $0.strategy == name } }

    public func cell(_ name: String) -> SweepDesign.Cell? { design.cells.first { $0.name == name } }

    /// The grid cell with these coordinates.
    public func cell(at coordinates: [Int]) -> SweepDesign.Cell? { design.cells.first { $0.coordinates == coordinates } }

    /// A short label for the map's legend: a cell's values by the last part of each key path
    /// (`every=7d window=30d`); a fixed comparator's name.
    public func shortLabel(_ name: String) -> String {
        guard let c = cell(name)?.coordinates else { return name }
        return zip(design.parameters, c).map { p, i in "\(p.keyPath.split(separator: ".").last.map(String.init) ?? p.keyPath)=\(p.values[i])" }
            .joined(separator: " ")
    }

    /// The errors of a run, Σₜ (1 − accuracy(t)) × events(t), or Σₜ mae(t) × events(t) for
    /// regression, with `volume` its traffic per tick.
    public func errorCount(_ run: StrategyRun, volume: [Double]) -> Double {
        let task = record.manifest.task
        let v = run.values(task.metric) ?? []
        var e = 0.0
        for t in 0..<min(v.count, volume.count) where !v[t].isNaN { e += task.errors(metric: v[t], events: volume[t]) }
        return e
    }
}
