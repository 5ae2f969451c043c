import Analysis
import FlywheelCore
import Foundation

/// The sentences of the reports that say what the evidence is: paired comparisons (per replicate,
/// or by block bootstrap over ticks of one realisation), the strategies whose result rests on few
/// trainings, and how stable the ranking is under the bootstrap.
enum EvidenceText: ReportFormat {
    /// A strategy whose mean trainings per replicate are below this is flagged.
    static let fewTrainings = 3.0
    /// A rank kept in fewer resamples than this share is flagged as changing under the bootstrap.
    static let stableShare = 0.95

    /// The scenario table's `replicates` cell.
    static func replicatesCell(_ m: RunManifest) -> String {
        let head = "\(m.replicates) (seed \(m.seed)); "
        switch Evidence(m) {
        case .replicates(let n):
            return head + "intervals are 95 % over replicates; two strategies are compared by their paired difference "
                + "per replicate (Student's t over \(n) replicates), never by overlapping intervals"
        case .oneRealisation(_, let replayed):
            let why = replayed ? "a replayed file is one realisation (every replicate replays the same rows)"
                : "a single replicate is one realisation"
            return head + why + ": intervals are 95 % circular block bootstraps over ticks of the per-tick paired differences"
        }
    }

    /// Interval text with its bounds: `2881.0 [1548.0, 4214.0]`.
    static func range(_ c: PairedComparison, digits: Int) -> String {
        func f(_ v: Double) -> String { v.isFinite ? String(format: "%.\(digits)f", v) : "–" }
        guard c.method != .none else { return f(c.meanDifference) }
        return "\(f(c.meanDifference)) [\(f(c.low)), \(f(c.high))]"
    }

    static func digits(_ measure: String, _ m: RunManifest) -> Int {
        measure == Comparisons.totalCost ? 1 : measure == Comparisons.opportunityCost ? 0 : 4
    }

    /// The verdict of one comparison, in words.
    static func verdict(_ c: PairedComparison) -> String {
        if c.method == .none { return "no interval" }
        return c.isDistinguishable ? "zero excluded" : "zero inside: not distinguishable"
    }

    /// What a sentence says about a paired comparison, with its method.
    static func sentence(_ c: PairedComparison, digits: Int) -> String {
        "`\(c.strategy)` − `\(c.versus)` = \(range(c, digits: digits)) (\(c.method))"
    }

    /// The paired-comparisons section of a run report: every row of `comparisons.csv`, and the
    /// rank stability.
    static func section(_ record: RunRecord, comparisons: [PairedComparison], stability: RankStability?) -> String {
        guard !comparisons.isEmpty else { return "" }
        let m = record.manifest
        var out = "## Paired comparisons\n\n"
        out += "The strategies ran on the same traffic, so each is compared with the cheapest (and with the reference) by "
        out += "the difference on that same traffic: strategy − versus, with its 95 % interval and the method that produced it "
        out += "(also in `comparisons.csv`). A difference is distinguishable from zero when its interval excludes zero.\n\n"
        out += "| strategy | versus | measure | difference [95 % interval] | method | verdict |\n|---|---|---|---|---|---|\n"
        for c in comparisons {
            out += "| `\(c.strategy)` | `\(c.versus)` | \(c.measure) | \(range(c, digits: digits(c.measure, m))) | "
            out += "\(c.method) | \(verdict(c)) |\n"
        }
        out += "\n"
        if let stability { out += stabilityText(stability) + "\n" }
        return out
    }

    /// The rank-stability paragraph: the share for the first, and every strategy whose rank changes.
    static func stabilityText(_ s: RankStability) -> String {
        var out = "Rank by total cost under the bootstrap (\(s.method)): `\(s.ranked[0])` is still the cheapest in "
        out += "\(pct(s.firstKept)) of the resamples"
        let moved = zip(s.ranked, s.rankKept).enumerated().filter { $0.element.1 < stableShare }
        if moved.isEmpty { return out + "; every strategy keeps its rank in at least \(pct(stableShare)) of them.\n" }
        out += ". Rank changes under the bootstrap (rank kept in fewer than \(pct(stableShare)) of the resamples): "
        out += moved.map { "`\($0.element.0)` (rank \($0.offset + 1), kept in \(pct($0.element.1)))" }.joined(separator: ", ")
        return out + ".\n"
    }

    /// The flags below a ranked table: results resting on fewer than 3 trainings.
    static func trainingFlags(_ ranked: [StrategySummary]) -> String {
        let few = ranked.filter { $0.retrains.mean < fewTrainings }
        guard !few.isEmpty else { return "" }
        return "Resting on fewer than \(num(fewTrainings)) trainings (mean per replicate): "
            + few.map { "`\($0.strategy)` (\(num($0.retrains.mean)))" }.joined(separator: ", ")
            + ". Such a result depends on when those few trainings happened (or, with none, on the initial model), "
            + "not on a retraining policy shown to work.\n"
    }

    /// The line naming the method of the ± in a ranked table.
    static func tableMethod(_ m: RunManifest) -> String {
        switch Evidence(m) {
        case .replicates(let n):
            return "± in this table: 95 % t-interval over \(n) replicates of each strategy's own value (Student's t, "
                + "\(n - 1) degrees of freedom); to compare two strategies read their paired difference, not whether "
                + "these intervals overlap.\n"
        case .oneRealisation:
            return "No ± in this table: one realisation has no replicate-to-replicate noise to measure; the uncertainty "
                + "of each comparison is its block-bootstrap interval over ticks.\n"
        }
    }

    /// The summary as a table shows it: without spreads for one realisation (they would come from
    /// identical replicates, or from strategy randomness only).
    static func shown(_ s: StrategySummary, _ m: RunManifest) -> StrategySummary {
        guard Evidence(m).isOneRealisation else { return s }
        var s = s
        func point(_ i: inout Interval) { i.halfWidth = 0 }
        point(&s.meanMetric); point(&s.totalCost)
        if s.opportunityCost != nil { point(&s.opportunityCost!) }
        if s.ticksBelow != nil { point(&s.ticksBelow!) }
        if s.regretToCeiling != nil { point(&s.regretToCeiling!) }
        for k in s.requested.keys { point(&s.requested[k]!) }
        return s
    }

    /// A total cost with its marginal interval and that interval's method (the point alone for
    /// one realisation).
    static func totalWithMethod(_ s: StrategySummary, _ m: RunManifest) -> String {
        let shown = Self.shown(s, m).totalCost
        guard shown.halfWidth > 0 else { return money(shown.mean) }
        return "\(moneyCI(shown)) (\(IntervalMethod.studentT(replicates: shown.n)))"
    }

    /// The recommendation's evidence: the paired difference of the runner-up against the winner,
    /// its verdict, the rank stability of the winner and a caution when it rests on few trainings.
    static func recommendation(best: StrategySummary, second: StrategySummary?, comparisons: [PairedComparison],
                               stability: RankStability?, manifest m: RunManifest) -> String {
        var out = ""
        if let second, let c = comparisons.first(where: {
            $0.strategy == second.strategy && $0.versus == best.strategy && $0.measure == Comparisons.totalCost
        }) {
            out += "Evidence: paired on the same traffic, \(sentence(c, digits: 1)). "
            if c.method == .none {
                out += "There is no interval (a single tick, or nothing varies): do not sign off on this evidence.\n"
            } else if c.isDistinguishable {
                out += c.meanDifference > 0
                    ? "The interval excludes zero: `\(best.strategy)` is cheaper by more than the noise this method measures.\n"
                    : "The interval excludes zero.\n"
            } else {
                out += "The interval includes zero: on this evidence the two are not distinguishable; prefer the simpler "
                out += "or cheaper-to-operate one, or gather more evidence (\(Evidence(m).isOneRealisation ? "a longer horizon" : "more replicates")).\n"
            }
        }
        if let stability {
            out += "`\(best.strategy)` is the cheapest in \(pct(stability.firstKept)) of the resamples of the \(stability.method)"
            out += stability.firstKept < stableShare
                ? ": its first place depends on which stretches of traffic happened, so treat the ranking as provisional.\n"
                : ".\n"
        }
        if best.retrains.mean < fewTrainings {
            out += best.retrains.mean == 0
                ? "Note: `\(best.strategy)` never retrained: its result is the initial model's on this traffic.\n"
                : "Caution: `\(best.strategy)` trained only \(num(best.retrains.mean)) time\(best.retrains.mean == 1 ? "" : "s") per replicate "
                    + "(fewer than \(num(fewTrainings))): the win rests on when those trainings happened and may be an accident "
                    + "of timing; check the figures before signing off.\n"
        }
        return out
    }
}
