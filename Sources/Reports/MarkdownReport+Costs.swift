import Analysis
import FlywheelCore
import Foundation

/// The cost model of a run as the report states it: the scenario's prices (every `costs:` key,
/// defaults included) with how each is charged, and each strategy's label price and model work
/// unit. Built by the workbench from the manifest, the price catalogue and the strategy settings,
/// so that a run and `flywheel report` state it identically.
public struct CostStatement: Hashable, Sendable {
    /// A price of the scenario's `costs:` mapping.
    public struct Price: Hashable, Sendable {
        /// The key in `costs:` (`error`, `retrain`, `retrain_per_sample`…).
        public var key: String
        public var value: Double
        /// What it multiplies (`× each training job`).
        public var rule: String
        public init(key: String, value: Double, rule: String) {
            self.key = key
            self.value = value
            self.rule = rule
        }
    }

    /// A strategy's own prices: its labelling policy's price per label and its model family's
    /// work unit (what `retrain_per_unit` multiplies).
    public struct StrategyPrices: Hashable, Sendable {
        public var strategy: String
        public var labelPrice: Double?
        public var family: String?
        public var workUnit: String?
        public init(strategy: String, labelPrice: Double?, family: String?, workUnit: String?) {
            self.strategy = strategy
            self.labelPrice = labelPrice
            self.family = family
            self.workUnit = workUnit
        }
    }

    public var prices: [Price]
    /// In scenario order; empty when the run's strategy settings are unknown (a database written
    /// before `strategy_config`).
    public var strategies: [StrategyPrices]

    public init(prices: [Price], strategies: [StrategyPrices]) {
        self.prices = prices
        self.strategies = strategies
    }
}

extension MarkdownReport {
    /// "Cost model": the prices and how each is charged, then each cost term's total per strategy
    /// (the mean over replicates of `summary.csv`'s `cost_*` columns, which add up to its
    /// `total_cost`). Empty without a statement.
    static func costSection(_ record: RunRecord, _ summaries: [StrategySummary], _ costs: CostStatement?) -> String {
        guard let costs else { return "" }
        let m = record.manifest
        var out = "## Cost model\n\n"
        out += "A strategy's total cost is the sum of five terms, each a count of what it did times a price. "
        out += "The scenario's prices (`costs:`, defaults filled in where it sets none):\n\n"
        out += "| price | value | charged |\n|---|---|---|\n"
        for p in costs.prices {
            out += "| `\(p.key)` | \(num(p.value)) | \(cell(p.rule)) |\n"
        }
        let where_ = costs.strategies.isEmpty ? "per strategy" : "per strategy, below"
        out += "| `labels: {cost}` | \(where_) | × each label bought (the strategy's labelling policy) |\n"
        out += "\nA training job on n rows whose fit did W work units costs retrain + retrain_per_sample × n "
        out += "+ retrain_per_unit × W; an online update (`trigger: online`) costs retrain_per_sample × n "
        out += "+ retrain_per_unit × W only. Serving, monitoring and compute time are not priced: "
        out += "a training's latency delays its deployment but costs nothing by itself.\n\n"

        let byName = Dictionary(costs.strategies.map { ($0.strategy, $0) }, uniquingKeysWith: { a, _ in a })
        let showPrices = !costs.strategies.isEmpty
        var header = "| strategy |"
        var rule = "|---|"
        if showPrices {
            header += " label price | model: work unit (`retrain_per_unit`) |"
            rule += "---|---|"
        }
        header += " errors | labels | retraining | deployments | rollbacks | total cost |"
        rule += "---|---|---|---|---|---|"
        out += "Each cost term's total per strategy (mean over replicates, as `summary.csv`'s `cost_*` columns; "
        out += "the terms add up to `total_cost`):\n\n" + header + "\n" + rule + "\n"
        let summary = Dictionary(summaries.map { ($0.strategy, $0) }, uniquingKeysWith: { a, _ in a })
        for name in record.strategies {
            guard let s = summary[name].map({ EvidenceText.shown($0, m) }) else { continue }
            var row = "| `\(name)` |"
            if showPrices {
                let p = byName[name]
                let model = p?.family.map { family in "`\(family)`: " + (p?.workUnit ?? "–") } ?? "–"
                row += " \(p?.labelPrice.map(num) ?? "–") | \(cell(model)) |"
            }
            row += " \(money(s.errorCost.mean)) | \(money(s.labelCost.mean)) | \(money(s.retrainCost.mean)) |"
            row += " \(money(s.deployCost.mean)) | \(money(s.rollbackCost.mean)) | \(moneyCI(s.totalCost)) |"
            out += row + "\n"
        }
        return out + "\n"
    }
}
