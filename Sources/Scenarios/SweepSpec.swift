import FlywheelCore
import Foundation
import Learners
import Simulation
import Strategies
import Yams

/// One cell of a sweep grid: the template strategy with one value per swept parameter.
public struct SweepCellSpec: Sendable {
    /// E.g. `weekly[trigger.every=7d,dataset.window=30d]`.
    public var name: String
    /// Index of each parameter's value, in parameter order.
    public var coordinates: [Int]
    public var strategy: StrategySpec
}

/// A scenario's `sweep:` section, read and validated: the template strategy, the grid and every
/// cell as a configured strategy. Cells are in row-major order (the last parameter varies fastest).
public struct SweepSpec: Sendable {
    public var template: String
    public var parameters: [SweepParameter]
    public var cells: [SweepCellSpec]

    /// The name of the cell at `values` (one value text per parameter).
    public static func cellName(template: String, parameters: [SweepParameter], coordinates: [Int]) -> String {
        let parts = zip(parameters, coordinates).map { "\($0.keyPath)=\($0.values[$1])" }
        return "\(template)[\(parts.joined(separator: ","))]"
    }
}

/// Receives the sweep read while a scenario is loaded (bound by ``SweepLoader``).
final class SweepCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var value: SweepSpec?
    var spec: SweepSpec? {
        get { lock.lock(); defer { lock.unlock() }; return value }
        set { lock.lock(); value = newValue; lock.unlock() }
    }
}

/// Reads the `sweep:` section: `{strategy: NAME, grid: {KEY.PATH: [v1, v2, …], …}}`.
///
/// Each cell substitutes its values into the template strategy's YAML mapping and reads it again
/// through ``StrategyReader``, so every key path the strategy reader understands can be swept,
/// with the same validation. A key path outside the reader's vocabulary is reported at the grid
/// key with the nearest valid key path.
enum SweepReader {
    static let keys = ["strategy", "grid"]
    /// Largest grid accepted.
    static let maxCells = 100_000
    @TaskLocal static var collector: SweepCollector?

    @discardableResult
    static func read(_ v: YAMLValue, strategies: YAMLValue?, reference: String?, modelNode: YAMLValue?, tick: Span, schema: FeatureSchema?,
                     seed: UInt64, model: any Learner, labels: LabelingPolicy, edgeCases: [EdgeCase] = [],
                     horizon: Int? = nil, events: Double? = nil) -> SweepSpec? {
        guard let m = v.mapping(allowed: keys) else { return nil }
        guard let sv = m["strategy"] else {
            v.fail("missing required key 'strategy'", hint: "name the strategy whose parameters the grid varies, e.g. strategy: weekly")
            return nil
        }
        guard let gv = m["grid"] else {
            v.fail("missing required key 'grid'", hint: "e.g. grid: {trigger.every: [1d, 7d, 30d], dataset.window: [14d, 30d]}")
            return nil
        }
        guard let templateName = sv.string() else { return nil }

        // The template strategy's own mapping, and the other strategies' names.
        var template: (node: ConfigNode, index: Int)?
        var otherNames: [String] = []
        for (i, item) in (strategies?.node.sequence.map(Array.init) ?? []).enumerated() {
            guard let name = item["name"]?.scalar?.string else { continue }
            if name == templateName, template == nil { template = (item, i) } else { otherNames.append(name) }
        }
        guard var template else {
            sv.fail("'\(templateName)' is not a strategy of this scenario",
                    hint: nearest(templateName, in: otherNames).map { "did you mean '\($0)'?" }
                        ?? (otherNames.isEmpty ? "add it under strategies:" : "name one of \(otherNames.joined(separator: ", "))"))
            return nil
        }
        if reference == templateName {
            sv.fail("the reference strategy '\(templateName)' cannot be swept: it must stay fixed",
                    hint: "copy it under another name and sweep the copy")
        }

        // The grid.
        guard let gm = gv.node.mapping else {
            gv.fail("expected a mapping of key paths to lists of values", hint: "e.g. grid: {trigger.every: [1d, 7d, 30d]}")
            return nil
        }
        if gm.isEmpty { gv.fail("give at least one key path to sweep", hint: "e.g. grid: {trigger.every: [1d, 7d, 30d]}"); return nil }
        var parameters: [SweepParameter] = []
        var paths: [[String]] = []
        var keyNodes: [ConfigNode] = []
        var valueNodes: [[ConfigNode]] = []
        var ok = true
        for (k, val) in gm {
            guard let key = k.scalar?.string else { gv.diagnostics.report("grid keys must be key paths such as trigger.every", at: k, key: gv.path); ok = false; continue }
            let keyPath = gv.child(key)
            let parts = key.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            if parts.contains(where: { $0.isEmpty || $0.contains("[") || $0.contains(" ") }) {
                gv.diagnostics.report("'\(key)' is not a key path", at: k, key: keyPath,
                                      hint: "write the keys of the strategy mapping joined by dots, e.g. trigger.every or dataset.window")
                ok = false
                continue
            }
            if parts == ["name"] {
                gv.diagnostics.report("the strategy name is not a parameter", at: k, key: keyPath, hint: "cells are named after their values")
                ok = false
                continue
            }
            if parameters.contains(where: { $0.keyPath == key }) {
                gv.diagnostics.report("duplicate key path '\(key)'", at: k, key: keyPath)
                ok = false
                continue
            }
            let vv = YAMLValue(node: val, path: keyPath, diagnostics: gv.diagnostics)
            let items: [ConfigNode]
            if let s = val.sequence { items = Array(s) } else { vv.fail("expected a list of values", hint: "e.g. [1d, 7d, 30d]"); ok = false; continue }
            if items.isEmpty { vv.fail("give at least one value"); ok = false; continue }
            let texts = items.map(render)
            var seen: Set<String> = []
            for (i, t) in texts.enumerated() {
                if seen.contains(t) {
                    gv.diagnostics.report("the value \(t) is listed twice", at: items[i], key: "\(keyPath)[\(i)]")
                    ok = false
                }
                seen.insert(t)
            }
            parameters.append(SweepParameter(keyPath: key, values: texts))
            paths.append(parts)
            keyNodes.append(k)
            valueNodes.append(items)
        }
        guard ok else { return nil }
        let cellCount = parameters.reduce(1) { $0 * $1.values.count }
        if cellCount > maxCells {
            gv.fail("the grid has \(cellCount) cells; at most \(maxCells) are supported", hint: "split the sweep into several scenarios")
            return nil
        }

        // Sweeping a model parameter of a strategy that uses the scenario's model: start from that model.
        if paths.contains(where: { $0.first == "model" }), template.node["model"] == nil, let modelNode,
           var pairs = template.node.mapping {
            pairs.append((key: .scalar(ConfigNode.Scalar("model", mark: modelNode.node.mark)), value: modelNode.node))
            template.node = .mapping(pairs, tag: "", mark: template.node.mark)
        }

        // The template must read cleanly on its own (its own errors are reported with the strategies).
        func trial(_ node: ConfigNode) -> (StrategySpec?, [FlywheelError], warnings: [FlywheelError]) {
            let d = v.diagnostics.sibling()
            let context = ReadContext(tick: tick, schema: schema, seed: seed, horizon: horizon, events: events)
            let spec = StrategySpec.read(YAMLValue(node: node, path: "", diagnostics: d), context, model: model, labels: labels,
                                         edgeCases: edgeCases)
            return (spec, d.errors, d.warnings)
        }
        guard trial(template.node).1.isEmpty else { return nil }

        // Each value with the other parameters at their first values, so a problem points at the
        // value's line.
        for (p, param) in parameters.enumerated() {
            for (i, valueNode) in valueNodes[p].enumerated() {
                var node = template.node
                for q in parameters.indices {
                    node = substitute(node, path: paths[q][...], value: q == p ? valueNode : valueNodes[q][0], mark: keyNodes[q].mark)
                }
                let (_, errors, warnings) = trial(node)
                // A value's own warnings (e.g. an interval longer than the run), at the value.
                for w in warnings where w.keyPath == param.keyPath || (w.keyPath ?? "").hasPrefix(param.keyPath + ".") {
                    gv.diagnostics.warn("\(templateName) with \(param.keyPath) = \(param.values[i]): \(w.message)",
                                        at: valueNode, key: "\(gv.child(param.keyPath))[\(i)]", hint: w.hint)
                }
                guard !errors.isEmpty else { continue }
                ok = false
                if let unknown = errors.first(where: { isUnknownKey($0, sweptPath: param.keyPath) }) {
                    gv.diagnostics.report("'\(param.keyPath)' is not a parameter of strategy '\(templateName)'", at: keyNodes[p],
                                          key: gv.child(param.keyPath), hint: suggestion(for: unknown, sweptPath: param.keyPath))
                    break
                }
                for e in errors {
                    gv.diagnostics.report("\(templateName) with \(param.keyPath) = \(param.values[i]): \(e.message)", at: valueNode,
                                          key: "\(gv.child(param.keyPath))[\(i)]", hint: e.hint)
                }
            }
        }
        guard ok else { return nil }

        // Every cell.
        var cells: [SweepCellSpec] = []
        cells.reserveCapacity(cellCount)
        var combinationErrors = 0
        let taken = Set(otherNames)
        for index in 0..<cellCount {
            var coordinates = [Int](repeating: 0, count: parameters.count)
            var rest = index
            for p in parameters.indices.reversed() {
                coordinates[p] = rest % parameters[p].values.count
                rest /= parameters[p].values.count
            }
            var node = template.node
            for p in parameters.indices {
                node = substitute(node, path: paths[p][...], value: valueNodes[p][coordinates[p]], mark: keyNodes[p].mark)
            }
            let name = SweepSpec.cellName(template: templateName, parameters: parameters, coordinates: coordinates)
            let (spec, errors, _) = trial(node)
            if !errors.isEmpty || spec == nil {
                combinationErrors += 1
                if combinationErrors <= 5 {
                    for e in errors { gv.fail("cell \(name): \(e.message)", hint: e.hint) }
                }
                continue
            }
            if taken.contains(name) {
                gv.fail("cell \(name) has the name of another strategy", hint: "rename that strategy")
                continue
            }
            var s = spec!
            s.name = name
            cells.append(SweepCellSpec(name: name, coordinates: coordinates, strategy: s))
        }
        if combinationErrors > 5 { gv.fail("\(combinationErrors - 5) more cells are invalid") }
        guard combinationErrors == 0, cells.count == cellCount else { return nil }
        let spec = SweepSpec(template: templateName, parameters: parameters, cells: cells)
        collector?.spec = spec
        return spec
    }

    /// Whether a reader error says that a key on the swept path is not in its vocabulary.
    static func isUnknownKey(_ e: FlywheelError, sweptPath: String) -> Bool {
        guard e.message.hasPrefix("unknown key"), let k = e.keyPath, !k.isEmpty else { return false }
        return k == sweptPath || sweptPath.hasPrefix(k + ".")
    }

    /// The reader's suggestion for one level, rewritten as a full key path.
    static func suggestion(for e: FlywheelError, sweptPath: String) -> String? {
        let k = e.keyPath ?? ""
        let parent = k.split(separator: ".").dropLast().joined(separator: ".")
        let tail = sweptPath.dropFirst(k.count)  // "" or ".rest"
        func full(_ key: String) -> String { (parent.isEmpty ? key : parent + "." + key) + tail }
        guard let hint = e.hint else { return nil }
        if let r = hint.range(of: "did you mean '"), let end = hint[r.upperBound...].firstIndex(of: "'") {
            return "did you mean '\(full(String(hint[r.upperBound..<end])))'?"
        }
        if let r = hint.range(of: "valid keys: ") {
            let keys = hint[r.upperBound...].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            return "valid key paths here: " + keys.map { parent.isEmpty ? $0 : parent + "." + $0 }.joined(separator: ", ")
        }
        return hint
    }

    /// `node` with the value at `path` replaced by `value`; missing or scalar intermediate
    /// levels become mappings (e.g. `trigger: never` becomes `trigger: {every: 7d}`).
    static func substitute(_ node: ConfigNode, path: ArraySlice<String>, value: ConfigNode, mark: ConfigNode.Mark?) -> ConfigNode {
        guard let key = path.first else { return value }
        var pairs = node.mapping ?? []
        if let i = pairs.firstIndex(where: { $0.key.scalar?.string == key }) {
            pairs[i].value = substitute(pairs[i].value, path: path.dropFirst(), value: value, mark: mark)
        } else {
            let empty = ConfigNode.mapping([], tag: "", mark: mark)
            pairs.append((key: .scalar(ConfigNode.Scalar(key, mark: mark)), value: substitute(empty, path: path.dropFirst(), value: value, mark: mark)))
        }
        return .mapping(pairs, tag: "", mark: node.mapping != nil ? node.mark : mark)
    }

    /// A value as written, compactly (mappings and lists in flow style).
    static func render(_ node: ConfigNode) -> String {
        switch node {
        case .scalar(let s): return s.string
        case .mapping(let m, _, _): return "{" + m.map { "\(render($0.key)): \(render($0.value))" }.joined(separator: ", ") + "}"
        case .sequence(let s, _, _): return "[" + s.map(render).joined(separator: ", ") + "]"
        }
    }
}

/// A scenario with a sweep: the base scenario, the grid, and the plan that runs every cell next
/// to the scenario's other strategies (the fixed comparators) on the same traffic.
public struct SweepScenario: Sendable {
    public var scenario: Scenario
    public var sweep: SweepSpec
    /// Every strategy of the sweep, in order: the scenario's strategies with the template replaced
    /// by the cells.
    public var plan: SimulationPlan
    /// For each strategy of `plan`, the cell's coordinates, or nil for a fixed comparator.
    public var coordinates: [[Int]?]
    public var name: String { scenario.name }
}

/// Loads scenarios that carry a `sweep:` section.
public enum SweepLoader {
    /// Loads a scenario file with a sweep.
    public static func load(path: String, memoryLimit: Double? = MemoryEstimate.defaultLimit) throws -> SweepScenario {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FlywheelErrors([FlywheelError("cannot read the scenario file", at: SourceLocation(file: path, line: 0))])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw FlywheelErrors([FlywheelError("the scenario file is not UTF-8 text", at: SourceLocation(file: path, line: 0))])
        }
        return try parse(text, file: path, memoryLimit: memoryLimit)
    }

    /// Parses scenario text with a sweep; throws ``FlywheelErrors`` with every problem.
    ///
    /// - Parameter memoryLimit: bytes the sweep may need: its estimate counts every cell, as the
    ///   sweep's outputs are built from all of them (nil: no limit).
    public static func parse(_ text: String, file: String,
                             memoryLimit: Double? = MemoryEstimate.defaultLimit) throws -> SweepScenario {
        let box = SweepCollector()
        let scenario = try SweepReader.$collector.withValue(box) {
            try ScenarioLoader.parse(text, file: file, memoryLimit: memoryLimit)
        }
        guard let sweep = box.spec else {
            throw FlywheelErrors([FlywheelError("this scenario has no sweep: section", at: SourceLocation(file: file, line: 1), key: "sweep",
                                                hint: "add e.g. sweep: {strategy: weekly, grid: {trigger.every: [1d, 7d, 30d]}}")])
        }
        var plan = scenario.plan
        var strategies: [StrategySpec] = []
        var coordinates: [[Int]?] = []
        for s in plan.strategies {
            if s.name == sweep.template {
                strategies += sweep.cells.map(\.strategy)
                coordinates += sweep.cells.map { $0.coordinates }
            } else {
                strategies.append(s)
                coordinates.append(nil)
            }
        }
        plan.strategies = strategies
        if let memoryLimit {
            let estimate = MemoryEstimate(plan: plan)
            if estimate.bytes > memoryLimit {
                let root = try? Yams.compose(yaml: text)
                let line = root?.mapping?.first { $0.key.scalar?.string == "sweep" }?.key.mark?.line ?? 1
                let what = "this sweep of \(sweep.cells.count) cells"
                let message = ScenarioLoader.memoryProblem(estimate, limit: memoryLimit, of: what)
                throw FlywheelErrors([FlywheelError(message, at: SourceLocation(file: file, line: line), key: "sweep")],
                                     warnings: scenario.warnings)
            }
        }
        return SweepScenario(scenario: scenario, sweep: sweep, plan: plan, coordinates: coordinates)
    }
}
