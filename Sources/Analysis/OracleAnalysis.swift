import FlywheelCore
import Foundation

/// The hindsight-optimal schedule of one replicate (``HindsightSchedule`` over its age matrix).
public struct OracleReplicate: Hashable, Sendable {
    public var replicate: Int
    /// Ticks at which the optimal schedule's models go live (each serves from the next tick).
    public var trainings: [Int]
    /// Its cost per tick: serving cost + labels + the training and deployment of a model going
    /// live at that tick.
    public var costPerTick: [Double]
    /// The dynamic program's optimum C* plus the labels (for a check against ``cost``).
    public var optimum: Double

    public init(replicate: Int, trainings: [Int], costPerTick: [Double], optimum: Double) {
        self.replicate = replicate
        self.trainings = trainings
        self.costPerTick = costPerTick
        self.optimum = optimum
    }

    /// Σₜ costPerTick.
    public var cost: Double { costPerTick.reduce(0, +) }
}

/// Each strategy's regret to the hindsight-optimal schedule of one strategy's dataset policy:
/// regret = total cost of the strategy − total cost of the optimal schedule, paired on the same
/// traffic.
///
/// With independent replicates the interval is Student's t over the per-replicate differences;
/// with one realisation (a replayed file, or one replicate) it is the circular block bootstrap over
/// ticks of the per-tick cost difference (averaged over replicates), as ``Comparisons`` does. For
/// the strategies with the oracle's dataset policy, immediate rollout and labelling, the regret is
/// ≥ 0 up to the training randomness (the oracle's cost is a lower bound for their schedules).
public struct OracleAnalysis: Sendable {
    /// The strategy whose dataset policy the oracle uses.
    public var strategy: String
    public var maxAge: Int
    public var replicates: [OracleReplicate]
    /// Regret of every strategy (measure `regret`, versus `oracle`), in the run's order.
    public var regrets: [PairedComparison]
    /// Total cost of every strategy per replicate, in the run's order.
    public var strategyCosts: [(strategy: String, costs: [Double], trainings: [Int])]
    /// Ticks within which a training after a drift's start or end counts as placed at the drift.
    public var tolerance: Int
    public var drifts: [DriftTruth]

    /// The stream of the bootstrap of a strategy's regret: `seed / "analysis" / "block-bootstrap" / strategy / "oracle" / "regret"`.
    static func streamKey(_ strategy: String) -> [String] { AnalysisStreamKey.pairedBootstrap + [strategy, "oracle", "regret"] }

    public init(record: RunRecord, strategy: String, maxAge: Int, replicates: [OracleReplicate], resamples: Int = 2000) {
        self.strategy = strategy
        self.maxAge = maxAge
        self.replicates = replicates
        tolerance = record.manifest.detectionTolerance
        drifts = record.drifts
        let oracle = replicates.map(\.cost)
        var costs: [(String, [Double], [Int])] = []
        var regrets: [PairedComparison] = []
        let evidence = Evidence(record.manifest)
        for name in record.strategies {
            let runs = record.runs(of: name).sorted { $0.replicate < $1.replicate }
            let series = runs.map { run in
                (run.series.first { $0.name == "cost_total" }?.values ?? []).map { $0.isNaN ? 0 : $0 }
            }
            let totals = series.map { $0.reduce(0, +) }
            let trainings = runs.map { run in run.events.filter { $0.kind == "deploy" }.count }
            costs.append((name, totals, trainings))
            if !evidence.isOneRealisation {
                regrets.append(PairedComparison.pairedT(strategy: name, versus: "oracle", measure: "regret", totals, oracle))
                continue
            }
            let k = Double(max(replicates.count, 1))
            let ticks = replicates.first?.costPerTick.count ?? 0
            var a = [Double](repeating: 0, count: ticks), b = a
            for (r, s) in series.enumerated() where r < replicates.count {
                for t in 0..<min(ticks, s.count) { a[t] += s[t] / k; b[t] += replicates[r].costPerTick[t] / k }
            }
            let rng = RandomStream(seed: RandomStream.derive(record.manifest.seed, Self.streamKey(name)))
            let result = BlockBootstrap.interval(columns: [a, b], statistic: { $0[0] - $0[1] },
                                                 selection: zip(a, b).map { $0 - $1 }, resamples: resamples, rng: rng)
            let method: IntervalMethod = result.resamples > 0
                ? .blockBootstrap(blockLength: result.blockLength, resamples: result.resamples) : .none
            regrets.append(PairedComparison(strategy: name, versus: "oracle", measure: "regret", meanDifference: result.estimate,
                                            low: result.low, high: result.high, replicates: 1, method: method))
        }
        strategyCosts = costs
        self.regrets = regrets
    }

    /// Whether tick `t` falls within a drift (from its start to `tolerance` ticks after its end).
    public func placedAtDrift(_ t: Int) -> Bool {
        drifts.contains { Double(t) >= $0.start && Double(t) <= $0.end + Double(tolerance) }
    }

    /// `oracle.csv`: per replicate, the oracle's row (`oracle:STRATEGY`, its trainings, cost,
    /// regret 0 and the ticks its models go live) then each strategy's (its deployments, total
    /// cost and regret to the oracle).
    public var csv: String {
        var out = "replicate,strategy,trainings,cost,regret,training_ticks\n"
        for (r, o) in replicates.enumerated() {
            let ticks = o.trainings.map(String.init).joined(separator: " ")
            out += "\(o.replicate),\(csvField("oracle:" + strategy)),\(o.trainings.count),\(NumberText.plain(o.cost)),0,\(ticks)\n"
            for (name, costs, trainings) in strategyCosts where r < costs.count {
                out += "\(o.replicate),\(csvField(name)),\(trainings[r]),\(NumberText.plain(costs[r])),"
                    + "\(NumberText.plain(costs[r] - o.cost)),\n"
            }
        }
        return out
    }

    /// A cost in the report's tables: one decimal, as the ranked table writes it.
    private func money(_ v: Double) -> String { v.isFinite ? String(format: "%.1f", v) : "–" }

    /// The report's section: the optimal schedule's cost, its trainings against the drift ground
    /// truth, and each strategy's paired regret with its interval and the method's name.
    public var markdown: String {
        let n = replicates.count
        let mean = replicates.map(\.cost).reduce(0, +) / Double(max(n, 1))
        let all = replicates.flatMap(\.trainings)
        let placed = all.filter(placedAtDrift).count
        var s = "## The hindsight-optimal schedule\n\n"
        s += "The cheapest schedule of trainings in hindsight for the dataset policy of '\(strategy)' (a model serving at most "
            + "\(maxAge) ticks), found by dynamic programming over its age matrix: a model trained at every tick on the "
            + "data '\(strategy)' would have had then, evaluated on every later tick. Its cost is a lower bound for every "
            + "schedule of that dataset policy with the same labels and immediate rollout.\n\n"
        s += "- Cost: \(money(mean)) on average over \(n) replicate\(n == 1 ? "" : "s") ("
            + replicates.map { money($0.cost) }.joined(separator: ", ") + ").\n"
        s += "- Trainings: " + replicates.map { "\($0.trainings.count)" }.joined(separator: ", ")
            + " per replicate; \(placed) of \(all.count) go live during a drift or within \(tolerance) ticks of its end.\n"
        if let first = replicates.first {
            let ticks = first.trainings.map { "\($0)\(placedAtDrift($0) ? "*" : "")" }.joined(separator: ", ")
            s += "- Replicate \(first.replicate)'s models go live at ticks: \(ticks.isEmpty ? "none" : ticks) "
                + "(* during a drift).\n"
        }
        s += "\n| strategy | trainings (mean) | total cost (mean) | regret to the oracle | 95 % interval |\n"
        s += "|---|---:|---:|---:|---|\n"
        for (c, g) in zip(strategyCosts, regrets) {
            let cost = c.costs.reduce(0, +) / Double(max(c.costs.count, 1))
            let tr = Double(c.trainings.reduce(0, +)) / Double(max(c.trainings.count, 1))
            let interval = g.method == .none ? "none" : "[\(money(g.low)), \(money(g.high))]"
            s += "| `\(c.strategy)` | \(String(format: "%.3g", tr)) | \(money(cost)) | \(money(g.meanDifference)) | \(interval) |\n"
        }
        if let method = regrets.first?.method {
            s += "\nRegret = strategy's total cost − the oracle's, paired on the same traffic; interval: \(method).\n"
        }
        return s
    }
}
