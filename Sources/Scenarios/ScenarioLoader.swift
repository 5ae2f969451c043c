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
    /// Values accepted but wasted (a window longer than the run, a drift after it), each with
    /// file, line and key: `flywheel validate` prints them on standard error.
    public var warnings: [FlywheelError] = []
    /// Whether the scenario has a `sweep:` section (``SweepLoader`` reads it).
    public var hasSweep = false
    public var name: String { plan.manifest.scenarioName }
}

/// Reads scenario files: YAML → validated spec → configured components (the composition root).
///
/// Every problem is reported at once, each with the file, line and key path, and for a misspelt
/// key or name the nearest valid one.
public enum ScenarioLoader {
    static let rootKeys = ["name", "description", "seed", "replicates", "clock", "stream", "drifts", "model", "labels", "costs",
                           "strategies", "reference", "detection", "analysis", "metrics", "edge_cases", "sweep",
                           "oracle"]

    /// Loads a scenario file (see ``parse(_:file:seedOverride:replicatesOverride:memoryLimit:)``).
    public static func load(path: String, memoryLimit: Double? = MemoryEstimate.defaultLimit) throws -> Scenario {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FlywheelErrors([FlywheelError("cannot read the scenario file", at: SourceLocation(file: path, line: 0))])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw FlywheelErrors([FlywheelError("the scenario file is not UTF-8 text", at: SourceLocation(file: path, line: 0))])
        }
        return try parse(text, file: path, memoryLimit: memoryLimit)
    }

    /// The message for `--replicates N` outside `1...Limits.maxReplicates` (nil inside), the
    /// same words as for `replicates:` in a scenario.
    public static func replicatesProblem(_ n: Int) -> String? {
        if n < 1 { return Limits.outOfRange("--replicates \(n)", min: 1, max: nil, unit: "replicates") }
        if n > Limits.maxReplicates {
            return Limits.outOfRange("--replicates \(n)", min: nil, max: Limits.maxReplicates, unit: "replicates")
        }
        return nil
    }

    /// Parses scenario text; `file` names it in messages. Throws ``FlywheelErrors`` with every
    /// problem (and the warnings found with them).
    ///
    /// - Parameter memoryLimit: bytes the run may need (``MemoryEstimate``); a scenario whose
    ///   estimate is larger is refused with the estimate. nil: no limit.
    public static func parse(_ text: String, file: String, seedOverride: UInt64? = nil, replicatesOverride: Int? = nil,
                             memoryLimit: Double? = MemoryEstimate.defaultLimit) throws -> Scenario {
        let diags = Diagnostics(file: file)
        let root: ConfigNode
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw FlywheelErrors([FlywheelError("the scenario file is empty", at: SourceLocation(file: file, line: 1))])
            }
            root = ConfigNode(node)
        } catch let e as FlywheelErrors {
            throw e
        } catch let e as YamlError {
            throw FlywheelErrors([yamlError(e, file: file)])
        }
        diags.checkTags(root, path: "")
        let top = YAMLValue(node: root, path: "", diagnostics: diags)
        let plan = build(top, text: text, file: file, diags: diags, seedOverride: seedOverride,
                         replicatesOverride: replicatesOverride, memoryLimit: memoryLimit)
        if !diags.errors.isEmpty || plan == nil {
            let invalid = FlywheelError("invalid scenario", at: SourceLocation(file: file, line: 1))
            let errors = diags.errors.isEmpty ? [invalid] : diags.errors
            throw FlywheelErrors(errors, warnings: diags.warnings)
        }
        let hasSweep = root.mapping?.contains { $0.key.scalar?.string == "sweep" } ?? false
        return Scenario(plan: plan!, warnings: diags.warnings, hasSweep: hasSweep)
    }

    static func yamlError(_ e: YamlError, file: String) -> FlywheelError {
        switch e {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _):
            let ctx = context.map { "\($0.text) " } ?? ""
            return FlywheelError("malformed YAML: \(ctx)\(problem)", at: SourceLocation(file: file, line: mark.line, column: mark.column))
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.sorted().map { "'\(YAMLValue.shortened($0))'" }.joined(separator: ", ")
            return FlywheelError("the key \(keys) is given more than once in this mapping",
                                 at: SourceLocation(file: file, line: context.mark.line, column: context.mark.column),
                                 hint: "each key may appear once in a mapping")
        default:
            return FlywheelError("malformed YAML: \(e)", at: SourceLocation(file: file, line: 1))
        }
    }

    // MARK: - Building

    static func build(_ top: YAMLValue, text: String, file: String, diags: Diagnostics, seedOverride: UInt64?,
                      replicatesOverride: Int?, memoryLimit: Double?) -> SimulationPlan? {
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
        let replicates = root["replicates"]?.int(min: 1, max: Limits.maxReplicates, unit: "replicates") ?? 1
        if let n = replicatesOverride, let problem = replicatesProblem(n) {
            diags.report(problem, at: root["replicates"]?.node ?? top.node, key: "replicates")
        }

        // Clock (a replay's comes from its file: ReplayReader).
        let isReplay = ReplayReader.isReplay(root["stream"])
        var tick = Span(seconds: 86_400), ticks = 0, eventsPerTick = 0
        var start: Int64 = 1_704_067_200
        if !isReplay, let c = required("clock")?.mapping(allowed: ["tick", "ticks", "events_per_tick", "start"]) {
            if let t = c["tick"] {
                if let s = t.scalarText, let span = Span(parsing: s) { tick = span }
                else { t.fail("\"\(t.written)\" is not a tick length", hint: "use e.g. 1d, 1h, 1w") }
            }
            if let v = c["ticks"] {
                ticks = v.int(min: 1, max: Limits.maxTicks, unit: "ticks") ?? 0
            } else {
                diags.report("missing required key 'ticks'", at: top.node, key: "clock.ticks")
            }
            eventsPerTick = c["events_per_tick"]?.int(min: 1, max: Limits.maxEventsPerTick, unit: "events per tick")
                ?? 1000
            if let s = c["start"] {
                if let text = s.scalarText, let v = ISOTime.parse(Substring(text)) { start = v }
                else { s.fail("\"\(s.written)\" is not a date", hint: "use e.g. 2024-01-01 or 2024-01-01T00:00:00Z") }
            }
            // Every tick's time must be writable: start + ticks × tick within four-digit years.
            let run = Clock(tick: tick, ticks: max(ticks, 1), start: start)
            if ticks > 0, run.end.map({ $0 > Limits.latestTime }) ?? true {
                let most = start > Limits.latestTime ? 0 : (Limits.latestTime - start) / tick.seconds
                let fit = Limits.grouped(Int(min(most, Int64(Limits.maxTicks))))
                (c["tick"] ?? c["ticks"])!.fail(
                    "\(Limits.grouped(ticks)) ticks of \(tick) from \(ISOTime.format(start)) end after "
                    + "\(ISOTime.format(Limits.latestTime)), the latest time Flywheel writes",
                    hint: "at most \(fit) ticks of \(tick) fit; use a shorter tick or fewer ticks")
            }
        }
        var clock = Clock(tick: tick, ticks: max(ticks, 1), start: start)

        // Stream.
        let streamValue = required("stream")
        let replay = isReplay ? streamValue.flatMap { ReplayReader.read($0, clock: root["clock"], file: file) } : nil
        if let replay { clock = replay.clock; tick = clock.tick }
        let stream = isReplay ? nil : streamValue.flatMap {
            StreamSpec.read($0, tick: tick, eventsPerTick: eventsPerTick, seed: seed, horizon: ticks)
        }
        let schema = stream?.generator.schema ?? replay?.source.schema
        if let schema, schema.isClassification {
            let at = isReplay ? labelNode(streamValue) : labelNode(streamValue, key: "params", inReplay: false)
            checkClasses(schema.classes, at: at ?? streamValue ?? top)
        }
        // A run whose events fall in few of its ticks (a stray timestamp years away) is wasted.
        if let r = replay?.source, let at = streamValue {
            let scored = r.rowsPerTick.dropFirst(r.warmupTicks).prefix(r.ticks)
            let empty = scored.reduce(0) { $0 + ($1 == 0 ? 1 : 0) }
            if scored.count >= 20, empty * 10 > scored.count * 9 {
                (labelNode(at, key: "tick") ?? at).warn(
                    "\(Limits.grouped(empty)) of the \(Limits.grouped(scored.count)) scored ticks hold no row: "
                    + "the rows are spread thin over the ticks (a timestamp far from the others?)",
                    hint: "check the first and last timestamps, or use a longer tick")
            }
        }
        // The run's length, when it is known (warnings about values longer than the run need it).
        let horizon: Int? = isReplay ? replay.map { $0.clock.ticks } : (ticks > 0 ? ticks : nil)
        let totalEvents: Double? = replay.map { Double($0.source.rows) }
            ?? horizon.map { Double(eventsPerTick) * Double($0) }

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
                if let drift = DriftReader.read(d, index: i, tick: tick, horizon: Double(clock.ticks),
                                                horizonKnown: horizon != nil, schema: schema,
                                                conceptCount: stream?.generator.conceptCount, previousConcept: &lastConcept,
                                                edgeCases: edgeCases, baseShare: baseShare) {
                    drifts.append(drift)
                }
            }
        }

        // Shared defaults for strategies.
        let classCount = schema?.classes.count ?? 2
        let modelDefault = root["model"].flatMap { LearnerCatalog.read($0, schema: schema) } ?? (LogisticRegressionLearner() as any Learner)
        if root["model"] == nil, let schema, !schema.isClassification {
            diags.report("missing key 'model': the default model, logistic_regression, is for classification, and this "
                         + "stream's target is numeric", at: top.node, key: "model",
                         hint: "e.g. model: {family: ridge}; families for a numeric target: "
                             + LearnerCatalog.regressionFamilies.joined(separator: ", "))
        }
        let labelsDefault = root["labels"].flatMap {
            LabelingPolicy.read($0, ReadContext(tick: tick, schema: schema, seed: seed, horizon: horizon), base: LabelingPolicy())
        } ?? LabelingPolicy()
        var costs = CostModel()
        if let c = root["costs"]?.mapping(allowed: CostModel.keys) {
            func price(_ key: String) -> Double? { c[key]?.double(min: 0, max: Limits.maxCost) }
            costs.rollback = price("rollback") ?? costs.rollback
            costs.error = price("error") ?? costs.error
            costs.retrain = price("retrain") ?? costs.retrain
            costs.retrainPerSample = price("retrain_per_sample") ?? costs.retrainPerSample
            costs.retrainPerUnit = price("retrain_per_unit") ?? costs.retrainPerUnit
            costs.deploy = price("deploy") ?? costs.deploy
        }

        // Strategies.
        var strategies: [StrategySpec] = []
        if let list = required("strategies")?.sequence() {
            if list.isEmpty { root["strategies"]!.fail("list at least one strategy") }
            var seen: Set<String> = []
            for s in list {
                let context = ReadContext(tick: tick, schema: schema, seed: seed, horizon: horizon, events: totalEvents)
                if let spec = StrategySpec.read(s, context, model: modelDefault, labels: labelsDefault, edgeCases: edgeCases) {
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
        if let s = root["sweep"] {
            SweepReader.read(s, strategies: root["strategies"], reference: reference, modelNode: root["model"],
                             tick: tick, schema: schema, seed: seed, model: modelDefault, labels: labelsDefault,
                             edgeCases: edgeCases, horizon: horizon, events: totalEvents)
        }
        _ = classCount
        var tolerance = 10
        if let d = root["detection"]?.mapping(allowed: ["tolerance"]) {
            if let t = d["tolerance"]?.duration(tick: tick, allowZero: false) {
                tolerance = max(1, Int(t.rounded(.up)))
                if let horizon, t > Double(horizon) {
                    d["tolerance"]!.warn("\(NumberText.plain(t)) ticks is longer than the run's \(horizon): every alarm after "
                                         + "a drift's start counts as its detection")
                }
            }
        }
        var extra: [ExtraMetric] = []
        if let list = root["metrics"]?.sequence() {
            let valid = ExtraMetric.allCases.filter { $0.applies(classification: schema?.isClassification ?? true) }.map(\.rawValue)
            for x in list {
                if schema?.isClassification == false, x.string() == ExtraMetric.estimatedAccuracy.rawValue {
                    x.fail("estimated_accuracy needs class probabilities: CBPE estimates a confusion matrix from calibrated "
                           + "confidences, and a regression model has none", hint: "remove it from metrics for a regression stream")
                    continue
                }
                if x.string() == ExtraMetric.qualityUnseen.rawValue, let schema, !schema.features.contains(where: { $0.hasSuffix("=?") }) {
                    x.fail("quality_unseen would always be 0: no one-hot categorical in this stream has an unknown column (name=?)",
                           hint: "replay a categorical with encoding: one_hot, or monitor quality_out_of_range "
                               + "(an ordinal unknown category is -1)")
                    continue
                }
                if let name = x.oneOf(valid), let metric = ExtraMetric(rawValue: name) { extra.append(metric) }
            }
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
        var manifest = RunManifest(scenarioName: name, description: description, scenarioText: text, scenarioFile: file,
                                   seed: seedOverride ?? seed, replicates: replicatesOverride ?? replicates, version: FlywheelVersion.current,
                                   clock: clock, primaryMetric: PredictionTask(classCount: schema?.classes.count ?? 2).metric,
                                   reference: reference, costs: costs.dictionary, detectionTolerance: tolerance,
                                   performanceFloor: floor, replayed: replay != nil)
        manifest.requestedMetrics = extra.map(\.rawValue)
        manifest.observableLag = Dictionary(strategies.map { ($0.name, $0.observableLag) },
                                            uniquingKeysWith: { a, _ in a })
        var plan = SimulationPlan(manifest: manifest, source: source, strategies: strategies, initialLearner: modelDefault, costs: costs)
        plan.extraMetrics = extra
        if let o = root["oracle"] { plan.oracle = readOracle(o, plan: plan, tick: tick, memoryLimit: memoryLimit) }
        if let memoryLimit {
            func node(_ driver: MemoryEstimate.Driver) -> YAMLValue? {
                switch driver {
                case .ticks:
                    return isReplay ? labelNode(streamValue, key: "tick")
                                    : labelNode(root["clock"], key: "ticks", inReplay: false)
                case .traffic:
                    if isReplay { return labelNode(streamValue, key: "numeric") }
                    return labelNode(streamValue, key: "params", inReplay: false)
                        ?? labelNode(root["clock"], key: "events_per_tick", inReplay: false)
                case .warmup: return labelNode(streamValue, key: isReplay ? "warmup_ticks" : "warmup", inReplay: false)
                    ?? labelNode(root["clock"], key: "events_per_tick", inReplay: false)
                case .strategy(let i):
                    guard let list = root["strategies"]?.node.sequence, i < list.count else { return nil }
                    return YAMLValue(node: list[i], path: "strategies[\(i)]", diagnostics: diags)
                case .model: return root["model"] ?? labelNode(isReplay ? streamValue : nil) ?? root["strategies"]
                }
            }
            let estimate = MemoryEstimate(plan: plan)
            if estimate.bytes > memoryLimit {
                (node(estimate.dominant.driver) ?? top).fail(memoryProblem(estimate, limit: memoryLimit))
            }
        }
        guard diags.errors.isEmpty else { return nil }
        return plan
    }

    /// The message refusing a run whose estimate exceeds the limit: the estimate, its largest
    /// parts, the limit and how to raise it.
    static func memoryProblem(_ e: MemoryEstimate, limit: Double, of what: String = "this run") -> String {
        let largest = e.parts.sorted { $0.bytes > $1.bytes }.prefix(2).filter { $0.bytes > 0 }
        let parts = largest.map { "\(MemoryEstimate.format($0.bytes)) for \($0.what)" }.joined(separator: ", ")
        return "\(what) needs about \(MemoryEstimate.format(e.bytes)) of memory (\(parts)), more than the limit of "
            + "\(MemoryEstimate.format(limit)) (by default half of this machine's memory; --memory-limit GIB raises it)"
    }

    /// The node of `replay.<key>` (or of `<key>` in a mapping when `inReplay` is false), if written.
    static func labelNode(_ stream: YAMLValue?, key: String = "label", inReplay: Bool = true) -> YAMLValue? {
        guard var v = stream else { return nil }
        if inReplay {
            guard let r = v.node.mapping?.first(where: { $0.key.scalar?.string == "replay" }) else { return nil }
            v = YAMLValue(node: r.value, path: v.child("replay"), diagnostics: v.diagnostics)
        }
        guard let x = v.node.mapping?.first(where: { $0.key.scalar?.string == key }) else { return nil }
        return YAMLValue(node: x.value, path: v.child(key), diagnostics: v.diagnostics)
    }

    /// A classification stream's classes: more than ``Limits/maxClasses`` is an error, more than
    /// ``Limits/warnClasses`` a warning (a fit's cost grows with the square of the classes).
    static func checkClasses(_ classes: [String], at v: YAMLValue) {
        let numeric = classes.allSatisfy { Double($0) != nil }
        let hint = numeric ? "the labels are numbers: if they measure a quantity, set label_kind: regression"
                           : "check that this is the label column"
        if classes.count > Limits.maxClasses {
            let written = "the label's \(Limits.grouped(classes.count)) classes"
            v.fail(Limits.outOfRange(written, min: nil, max: Limits.maxClasses, unit: "classes"), hint: hint)
        } else if classes.count > Limits.warnClasses {
            v.warn("the label has \(classes.count) classes: fitting a model gets slow beyond \(Limits.warnClasses)",
                   hint: hint)
        }
    }
}

/// The `stream:` section.
struct StreamSpec {
    var generator: any StreamGenerator
    var baseConcept: Int
    var noise: Double
    var warmup: Int
    var volume: VolumeProfile

    /// - Parameter horizon: the run's ticks: the volume profile must stay within
    ///   ``Limits/maxEventsPerTick`` over them, and spikes after them are warned of.
    static func read(_ v: YAMLValue, tick: Span, eventsPerTick: Int, seed: UInt64, horizon: Int) -> StreamSpec? {
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
            let param = e.keyPath.flatMap { k in ScenarioLoader.labelNode(m["params"], key: k, inReplay: false) }
            (param ?? g).fail(e.message, hint: e.hint)
            return nil
        } catch { g.fail("\(error)"); return nil }
        let concept = m["concept"]?.int(min: 0, max: generator.conceptCount - 1) ?? 0
        let noise = m["noise"]?.double(min: 0, max: 1) ?? 0
        let warmup = m["warmup"]?.int(min: 2, max: Limits.maxEventsPerTick, unit: "events") ?? max(1000, eventsPerTick)
        var volume = VolumeProfile(base: eventsPerTick)
        if let vol = m["volume"]?.mapping(allowed: ["amplitude", "period", "growth", "spikes", "spike_factor"]) {
            volume.amplitude = vol["amplitude"]?.double(min: 0, max: 1) ?? 0
            volume.period = vol["period"]?.duration(tick: tick, allowZero: false) ?? 7
            volume.growth = vol["growth"]?.double(min: -0.5, max: 1) ?? 0
            for x in vol["spikes"]?.sequence() ?? [] {
                guard let t = x.wholeTicks(tick: tick) else { continue }
                if horizon > 0, t >= horizon {
                    x.warn("a spike at tick \(t) is after the run's \(horizon) ticks: it never happens")
                }
                volume.spikes.append(t)
            }
            let spikeMax = Double(Limits.maxEventsPerTick)
            volume.spikeFactor = vol["spike_factor"]?.double(min: 0, max: spikeMax, exclusiveMin: true) ?? 1
            let largest = volume.largest(ticks: horizon)
            if largest > Limits.maxEventsPerTick {
                m["volume"]!.fail("the volume profile reaches about \(Limits.grouped(largest)) events in a tick "
                                  + "within the run's \(horizon) ticks: "
                                  + "at most \(Limits.grouped(Limits.maxEventsPerTick)) events per tick",
                                  hint: "lower growth, spike_factor or the events per tick")
            }
        }
        return StreamSpec(generator: generator, baseConcept: concept, noise: noise, warmup: warmup, volume: volume)
    }
}

/// Generators a scenario can name.
enum Generators {
    static var all: [ComponentInfo] { GeneratorCatalog.all }
}
