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
    /// The schedule types and the targets of a drift.
    enum Schedule: String, CaseIterable { case instantaneous, gradual, incremental, periodic, temporary }
    enum Target: String, CaseIterable { case concept, covariates, prior, labelNoise = "label_noise", quality }
    static let types = Schedule.allCases.map(\.rawValue)
    static let targets = Target.allCases.map(\.rawValue)

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
        switch Schedule(rawValue: type) ?? .temporary {
        case .instantaneous:
            if let at = need("at")?.duration(tick: tick) { schedule = .instantaneous(at: at) }
        case .gradual:
            let shape = m["shape"]?.oneOf(["sigmoid", "linear"]) ?? "sigmoid"
            if let c = need("center")?.duration(tick: tick), let w = need("width")?.duration(tick: tick, allowZero: false) {
                schedule = .gradual(center: c, width: w, linear: shape == "linear")
            }
        case .incremental:
            if let s = need("start")?.duration(tick: tick), let e = need("end")?.duration(tick: tick) {
                if e <= s { m["end"]!.fail("must come after start") } else { schedule = .incremental(start: s, end: e) }
            }
        case .periodic:
            let shape = m["shape"]?.oneOf(["sine", "square"]) ?? "sine"
            if let p = need("period")?.duration(tick: tick, allowZero: false) {
                schedule = .periodic(period: p, phase: m["phase"]?.duration(tick: tick) ?? 0, square: shape == "square",
                                     duty: m["duty"]?.double(min: 0, max: 1) ?? 0.5, start: m["start"]?.duration(tick: tick) ?? 0)
            }
        case .temporary:
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
        switch Target(rawValue: targetName) ?? .concept {
        case .concept:
            guard let conceptCount else { return nil }
            guard conceptCount > 1 else { v.fail("this generator has a single concept: a concept drift needs two"); return nil }
            let to = m["to"]?.int(min: 0, max: conceptCount - 1) ?? (previousConcept + 1) % conceptCount
            target = .concept(to: to)
            if case .temporary = schedule {} else if case .periodic = schedule {} else { previousConcept = to }
        case .covariates:
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
        case .prior:
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
        case .labelNoise:
            if let r = need("rate")?.double(min: 0, max: 1) { target = .labelNoise(rate: r) }
        case .quality:
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
            key.warn("this drift starts at tick \(NumberText.plain(onset)), after the run's \(NumberText.plain(horizon)) ticks: "
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
            guard let f = key.featureIndex(name, in: schema) else { ok = false; continue }
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
            guard let f = fv.featureIndex(fname, in: schema) else { continue }
            let low = e["above"]?.double() ?? -.infinity, high = e["below"]?.double() ?? .infinity
            if low > high { x.fail("'above' is larger than 'below': the edge case is empty"); continue }
            out.append(EdgeCase(name: name, feature: f, low: low, high: high))
        }
        return out
    }
}
