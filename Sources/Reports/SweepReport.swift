import Analysis
import FlywheelCore
import Foundation
import Plots

extension SweepAnalysis {
    /// The decision region (in multipliers) around k = 1 when `strategy` wins there: switch
    /// points at the geometric means of neighbouring evaluated multipliers, as on the map.
    public func stableRange(of strategy: String) -> (lo: Double, hi: Double)? {
        guard let one = multipliers.firstIndex(of: 1), winners[one] == strategy else { return nil }
        return DecisionMap.regions(ratios: multipliers, winners: winners).first { $0.from <= 1 && 1 <= $0.to }.map { ($0.from, $0.to) }
    }
}

/// The outputs of a sweep: `sweep-summary.csv`, the heatmaps, the best and worst curves, the
/// decision map and `sweep-report.md`.
public enum SweepReport {
    // MARK: Summary CSV

    /// One row per strategy of the sweep, in sweep order: the parameter values (empty for fixed
    /// comparators), the mean metric, retrains, labels, errors, costs, total with 95 % half-width,
    /// opportunity cost against the reference, and the rank by total cost.
    public static func summaryCSV(_ a: SweepAnalysis) -> String {
        let m = a.record.manifest.primaryMetric
        var out = "strategy,kind"
        for p in a.design.parameters { out += "," + csvField(p.keyPath) }
        out += ",replicates,mean_\(m),mean_\(m)_ci95,retrains,deployments,labels,errors,cost_error,cost_label,cost_retrain,cost_deploy,total_cost,total_cost_ci95,opportunity_cost,opportunity_cost_ci95,rank\n"
        let rank = Dictionary(uniqueKeysWithValues: a.ranked.enumerated().map { ($1.strategy, $0 + 1) })
        let volumes = Dictionary(uniqueKeysWithValues: a.record.traffic.map { ($0.replicate, $0.volume) })
        for (cell, s) in zip(a.design.cells, a.summaries) {
            var cols = [csvField(s.strategy), cell.coordinates == nil ? "fixed" : "cell"]
            for (p, param) in a.design.parameters.enumerated() { cols.append(cell.coordinates.map { csvField(param.values[$0[p]]) } ?? "") }
            let errors = Interval(a.record.runs(of: s.strategy).map { a.errorCount($0, volume: volumes[$0.replicate] ?? []) })
            cols += [String(s.meanMetric.n), r(s.meanMetric.mean), r(s.meanMetric.halfWidth), r(s.retrains.mean), r(s.deployments.mean),
                     r(s.labels.mean), r(errors.mean), r(s.errorCost.mean), r(s.labelCost.mean), r(s.retrainCost.mean), r(s.deployCost.mean),
                     r(s.totalCost.mean), r(s.totalCost.halfWidth), s.opportunityCost.map { r($0.mean) } ?? "",
                     s.opportunityCost.map { r($0.halfWidth) } ?? "", String(rank[s.strategy] ?? 0)]
            out += cols.joined(separator: ",") + "\n"
        }
        return out
    }

    // MARK: Figures

    /// The sweep figures: total-cost and metric heatmaps, best and worst curves, decision map.
    public static func figures(_ a: SweepAnalysis) -> [Figure] {
        [costHeatmap(a), metricHeatmap(a), bestWorst(a), decisionMap(a)]
    }

    /// The two parameters a heatmap shows (columns: the first, rows: the second when there is
    /// one) and the coordinates of the other parameters (fixed at the best cell's values).
    static func slice(_ a: SweepAnalysis) -> (columns: Int, rows: Int?, fixed: [Int]) {
        let fixed = a.cell(a.bestCell.strategy)?.coordinates ?? []
        return (0, a.design.parameters.count > 1 ? 1 : nil, fixed)
    }

    /// A swept key path as an axis title: what it is, then the key (`training window
    /// (dataset.window)`); the values carry their unit (`7d`).
    static func axisTitle(_ keyPath: String) -> String {
        let known = [
            "trigger.every": "retraining interval", "dataset.window": "training window", "dataset.count": "training set size (labels)",
            "dataset.sample": "training sample size", "dataset.half_life": "recency half-life", "labels.coverage": "share of events labelled",
            "labels.delay": "label delay", "labels.budget_per_tick": "labels per tick", "labels.noise": "label noise (share flipped)",
            "trigger.cooldown": "cooldown after a training", "trigger.volume": "new labels per training",
            "gate.min_gain": "gate's least gain", "gate.holdout": "holdout share",
        ]
        if let name = known[keyPath] { return "\(name) (\(keyPath))" }
        let last = keyPath.split(separator: ".").last.map(String.init) ?? keyPath
        if last == keyPath { return keyPath }
        return "\(last.replacingOccurrences(of: "_", with: " ")) (\(keyPath))"
    }

    /// The cell names of the heatmap's slice, `[row][column]` (nil where the grid has no cell).
    static func heatNames(_ a: SweepAnalysis) -> [[String?]] {
        let (c, r, fixed) = slice(a)
        let params = a.design.parameters
        return (r.map { params[$0].values } ?? [""]).indices.map { ri in
            params[c].values.indices.map { ci in
                var coords = fixed
                coords[c] = ci
                if let r { coords[r] = ri }
                return a.cell(at: coords)?.name
            }
        }
    }

    static func heatValues(_ a: SweepAnalysis, _ value: (StrategySummary) -> Double) -> (rows: [String], columns: [String], values: [[Double]], note: String) {
        let (c, r, fixed) = slice(a)
        let params = a.design.parameters
        let columns = params[c].values
        let rows = r.map { params[$0].values } ?? [""]
        let values = heatNames(a).map { row in row.map { name in name.flatMap(a.summary).map(value) ?? .nan } }
        let others = params.indices.filter { $0 != c && $0 != r }
        let note = others.isEmpty ? "" : " (" + others.map { "\(params[$0].keyPath) = \(params[$0].values[fixed[$0]])" }.joined(separator: ", ") + ", as in the best cell)"
        return (rows, columns, values, note)
    }

    public static func costHeatmap(_ a: SweepAnalysis) -> Figure {
        let (rows, columns, values, note) = heatValues(a) { $0.totalCost.mean }
        let params = a.design.parameters
        var map = Heatmap(title: "\(a.record.manifest.scenarioName): mean total cost of \(a.design.template)\(note)",
                          rowAxisLabel: params.count > 1 ? axisTitle(params[1].keyPath) : "", columnAxisLabel: axisTitle(params[0].keyPath),
                          valueLabel: "rank by mean total cost (1 = cheapest)", rowLabels: rows, columnLabels: columns, values: values,
                          best: .min)
        map.colouring = .rank
        // Ties: cells whose paired difference from the cheapest cell of the slice holds 0.
        let names = heatNames(a)
        var method = ""
        if let b = Heatmap.bestCell(values, best: .min), let best = names[b.row][b.column] {
            map.tied = names.map { row in
                row.map { name in
                    guard let name, name != best else { return false }
                    let c = Comparisons.compare(a.record, name, best, measure: Comparisons.totalCost)
                    method = "\(c.method)"
                    return c.low <= 0 && c.high >= 0
                }
            }
        }
        map.tiedLegend = "tied with the cheapest"
        let ties = map.tied.joined().filter { $0 }.count
        let tieText = method.isEmpty ? "" : "; dashed: the \(ties) cell\(ties == 1 ? "" : "s") whose paired difference from it "
            + "(\(method)) holds 0"
        return Figure(file: "heatmap.svg", caption: "Mean total cost over replicates for each cell of the grid\(note), coloured by rank "
                          + "(brightest: cheapest) so near-optimal cells stand apart; the cheapest cell is outlined\(tieText)",
                      svg: map.svg())
    }

    /// The least accuracy range (a share) a metric heatmap's palette spans.
    static let leastAccuracySpan = 0.05

    public static func metricHeatmap(_ a: SweepAnalysis) -> Figure {
        let higher = a.higherIsBetter
        let metric = a.record.manifest.primaryMetric
        let (rows, columns, values, note) = heatValues(a) { $0.meanMetric.mean }
        let params = a.design.parameters
        let label = higher ? "mean accuracy (fraction correct)" : "mean absolute error"
        var map = Heatmap(title: "\(a.record.manifest.scenarioName): mean \(metric) of \(a.design.template)\(note)",
                          rowAxisLabel: params.count > 1 ? axisTitle(params[1].keyPath) : "", columnAxisLabel: axisTitle(params[0].keyPath),
                          valueLabel: label, rowLabels: rows, columnLabels: columns, values: values, best: higher ? .max : .min)
        // An accuracy's palette spans at least 5 points, so a spread of a few tenths of a point
        // does not look like the difference between good and bad.
        let finite = values.joined().filter(\.isFinite)
        let spanned = higher && !finite.isEmpty && finite.max()! - finite.min()! < Self.leastAccuracySpan
        if spanned {
            let half = Self.leastAccuracySpan / 2
            let middle = min(max((finite.min()! + finite.max()!) / 2, half), 1 - half)
            map.colourSpan = (middle - half)...(middle + half)
        }
        let spanText = spanned ? "; the palette spans \(Int(Self.leastAccuracySpan * 100)) points of accuracy, wider than the cells' spread" : ""
        return Figure(file: "heatmap-\(metric).svg", caption: "Mean \(metric) (event-weighted, mean over replicates) for each cell\(note); the best cell is outlined\(spanText)",
                      svg: map.svg())
    }

    /// The metric over time of the cheapest and the most expensive grid cells, with the fixed
    /// comparators dashed, drift periods shaded.
    public static func bestWorst(_ a: SweepAnalysis) -> Figure {
        let record = a.record
        let metric = record.manifest.primaryMetric
        let x = (0..<record.manifest.clock.ticks).map { Double($0) + 0.5 }
        var chart = LineChart(title: "\(record.manifest.scenarioName): cheapest and most expensive cells", xLabel: Figures.xLabel(record),
                              yLabel: Figures.metricLabel(record))
        var lines: [(String, String, Bool)] = [("cheapest: ", a.bestCell.strategy, false)]
        if a.worstCell.strategy != a.bestCell.strategy { lines.append(("most expensive: ", a.worstCell.strategy, false)) }
        for c in a.design.cells where c.coordinates == nil { lines.append(("", c.name, true)) }
        for (i, (prefix, name, dashed)) in lines.enumerated() {
            let runs = record.runs(of: name)
            let (mean, lo, hi) = band(runs, metric: metric, events: Figures.tickEvents(record))
            let multi = runs.count > 1 && !dashed
            // A deployment serves from the next tick; one on the last tick serves none.
            let ticks = record.manifest.clock.ticks
            let markers = dashed ? [] : (runs.first?.events ?? []).filter { $0.kind == "deploy" && $0.tick + 1 < ticks }
                .map { LineChart.Marker(x: Double($0.tick) + 1, kind: .retrain) }
            // Cells by their swept values (`every=30d window=7d`), so the legend tells them apart.
            chart.series.append(LineChart.Series(name: prefix + a.shortLabel(name), x: x, y: mean, lower: multi ? lo : nil, upper: multi ? hi : nil, dashed: dashed,
                                                 colorIndex: i, markers: markers.count <= 60 ? markers : []))
        }
        chart.retrainLegend = record.manifest.replicates > 1 ? "deployment (replicate 0)" : "deployment"
        chart.spans = Figures.spans(record)
        chart.xAxisTicks = Figures.dateTicks(record)
        chart.yBounds = MetricRange.of(metric).bounds
        if let bayes = Figures.meanBayes(record) { chart.referenceLine = LineChart.ReferenceLine(y: bayes, label: "Bayes ceiling \(Figures.fmt(bayes))") }
        return Figure(file: "best-worst.svg", caption: "Performance over time of the cheapest and the most expensive cells (mean over replicates, 95 % band; triangles: deployments in replicate 0), the fixed comparators dashed; shaded: injected drifts",
                      svg: chart.svg())
    }

    public static func decisionMap(_ a: SweepAnalysis) -> Figure {
        let xLabel = a.scenarioRatio != nil ? "retraining price per job / price of one error (log scale; the scenario: \(num(a.scenarioRatio!)))"
            : "multiple of the scenario's retraining prices (log scale; the scenario: 1)"
        var map = DecisionMap(title: "\(a.record.manifest.scenarioName): cheapest strategy as retraining gets dearer", xLabel: xLabel,
                              ratios: a.multipliers.map(a.ratio), winners: a.winners.map(a.shortLabel))
        // The scenario's own prices: its ratio, or the multiple 1.
        map.markedRatio = a.scenarioRatio ?? 1
        map.markedLabel = "this scenario"
        return Figure(file: "decision-map.svg", caption: "Which strategy of the sweep is cheapest as every retraining price (per job, per sample, per deployment) is scaled from 10⁻³ to 10³ times the scenario's, recomputed from the stored costs (cells of `\(a.design.template)` by their values); the solid line marks this scenario's own prices; a name too long for its region is a letter keyed in the legend",
                      svg: map.svg())
    }

    // MARK: Markdown

    /// The sweep report: what was swept, the recommendation and its reasons, the figures, the
    /// ranked table and the decision regions.
    /// `comparisons`: the paired comparisons of ``comparisons(_:)`` (computed when nil).
    public static func markdown(_ a: SweepAnalysis, figures: [(file: String, caption: String)],
                                comparisons: [PairedComparison]? = nil) -> String {
        let m = a.record.manifest
        let metric = m.primaryMetric
        let higher = a.higherIsBetter
        let gridCells = a.design.cells.filter { $0.coordinates != nil }
        let fixed = a.design.cells.filter { $0.coordinates == nil }
        var out = "# \(m.scenarioName): sweep of `\(a.design.template)`\n\n"
        if !m.description.isEmpty { out += "\(m.description)\n\n" }
        out += "## Sweep\n\n| | |\n|---|---|\n"
        for p in a.design.parameters { out += "| `\(p.keyPath)` | \(p.values.map { "`\($0)`" }.joined(separator: ", ")) |\n" }
        out += "| cells | \(gridCells.count), plus \(fixed.count) fixed comparator\(fixed.count == 1 ? "" : "s")\(fixed.isEmpty ? "" : ": " + fixed.map { "`\($0.name)`" }.joined(separator: ", ")) |\n"
        out += "| horizon | \(m.clock.horizonText) |\n"
        let events = a.record.traffic.first.map { Int($0.volume.reduce(0, +)) } ?? 0
        out += "| traffic | \(events) events per replicate, the same for every cell (common random numbers) |\n"
        out += "| replicates | \(EvidenceText.replicatesCell(m)) |\n"
        out += "| costs | " + m.costs.sorted { $0.key < $1.key }.map { "\($0.key) \(num($0.value))" }.joined(separator: ", ") + " |\n"
        if let ref = m.reference { out += "| reference | `\(ref)` (opportunity cost is measured against it) |\n" }
        out += "| version | Flywheel \(m.version) |\n\n"

        // Recommendation and reasons.
        let rec = a.recommended
        out += "## Recommendation\n\n"
        let pairs = comparisons ?? Self.comparisons(a)
        let stability = Comparisons.rankStability(a.record, ranked: a.ranked.map(\.strategy))
        out += "At the scenario's costs, **`\(rec.strategy)`** is the cheapest: total cost \(EvidenceText.totalWithMethod(rec, m)) per replicate, "
        out += "mean \(metric) \(higher ? pct(rec.meanMetric.mean) : num(rec.meanMetric.mean)), \(num(rec.retrains.mean)) retrains.\n\n"
        out += "Why:\n\n"
        out += "- Its cost splits into errors \(money(rec.errorCost.mean)), labels \(money(rec.labelCost.mean)), retraining \(money(rec.retrainCost.mean)) and deployments \(money(rec.deployCost.mean)).\n"
        if a.ranked.count > 1 {
            let second = a.ranked[1]
            let gap = second.totalCost.mean - rec.totalCost.mean
            out += "- The runner-up, `\(second.strategy)`, costs \(money(gap)) more.\n"
        }
        let evidence = EvidenceText.recommendation(best: rec, second: a.ranked.count > 1 ? a.ranked[1] : nil,
                                                   comparisons: pairs, stability: stability, manifest: m)
        out += evidence.split(separator: "\n").map { "- \($0)\n" }.joined()
        if rec.strategy != a.bestCell.strategy {
            out += "- `\(rec.strategy)` is a fixed comparator, not a cell of the grid: no retraining schedule in the grid pays for itself here. The cheapest cell is `\(a.bestCell.strategy)` at \(EvidenceText.totalWithMethod(a.bestCell, m)).\n"
        }
        if let c = a.cell(a.bestCell.strategy)?.coordinates {
            for (p, param) in a.design.parameters.enumerated() where param.values.count > 1 {
                let items: [String] = param.values.indices.compactMap { i in
                    var coords = c
                    coords[p] = i
                    guard let cell = a.cell(at: coords), let s = a.summary(cell.name) else { return nil }
                    let text = "\(param.values[i]): \(money(s.totalCost.mean))"
                    return i == c[p] ? "**\(text)**" : text
                }
                let others = a.design.parameters.indices.filter { $0 != p }.map { "\(a.design.parameters[$0].keyPath) = \(a.design.parameters[$0].values[c[$0]])" }
                out += "- Along `\(param.keyPath)`\(others.isEmpty ? "" : " (with " + others.joined(separator: ", ") + ")"): " + items.joined(separator: ", ") + ".\n"
            }
        }
        if a.bestCell.strategy != a.worstCell.strategy {
            let w = a.worstCell
            out += "- The most expensive cell, `\(w.strategy)`, costs \(money(w.totalCost.mean)) (errors \(money(w.errorCost.mean)), retraining and deployments \(money(w.retrainCost.mean + w.deployCost.mean)), \(num(w.retrains.mean)) retrains).\n"
        }
        if let range = a.stableRange(of: rec.strategy) {
            let unit = a.scenarioRatio != nil ? "retraining price / error price from \(num(a.ratio(range.lo))) to \(num(a.ratio(range.hi)))" : "retraining prices from \(num(range.lo)) to \(num(range.hi)) times the scenario's"
            out += "- It stays the cheapest for \(unit) (the evaluated range is 10⁻³ to 10³ times the scenario's; see the decision map).\n"
        }
        out += "\n"

        for f in figures { out += "![\(f.caption)](\(f.file))\n\n*\(f.caption)*\n\n" }

        out += "## Decision regions\n\nThe cheapest strategy as every retraining price is multiplied by k (totals recomputed from the stored costs: C_error + C_label + k × (C_retrain + C_deploy)):\n\n"
        out += "| from k | to k |\(a.scenarioRatio != nil ? " from ratio | to ratio |" : "") cheapest |\n|---|---|\(a.scenarioRatio != nil ? "---|---|" : "")---|\n"
        for reg in DecisionMap.regions(ratios: a.multipliers, winners: a.winners) {
            out += "| \(num(reg.from)) | \(num(reg.to)) |\(a.scenarioRatio != nil ? " \(num(a.ratio(reg.from))) | \(num(a.ratio(reg.to))) |" : "") `\(reg.option)` |\n"
        }
        out += "\n" + regionEvidence(a, pairs)
        out += "\n"

        out += "## All strategies, ranked by total cost\n\n"
        var header = "| rank | strategy | mean \(metric) | retrains | error cost | label cost | retrain cost | deploy cost | total cost |"
        var rule = "|---|---|---|---|---|---|---|---|---|"
        if m.reference != nil { header += " opportunity cost vs `\(m.reference!)` |"; rule += "---|" }
        out += header + "\n" + rule + "\n"
        for (i, s) in a.ranked.map({ EvidenceText.shown($0, m) }).enumerated() {
            var row = "| \(i + 1) | `\(s.strategy)` | \(higher ? pctCI(s.meanMetric) : ci(s.meanMetric)) | \(num(s.retrains.mean)) | "
            row += "\(money(s.errorCost.mean)) | \(money(s.labelCost.mean)) | \(money(s.retrainCost.mean)) | \(money(s.deployCost.mean)) | \(moneyCI(s.totalCost)) |"
            if m.reference != nil { row += " \(s.opportunityCost.map { ci($0, digits: 0) } ?? "") |" }
            out += row + "\n"
        }
        if m.reference != nil {
            out += "\nOpportunity cost: Σₜ (m_ref(t) − m_S(t)) × events(t), in \(higher ? "extra wrong predictions" : "extra absolute error") against the reference; negative means better than the reference.\n"
        }
        out += "\n" + EvidenceText.tableMethod(m)
        let flags = EvidenceText.trainingFlags(a.ranked)
        if !flags.isEmpty { out += "\n" + flags }
        if let stability { out += "\n" + EvidenceText.stabilityText(stability) }
        out += "\nPaired differences of every strategy against the cheapest (total cost and \(metric)), against the reference "
        out += "(opportunity cost), and of each decision region's winner against the next cheapest are in `comparisons.csv`.\n"
        out += "\nPer-cell metrics over time are in `cells/` (tidy long form); one row per strategy in `sweep-summary.csv`; everything comes from `sweep.sqlite` in this folder (`flywheel plot` redraws the figures from it).\n"
        return out
    }

    // MARK: Paired comparisons

    /// The sweep's paired comparisons (``Comparisons/all(_:ranked:)``) and, for each decision
    /// region, its winner against the next cheapest at the region's middle multiplier.
    public static func comparisons(_ a: SweepAnalysis) -> [PairedComparison] {
        Comparisons.all(a.record, ranked: a.ranked.map(\.strategy)) + regionComparisons(a).map(\.comparison)
    }

    /// Per decision region with a runner-up: the multiplier at the region's middle (the evaluated
    /// one nearest the geometric mean of its bounds) and the paired total-cost difference there of
    /// the next cheapest minus the winner.
    static func regionComparisons(_ a: SweepAnalysis) -> [(from: Double, to: Double, comparison: PairedComparison)] {
        guard a.summaries.count > 1 else { return [] }
        return DecisionMap.regions(ratios: a.multipliers, winners: a.winners).compactMap { reg in
            let middle = (reg.from * reg.to).squareRoot()
            guard let k = a.multipliers.min(by: { abs(log($0 / middle)) < abs(log($1 / middle)) }) else { return nil }
            let totals = a.summaries.map { (name: $0.strategy, total: a.totalCost(of: $0.strategy, multiplier: k).mean) }
            guard let next = totals.filter({ $0.name != reg.option }).min(by: { $0.total < $1.total }) else { return nil }
            return (reg.from, reg.to, Comparisons.compare(a.record, next.name, reg.option, measure: Comparisons.totalCost,
                                                          multiplier: k))
        }
    }

    /// The decision regions' evidence: whether each winner is distinguishable from the next cheapest.
    static func regionEvidence(_ a: SweepAnalysis, _ pairs: [PairedComparison]) -> String {
        let regions = regionComparisons(a)
        guard !regions.isEmpty else { return "" }
        var out = "Each region's winner against the next cheapest at the region's middle multiplier (paired on the same traffic):\n\n"
        for r in regions {
            let c = r.comparison
            out += "- k \(num(r.from)) – \(num(r.to)): \(EvidenceText.sentence(c, digits: 1)): "
            out += c.method == .none ? "no interval.\n" : c.isDistinguishable ? "distinguishable.\n"
                : "not distinguishable: the winner here is a tie on this evidence.\n"
        }
        return out
    }

    // MARK: Formatting


    static func r(_ v: Double) -> String { NumberText.significant(v) }
}
