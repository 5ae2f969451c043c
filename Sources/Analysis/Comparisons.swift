import FlywheelCore
import Foundation

/// Where a run's uncertainty comes from, and so which method every interval of its report uses.
public enum Evidence: Hashable, Sendable {
    /// Independent replicates of synthetic traffic: per-replicate (paired) values, Student's t.
    case replicates(Int)
    /// One realisation (a replayed file, or a single replicate): the circular block bootstrap over
    /// ticks of the per-tick values (averaged over replicates when there are several).
    case oneRealisation(replicates: Int, replayed: Bool)

    /// The evidence of a run: a replayed file is one realisation whatever its replicates, since
    /// every replicate replays the same rows; so is a single replicate of synthetic traffic.
    public init(_ manifest: RunManifest) {
        if manifest.replayed || manifest.replicates < 2 {
            self = .oneRealisation(replicates: manifest.replicates, replayed: manifest.replayed)
        } else {
            self = .replicates(manifest.replicates)
        }
    }

    public var isOneRealisation: Bool { if case .oneRealisation = self { return true } else { return false } }
}

/// The random streams the analysis draws from: fixed strings, so that renaming code never changes
/// a committed interval. Every stream is derived from the scenario seed (``RandomStream/derive(_:_:)``).
public enum AnalysisStreamKey {
    /// A paired comparison's bootstrap: `seed / "analysis" / "block-bootstrap" / strategy / versus / measure`.
    public static let pairedBootstrap = ["analysis", "block-bootstrap"]
    /// The rank-stability bootstrap: `seed / "analysis" / "rank-bootstrap"`.
    public static let rankBootstrap = ["analysis", "rank-bootstrap"]
}

/// The share of block-bootstrap resamples in which each strategy keeps its rank by total cost.
public struct RankStability: Hashable, Sendable {
    /// Strategies in the reported order (cheapest first).
    public var ranked: [String]
    /// Per strategy of `ranked`: the share of resamples in which it has the same rank.
    public var rankKept: [Double]
    /// The share of resamples in which the reported first is still the cheapest.
    public var firstKept: Double { rankKept.first ?? .nan }
    /// How the resamples were drawn, as the report names it.
    public var method: String
}

/// Paired comparisons of a run's strategies (``PairedComparison``): every strategy against the
/// cheapest on total cost and on the primary metric, and against the reference on opportunity cost.
///
/// With independent replicates the difference is taken per replicate and the interval is the paired
/// t-interval. With one realisation (``Evidence/oneRealisation(replicates:replayed:)``) the per-tick
/// series are averaged over replicates, and the interval is the 95 % percentile interval of the
/// circular block bootstrap over ticks of the per-tick differences (``BlockBootstrap``), with
/// Politis & White's block length chosen on the per-tick difference; its stream is derived from the
/// scenario seed and the pair's names, so it is the same whatever the thread count.
public enum Comparisons {
    /// Resamples of every bootstrap.
    public static let resamples = 2000

    /// The measures compared, as named in `comparisons.csv`.
    public static let totalCost = "total_cost"
    public static let opportunityCost = "opportunity_cost"

    /// Every comparison of the run: for each strategy other than the cheapest (`ranked[0]`), its
    /// total cost and its primary metric minus the cheapest's; for each strategy other than the
    /// reference, its opportunity cost against it (positive: worse than the reference).
    public static func all(_ record: RunRecord, ranked: [String]) -> [PairedComparison] {
        guard let best = ranked.first else { return [] }
        var out: [PairedComparison] = []
        for name in ranked where name != best {
            out.append(compare(record, name, best, measure: totalCost))
            out.append(compare(record, name, best, measure: record.manifest.primaryMetric))
        }
        if let ref = record.manifest.reference, record.strategies.contains(ref) {
            for name in ranked where name != ref { out.append(compare(record, name, ref, measure: opportunityCost)) }
        }
        return out
    }

    /// `strategy − versus` on `measure` (`total_cost`, `opportunity_cost` or the primary metric).
    /// `multiplier` k scales every retraining price for `total_cost` (as on the decision map:
    /// C_total + (k − 1) × (C_retrain + C_deploy)); the measure is then named `total_cost@k=<k>`.
    public static func compare(_ record: RunRecord, _ strategy: String, _ versus: String, measure: String,
                               multiplier: Double = 1) -> PairedComparison {
        let a = runsByReplicate(record, strategy), b = runsByReplicate(record, versus)
        let replicates = a.keys.filter { b[$0] != nil }.sorted()
        let volumes = Dictionary(uniqueKeysWithValues: record.traffic.map { ($0.replicate, $0.volume) })
        let ticks = record.manifest.clock.ticks
        // Per replicate, the per-tick columns whose sums give the statistic.
        let perReplicate: [[[Double]]] = replicates.map { r in
            columns(record, a[r]!, b[r]!, volume: volumes[r] ?? [], measure: measure, ticks: ticks, multiplier: multiplier)
        }
        let measure = measure == totalCost && multiplier != 1 ? "\(totalCost)@k=\(NumberText.significant(multiplier))" : measure
        let statistic = self.statistic(measure.hasPrefix(totalCost) ? totalCost : measure)
        if case .replicates = Evidence(record.manifest) {
            let d = perReplicate.map { statistic(sums($0)) }
            return PairedComparison.pairedT(strategy: strategy, versus: versus, measure: measure, d,
                                            [Double](repeating: 0, count: d.count))
        }
        // One realisation: the per-tick mean over replicates, bootstrapped over ticks.
        guard let first = perReplicate.first else {
            return PairedComparison(strategy: strategy, versus: versus, measure: measure, meanDifference: .nan,
                                    low: .nan, high: .nan, replicates: 0, method: .none)
        }
        var mean = first.map { $0.map { $0.isNaN ? 0 : $0 } }
        for cols in perReplicate.dropFirst() {
            for c in cols.indices { for t in cols[c].indices where !cols[c][t].isNaN { mean[c][t] += cols[c][t] } }
        }
        let k = Double(perReplicate.count)
        mean = mean.map { $0.map { $0 / k } }
        let selection = differenceSeries(mean, measure: measure.hasPrefix(totalCost) ? totalCost : measure)
        let rng = RandomStream(seed: RandomStream.derive(record.manifest.seed,
                                                         AnalysisStreamKey.pairedBootstrap + [strategy, versus, measure]))
        let result = BlockBootstrap.interval(columns: mean, statistic: statistic, selection: selection,
                                             resamples: resamples, rng: rng)
        let method: IntervalMethod = result.resamples > 0
            ? .blockBootstrap(blockLength: result.blockLength, resamples: result.resamples) : .none
        return PairedComparison(strategy: strategy, versus: versus, measure: measure, meanDifference: result.estimate,
                                low: result.low, high: result.high, replicates: 1, method: method)
    }

    /// Rank by total cost across bootstrap resamples, matching the run's ``Evidence``: with
    /// replicates, B resamples of the replicates drawn with replacement (every strategy takes the
    /// same draws, so the pairing is kept); with one realisation, circular block-bootstrap
    /// resamples of the ticks (every strategy resampled with the same blocks; per-tick costs
    /// averaged over replicates; block length Politis & White's on the per-tick cost difference of
    /// the first two). Counts how often each strategy keeps the rank it has in `ranked`; ties keep
    /// `ranked`'s order. Nil with fewer than two strategies.
    public static func rankStability(_ record: RunRecord, ranked: [String]) -> RankStability? {
        guard ranked.count > 1 else { return nil }
        let order = Array(ranked.indices)
        if case .replicates(let n) = Evidence(record.manifest) {
            // totals[s][r]: strategy s's total cost on replicate r.
            let totals: [[Double]] = ranked.map { name in
                let byReplicate = runsByReplicate(record, name)
                return (0..<n).map { r in (byReplicate[r]?.values("cost_total") ?? []).reduce(0) { $0 + ($1.isNaN ? 0 : $1) } }
            }
            let rng = RandomStream(seed: RandomStream.derive(record.manifest.seed, AnalysisStreamKey.rankBootstrap))
            var kept = [Double](repeating: 0, count: ranked.count)
            var draw = [Int](repeating: 0, count: n)
            for _ in 0..<resamples {
                for j in 0..<n { draw[j] = rng.int(below: n) }
                let sums = totals.map { t in draw.reduce(0) { $0 + t[$1] } }
                let byCost = order.sorted { sums[$0] != sums[$1] ? sums[$0] < sums[$1] : $0 < $1 }
                for (rank, i) in byCost.enumerated() where rank == i { kept[i] += 1 }
            }
            return RankStability(ranked: ranked, rankKept: kept.map { $0 / Double(resamples) },
                                 method: "bootstrap over replicates (\(resamples) resamples of \(n) replicates drawn "
                                     + "with replacement, the same draws for every strategy)")
        }
        let ticks = record.manifest.clock.ticks
        let costs: [[Double]] = ranked.map { name in
            let runs = record.runs(of: name)
            var mean = [Double](repeating: 0, count: ticks)
            for run in runs {
                let v = run.values("cost_total") ?? []
                for t in 0..<min(ticks, v.count) where !v[t].isNaN { mean[t] += v[t] / Double(max(runs.count, 1)) }
            }
            return mean
        }
        guard ticks > 1 else { return nil }
        let selection = zip(costs[1], costs[0]).map { $1 - $0 }
        let l = BlockBootstrap.blockLength(for: selection)
        let rng = RandomStream(seed: RandomStream.derive(record.manifest.seed, AnalysisStreamKey.rankBootstrap))
        var kept = [Double](repeating: 0, count: ranked.count)
        _ = BlockBootstrap.resample(columns: costs, statistic: { sums in
            let byCost = order.sorted { sums[$0] != sums[$1] ? sums[$0] < sums[$1] : $0 < $1 }
            for (rank, i) in byCost.enumerated() where rank == i { kept[i] += 1 }
            return 0
        }, blockLength: l, resamples: resamples, rng: rng)
        return RankStability(ranked: ranked, rankKept: kept.map { $0 / Double(resamples) },
                             method: "circular block bootstrap over ticks (block \(l) ticks, \(resamples) resamples, "
                                 + "the same blocks for every strategy)")
    }

    /// Whether every replicate of every strategy produced the same series and events: replicates
    /// that change nothing (a replay without randomness).
    public static func replicatesIdentical(_ record: RunRecord) -> Bool {
        guard record.manifest.replicates > 1 else { return false }
        for name in record.strategies {
            let runs = record.runs(of: name)
            guard let first = runs.first else { continue }
            for run in runs.dropFirst() {
                guard run.events == first.events, run.series.count == first.series.count else { return false }
                for (s, f) in zip(run.series, first.series) {
                    guard s.name == f.name, s.values.count == f.values.count else { return false }
                    for (x, y) in zip(s.values, f.values) where !(x == y || (x.isNaN && y.isNaN)) { return false }
                }
            }
        }
        guard let first = record.traffic.first else { return true }
        return record.traffic.allSatisfy { $0.volume == first.volume }
    }

    // MARK: Per-tick columns

    static func runsByReplicate(_ record: RunRecord, _ name: String) -> [Int: StrategyRun] {
        Dictionary(record.runs(of: name).map { ($0.replicate, $0) }, uniquingKeysWith: { a, _ in a })
    }

    static func sums(_ columns: [[Double]]) -> [Double] { columns.map { $0.reduce(0) { $0 + ($1.isNaN ? 0 : $1) } } }

    /// The statistic of the column sums: a total for costs, a difference of event-weighted means
    /// for the metric (columns a·w, w_a, b·w, w_b), and the opportunity cost Σ (m_ref − m_S)·w.
    static func statistic(_ measure: String) -> ([Double]) -> Double {
        switch measure {
        case totalCost, opportunityCost: return { $0[0] }
        default: return { s in (s[1] > 0 ? s[0] / s[1] : .nan) - (s[3] > 0 ? s[2] / s[3] : .nan) }
        }
    }

    /// The per-tick series whose block length is chosen: the per-tick difference itself.
    static func differenceSeries(_ columns: [[Double]], measure: String) -> [Double] {
        switch measure {
        case totalCost, opportunityCost: return columns[0]
        default: return zip(columns[0], columns[2]).map { $0 - $1 }
        }
    }

    /// Per-tick columns of one replicate's pair (see ``statistic(_:)``).
    static func columns(_ record: RunRecord, _ a: StrategyRun, _ b: StrategyRun, volume: [Double], measure: String,
                        ticks: Int, multiplier k: Double = 1) -> [[Double]] {
        func series(_ run: StrategyRun, _ m: String) -> [Double] {
            let v = run.values(m) ?? []
            return (0..<ticks).map { $0 < v.count ? v[$0] : .nan }
        }
        let w = (0..<ticks).map { $0 < volume.count ? volume[$0] : 0 }
        switch measure {
        case totalCost:
            func cost(_ run: StrategyRun) -> [Double] {
                let total = series(run, "cost_total")
                guard k != 1 else { return total.map { $0.isNaN ? 0 : $0 } }
                let retrain = series(run, "cost_retrain"), deploy = series(run, "cost_deploy")
                return (0..<ticks).map { t in
                    func z(_ v: Double) -> Double { v.isNaN ? 0 : v }
                    return z(total[t]) + (k - 1) * (z(retrain[t]) + z(deploy[t]))
                }
            }
            let x = cost(a), y = cost(b)
            return [(0..<ticks).map { x[$0] - y[$0] }]
        case opportunityCost:
            let metric = record.manifest.primaryMetric
            let sign = record.manifest.task.higherIsBetter ? 1.0 : -1.0
            let per = Analysis.opportunityCost(strategy: series(a, metric).map { $0 * sign },
                                      reference: series(b, metric).map { $0 * sign }, volume: w).perTick
            return [per]
        default:
            let x = series(a, measure), y = series(b, measure)
            return [(0..<ticks).map { x[$0].isNaN ? 0 : x[$0] * w[$0] }, (0..<ticks).map { x[$0].isNaN ? 0 : w[$0] },
                    (0..<ticks).map { y[$0].isNaN ? 0 : y[$0] * w[$0] }, (0..<ticks).map { y[$0].isNaN ? 0 : w[$0] }]
        }
    }

    // MARK: CSV

    /// `comparisons.csv`: `strategy,versus,metric,mean_difference,low,high,replicates,method`, one
    /// row per comparison of ``all(_:ranked:)``; the difference is strategy − versus (for
    /// `opportunity_cost`, the strategy's opportunity cost against the reference `versus`).
    public static func csv(_ rows: [PairedComparison]) -> String {
        var out = "strategy,versus,metric,mean_difference,low,high,replicates,method\n"
        for c in rows {
            let cols = [csvField(c.strategy), csvField(c.versus), csvField(c.measure), NumberText.significant(c.meanDifference),
                        NumberText.significant(c.low), NumberText.significant(c.high), String(c.replicates),
                        csvField(methodField(c.method))]
            out += cols.joined(separator: ",") + "\n"
        }
        return out
    }

    /// The method column: its name, with the block length and resamples of a bootstrap
    /// (`block-bootstrap(block=12;resamples=2000)`).
    public static func methodField(_ m: IntervalMethod) -> String {
        if case .blockBootstrap(let l, let b) = m { return "block-bootstrap(block=\(l);resamples=\(b))" }
        return m.name
    }
}
