import FlywheelCore
import Foundation
import Learners
import Monitoring
import Reports
import Simulation
import Strategies

extension Workbench {
    /// Every strategy's components as the plan configured them (the run uses exactly these), one
    /// ``StrategySetting`` per strategy and role, each with every parameter value the component
    /// holds, defaults filled in: the report's "Strategies under test" and `strategy_config`.
    public static func strategySettings(_ plan: SimulationPlan) -> [StrategySetting] {
        let clock = plan.manifest.clock
        let describer = StrategyDescriber(
            tick: clock.tick, rowTicks: clock.rowsPerTick,
            features: plan.source.schema.features)
        return plan.strategies.flatMap(describer.settings)
    }
}

/// Reads a configured component's values from the instance itself (its stored properties, by
/// reflection), named as its ``ComponentInfo`` names them: the documented parameters first, in
/// the info's order, then any other value the component holds. Durations held in ticks are
/// written as durations of the run's tick (`7` ticks of `1d`: `7d`).
struct StrategyDescriber {
    typealias Parameter = StrategySetting.Parameter
    let tick: Span
    /// Rows per tick when ticks group rows: durations are then written in ticks (bare numbers).
    let rowTicks: Int?
    let features: [String]

    /// Stored properties whose names differ from the scenario's key, by component name.
    static let aliases: [String: [String: String]] = [
        "window": ["ticks": "window"], "hardest": ["size": "hardest"], "sample": ["size": "sample", "rate": "sample"],
        "stratified": ["rate": "stratified"], "committee": ["members": "committee"], "mlp": ["batch_size": "batch"],
        "xgboost": ["column_sample": "colsample"],
    ]
    /// Parameters held in ticks that scenarios write as durations, by component name.
    static let durations: [String: Set<String>] = [
        "every": ["every"], "window": ["window"], "hardest": ["window"], "sample": ["half_life"],
        "performance": ["window"], "cost": ["window"], "drift": ["window"],
    ]

    func settings(_ s: StrategySpec) -> [StrategySetting] {
        func row(_ role: String, _ component: String, _ p: [Parameter]) -> StrategySetting {
            StrategySetting(strategy: s.name, role: role, component: component, parameters: p)
        }
        let t = s.trigger
        let guards = [Parameter("cooldown", duration(t.cooldown)), Parameter("min_new_labels", "\(t.minNewLabels)")]
        let learnerInfo = LearnerCatalog.kinds.first { $0.info.name == s.learner.family }?.info
        let l = s.labeling
        let curation = type(of: l.curation).info
        // Its info names the three measures; a scenario names one (`strategy: margin`).
        let uncertainty = l.curation as? UncertaintyCuration
        let labels = [
            Parameter("coverage", NumberText.plain(l.coverage)),
            Parameter("budget_per_tick", l.budgetPerTick.map(String.init) ?? "none"),
            Parameter("delay", delay(l.delay)), Parameter("noise", NumberText.plain(l.noise)),
            Parameter("cost", NumberText.plain(l.cost)),
        ]
        let gate = GatePolicy.catalog[0]
        return [
            row(
                "trigger", (t.policy as? CompositeTrigger).map { "\($0.rule)" } ?? type(of: t.policy).info.name,
                trigger(t.policy) + guards),
            row("dataset", type(of: s.dataset).info.name, parameters(s.dataset, type(of: s.dataset).info)),
            row("model", s.learner.family, parameters(s.learner, learnerInfo, name: s.learner.family)),
            uncertainty.map { row("labels", $0.measure.rawValue, labels) }
                ?? row("labels", curation.name, labels + parameters(l.curation, curation)),
            row("logging", type(of: s.logging).info.name, parameters(s.logging, type(of: s.logging).info)),
            row("gate", s.gate.isOpen ? "none" : gate.name, s.gate.isOpen ? [] : gateParameters(s.gate, gate)),
            row("rollout", type(of: s.rollout).info.name, parameters(s.rollout, type(of: s.rollout).info)),
            row(
                "training", s.warmStart ? "warm_start" : "from_scratch",
                [Parameter("training_latency", duration(Double(s.trainingLatency)))]),
        ]
    }

    /// The gate's parameters, its data-quality rule as the scenario's `quality:` mapping writes it
    /// (limits, and unseen-category columns by name).
    func gateParameters(_ g: GatePolicy, _ info: ComponentInfo) -> [Parameter] {
        var out = parameters(g, info)
        guard let i = out.firstIndex(where: { $0.name == "quality" }) else { return out }
        guard let q = g.quality else {
            out[i].value = "none"
            return out
        }
        func limit(_ x: Double?) -> String { x.map(NumberText.plain) ?? "none" }
        let columns = q.unseenColumns.map { $0 >= 0 && $0 < features.count ? features[$0] : String($0) }
        out[i].value =
            "{missing: \(limit(q.missing)); out_of_range: \(limit(q.outOfRange)); "
            + "unseen: \(limit(q.unseen)); unseen_columns: [\(columns.joined(separator: "; "))]}"
        return out
    }

    /// A trigger's own parameters (its guards apart): a detector's with the detector's defaults,
    /// a composite's parts each as `kind(k=v; …)`.
    func trigger(_ policy: any TriggerPolicy) -> [Parameter] {
        if let d = policy as? DetectorTrigger {
            var out = [
                Parameter("name", d.name),
                Parameter(
                    "on",
                    d.feature.map { $0 < features.count ? features[$0] : "feature \($0)" }
                        ?? "error"),
                Parameter("residual", d.residual.rawValue),
            ]
            let info = DetectorCatalog.all.first { $0.name == d.name }
            for p in info?.parameters ?? [] {
                let v = d.parameters[p.name] ?? p.value.number
                if case .choice(let names, _) = p.value, let v, v == v.rounded(), v >= 0, Int(v) < names.count {
                    out.append(Parameter(p.name, names[Int(v)]))
                    continue
                }
                out.append(Parameter(p.name, v.map(NumberText.plain) ?? p.defaultValue))
            }
            let documented = Set(info?.parameters.map(\.name) ?? [])
            for (k, v) in d.parameters.sorted(by: { $0.key < $1.key }) where !documented.contains(k) {
                out.append(Parameter(k, NumberText.plain(v)))
            }
            return out
        }
        if let d = policy as? DriftTrigger { return drift(d) }
        if let c = policy as? CompositeTrigger {
            let parts = c.parts.map { part in
                let name = (part as? CompositeTrigger).map { "\($0.rule)" } ?? type(of: part).info.name
                return "\(name)(" + trigger(part).map { "\($0.name)=\($0.value)" }.joined(separator: "; ") + ")"
            }
            return [Parameter("parts", "[" + parts.joined(separator: "; ") + "]")]
        }
        let info = type(of: policy).info
        var out = parameters(policy, info)
        // A learnt threshold is written as the scenario writes it, in the threshold's place.
        if let p = policy as? PerformanceTrigger {
            out.removeAll { $0.name == "sigma" }
            if let rule = p.sigma, let i = out.firstIndex(where: { $0.name == "threshold" }) { out[i].value = rule.scenarioText }
        }
        if let q = policy as? QualityTrigger {
            // The unknown-category columns come from the stream, not from the scenario.
            out.removeAll { $0.name == "sigmas" || $0.name == "unseen_columns" }
            for (key, rule) in q.sigmas {
                if let i = out.firstIndex(where: { $0.name == key }) { out[i].value = rule.scenarioText }
            }
        }
        return out
    }

    /// A drift trigger's keys as a scenario writes them: `on` (`output`, `features` with their
    /// names, or `projection` with its kind), and the MMD keys only with `metric: mmd` (the only
    /// metric that reads them).
    func drift(_ d: DriftTrigger) -> [Parameter] {
        var out: [Parameter] = []
        switch d.on {
        case .output: out.append(Parameter("on", "output"))
        case .inputs(.features(let indices)):
            out.append(Parameter("on", "features"))
            let names = indices.map { $0 >= 0 && $0 < features.count ? features[$0] : String($0) }
            out.append(Parameter("features", "[" + names.joined(separator: "; ") + "]"))
        case .inputs(.rowNorm): out += [Parameter("on", "projection"), Parameter("projection", "norm")]
        case .inputs(.rowMean): out += [Parameter("on", "projection"), Parameter("projection", "mean")]
        case .inputs(.random(let r)):
            out += [
                Parameter("on", "projection"), Parameter("projection", "random"),
                Parameter("dimensions", String(r.outputs)),
            ]
        }
        out += [
            Parameter("metric", d.metric.rawValue), Parameter("threshold", d.sigma?.scenarioText ?? NumberText.plain(d.threshold)),
            Parameter("window", duration(d.window)), Parameter("reference", d.reference.rawValue),
        ]
        if d.metric == .mmd {
            let bandwidth: String
            switch d.bandwidth {
            case .medianDistance: bandwidth = "median"
            case .medianSquaredDistanceHalf: bandwidth = "median_sq_half"
            case .fixed(let sigma): bandwidth = NumberText.plain(sigma)
            }
            out += [
                Parameter("bandwidth", bandwidth), Parameter("estimator", d.unbiased ? "unbiased" : "biased"),
                Parameter("rows", String(d.rows)),
            ]
        } else {
            out.append(Parameter("share", NumberText.plain(d.share)))
        }
        return out
    }

    /// The stored values of `component`, named by `info` (see the type's documentation).
    func parameters(_ component: Any, _ info: ComponentInfo?, name: String? = nil) -> [Parameter] {
        let key = name ?? info?.name ?? ""
        let alias = Self.aliases[key] ?? [:]
        var fields: [(name: String, value: Any)] = []
        for child in flattened(component) {
            let snake = Self.snake(child.name)
            fields.append((alias[snake] ?? snake, child.value))
        }
        var out: [Parameter] = []
        var used = Set<Int>()
        let asDuration = Self.durations[key] ?? []
        for p in info?.parameters ?? [] {
            guard let i = fields.firstIndex(where: { $0.name == p.name }), !used.contains(i) else { continue }
            used.insert(i)
            let isDuration = asDuration.contains(p.name) || p.doc.contains("duration")
            var value = text(fields[i].value, duration: isDuration, choice: p.value)
            // An unset value the component derives at run time says from what (`price=from costs`).
            if value == "none", case .none = p.value, p.defaultValue != "none",
                p.defaultValue.rangeOfCharacter(from: .letters) != nil {
                value = p.defaultValue
            }
            out.append(Parameter(p.name, value))
        }
        for (i, f) in fields.enumerated() where !used.contains(i) { out.append(Parameter(f.name, text(f.value))) }
        return out
    }

    /// The stored properties of `x`, a nested `configuration` struct's in its place.
    func flattened(_ x: Any) -> [(name: String, value: Any)] {
        Mirror(reflecting: x).children.flatMap { child -> [(name: String, value: Any)] in
            guard let label = child.label else { return [] }
            if label == "configuration", Mirror(reflecting: child.value).displayStyle == .struct {
                return flattened(child.value)
            }
            return [(label, child.value)]
        }
    }

    /// `maxIterations` → `max_iterations`.
    static func snake(_ s: String) -> String {
        var out = ""
        for c in s {
            if c.isUppercase { out += "_" + c.lowercased() } else { out.append(c) }
        }
        return out
    }

    /// A number of ticks as the scenario would write it: a duration in the unit of the run's tick
    /// when it is a whole number of seconds, else ticks; a bare number when ticks group rows;
    /// infinite: `all`.
    func duration(_ ticks: Double) -> String {
        guard ticks.isFinite else { return "all" }
        if ticks == 0 { return "0" }
        if rowTicks != nil, ticks == ticks.rounded() { return NumberText.plain(ticks) }
        let seconds = ticks * Double(tick.seconds)
        if rowTicks == nil, tick.seconds > 0, seconds == seconds.rounded(), abs(seconds) < 9e15 {
            // In the tick's own unit, as scenarios write them (`14d` with `tick: 1d`, not `2w`).
            let unit = Span.units.first { tick.seconds % $0.seconds == 0 } ?? (suffix: "s", seconds: 1)
            let count = seconds / Double(unit.seconds)
            if count == count.rounded() { return "\(Int64(count))\(unit.suffix)" }
            return Span(seconds: Int64(seconds)).description
        }
        return "\(NumberText.plain(ticks)) ticks"
    }

    func delay(_ d: LabelDelay) -> String {
        switch d {
        case .fixed(let k): return duration(Double(k))
        case .uniform(let lo, let hi): return "uniform[\(duration(Double(lo))); \(duration(Double(hi)))]"
        case .geometric(let mean): return "geometric(\(duration(mean)))"
        }
    }

    /// A stored value as text: numbers as everywhere (``NumberText``), nil as `none`, a choice by
    /// its name, enums by their case, lists as `[a; b]`, a value with a name by its name.
    func text(_ v: Any, duration isDuration: Bool = false, choice: ParameterDefault = .none) -> String {
        let m = Mirror(reflecting: v)
        if m.displayStyle == .optional {
            guard let inner = m.children.first?.value else { return "none" }
            return text(inner, duration: isDuration, choice: choice)
        }
        switch v {
        case let d as Double: return isDuration ? duration(d) : NumberText.plain(d)
        case let b as Bool: return b ? "true" : "false"
        case let i as Int:
            if case .choice(let names, _) = choice, i >= 0, i < names.count { return names[i] }
            return isDuration ? duration(Double(i)) : String(i)
        case let i as Int32: return String(i)
        case let s as String: return s
        default: break
        }
        if let r = v as? any RawRepresentable, let raw = r.rawValue as? String { return raw }
        switch m.displayStyle {
        case .enum:
            guard let payload = m.children.first else { return "\(v)" }
            return "\(payload.label ?? "")(\(text(payload.value)))"
        case .collection, .set:
            return "[" + m.children.map { text($0.value) }.joined(separator: "; ") + "]"
        case .dictionary:
            let pairs = m.children.map { pair -> String in
                let kv = Array(Mirror(reflecting: pair.value).children)
                return kv.count == 2 ? "\(text(kv[0].value)): \(text(kv[1].value))" : text(pair.value)
            }
            return "[" + pairs.sorted().joined(separator: "; ") + "]"
        case .tuple:
            return "(" + m.children.map { text($0.value) }.joined(separator: "; ") + ")"
        case .struct, .class:
            if let name = m.children.first(where: { $0.label == "name" })?.value as? String { return name }
            let fields = m.children.map { "\(Self.snake($0.label ?? "")): \(text($0.value))" }
            return "(" + fields.joined(separator: "; ") + ")"
        default:
            return "\(v)"
        }
    }
}

extension Workbench {
    /// The cost model as the report states it (``CostStatement``): every price of `costs:` in
    /// ``CostModel/keys`` order, the scenario's value or the default, with how it is charged
    /// (``CostModel/ruleText``); and per strategy of `settings`, its label price (`labels` role,
    /// `cost`) and its model family's work unit (``LearnerCatalog/workUnit(family:)``). The same
    /// for a run and for `flywheel report` on its folder (the manifest and `strategy_config`
    /// hold all of it).
    public static func costStatement(_ manifest: RunManifest, settings: [StrategySetting]) -> CostStatement {
        let defaults = CostModel().dictionary.merging(["retrain_per_unit": CostModel().retrainPerUnit]) { a, _ in a }
        let prices = CostModel.keys.map { key in
            CostStatement.Price(
                key: key, value: manifest.costs[key] ?? defaults[key] ?? 0,
                rule: CostModel.ruleText[key] ?? "")
        }
        var strategies: [CostStatement.StrategyPrices] = []
        for name in strategyOrder(settings) {
            let labels = settings.first { $0.strategy == name && $0.role == "labels" }
            let model = settings.first { $0.strategy == name && $0.role == "model" }
            strategies.append(
                CostStatement.StrategyPrices(
                    strategy: name, labelPrice: labels?.value("cost").flatMap(Double.init), family: model?.component,
                    workUnit: model.flatMap(workUnit)))
        }
        return CostStatement(prices: prices, strategies: strategies)
    }

    /// The work unit of a strategy's model: the family's (``LearnerCatalog/workUnit(family:)``),
    /// the one its solver uses where the family names one per solver (`rows × epochs (sgd)`).
    private static func workUnit(_ model: StrategySetting) -> String? {
        guard let unit = LearnerCatalog.workUnit(family: model.component) else { return nil }
        guard let solver = model.value("solver") else { return unit }
        let suffix = " (\(solver))"
        let parts = unit.components(separatedBy: ", ")
        return parts.first { $0.hasSuffix(suffix) }.map { String($0.dropLast(suffix.count)) } ?? unit
    }

    /// The strategies of `settings` in the order they first appear.
    private static func strategyOrder(_ settings: [StrategySetting]) -> [String] {
        var seen = Set<String>(), out: [String] = []
        for s in settings where seen.insert(s.strategy).inserted { out.append(s.strategy) }
        return out
    }
}
