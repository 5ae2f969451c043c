import Analysis
import FlywheelCore
import Foundation

/// The Markdown decision report of a run (`report.md`), built from the finished run record only.
public enum MarkdownReport {
    /// `comparisons`: the paired comparisons of ``Comparisons/all(_:ranked:)`` (computed when nil);
    /// `strategies`: each strategy's components as the run used them (the "Strategies under test"
    /// table; none: no table); `costs`: the cost model as the run priced it (the "Cost model"
    /// section; nil: none); `analyses`: further sections (Markdown, each from its `## ` title),
    /// placed after the report's own analyses and before the figures and the recommendation.
    public static func render(_ record: RunRecord, summaries: [StrategySummary], figures: [(file: String, caption: String)],
                              comparisons: [PairedComparison]? = nil, strategies: [StrategySetting] = [],
                              costs: CostStatement? = nil, analyses: [String] = []) -> String {
        let m = record.manifest
        let metric = m.primaryMetric
        let higher = m.task.higherIsBetter
        var out = "# \(m.scenarioName)\n\n"
        if !m.description.isEmpty { out += "\(m.description)\n\n" }
        out += "## Scenario\n\n"
        out += "| | |\n|---|---|\n"
        out += "| horizon | \(m.clock.horizonText) |\n"
        let events = record.traffic.first.map { Int($0.volume.reduce(0, +)) } ?? 0
        out += "| traffic | \(events) events per replicate |\n"
        out += "| replicates | \(EvidenceText.replicatesCell(m)) |\n"
        out += "| strategies | \(record.strategies.count), on the same traffic (common random numbers) |\n"
        if let ref = m.reference { out += "| reference | `\(ref)` (opportunity cost is measured against it) |\n" }
        out += "| costs | " + m.costs.sorted { $0.key < $1.key }.map { "\($0.key) \(num($0.value))" }.joined(separator: ", ") + " |\n"
        out += "| version | Flywheel \(m.version) |\n\n"
        if !record.drifts.isEmpty {
            out += "### Injected drifts (ground truth)\n\n| # | type | target | start | end | peak | what |\n|---|---|---|---|---|---|---|\n"
            for d in record.drifts {
                out += "| \(d.id) | \(d.type) | \(d.target) | \(num(d.start)) | \(num(d.end)) | \(num(d.peak)) | \(d.detail) |\n"
            }
            out += "\n"
        }
        if let bayes = Figures.meanBayes(record) { out += "Bayes-optimal \(metric) of this traffic (the ceiling): **\(pct(bayes))**.\n\n" }
        out += strategiesSection(record, strategies)

        let ranked = RunSummary.ranked(summaries, higherIsBetter: higher)
        out += "## Strategies, ranked by total cost\n\n"
        // A regression's metric says which way is better.
        let metricTitle = higher ? metric : "\(m.task.metricName) (lower is better)"
        var header = "| rank | strategy | mean \(metricTitle) | retrains | labels | error cost | label cost "
            + "| retrain cost | deploy + rollback cost | total cost |"
        var rule = "|---|---|---|---|---|---|---|---|---|---|"
        if m.reference != nil { header += " opportunity cost vs `\(m.reference!)` |"; rule += "---|" }
        let hasCeiling = summaries.contains { $0.regretToCeiling != nil }
        if hasCeiling { header += " regret to the Bayes ceiling |"; rule += "---|" }
        if let floor = m.performanceFloor {
            header += " ticks \(higher ? "below" : "above") \(num(floor)) |"
            rule += "---|"
        }
        for name in m.requestedMetrics {
            header += " mean `\(name)` |"
            rule += "---|"
        }
        out += header + "\n" + rule + "\n"
        for (i, s) in ranked.map({ EvidenceText.shown($0, m) }).enumerated() {
            var row = "| \(i + 1) | `\(s.strategy)` | \(higher ? pctCI(s.meanMetric) : ci(s.meanMetric)) | \(num(s.retrains.mean)) | \(num(s.labels.mean)) | "
            row += "\(money(s.errorCost.mean)) | \(money(s.labelCost.mean)) | \(money(s.retrainCost.mean)) | \(money(s.deployCost.mean + s.rollbackCost.mean)) | \(moneyCI(s.totalCost)) |"
            if m.reference != nil { row += " \(s.opportunityCost.map { ci($0, digits: 0) } ?? "") |" }
            if hasCeiling { row += " \(s.regretToCeiling.map { ci($0, digits: 0) } ?? "") |" }
            if m.performanceFloor != nil { row += " \(s.ticksBelow.map { ci($0, digits: 1) } ?? "") |" }
            for name in m.requestedMetrics { row += " \(s.requested[name].map { ci($0, digits: 3) } ?? "") |" }
            out += row + "\n"
        }
        if m.reference != nil {
            let price = m.costs["error"] ?? 1
            out += "\nOpportunity cost: Σₜ (m_ref(t) − m_S(t)) × events(t), in \(higher ? "extra wrong predictions" : "extra absolute error") against the reference (× the error cost \(num(price)) in money); negative means better than the reference."
            if hasCeiling { out += " Regret to the Bayes ceiling: the same sum against the best accuracy any model could reach on this traffic." }
            out += "\n"
        }
        if !m.requestedMetrics.isEmpty {
            out += "\nMean " + m.requestedMetrics.map { "`\($0)`" }.joined(separator: ", ")
                + ": the series the scenario requested (`metrics:`), averaged over the run with each tick weighted by its events.\n"
        }
        out += "\n" + EvidenceText.tableMethod(m)
        let trainingFlags = EvidenceText.trainingFlags(ranked)
        if !trainingFlags.isEmpty { out += "\n" + trainingFlags }
        out += "\n"
        out += costSection(record, summaries, costs)
        let pairs = comparisons ?? Comparisons.all(record, ranked: ranked.map(\.strategy))
        let stability = Comparisons.rankStability(record, ranked: ranked.map(\.strategy))
        out += EvidenceText.section(record, comparisons: pairs, stability: stability)
        out += notesSection(record)
        out += sliceSection(record)
        out += detectionSection(record)
        out += estimateSection(record)
        out += qualitySection(record)
        out += shippingSection(record)
        for a in analyses { out += a.hasSuffix("\n\n") ? a : a + "\n" }
        for f in figures { out += "![\(f.caption)](\(f.file))\n\n*\(f.caption)*\n\n" }

        out += "## Recommendation\n\n"
        if let best = ranked.first {
            let value = higher ? pct(best.meanMetric.mean) : num(best.meanMetric.mean)
            out += "**`\(best.strategy)`** has the lowest total cost, \(EvidenceText.totalWithMethod(best, m)), "
                + "with mean \(higher ? metric : m.task.metricName) \(value).\n"
            if ranked.count > 1 {
                let second = ranked[1]
                let gap = second.totalCost.mean - best.totalCost.mean
                out += "The runner-up, `\(second.strategy)`, costs \(money(gap)) more (\(pct(gap / max(abs(second.totalCost.mean), 1e-12))) of its total).\n"
            }
            out += "\n" + EvidenceText.recommendation(best: best, second: ranked.count > 1 ? ranked[1] : nil, comparisons: pairs,
                                                     stability: stability, manifest: m)
        }
        // The built-in quickstart is run without a file argument.
        let command = m.scenarioFile.hasSuffix("(built in)") ? "flywheel run" : "flywheel run \(m.scenarioFile.isEmpty ? "SCENARIO" : m.scenarioFile)"
        out += "\n---\nRegenerate with `\(command)`; every figure above comes from `run.sqlite` in this folder.\n"
        return out
    }

    /// What a reader must know about how some strategies observe the traffic.
    static func notesSection(_ record: RunRecord) -> String {
        var lines: [String] = []
        for name in record.strategies {
            for note in Set(record.runs(of: name).flatMap { $0.events.filter { $0.kind == "note" }.map(\.detail) }).sorted() {
                lines.append("- `\(name)`: \(note).")
            }
        }
        return lines.isEmpty ? "" : "## Notes on strategies\n\n" + lines.joined(separator: "\n") + "\n\n"
    }

    /// Mean served accuracy per slice (cohort) and strategy, when the stream has slices.
    static func sliceSection(_ record: RunRecord) -> String {
        guard let first = record.runs.first else { return "" }
        let slices = first.series.map(\.name).filter { $0.hasPrefix("accuracy@") }
        guard !slices.isEmpty else { return "" }
        var out = "## Per-slice comparison\n\nMean over ticks of the accuracy served to each slice (ticks where the slice had events), mean over replicates.\n\n"
        out += "| strategy | " + slices.map { "`\($0.dropFirst("accuracy@".count))`" }.joined(separator: " | ") + " |\n"
        out += "|---|" + String(repeating: "---|", count: slices.count) + "\n"
        for name in record.strategies {
            let runs = record.runs(of: name)
            let cells = slices.map { metric -> String in
                let perRun = runs.map { run -> Double in
                    let v = (run.values(metric) ?? []).filter { !$0.isNaN }
                    return v.isEmpty ? .nan : v.reduce(0, +) / Double(v.count)
                }
                return pct(Interval(perRun).mean)
            }
            out += "| `\(name)` | " + cells.joined(separator: " | ") + " |\n"
        }
        return out + "\n"
    }

    /// Trigger detection quality against the injected drifts: each trigger against chance (as many
    /// alarms placed at random), ranked by its lift over chance, with the two blind baselines.
    static func detectionSection(_ record: RunRecord) -> String {
        let rows = DetectionAnalysis.score(record)
        guard rows.contains(where: { !$0.isBaseline }) else { return "" }
        let points = DetectionAnalysis.changePoints(record)
        let tol = record.manifest.detectionTolerance
        var out = "## Trigger detection quality against the ground truth\n\n"
        out += "A trigger's alarm is a tick at which it started a training job. The change points are every change "
        out += "of every drift (a periodic drift's cycle onsets, a temporary drift's onset and revert): ticks "
        out += points.map(String.init).joined(separator: ", ") + ". "
        out += "An alarm detects a change when it comes after the trigger could have seen it — the change point plus "
        out += "the lag (the label delay for triggers on labels, calendars and label counts; 0 for triggers on served "
        out += "inputs or outputs) — and at most \(tol) ticks after that; earlier alarms are false alarms. "
        out += "The delay counts from the change point. *Chance F1* is the expected F1 of as many alarms placed at "
        out += "random (\(DetectionAnalysis.chancePlacements) seeded placements per alarm count); "
        out += "*lift* = F1 / chance F1, 1 meaning no better than chance; *chance ≥ F1* is the share of those random "
        out += "placements that score at least the trigger's F1 (a high lift on one or two lucky alarms shows as a "
        out += "large share). "
        out += "Ranked by lift; the two baselines fire blindly, scored with no lag.\n\n"
        out += "| trigger of | lag (ticks) | alarms | detected | missed | false alarms / 1000 ticks | precision "
        out += "| recall | F1 | chance F1 | lift | chance ≥ F1 | mean delay (ticks) | MTFA (ticks) | MTR |\n"
        out += "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n"
        for r in DetectionAnalysis.ranked(rows) {
            let name = r.isBaseline ? "*\(r.name)*" : "`\(r.name)`"
            out += "| \(name) | \(r.observableLag) | \(num(r.alarms)) | \(num(r.hits)) | \(num(r.missed)) "
            out += "| \(fixed(r.falseAlarmsPer1000, 1)) | \(fixed(r.precision, 2)) | \(fixed(r.recall, 2)) "
            out += "| \(fixed(r.f1, 2)) | \(fixed(r.chanceF1, 2)) | **\(fixed(r.lift, 2))** "
            out += "| \(fixed(r.chanceAtLeast, 2)) "
            out += "| \(fixed(r.delay, 1)) | \(fixed(r.mtfa, 1)) | \(fixed(r.mtr, 2)) |\n"
        }
        return out + "\n"
    }

    /// Gate verdicts and online rollouts of the strategies that have them (replicate 0's last).
    static func shippingSection(_ record: RunRecord) -> String {
        let kinds: Set<String> = ["gate-pass", "reject", "shadow", "canary", "ab", "rollback"]
        var rows: [String] = []
        for name in record.strategies {
            let runs = record.runs(of: name)
            guard runs.contains(where: { $0.events.contains { kinds.contains($0.kind) } }) else { continue }
            func mean(_ kind: String) -> String {
                num(Double(runs.reduce(0) { $0 + $1.events.filter { $0.kind == kind }.count }) / Double(max(runs.count, 1)))
            }
            let last = runs.first?.events.last { $0.kind == "reject" || $0.kind == "gate-pass" || $0.kind == "rollback" || ($0.kind == "deploy" && !$0.detail.isEmpty) }
            let lastText = last.map { "tick \($0.tick), \($0.kind): \($0.detail)" } ?? "–"
            let gated = runs.contains { $0.events.contains { $0.kind == "gate-pass" || $0.kind == "reject" } }
            rows.append("| `\(name)` | \(mean("train")) | \(gated ? mean("gate-pass") : "no gate") | \(gated ? mean("reject") : "–") | \(mean("deploy")) | \(mean("rollback")) | \(lastText) |")
        }
        guard !rows.isEmpty else { return "" }
        var out = "## Gates and rollouts\n\nPer replicate on average: candidates trained, passed and rejected by the offline gate, deployed, and rolled back after an online test; the last verdict of replicate 0 with its comparison table.\n\n"
        out += "| strategy | trained | gate passed | gate rejected | deployed | rolled back | last verdict |\n|---|---|---|---|---|---|---|\n"
        return out + rows.joined(separator: "\n") + "\n\n"
    }

    static func fixed(_ v: Double, _ digits: Int) -> String { v.isFinite ? String(format: "%.\(digits)f", v) : "–" }

}
