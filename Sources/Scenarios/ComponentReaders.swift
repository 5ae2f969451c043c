import FlywheelCore
import Foundation
import Learners
import Monitoring
import Strategies
import Streams

/// Reads one entry of `drifts:`.
enum DriftReader {
    static let keys = ["name", "type", "target", "at", "center", "width", "shape", "start", "end", "period", "phase", "duty",
                       "amplitude", "duration", "ramp", "to", "shift", "scale", "rotate", "subpopulation", "prior", "rate", "fault"]
    static let types = ["instantaneous", "gradual", "incremental", "periodic", "temporary"]
    static let targets = ["concept", "covariates", "prior", "label_noise", "quality"]

    /// - Parameters:
    ///   - edgeCases: the scenario's named regions, which a subpopulation drift may name.
    ///   - baseShare: the share of a region in the undrifted stream, for a synthetic stream (nil
    ///     for replayed data, whose share is taken per tick).
    ///   - horizonKnown: whether `horizon` is the run's (else drifts after it are not warned of).
    static func read(_ v: YAMLValue, index: Int, tick: Span, horizon: Double, horizonKnown: Bool = true,
                     schema: FeatureSchema?, conceptCount: Int?,
                     previousConcept: inout Int, edgeCases: [EdgeCase] = [], baseShare: ((Region) -> Double)? = nil) -> Drift? {
        guard let m = v.mapping(allowed: keys) else { return nil }
        func need(_ key: String) -> YAMLValue? {
            if let x = m[key] { return x }
            v.fail("missing required key '\(key)'")
            return nil
        }
        guard let type = need("type")?.oneOf(types) else { return nil }
        let targetName = m["target"]?.oneOf(targets) ?? "concept"
        var schedule: DriftSchedule?
        switch type {
        case "instantaneous":
            if let at = need("at")?.duration(tick: tick) { schedule = .instantaneous(at: at) }
        case "gradual":
            let shape = m["shape"]?.oneOf(["sigmoid", "linear"]) ?? "sigmoid"
            if let c = need("center")?.duration(tick: tick), let w = need("width")?.duration(tick: tick, allowZero: false) {
                schedule = .gradual(center: c, width: w, linear: shape == "linear")
            }
        case "incremental":
            if let s = need("start")?.duration(tick: tick), let e = need("end")?.duration(tick: tick) {
                if e <= s { m["end"]!.fail("must come after start") } else { schedule = .incremental(start: s, end: e) }
            }
        case "periodic":
            let shape = m["shape"]?.oneOf(["sine", "square"]) ?? "sine"
            if let p = need("period")?.duration(tick: tick, allowZero: false) {
                schedule = .periodic(period: p, phase: m["phase"]?.duration(tick: tick) ?? 0, square: shape == "square",
                                     duty: m["duty"]?.double(min: 0, max: 1) ?? 0.5, start: m["start"]?.duration(tick: tick) ?? 0)
            }
        default:
            if let s = need("start")?.duration(tick: tick), let d = need("duration")?.duration(tick: tick, allowZero: false) {
                let ramp = m["ramp"]?.duration(tick: tick) ?? 0
                if ramp * 2 > d { m["ramp"]!.fail("ramps in and out must fit in the duration") }
                schedule = .temporary(start: s, duration: d, ramp: ramp)
            }
        }
        // Keys that belong to other schedule types are mistakes worth naming.
        let scheduleKeys: [String: [String]] = [
            "instantaneous": ["at"], "gradual": ["center", "width", "shape"], "incremental": ["start", "end"],
            "periodic": ["period", "phase", "shape", "duty", "start"], "temporary": ["start", "duration", "ramp"],
        ]
        let allScheduleKeys = Set(scheduleKeys.values.joined())
        for key in allScheduleKeys.sorted() where m[key] != nil && !(scheduleKeys[type]!.contains(key)) {
            m[key]!.fail("'\(key)' does not apply to a \(type) drift", hint: "a \(type) drift takes \(scheduleKeys[type]!.joined(separator: ", "))")
        }
        /// A value injected into features, within ±Limits.maxMagnitude.
        func magnitude(_ x: YAMLValue) -> Double? { x.double(min: -Limits.maxMagnitude, max: Limits.maxMagnitude) }
        func feature(_ x: YAMLValue) -> Int? {
            guard let name = x.string(), let schema else { return nil }
            if let i = schema.features.firstIndex(of: name) { return i }
            x.fail("no feature named '\(name)'", hint: nearest(name, in: schema.features).map { "did you mean '\($0)'?" } ?? "features: \(schema.features.joined(separator: ", "))")
            return nil
        }
        var target: DriftTarget?
        switch targetName {
        case "concept":
            guard let conceptCount else { return nil }
            guard conceptCount > 1 else { v.fail("this generator has a single concept: a concept drift needs two"); return nil }
            let to = m["to"]?.int(min: 0, max: conceptCount - 1) ?? (previousConcept + 1) % conceptCount
            target = .concept(to: to)
            if case .temporary = schedule {} else if case .periodic = schedule {} else { previousConcept = to }
        case "covariates":
            guard schema != nil else { return nil }
            var found = false
            for key in ["shift", "scale"] {
                guard let s = m[key]?.mapping(allowed: ["feature", "by"]) else { continue }
                found = true
                guard let fv = s["feature"], let f = feature(fv) else { m[key]!.fail("name the feature: {feature: x0, by: 1.5}"); continue }
                guard let byValue = s["by"] else { m[key]!.fail("give the amount: {feature: x0, by: 1.5}"); continue }
                guard let by = magnitude(byValue) else { continue }
                if key == "shift" { target = .covariates(feature: f, shift: by, scale: 1) } else { target = .covariates(feature: f, shift: 0, scale: by) }
            }
            if let r = m["rotate"]?.mapping(allowed: ["features", "degrees", "center"]) {
                found = true
                let names = r["features"]?.sequence() ?? []
                let idx = names.compactMap(feature)
                let centre = r["center"]?.sequence()?.compactMap(magnitude) ?? [0, 0]
                if names.count != 2 { m["rotate"]!.fail("name two features: {features: [x0, x1], degrees: 45}") }
                else if centre.count != 2 { r["center"]!.fail("give two coordinates, e.g. center: [5, 5]") }
                else if idx.count == 2, idx[0] == idx[1] { r["features"]!.fail("the two features must differ") }
                else if idx.count == 2, let deg = r["degrees"]?.double() {
                    target = .rotation(a: idx[0], b: idx[1], degrees: deg, centerA: centre[0], centerB: centre[1])
                } else if r["degrees"] == nil { m["rotate"]!.fail("give the angle at full intensity: degrees: 45") }
            }
            if let sp = m["subpopulation"] {
                if found { sp.fail("a subpopulation drift takes no shift, scale or rotate: give them as separate drifts") }
                found = true
                target = readSubpopulation(sp, schema: schema!, edgeCases: edgeCases, baseShare: baseShare)
            }
            if !found {
                v.fail("a covariate drift needs shift: {feature, by}, scale: {feature, by}, rotate: {features: [a, b], degrees} "
                       + "or subpopulation: {where: {x1: [0, 3]}, share: 0.6}")
            }
        case "prior":
            guard let schema else { return nil }
            guard schema.isClassification else { v.fail("a prior drift needs a classification stream"); return nil }
            var cls = 0, share = 1.0
            if let p = m["prior"]?.mapping(allowed: ["class", "share"]) {
                if let c = p["class"]?.string() {
                    if let i = schema.classes.firstIndex(of: c) { cls = i } else { p["class"]!.fail("no class named '\(c)'", hint: "classes: \(schema.classes.joined(separator: ", "))") }
                }
                share = p["share"]?.double(min: 0, max: 1) ?? 1
            }
            target = .prior(classIndex: cls, share: share)
        case "label_noise":
            if let r = need("rate")?.double(min: 0, max: 1) { target = .labelNoise(rate: r) }
        default:
            guard schema != nil else { return nil }
            if let f = need("fault")?.mapping(allowed: ["feature", "missing", "multiply", "stuck", "dropped"]) {
                guard let fv = f["feature"], let j = feature(fv) else { m["fault"]!.fail("name the feature: {feature: x1, missing: 0.3}"); return nil }
                var faults: [QualityFault] = []
                if let x = f["missing"]?.double(min: 0, max: 1) { faults.append(.missing(rate: x)) }
                if let x = f["multiply"].flatMap(magnitude) { faults.append(.multiply(factor: x)) }
                if let x = f["stuck"].flatMap(magnitude) { faults.append(.stuck(value: x)) }
                if f["dropped"]?.bool() == true { faults.append(.dropped) }
                if faults.count != 1 { m["fault"]!.fail("give exactly one fault: missing, multiply, stuck or dropped") } else { target = .quality(feature: j, fault: faults[0]) }
            }
        }
        let amplitude = m["amplitude"]?.double(min: 0, max: 1) ?? 1
        let name = m["name"]?.name() ?? "\(type) \(targetName)"
        guard let schedule, let target else { return nil }
        _ = index
        let onset = schedule.extent(horizon: horizon).start
        if horizonKnown, onset >= horizon {
            let key = ["at", "center", "start"].lazy.compactMap { m[$0] }.first ?? v
            key.warn("this drift starts at tick \(fmtTicks(onset)), after the run's \(fmtTicks(horizon)) ticks: "
                     + "it never takes effect", hint: "move it inside the run or remove it")
        }
        return Drift(name: name, schedule: schedule, target: target, amplitude: amplitude)
    }
}

extension DriftReader {
    /// Reads `subpopulation: {where: {x1: [0, 3]} | region: <edge case>, share: s | factor: f}`.
    /// On a synthetic stream the region's base share is checked: some traffic must fall inside and
    /// some outside, and `factor × base` must stay below 1.
    static func readSubpopulation(_ v: YAMLValue, schema: FeatureSchema, edgeCases: [EdgeCase],
                                  baseShare: ((Region) -> Double)?) -> DriftTarget? {
        guard let m = v.mapping(allowed: ["where", "region", "share", "factor"]) else { return nil }
        var region: Region?
        let regionNode: YAMLValue
        switch (m["where"], m["region"]) {
        case (let w?, nil):
            regionNode = w
            if let bounds = RegionReader.box(w, schema: schema) { region = Region(name: Region.describe(bounds, features: schema.features), bounds: bounds) }
        case (nil, let r?):
            regionNode = r
            if let name = r.string() {
                if let e = edgeCases.first(where: { $0.name == name }) { region = e }
                else {
                    r.fail("no edge case named '\(name)'", hint: nearest(name, in: edgeCases.map(\.name)).map { "did you mean '\($0)'?" }
                                                            ?? "define it under edge_cases: at the top of the scenario, or give where: {x1: [0, 3]}")
                }
            }
        case (nil, nil):
            v.fail("name the subpopulation's region: where: {x1: [0, 3]} or region: <a name from edge_cases>")
            return nil
        default:
            m["region"]!.fail("give where or region, not both")
            return nil
        }
        var goal: SubpopulationGoal?
        switch (m["share"], m["factor"]) {
        case (let s?, nil):
            if let x = s.double(min: 0, max: 1, exclusiveMin: true) {
                if x >= 1 { s.fail("1 is out of range: must be < 1 (a share of 1 leaves no traffic outside the region)") } else { goal = .share(x) }
            }
        case (nil, let f?):
            goal = f.double(min: 0, exclusiveMin: true).map { .factor($0) }
        case (nil, nil):
            v.fail("give the region's share of traffic at full intensity (share: 0.6) or the factor its share is multiplied by (factor: 2)")
        default:
            m["factor"]!.fail("give share or factor, not both")
        }
        guard let region, let goal else { return nil }
        if let baseShare {
            let b = baseShare(region)
            if b <= 0 {
                regionNode.fail("no event of the stream falls in the region \(region.name) (none of \(SyntheticTraffic.pilotDraws) draws of the undrifted stream): there is no subpopulation to grow",
                                hint: "widen the region to where the stream's inputs lie")
                return nil
            }
            if b >= 1 {
                regionNode.fail("every event of the stream falls in the region \(region.name): its share of traffic cannot move",
                                hint: "narrow the region")
                return nil
            }
            if case .factor(let f) = goal, f * b >= 1 {
                m["factor"]!.fail("factor \(f) would take the region's share from \(fmt3(b)) to \(fmt3(f * b)); a share must stay below 1",
                                  hint: "use a factor below \(fmt3(1 / b)), or give the share directly, e.g. share: 0.9")
                return nil
            }
        }
        return .subpopulation(region: region, goal: goal)
    }

    private static func fmt3(_ v: Double) -> String { String(format: "%.3f", v) }
}

/// Reads regions of input space, shared by `edge_cases:` and subpopulation drifts.
enum RegionReader {
    /// A box `{x1: [0, 3], x2: [5, null]}`: each named feature in its closed interval, `null`
    /// (or `.inf`, `-.inf`) for an open end. Reports an unknown feature (with the nearest name), a
    /// feature named twice, a malformed interval, an empty one (low above high) and an empty mapping.
    static func box(_ v: YAMLValue, schema: FeatureSchema?) -> [Region.Bound]? {
        guard let m = v.node.mapping else {
            v.fail("expected a mapping of feature names to [low, high], e.g. {x1: [0, 3]}")
            return nil
        }
        guard m.count > 0 else {
            v.fail("the region names no feature", hint: "bound at least one feature, e.g. {x1: [0, 3]}")
            return nil
        }
        var bounds: [Region.Bound] = []
        var ok = true
        for (k, val) in m {
            let name = k.scalar?.string ?? "?"
            let key = YAMLValue(node: k, path: v.child(name), diagnostics: v.diagnostics)
            let x = YAMLValue(node: val, path: v.child(name), diagnostics: v.diagnostics)
            guard let f = StrategyReader.featureIndex(name, key, schema) else { ok = false; continue }
            if bounds.contains(where: { $0.feature == f }) { key.fail("feature '\(name)' is bounded twice"); ok = false; continue }
            guard let pair = x.node.sequence, pair.count == 2 else {
                x.fail("expected [low, high], e.g. [0, 3]", hint: "write null for an open end, e.g. [5, null]")
                ok = false
                continue
            }
            let ends = pair.enumerated().map { i, node -> Double? in
                let end = YAMLValue(node: node, path: "\(x.path)[\(i)]", diagnostics: v.diagnostics)
                if end.isNull { return i == 0 ? -.infinity : .infinity }
                switch end.scalarText?.lowercased() {
                case ".inf", "+.inf", "inf", "+inf": return .infinity
                case "-.inf", "-inf": return -.infinity
                default: return end.double()
                }
            }
            guard let low = ends[0], let high = ends[1] else { ok = false; continue }
            if low > high {
                x.fail("the interval [\(low), \(high)] is empty: its low end is above its high end", hint: "write [low, high], e.g. [\(high), \(low)]")
                ok = false
                continue
            }
            bounds.append(Region.Bound(feature: f, low: low, high: high))
        }
        return ok ? bounds : nil
    }
}

/// Reads a `model:` mapping into a learner; with the stream's schema, refuses a classification-only
/// family on a regression stream.
enum ModelReader {
    static func read(_ v: YAMLValue, schema: FeatureSchema? = nil) -> (any Learner)? {
        guard let m = v.node.mapping else { v.fail("expected a mapping such as {family: logistic_regression, l2: 1e-4}"); return nil }
        var family: String?
        var params: [String: YAMLValue] = [:]
        for (k, val) in m {
            let key = k.scalar?.string ?? "?"
            let x = YAMLValue(node: val, path: v.child(key), diagnostics: v.diagnostics)
            if key == "family" { family = x.string() } else { params[key] = x }
        }
        guard let family else { v.fail("missing required key 'family'", hint: "e.g. family: logistic_regression"); return nil }
        guard let learner = Models.make(family, params, at: v) else { return nil }
        if let schema, !schema.isClassification, !learner.handlesRegression {
            v.fail("model family '\(family)' is for classification, and this stream's target is numeric",
                   hint: "e.g. family: ridge")
            return nil
        }
        return learner
    }
}

/// Model families a scenario can name (the learner catalog, with named choices for enumerations).
enum Models {
    static var all: [ComponentInfo] { LearnerCatalog.all }
    /// Parameters written as names in scenarios, and their numeric codes in the catalog.
    static let choices: [String: [String: Double]] = ["solver": ["newton": 0, "sgd": 1],
                                                      "leaf_prediction": ["mc": 0, "nb": 1, "nba": 2]]

    static func make(_ family: String, _ params: [String: YAMLValue], at v: YAMLValue) -> (any Learner)? {
        var numeric: [String: Double] = [:]
        for (k, x) in params.sorted(by: { $0.key < $1.key }) {
            if let options = choices[k], let text = x.scalarText, Double(text) == nil {
                guard let code = options[text] else {
                    x.fail("'\(text)' is not one of \(options.keys.sorted().joined(separator: ", "))")
                    continue
                }
                numeric[k] = code
            } else if let d = x.double() {
                numeric[k] = d
            }
        }
        do {
            return try LearnerCatalog.make(family, parameters: numeric)
        } catch let e as FlywheelError {
            let key = e.keyPath.flatMap { $0.hasPrefix("model.") ? String($0.dropFirst(6)) : nil }
            (key.flatMap { params[$0] } ?? v).fail(e.message, hint: e.hint)
            return nil
        } catch {
            v.fail("\(error)")
            return nil
        }
    }
}

/// Reads a `labels:` mapping over a base policy.
enum LabelsReader {
    static let curations = ["random", "stratified", "stratified_slice", "feedback", "least_confidence", "margin", "entropy", "committee"]

    /// - Parameter horizon: the run's ticks, to warn of a delay no label outlives (nil: no check).
    static func read(_ v: YAMLValue, tick: Span, base: LabelingPolicy, horizon: Int? = nil) -> LabelingPolicy? {
        guard let m = v.mapping(allowed: ["coverage", "budget_per_tick", "delay", "noise", "cost", "curation"]) else { return nil }
        var l = base
        l.coverage = m["coverage"]?.double(min: 0, max: 1) ?? l.coverage
        if let b = m["budget_per_tick"] {
            l.budgetPerTick = b.count(min: 0, unit: "labels per tick") ?? l.budgetPerTick
        }
        if let d = m["delay"] {
            l.delay = readDelay(d, tick: tick) ?? l.delay
            if let horizon, l.delay.minimum >= horizon {
                d.warn("no label arrives within the run: every delay is at least \(l.delay.minimum) ticks "
                       + "and the run has \(horizon)")
            }
        }
        l.noise = m["noise"]?.double(min: 0, max: 0.5) ?? l.noise
        l.cost = m["cost"]?.double(min: 0, max: Limits.maxCost) ?? l.cost
        if let c = m["curation"] { l.curation = readCuration(c) ?? l.curation }
        return l
    }

    static func wholeTicks(_ x: YAMLValue, _ tick: Span) -> Int? { x.wholeTicks(tick: tick) }

    static func readDelay(_ v: YAMLValue, tick: Span) -> LabelDelay? {
        if v.node.mapping == nil { return wholeTicks(v, tick).map { .fixed($0) } }
        guard let m = v.mapping(allowed: ["uniform", "geometric"]), m.count == 1 else {
            v.fail("give one of a duration, {uniform: [1d, 5d]} or {geometric: 3d}")
            return nil
        }
        if let u = m["uniform"] {
            guard let list = u.sequence(), list.count == 2, let lo = wholeTicks(list[0], tick), let hi = wholeTicks(list[1], tick) else {
                u.fail("expected [shortest, longest], e.g. [1d, 5d]")
                return nil
            }
            if hi < lo { u.fail("the longest delay is shorter than the shortest"); return nil }
            return .uniform(lo, hi)
        }
        return m["geometric"]?.duration(tick: tick).map { .geometric(mean: $0) }
    }

    static func readCuration(_ v: YAMLValue) -> (any CurationPolicy)? {
        if let s = v.scalarText, v.node.mapping == nil {
            switch v.oneOf(curations) {
            case "random": return RandomCuration()
            case "stratified": return StratifiedCuration(bySlice: false)
            case "stratified_slice": return StratifiedCuration(bySlice: true)
            case "feedback": return FeedbackCuration(p: 0.3, q: 0.02)
            case "least_confidence": return UncertaintyCuration(.leastConfidence)
            case "margin": return UncertaintyCuration(.margin)
            case "entropy": return UncertaintyCuration(.entropy)
            case "committee": return CommitteeCuration(members: 5)
            default: _ = s; return nil
            }
        }
        guard let m = v.mapping(allowed: ["feedback", "committee"]), m.count == 1 else {
            v.fail("give one curation: \(curations.joined(separator: ", ")), {feedback: {p: 0.3, q: 0.02}} or {committee: 5}")
            return nil
        }
        if let f = m["feedback"] {
            guard let fm = f.mapping(allowed: ["p", "q"]) else { return nil }
            return FeedbackCuration(p: fm["p"]?.double(min: 0, max: 1) ?? 0.3, q: fm["q"]?.double(min: 0, max: 1) ?? 0.02)
        }
        return m["committee"]?.int(min: 2, max: 50).map { CommitteeCuration(members: $0) }
    }
}

/// Reads one entry of `strategies:`.
enum StrategyReader {
    static let keys = ["name", "trigger", "dataset", "labels", "logging", "model", "gate", "rollout", "warm_start", "training_latency"]
    static let triggerKeys = ["never", "online", "every", "volume", "performance", "detector", "drift", "any", "all", "cooldown", "min_new_labels"]

    /// What reading a strategy needs from the rest of the scenario.
    struct Context {
        var tick: Span
        var schema: FeatureSchema?
        var seed: UInt64
        /// The run's ticks and (roughly) its events, to warn of values the run cannot use.
        var horizon: Int?
        var events: Double?

        /// Warns when a duration in ticks is longer than the run.
        func warnBeyondHorizon(_ ticks: Double?, at x: YAMLValue?, _ consequence: String) {
            guard let horizon, let ticks, let x, ticks > Double(horizon) else { return }
            x.warn("\(fmtTicks(ticks)) ticks is longer than the run's \(horizon): \(consequence)")
        }

        /// Warns when a count of labels or rows is more than the run has events.
        func warnBeyondEvents(_ count: Int?, at x: YAMLValue?, _ consequence: String) {
            guard let events, let count, let x, Double(count) > events else { return }
            x.warn("\(count) is more than the run's \(Limits.grouped(Int(events))) events: \(consequence)")
        }
    }

    /// The run's horizon and event count (`horizon`, `events`) only serve warnings.
    static func read(_ v: YAMLValue, tick: Span, schema: FeatureSchema?, seed: UInt64, model: any Learner, labels: LabelingPolicy,
                     edgeCases: [EdgeCase] = [], horizon: Int? = nil, events: Double? = nil) -> StrategySpec? {
        let context = Context(tick: tick, schema: schema, seed: seed, horizon: horizon, events: events)
        guard let m = v.mapping(allowed: keys) else { return nil }
        guard let nameValue = m["name"] else { v.fail("missing required key 'name'"); return nil }
        guard let name = nameValue.name() else { return nil }
        var trigger = TriggerConfig(policy: NeverTrigger())
        if let t = m["trigger"] { trigger = readTriggerConfig(t, context) ?? trigger }
        var dataset: any DatasetPolicy = AllLabels()
        if let d = m["dataset"] { dataset = readDataset(d, context) ?? dataset }
        let labeling = m["labels"].flatMap { LabelsReader.read($0, tick: tick, base: labels, horizon: horizon) }
            ?? labels
        let learner = m["model"].flatMap { ModelReader.read($0, schema: schema) } ?? model
        var gate = GatePolicy()
        if let g = m["gate"]?.mapping(allowed: ["holdout", "min_gain", "slice_margin", "edge_cases", "edge_margin"]) {
            gate.holdout = g["holdout"]?.double(min: 0, max: 0.9) ?? 0
            gate.minGain = g["min_gain"]?.double(min: -1, max: 1) ?? 0
            gate.sliceMargin = g["slice_margin"]?.double(min: 0, max: 1)
            gate.edgeMargin = g["edge_margin"]?.double(min: 0, max: 1) ?? 0
            for x in g["edge_cases"]?.sequence() ?? [] {
                guard let name = x.string() else { continue }
                if let e = edgeCases.first(where: { $0.name == name }) { gate.edgeCases.append(e) }
                else { x.fail("no edge case named '\(name)'", hint: nearest(name, in: edgeCases.map(\.name)).map { "did you mean '\($0)'?" } ?? "define it under edge_cases: at the top of the scenario") }
            }
            if gate.holdout == 0, g["min_gain"] != nil || g["slice_margin"] != nil {
                (g["min_gain"] ?? g["slice_margin"])!.fail("a gate needs a holdout share, e.g. holdout: 0.2")
            }
        }
        var logging: any LoggingPolicy = LogAll()
        if let l = m["logging"] {
            if l.scalarText == "all" { logging = LogAll() }
            else if l.scalarText == "profiles" { logging = ProfilesLogging() }
            else if let lm = l.mapping(allowed: ["sample", "stratified", "by"]), lm.count == 1 || (lm.count == 2 && lm["by"] != nil) {
                if let r = lm["sample"]?.double(min: 0, max: 1, exclusiveMin: true) {
                    logging = SampledLogging(rate: r)
                    if lm["by"] != nil { lm["by"]!.fail("'by' applies to stratified logging") }
                }
                if let r = lm["stratified"]?.double(min: 0, max: 1, exclusiveMin: true) {
                    logging = StratifiedLogging(rate: r, bySlice: (lm["by"]?.oneOf(["class", "slice"]) ?? "class") == "slice")
                }
            } else { l.fail("give all, profiles, {sample: 0.1} or {stratified: 0.1}") }
            if logging.profilesOnly, !trigger.policy.worksOnProfiles {
                l.fail("with profiles-only logging there are no raw rows: drift triggers use ks, wasserstein or psi on sketches, and detectors run only on the error stream")
            }
        }
        var rollout: any RolloutPolicy = ImmediateRollout()
        if let ro = m["rollout"] { rollout = readRollout(ro, context) ?? rollout }
        let warm = m["warm_start"]?.bool() ?? false
        let latency = m["training_latency"].flatMap { LabelsReader.wholeTicks($0, tick) } ?? 0
        context.warnBeyondHorizon(Double(latency), at: m["training_latency"], "no training finishes within the run")
        return StrategySpec(name: name, trigger: trigger, dataset: dataset, labeling: labeling, learner: learner, gate: gate,
                            logging: logging, rollout: rollout, warmStart: warm, trainingLatency: latency)
    }

    static func readDataset(_ d: YAMLValue, _ context: Context) -> (any DatasetPolicy)? {
        let tick = context.tick
        let keepsAll = "it keeps every label, as dataset: all would"
        func window(_ x: YAMLValue?) -> Double? {
            let w = x?.duration(tick: tick, allowZero: false)
            context.warnBeyondHorizon(w, at: x, keepsAll)
            return w
        }
        func size(_ x: YAMLValue) -> Int? {
            let n = x.count(min: 1, unit: "rows")
            context.warnBeyondEvents(n, at: x, keepsAll)
            return n
        }
        if let s = d.scalarText, d.node.mapping == nil {
            switch d.oneOf(["all", "since_last_training"]) {
            case "all": return AllLabels()
            case "since_last_training": return SinceLastTraining()
            default: _ = s; return nil
            }
        }
        guard let dm = d.mapping(allowed: ["window", "count", "sample", "half_life", "hardest"]) else { return nil }
        if let h = dm["hardest"] {
            guard let size = size(h) else { return nil }
            return HardestDataset(size: size, window: window(dm["window"]) ?? .infinity)
        }
        if let sm = dm["sample"] {
            guard let size = size(sm) else { return nil }
            if dm["window"] != nil || dm["count"] != nil { d.fail("sample takes half_life, not window or count") }
            return SampleDataset(size: size, halfLife: dm["half_life"]?.duration(tick: tick, allowZero: false))
        }
        if dm["half_life"] != nil { dm["half_life"]!.fail("half_life applies to sample") }
        if dm.count > 1 { d.fail("give one of window or count") }
        if let w = window(dm["window"]) { return WindowDataset(ticks: w) }
        if let c = dm["count"].flatMap(size) { return CountDataset(c) }
        return nil
    }

    static func readRollout(_ v: YAMLValue, _ context: Context) -> (any RolloutPolicy)? {
        let tick = context.tick
        if v.scalarText == "immediate" { return ImmediateRollout() }
        guard let m = v.mapping(allowed: ["immediate", "shadow", "canary", "ab"]), m.count == 1, let (kind, x) = m.first else {
            v.fail("give one rollout: immediate, {shadow: {ticks: 7}}, {canary: {fraction: 0.1, ticks: 7}} or {ab: {split: 0.5, ticks: 14}}")
            return nil
        }
        if kind == "immediate" { return ImmediateRollout() }
        guard let o = x.mapping(allowed: ["ticks", "margin", "fraction", "split", "alpha"]) else { return nil }
        let ticks = o["ticks"].flatMap { LabelsReader.wholeTicks($0, tick) } ?? (kind == "ab" ? 14 : 7)
        if ticks < 1 { o["ticks"]!.fail("must be at least one tick"); return nil }
        context.warnBeyondHorizon(Double(ticks), at: o["ticks"], "no \(kind) rollout ends within the run")
        switch kind {
        case "shadow": return ShadowRollout(ticks: ticks, margin: o["margin"]?.double(min: -1, max: 1) ?? 0)
        case "canary": return CanaryRollout(fraction: o["fraction"]?.double(min: 0, max: 1, exclusiveMin: true) ?? 0.1, ticks: ticks,
                                      margin: o["margin"]?.double(min: 0, max: 1) ?? 0.01)
        default: return ABRollout(split: o["split"]?.double(min: 0, max: 1, exclusiveMin: true) ?? 0.5, ticks: ticks,
                            alpha: o["alpha"]?.double(min: 0, max: 0.5, exclusiveMin: true) ?? 0.05)
        }
    }

    static func readTriggerConfig(_ v: YAMLValue, _ context: Context) -> TriggerConfig? {
        let tick = context.tick
        if let s = v.scalarText, v.node.mapping == nil {
            switch s {
            case "never": return TriggerConfig(policy: NeverTrigger())
            case "online": return TriggerConfig(policy: OnlineTrigger())
            default:
                v.fail("'\(s)' is not a trigger", hint: nearest(s, in: ["never", "online"]).map { "did you mean '\($0)'?" } ?? "write never, online, or a mapping such as {every: 7d}")
                return nil
            }
        }
        guard let m = v.mapping(allowed: triggerKeys) else { return nil }
        let cooldown = m["cooldown"]?.duration(tick: tick) ?? 0
        context.warnBeyondHorizon(cooldown, at: m["cooldown"], "the trigger fires at most once")
        let minNew = m["min_new_labels"]?.count(min: 0, unit: "labels") ?? 1
        context.warnBeyondEvents(minNew, at: m["min_new_labels"], "the trigger never fires")
        let policies = m.filter { $0.key != "cooldown" && $0.key != "min_new_labels" }
        guard policies.count == 1, let (key, value) = policies.first else {
            v.fail(policies.isEmpty ? "name a trigger: never, online, every, volume, performance, detector, any or all"
                                    : "give one trigger per strategy; combine several with any: [...] or all: [...]")
            return nil
        }
        guard let policy = readPolicy(key, value, context) else { return nil }
        return TriggerConfig(policy: policy, cooldown: cooldown, minNewLabels: minNew)
    }

    static func readPolicy(_ key: String, _ v: YAMLValue, _ context: Context) -> (any TriggerPolicy)? {
        let tick = context.tick
        switch key {
        case "never": return NeverTrigger()
        case "online": return OnlineTrigger()
        case "every":
            let every = v.duration(tick: tick, allowZero: false)
            context.warnBeyondHorizon(every, at: v, "the trigger never fires")
            return every.map { PeriodicTrigger(every: $0) }
        case "volume":
            let labels = v.count(min: 1, unit: "labels")
            context.warnBeyondEvents(labels, at: v, "the trigger never fires")
            return labels.map { VolumeTrigger(labels: $0) }
        case "performance":
            guard let m = v.mapping(allowed: ["threshold", "drop", "window"]) else { return nil }
            let threshold = m["threshold"]?.double(min: 0, max: 1), drop = m["drop"]?.double(min: 0, max: 1)
            if threshold == nil && drop == nil { v.fail("give threshold (an accuracy floor) or drop (a fall from the post-deployment accuracy)") ; return nil }
            let window = m["window"]?.duration(tick: tick, allowZero: false)
            context.warnBeyondHorizon(window, at: m["window"], "the window never fills, so the trigger never fires")
            return PerformanceTrigger(threshold: threshold, drop: drop, window: window ?? 7)
        case "detector":
            guard let m = v.node.mapping else { v.fail("expected {name: adwin, delta: 0.002, …}"); return nil }
            var name: String?
            var feature: Int?
            var params: [String: Double] = [:]
            for (k, val) in m {
                let key = k.scalar?.string ?? "?"
                let x = YAMLValue(node: val, path: v.child(key), diagnostics: v.diagnostics)
                switch key {
                case "name": name = x.string()
                case "on":
                    guard let on = x.string(), on != "error" else { continue }
                    feature = featureIndex(on, x, context.schema)
                default: if let d = x.double() { params[key] = d }
                }
            }
            guard let name else { v.fail("missing required key 'name'", hint: "e.g. detector: {name: adwin, delta: 0.002}"); return nil }
            do { _ = try DetectorCatalog.make(name, parameters: params) } catch let e as FlywheelError {
                v.fail(e.message, hint: e.hint)
                return nil
            } catch { v.fail("\(error)"); return nil }
            return DetectorTrigger(name: name, parameters: params, feature: feature)
        case "drift":
            return readDrift(v, context)
        case "any", "all":
            guard let list = v.sequence() else { return nil }
            let parts: [any TriggerPolicy] = list.compactMap { item in
                if let s = item.scalarText, item.node.mapping == nil { return readPolicy(s, item, context) }
                guard let m = item.mapping(allowed: triggerKeys.filter { $0 != "cooldown" && $0 != "min_new_labels" }), m.count == 1,
                      let (k, x) = m.first else { item.fail("each entry is one trigger, e.g. {every: 7d}"); return nil }
                return readPolicy(k, x, context)
            }
            guard parts.count == list.count, !parts.isEmpty else { return nil }
            return CompositeTrigger(key == "any" ? .any : .all, parts)
        default: return nil
        }
    }

    static func featureIndex(_ name: String, _ x: YAMLValue, _ schema: FeatureSchema?) -> Int? {
        guard let schema else { return nil }
        if let i = schema.features.firstIndex(of: name) { return i }
        x.fail("no feature named '\(name)'", hint: nearest(name, in: schema.features).map { "did you mean '\($0)'?" } ?? "features: \(schema.features.joined(separator: ", "))")
        return nil
    }

    static func readDrift(_ v: YAMLValue, _ context: Context) -> (any TriggerPolicy)? {
        guard let m = v.mapping(allowed: ["on", "features", "projection", "dimensions", "metric", "threshold", "window", "reference", "share"]) else { return nil }
        let on = m["on"]?.oneOf(["output", "features", "projection"]) ?? "output"
        let metricNames = DistanceMetric.allCases.filter { $0 != .mmd }.map(\.rawValue)
        let metric = (m["metric"]?.oneOf(metricNames)).flatMap { DistanceMetric(rawValue: $0) } ?? .wasserstein
        guard let threshold = m["threshold"]?.double(min: 0) else {
            if m["threshold"] == nil { v.fail("missing required key 'threshold'", hint: "the distance above which to retrain, e.g. threshold: 0.1") }
            return nil
        }
        let windowTicks = m["window"]?.duration(tick: context.tick, allowZero: false)
        context.warnBeyondHorizon(windowTicks, at: m["window"], "the window never fills, so the trigger never fires")
        let window = windowTicks ?? 7
        let reference = (m["reference"]?.oneOf(["training", "first_window"])).flatMap { DriftTrigger.Reference(rawValue: $0) } ?? .training
        let share = m["share"]?.double(min: 0, max: 1) ?? 0
        var channel = DriftTrigger.Channel.output
        let d = context.schema?.dimension ?? 0
        switch on {
        case "features":
            var indices = Array(0..<d)
            if let list = m["features"]?.sequence() { indices = list.compactMap { x in x.string().flatMap { featureIndex($0, x, context.schema) } } }
            channel = .inputs(.features(indices))
        case "projection":
            switch m["projection"]?.oneOf(["norm", "mean", "random"]) ?? "norm" {
            case "mean": channel = .inputs(.rowMean)
            case "random":
                let k = m["dimensions"]?.int(min: 1, max: 64) ?? 3
                guard d > 0, let directions = try? RandomDirections(inputDimension: d, outputs: k, stream: RandomStream(seed: context.seed, path: "projection")) else { return nil }
                channel = .inputs(.random(directions))
            default: channel = .inputs(.rowNorm)
            }
        default: break
        }
        if on != "features", m["features"] != nil { m["features"]!.fail("features apply to on: features") }
        return DriftTrigger(on: channel, metric: metric, threshold: threshold, window: window, reference: reference, share: share)
    }
}

/// Reads the scenario's `edge_cases:` mapping: `{name: {feature: x0, above: 9, below: 10}}`, or a
/// box on several features, `{name: {where: {x0: [3, 6], x1: [8, null]}}}` (see ``RegionReader``).
enum EdgeCaseReader {
    static func read(_ v: YAMLValue, schema: FeatureSchema?) -> [EdgeCase] {
        guard let m = v.node.mapping else { v.fail("expected a mapping of names to {feature, above, below} or {where: {x1: [0, 3]}}"); return [] }
        var out: [EdgeCase] = []
        for (k, val) in m {
            let name = k.scalar?.string ?? "?"
            let x = YAMLValue(node: val, path: v.child(name), diagnostics: v.diagnostics)
            guard YAMLValue(node: k, path: x.path, diagnostics: v.diagnostics).name() != nil else { continue }
            guard let e = x.mapping(allowed: ["feature", "above", "below", "where"]) else { continue }
            if let w = e["where"] {
                if e.count > 1 { x.fail("give either where: {…} or feature, above and below") ; continue }
                if let bounds = RegionReader.box(w, schema: schema) { out.append(EdgeCase(name: name, bounds: bounds)) }
                continue
            }
            guard let fv = e["feature"], let fname = fv.string() else { x.fail("name the feature: {feature: x0, above: 9}"); continue }
            guard let f = StrategyReader.featureIndex(fname, fv, schema) else { continue }
            let low = e["above"]?.double() ?? -.infinity, high = e["below"]?.double() ?? .infinity
            if low > high { x.fail("'above' is larger than 'below': the edge case is empty"); continue }
            out.append(EdgeCase(name: name, feature: f, low: low, high: high))
        }
        return out
    }
}

/// A tick count for messages: `12`, `2.5`, `1e+300`.
func fmtTicks(_ t: Double) -> String {
    t == t.rounded() && abs(t) < 1e15 ? String(Int(t)) : String(t)
}
