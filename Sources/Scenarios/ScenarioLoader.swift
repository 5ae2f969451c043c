import FlywheelCore
import Foundation
import Learners
import Simulation
import Strategies
import Streams
import Yams

/// A scenario read and validated: the configured simulation plus what the outputs need.
public struct Scenario: Sendable {
    public var plan: SimulationPlan
    public var name: String { plan.manifest.scenarioName }
}

/// Reads scenario files: YAML → validated spec → configured components (the composition root).
///
/// Every problem is reported at once, each with the file, line and key path, and for a misspelt
/// key or name the nearest valid one.
public enum ScenarioLoader {
    static let rootKeys = ["name", "description", "seed", "replicates", "clock", "stream", "drifts", "model", "labels", "costs",
                           "strategies", "reference", "detection", "analysis", "metrics", "edge_cases", "sweep"]

    /// Loads a scenario file.
    public static func load(path: String) throws -> Scenario {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FlywheelErrors([FlywheelError("cannot read the scenario file", at: SourceLocation(file: path, line: 0))])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw FlywheelErrors([FlywheelError("the scenario file is not UTF-8 text", at: SourceLocation(file: path, line: 0))])
        }
        return try parse(text, file: path)
    }

    /// Parses scenario text; `file` names it in messages. Throws ``FlywheelErrors`` with every problem.
    public static func parse(_ text: String, file: String, seedOverride: UInt64? = nil, replicatesOverride: Int? = nil) throws -> Scenario {
        let diags = Diagnostics(file: file)
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw FlywheelErrors([FlywheelError("the scenario file is empty", at: SourceLocation(file: file, line: 1))])
            }
            root = node
        } catch let e as FlywheelErrors {
            throw e
        } catch let e as YamlError {
            throw FlywheelErrors([yamlError(e, file: file)])
        }
        let top = YAMLValue(node: root, path: "", diagnostics: diags)
        let plan = build(top, text: text, file: file, diags: diags, seedOverride: seedOverride, replicatesOverride: replicatesOverride)
        if !diags.errors.isEmpty || plan == nil {
            throw FlywheelErrors(diags.errors.isEmpty ? [FlywheelError("invalid scenario", at: SourceLocation(file: file, line: 1))] : diags.errors)
        }
        return Scenario(plan: plan!)
    }

    static func yamlError(_ e: YamlError, file: String) -> FlywheelError {
        switch e {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _):
            let ctx = context.map { "\($0.text) " } ?? ""
            return FlywheelError("malformed YAML: \(ctx)\(problem)", at: SourceLocation(file: file, line: mark.line, column: mark.column))
        default:
            return FlywheelError("malformed YAML: \(e)", at: SourceLocation(file: file, line: 1))
        }
    }

    // MARK: - Building

    static func build(_ top: YAMLValue, text: String, file: String, diags: Diagnostics, seedOverride: UInt64?, replicatesOverride: Int?) -> SimulationPlan? {
        guard let root = top.mapping(allowed: rootKeys) else { return nil }
        func required(_ key: String) -> YAMLValue? {
            if let v = root[key] { return v }
            diags.report("missing required key '\(key)'", at: top.node, key: key)
            return nil
        }
        let name = required("name")?.string() ?? "scenario"
        // The name is a label; its default results folder is derived from it (ResultsFolder).
        if let n = root["name"], n.scalarText != nil, ResultsFolder.slug(name).isEmpty {
            n.fail("the name \"\(name)\" leaves no folder name for its results",
                   hint: "use ASCII letters, digits, '.', '_' or '-', e.g. name: my-scenario")
        }
        let description = root["description"]?.string() ?? ""
        let seed = root["seed"]?.int(min: 0).map { UInt64($0) } ?? 42
        let replicates = root["replicates"]?.int(min: 1, max: 10_000) ?? 1

        // Clock (a replay's comes from its file: ReplayReader).
        let isReplay = ReplayReader.isReplay(root["stream"])
        var tick = Span(seconds: 86_400), ticks = 0, eventsPerTick = 0
        var start: Int64 = 1_704_067_200
        if !isReplay, let c = required("clock")?.mapping(allowed: ["tick", "ticks", "events_per_tick", "start"]) {
            if let t = c["tick"] {
                if let s = t.scalarText, let span = Span(parsing: s) { tick = span }
                else { t.fail("\"\(t.scalarText ?? "…")\" is not a tick length", hint: "use e.g. 1d, 1h, 1w") }
            }
            if let v = c["ticks"] { ticks = v.int(min: 1, max: 10_000_000) ?? 0 } else { diags.report("missing required key 'ticks'", at: top.node, key: "clock.ticks") }
            eventsPerTick = c["events_per_tick"]?.int(min: 1, max: 100_000_000) ?? 1000
            if let s = c["start"] {
                if let text = s.scalarText, let v = ISOTime.parse(Substring(text)) { start = v }
                else { s.fail("\"\(s.scalarText ?? "…")\" is not a date", hint: "use e.g. 2024-01-01 or 2024-01-01T00:00:00Z") }
            }
        }
        var clock = Clock(tick: tick, ticks: max(ticks, 1), start: start)

        // Stream.
        let streamValue = required("stream")
        let replay = isReplay ? streamValue.flatMap { ReplayReader.read($0, clock: root["clock"], file: file) } : nil
        if let replay { clock = replay.clock; tick = clock.tick }
        let stream = isReplay ? nil : streamValue.flatMap { StreamSpec.read($0, tick: tick, eventsPerTick: eventsPerTick, seed: seed) }
        let schema = stream?.generator.schema ?? replay?.source.schema

        // Named regions (edge cases), which the gate and subpopulation drifts name.
        let edgeCases = root["edge_cases"].map { EdgeCaseReader.read($0, schema: schema) } ?? []

        // Drifts.
        var drifts: [Drift] = []
        // A synthetic stream's regions are checked against their share of the undrifted stream.
        let baseShare: ((Region) -> Double)? = stream.map { st in
            let undrifted = SyntheticTraffic(generator: st.generator, baseConcept: st.baseConcept, drifts: [], ticks: 1, volume: st.volume)
            return { undrifted.regionShares(of: [$0])[0] }
        }
        if let list = root["drifts"]?.sequence() {
            // With an invalid stream the drifts are still checked, less the parts that need its schema.
            var lastConcept = stream?.baseConcept ?? 0
            for (i, d) in list.enumerated() {
                if isReplay && !ReplayReader.checkDrift(d) { continue }
                if let drift = DriftReader.read(d, index: i, tick: tick, horizon: Double(clock.ticks), schema: schema,
                                                conceptCount: stream?.generator.conceptCount, previousConcept: &lastConcept,
                                                edgeCases: edgeCases, baseShare: baseShare) {
                    drifts.append(drift)
                }
            }
        }

        // Shared defaults for strategies.
        let classCount = schema?.classes.count ?? 2
        let modelDefault = root["model"].flatMap { ModelReader.read($0, schema: schema) } ?? (LogisticRegressionLearner() as any Learner)
        let labelsDefault = root["labels"].flatMap { LabelsReader.read($0, tick: tick, base: LabelingPolicy()) } ?? LabelingPolicy()
        var costs = CostModel()
        if let c = root["costs"]?.mapping(allowed: ["error", "retrain", "retrain_per_sample", "deploy", "rollback"]) {
            costs.rollback = c["rollback"]?.double(min: 0) ?? costs.rollback
            costs.error = c["error"]?.double(min: 0) ?? costs.error
            costs.retrain = c["retrain"]?.double(min: 0) ?? costs.retrain
            costs.retrainPerSample = c["retrain_per_sample"]?.double(min: 0) ?? costs.retrainPerSample
            costs.deploy = c["deploy"]?.double(min: 0) ?? costs.deploy
        }

        // Strategies.
        var strategies: [StrategySpec] = []
        if let list = required("strategies")?.sequence() {
            if list.isEmpty { root["strategies"]!.fail("list at least one strategy") }
            var seen: Set<String> = []
            for s in list {
                if let spec = StrategyReader.read(s, tick: tick, schema: schema, seed: seed, model: modelDefault, labels: labelsDefault, edgeCases: edgeCases) {
                    if seen.contains(spec.name) { s.fail("two strategies are named '\(spec.name)'", hint: "strategy names must be unique") }
                    seen.insert(spec.name)
                    strategies.append(spec)
                }
            }
        }
        var reference: String?
        if let r = root["reference"] {
            reference = r.string()
            if let ref = reference, !strategies.isEmpty, !strategies.contains(where: { $0.name == ref }) {
                r.fail("'\(ref)' is not a strategy of this scenario",
                       hint: nearest(ref, in: strategies.map(\.name)).map { "did you mean '\($0)'?" } ?? "name one of \(strategies.map(\.name).joined(separator: ", "))")
            }
        }
        if let s = root["sweep"] { SweepReader.read(s, strategies: root["strategies"], reference: reference, modelNode: root["model"], tick: tick, schema: schema, seed: seed, model: modelDefault, labels: labelsDefault, edgeCases: edgeCases) }
        _ = classCount
        var tolerance = 10
        if let d = root["detection"]?.mapping(allowed: ["tolerance"]) {
            if let t = d["tolerance"]?.duration(tick: tick, allowZero: false) { tolerance = max(1, Int(t.rounded(.up))) }
        }
        var extra: [ExtraMetric] = []
        if let list = root["metrics"]?.sequence() {
            let valid = ExtraMetric.allCases.filter { $0.forClassification == (schema?.isClassification ?? true) }.map(\.rawValue)
            for x in list { if let name = x.oneOf(valid), let metric = ExtraMetric(rawValue: name) { extra.append(metric) } }
        }
        var floor: Double?
        if let a = root["analysis"]?.mapping(allowed: ["floor"]) { floor = a["floor"]?.double() }
        guard diags.errors.isEmpty, stream != nil || replay != nil else { return nil }
        let source: any TrafficSource
        if var r = replay?.source {
            r.drifts = drifts
            source = r
        } else {
            let stream = stream!
            source = SyntheticSource(traffic: SyntheticTraffic(generator: stream.generator, baseConcept: stream.baseConcept, noise: stream.noise,
                                                               drifts: drifts, ticks: clock.ticks, volume: stream.volume),
                                     warmupEvents: stream.warmup)
        }
        let manifest = RunManifest(scenarioName: name, description: description, scenarioText: text, scenarioFile: file,
                                   seed: seedOverride ?? seed, replicates: replicatesOverride ?? replicates, version: FlywheelVersion.current,
                                   clock: clock, primaryMetric: schema?.isClassification == false ? "mae" : "accuracy",
                                   reference: reference, costs: costs.dictionary, detectionTolerance: tolerance,
                                   performanceFloor: floor)
        var plan = SimulationPlan(manifest: manifest, source: source, strategies: strategies, initialLearner: modelDefault, costs: costs)
        plan.extraMetrics = extra
        return plan
    }
}

/// The `stream:` section.
struct StreamSpec {
    var generator: any StreamGenerator
    var baseConcept: Int
    var noise: Double
    var warmup: Int
    var volume: VolumeProfile

    static func read(_ v: YAMLValue, tick: Span, eventsPerTick: Int, seed: UInt64) -> StreamSpec? {
        guard let m = v.mapping(allowed: ["generator", "params", "concept", "noise", "warmup", "volume"]) else { return nil }
        guard let g = m["generator"] else { v.fail("missing required key 'generator'", hint: "e.g. generator: sea"); return nil }
        var params: [String: Double] = [:]
        if let p = m["params"], let pm = p.node.mapping {
            for (k, val) in pm {
                let key = k.scalar?.string ?? "?"
                let pv = YAMLValue(node: val, path: p.child(key), diagnostics: v.diagnostics)
                if let d = pv.double() { params[key] = d }
            }
        } else if let p = m["params"] { p.fail("expected a mapping of parameter names to numbers") }
        guard let name = g.string() else { return nil }
        let generator: any StreamGenerator
        do { generator = try GeneratorCatalog.make(name, parameters: params, seed: seed) } catch let e as FlywheelError {
            g.fail(e.message, hint: e.hint)
            return nil
        } catch { g.fail("\(error)"); return nil }
        let concept = m["concept"]?.int(min: 0, max: generator.conceptCount - 1) ?? 0
        let noise = m["noise"]?.double(min: 0, max: 1) ?? 0
        let warmup = m["warmup"]?.int(min: 2, max: 100_000_000) ?? max(1000, eventsPerTick)
        var volume = VolumeProfile(base: eventsPerTick)
        if let vol = m["volume"]?.mapping(allowed: ["amplitude", "period", "growth", "spikes", "spike_factor"]) {
            volume.amplitude = vol["amplitude"]?.double(min: 0, max: 1) ?? 0
            volume.period = vol["period"]?.duration(tick: tick, allowZero: false) ?? 7
            volume.growth = vol["growth"]?.double(min: -0.5, max: 1) ?? 0
            volume.spikes = vol["spikes"]?.sequence()?.compactMap { $0.duration(tick: tick).map { Int($0) } } ?? []
            volume.spikeFactor = vol["spike_factor"]?.double(min: 0, exclusiveMin: true) ?? 1
        }
        return StreamSpec(generator: generator, baseConcept: concept, noise: noise, warmup: warmup, volume: volume)
    }
}

/// Generators a scenario can name.
enum Generators {
    static var all: [ComponentInfo] { GeneratorCatalog.all }
}
