import FlywheelCore
import Learners
import Monitoring
import Simulation
import Strategies
import Streams

/// A JSON value, encoded by `JSONEncoder` (with `.sortedKeys`, the same value gives the same bytes).
public indirect enum JSONValue: Encodable, Hashable, Sendable {
    case object([String: JSONValue])
    case array([JSONValue])
    case string(String)
    case number(Double)
    case integer(Int)
    case bool(Bool)
    case null

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public func encode(to encoder: Encoder) throws {
        switch self {
        case .object(let members):
            var c = encoder.container(keyedBy: Key.self)
            for (k, v) in members { try c.encode(v, forKey: Key(stringValue: k)) }
        case .array(let items):
            var c = encoder.unkeyedContainer()
            for v in items { try c.encode(v) }
        case .string(let s):
            var c = encoder.singleValueContainer()
            try c.encode(s)
        case .number(let d):
            var c = encoder.singleValueContainer()
            if d.isFinite { try c.encode(d) } else { try c.encodeNil() }
        case .integer(let i):
            var c = encoder.singleValueContainer()
            try c.encode(i)
        case .bool(let b):
            var c = encoder.singleValueContainer()
            try c.encode(b)
        case .null:
            var c = encoder.singleValueContainer()
            try c.encodeNil()
        }
    }

    /// The members of an object (empty for anything else).
    public var members: [String: JSONValue] {
        if case .object(let m) = self { return m }
        return [:]
    }
}

/// A top-level key of a scenario file: what it means and the keys it takes, as `flywheel list keys`
/// shows it and as the schema describes it.
public struct ScenarioKeyInfo: Hashable, Sendable {
    public var key: String
    public var meaning: String
    /// The keys of its mapping (or of each entry of its list); empty for a scalar.
    public var subKeys: [String]
    public var required: Bool
}

extension ScenarioLoader {
    /// Every top-level key the loader accepts, in its order.
    public static var topLevelKeys: [String] { rootKeys }

    /// The keys of `clock:` (for a replay, `tick`, `start` and `ticks` of the replayed file's time).
    static let clockKeys = ["tick", "ticks", "events_per_tick", "start"]
    /// The keys of a synthetic `stream:`.
    static let syntheticStreamKeys = ["generator", "params", "concept", "noise", "warmup", "volume"]
    /// The keys of `stream.volume`.
    static let volumeKeys = ["amplitude", "period", "growth", "spikes", "spike_factor"]
    /// The keys of an edge case.
    static let edgeCaseKeys = ["feature", "above", "below", "where"]

    /// The meaning and sub-keys of every top-level key, in the loader's order.
    public static var topLevelKeyInfo: [ScenarioKeyInfo] {
        let labels = LabelingPolicy.catalog.flatMap { $0.parameters.map(\.name) }
        let meanings: [String: (String, [String], Bool)] = [
            "name": ("the scenario's name: its default results folder is results/<slug of the name>", [], true),
            "description": ("free text: what question the scenario asks (shown in the report)", [], false),
            "seed": ("the root of every random stream (default 42); the same seed gives the same bytes", [], false),
            "replicates": ("independent runs of the traffic, for intervals over replicates (default 1)", [], false),
            "clock": (
                "ticks: their length, count, events per tick and start date (a replay takes its clock from the file; "
                    + "then only tick applies)", clockKeys, false
            ),
            "stream": (
                "the traffic: a synthetic generator with its parameters, or {replay: {path, label, …}} of a CSV file "
                    + "or SQLite table", syntheticStreamKeys + ReplayReader.streamKeys, true
            ),
            "drifts": (
                "the changes injected into the traffic, each a schedule (type) and what it changes (target)",
                DriftReader.keys, false
            ),
            "model": (
                "the model family and its parameters, shared by every strategy that does not set its own",
                ["family"], false
            ),
            "labels": (
                "how labels arrive, shared by every strategy that does not set its own: coverage, budget, delay, "
                    + "noise, price and curation", labels, false
            ),
            "costs": (
                "the prices of the cost model: an error, a training (fixed, per training row, per unit of work), "
                    + "a deployment, a rollback", CostModel.keys, false
            ),
            "strategies": (
                "the retraining strategies compared on the same traffic: each a trigger, a dataset, and "
                    + "optionally its own labels, logging, model, gate and rollout", StrategySpec.keys, true
            ),
            "reference": ("the strategy the others' opportunity cost is measured against", [], false),
            "detection": (
                "how drift detections are scored: tolerance, the delay after a drift's start within which an "
                    + "alarm counts as its detection (default 10 ticks)", ["tolerance"], false
            ),
            "analysis": (
                "the report's analysis: floor, the accuracy below (or MAE above) which a tick counts as failing",
                ["floor"], false
            ),
            "metrics": (
                "extra metrics computed beside the primary one: "
                    + ExtraMetric.allCases.map(\.rawValue).joined(separator: ", "), [], false
            ),
            "edge_cases": (
                "named regions of the input space (a feature's range, or a box on several features) that "
                    + "gates and subpopulation drifts name", edgeCaseKeys, false
            ),
            "sweep": (
                "a grid of one strategy's parameters by key path, run by `flywheel sweep`", SweepReader.keys, false
            ),
            "oracle": (
                "the hindsight-optimal schedule of one strategy's dataset policy, run by `flywheel oracle` and "
                    + "`flywheel run`", Catalog.oracle.parameters.map(\.name), false
            ),
        ]
        return rootKeys.map { key in
            let m = meanings[key] ?? ("", [], false)
            return ScenarioKeyInfo(key: key, meaning: m.0, subKeys: m.1, required: m.2)
        }
    }
}

/// The JSON Schema (draft 2020-12) of scenario files, built from the registries the loader reads
/// components from (``Catalog``, ``Triggers``, ``LearnerCatalog``, ``DetectorCatalog``, …) and its
/// lists of accepted keys, so that an editor completes and checks what the loader accepts: every
/// component name as an enum, every parameter with its type and default.
///
/// The schema checks structure (keys, names, types); the loader still checks values against each
/// other (a window longer than the run, a feature that the stream lacks).
public enum ScenarioSchema {
    /// The schema as a JSON value.
    public static var document: JSONValue {
        let keyInfo = Dictionary(uniqueKeysWithValues: ScenarioLoader.topLevelKeyInfo.map { ($0.key, $0) })
        var properties: [String: JSONValue] = [:]
        for key in ScenarioLoader.topLevelKeys {
            var s = topLevel(key).members
            s["description"] = .string(keyInfo[key]?.meaning ?? key)
            properties[key] = .object(s)
        }
        return .object([
            "$schema": .string("https://json-schema.org/draft/2020-12/schema"),
            "title": .string("Flywheel scenario"),
            "description": .string(
                "A Flywheel scenario file (YAML): traffic, drifts, costs and the retraining strategies "
                    + "to compare. Generated by `flywheel schema` \(FlywheelVersion.current)."),
            "type": .string("object"),
            "required": .array(ScenarioLoader.topLevelKeyInfo.filter(\.required).map { .string($0.key) }),
            "additionalProperties": .bool(false),
            "properties": .object(properties),
            "$defs": .object(definitions),
        ])
    }

    // MARK: - Building blocks

    static func ref(_ name: String) -> JSONValue { .object(["$ref": .string("#/$defs/\(name)")]) }
    static func enumeration(_ names: [String], _ description: String? = nil) -> JSONValue {
        var o: [String: JSONValue] = ["type": .string("string"), "enum": .array(names.map { .string($0) })]
        if let description { o["description"] = .string(description) }
        return .object(o)
    }
    static func object(
        _ properties: [String: JSONValue], closed: Bool = true, required: [String] = [],
        description: String? = nil
    ) -> JSONValue {
        var o: [String: JSONValue] = ["type": .string("object"), "properties": .object(properties)]
        if closed { o["additionalProperties"] = .bool(false) }
        if !required.isEmpty { o["required"] = .array(required.map { .string($0) }) }
        if let description { o["description"] = .string(description) }
        return .object(o)
    }
    static func anyOf(_ alternatives: [JSONValue], description: String? = nil) -> JSONValue {
        var o: [String: JSONValue] = ["anyOf": .array(alternatives)]
        if let description { o["description"] = .string(description) }
        return .object(o)
    }
    static func typed(_ type: String, _ description: String) -> JSONValue {
        .object(["type": .string(type), "description": .string(description)])
    }
    static func described(_ description: String) -> JSONValue { .object(["description": .string(description)]) }

    /// The names a catalogue entry stands for (`any / all` is two).
    static func names(_ info: ComponentInfo) -> [String] {
        info.name.components(separatedBy: " / ").map { $0.trimmingCharacters(in: .whitespaces) }
    }

    /// A component's parameter: its type and default from ``ParameterDefault``, its documentation.
    static func parameter(_ p: ParameterInfo) -> JSONValue {
        var o: [String: JSONValue] = [:]
        switch p.value {
        case .real(let v):
            o["type"] = .string("number")
            o["default"] = .number(v)
        case .whole(let i):
            o["type"] = .string("integer")
            o["default"] = .integer(i)
        case .flag(let b):
            o["enum"] = .array([.integer(0), .integer(1), .bool(false), .bool(true)])
            o["default"] = .integer(b ? 1 : 0)
        case .choice(let names, let i):
            o["type"] = .string("string")
            o["enum"] = .array(names.map { .string($0) })
            o["default"] = .string(names[i])
        case .none:
            break
        }
        let shown = p.defaultValue.isEmpty || p.defaultValue == "—" ? "" : " (default: \(p.defaultValue))"
        o["description"] = .string(p.doc + shown)
        return .object(o)
    }

    /// A component's parameters as properties (a `…` entry, "its own parameters", leaves the mapping open).
    static func parameters(_ info: ComponentInfo, overriding: [String: JSONValue] = [:]) -> (JSONValue, open: Bool) {
        var props: [String: JSONValue] = [:]
        var open = false
        for p in info.parameters {
            if p.name == "…" { open = true; continue }
            props[p.name] = overriding[p.name] ?? parameter(p)
        }
        return (.object(props), open)
    }

    /// `then` branches: when `key` is one of a component's names, its parameters are the properties.
    static func perComponent(_ infos: [ComponentInfo], key: String, nested: String? = nil) -> [JSONValue] {
        infos.filter { !$0.parameters.isEmpty }.map { info in
            let (props, _) = parameters(info)
            let then: JSONValue =
                nested.map { .object(["properties": .object([$0: .object(["properties": props])])]) }
                ?? .object(["properties": props])
            return .object([
                "if": .object([
                    "properties": .object([key: .object(["enum": .array(names(info).map { .string($0) })])]),
                    "required": .array([.string(key)]),
                ]),
                "then": then,
            ])
        }
    }

    // MARK: - Definitions

    static var definitions: [String: JSONValue] {
        var d: [String: JSONValue] = [:]
        d["duration"] = .object([
            "type": .array([.string("string"), .string("number")]),
            "description": .string("a duration such as 7d, 12h, 2w or 30m, or a number of ticks"),
        ])
        d["model"] = model
        d["trigger"] = trigger
        d["triggerMapping"] = triggerMapping
        d["dataset"] = bareOrMapping(Datasets.catalog, "which labelled rows a training uses")
        d["logging"] = bareOrMapping(Loggings.catalog, "which served events are kept (for labelling and monitoring)")
        d["labels"] = labels
        d["curation"] = curation
        d["gate"] = gate
        d["rollout"] = rollout
        d["strategy"] = strategy
        d["drift"] = drift
        d["syntheticStream"] = syntheticStream
        d["replayStream"] = replayStream
        return d
    }

    static func topLevel(_ key: String) -> JSONValue {
        switch key {
        case "name", "description", "reference": return .object(["type": .string("string")])
        case "seed": return .object(["type": .string("integer"), "minimum": .integer(0), "default": .integer(42)])
        case "replicates":
            return .object([
                "type": .string("integer"), "minimum": .integer(1), "maximum": .integer(Limits.maxReplicates),
                "default": .integer(1),
            ])
        case "clock":
            return object(
                Dictionary(
                    (ScenarioLoader.clockKeys + ReplayReader.clockKeys)
                        .map { ($0, clockKey($0)) }, uniquingKeysWith: { a, _ in a }))
        case "stream": return anyOf([ref("syntheticStream"), ref("replayStream")])
        case "drifts": return .object(["type": .string("array"), "items": ref("drift")])
        case "model": return ref("model")
        case "labels": return ref("labels")
        case "costs":
            let docs = [
                "error": "price of one wrong prediction (or one unit of absolute error)",
                "retrain": "fixed price of a training", "retrain_per_sample": "price per training row",
                "retrain_per_unit": "price per unit of the model family's work measure (see flywheel list model)",
                "deploy": "price of a deployment", "rollback": "price of a rollback",
            ]
            return object(
                Dictionary(
                    uniqueKeysWithValues: CostModel.keys.map {
                        (
                            $0,
                            .object([
                                "type": .string("number"), "minimum": .integer(0),
                                "description": .string(docs[$0] ?? $0),
                            ])
                        )
                    }))
        case "strategies":
            return .object(["type": .string("array"), "minItems": .integer(1), "items": ref("strategy")])
        case "detection": return object(["tolerance": ref("duration")])
        case "analysis":
            return object(["floor": typed("number", "accuracy below which (MAE above which) a tick fails")])
        case "metrics":
            return .object(["type": .string("array"), "items": enumeration(ExtraMetric.allCases.map(\.rawValue))])
        case "edge_cases":
            let edge = object([
                "feature": typed("string", "a feature name"), "above": typed("number", "lower bound"),
                "below": typed("number", "upper bound"),
                "where": typed("object", "a box: feature → [low, high] (null for unbounded)"),
            ])
            return .object(["type": .string("object"), "additionalProperties": edge])
        case "sweep":
            return object(
                [
                    "strategy": typed("string", "the strategy whose parameters the grid varies"),
                    "grid": .object([
                        "type": .string("object"),
                        "description": .string("key path (e.g. trigger.every) → list of values"),
                        "additionalProperties": .object(["type": .string("array")]),
                    ]),
                ],
                required: ["strategy", "grid"])
        case "oracle":
            let (props, _) = parameters(
                Catalog.oracle,
                overriding: [
                    "strategy": typed("string", "the strategy whose dataset policy the oracle optimises"),
                    "max_age": ref("duration"),
                ])
            return object(props.members, required: ["strategy"])
        default: return .object([:])
        }
    }

    static func clockKey(_ key: String) -> JSONValue {
        switch key {
        case "tick": return typed("string", "tick length, e.g. 1d or 1h; for a replay also \"500 rows\"")
        case "ticks":
            return .object([
                "type": .string("integer"), "minimum": .integer(1), "maximum": .integer(Limits.maxTicks),
                "description": .string("number of ticks"),
            ])
        case "events_per_tick":
            return .object([
                "type": .string("integer"), "minimum": .integer(1), "default": .integer(1000),
                "description": .string("events served per tick"),
            ])
        case "start": return typed("string", "date of the first tick, e.g. 2024-01-01 (default 2024-01-01)")
        default: return .object([:])
        }
    }

    static var model: JSONValue {
        var o = object(
            ["family": enumeration(LearnerCatalog.all.map(\.name), "the model family")],
            closed: false, required: ["family"], description: "a model family and its parameters"
        ).members
        o["allOf"] = .array(perComponent(LearnerCatalog.all, key: "family"))
        return .object(o)
    }

    /// A word (a component without parameters) or a mapping of the parameters of the others.
    static func bareOrMapping(_ infos: [ComponentInfo], _ description: String) -> JSONValue {
        let bare = infos.filter { $0.parameters.isEmpty }.flatMap(names)
        var props: [String: JSONValue] = [:]
        for info in infos where !info.parameters.isEmpty {
            for p in info.parameters where props[p.name] == nil { props[p.name] = parameter(p) }
        }
        return anyOf([enumeration(bare), object(props)], description: description)
    }

    static var trigger: JSONValue {
        let bare = Triggers.all.filter { $0.isBareWord }.flatMap { $0.keys }
        return anyOf(
            [enumeration(bare), ref("triggerMapping")],
            description: "when the strategy retrains: a word, or a mapping of one trigger and its guards")
    }

    static var triggerMapping: JSONValue {
        var props: [String: JSONValue] = [:]
        let distances = DistanceMetric.allCases.map(\.rawValue)
        for kind in Triggers.all where !kind.isBareWord {
            let info = kind.info
            for key in kind.keys {
                if ObjectIdentifier(kind) == ObjectIdentifier(CompositeTrigger.self) {
                    props[key] = .object([
                        "type": .string("array"), "items": ref("trigger"),
                        "description": .string(info.summary),
                    ])
                } else if info.parameters.count == 1 {
                    var p = parameter(info.parameters[0]).members
                    p["description"] = .string(
                        info.summary + " "
                            + (p["description"].flatMap {
                                if case .string(let s) = $0 { return "Value: \(s)." } else { return nil }
                            } ?? ""))
                    props[key] = .object(p)
                } else {
                    let (params, open) = parameters(
                        info,
                        overriding: [
                            "name": enumeration(DetectorCatalog.all.map(\.name), "the detector"),
                            "metric": enumeration(distances, "the distance (see flywheel list distance)"),
                        ])
                    var o = object(params.members, closed: !open, description: info.summary).members
                    if ObjectIdentifier(kind) == ObjectIdentifier(DetectorTrigger.self) {
                        o["required"] = .array([.string("name")])
                        o["allOf"] = .array(perComponent(DetectorCatalog.all, key: "name"))
                    }
                    props[key] = .object(o)
                }
            }
        }
        for option in TriggerConfig.options {
            var p = parameter(option.parameters.first ?? ParameterInfo(option.name, "", "")).members
            p["description"] = .string(option.summary)
            if option.name == "cooldown" { p["type"] = .array([.string("string"), .string("number")]) }
            props[option.name] = .object(p)
        }
        var o = object(props).members
        o["minProperties"] = .integer(1)
        return .object(o)
    }

    static var labels: JSONValue {
        let info = LabelingPolicy.catalog[0]
        let (props, _) = parameters(
            info,
            overriding: [
                "curation": ref("curation"),
                "delay": anyOf(
                    [
                        ref("duration"),
                        object([
                            "uniform": .object(["type": .string("array")]),
                            "geometric": ref("duration"),
                        ]),
                    ],
                    description: "ticks or a duration; or {uniform: [1d, 5d]} or {geometric: 3d}"),
            ])
        return object(props.members, description: info.summary)
    }

    static var curation: JSONValue {
        var props: [String: JSONValue] = [:]
        for info in Curations.catalog where !info.parameters.isEmpty {
            if info.parameters.count == 1, info.parameters[0].name == info.name {
                props[info.name] = parameter(info.parameters[0])
            } else {
                props[info.name] = object(parameters(info).0.members, description: info.summary)
            }
        }
        var mapping = object(props).members
        mapping["maxProperties"] = .integer(1)
        return anyOf(
            [enumeration(Curations.names), .object(mapping)],
            description: "which logged events get labels first")
    }

    static var gate: JSONValue {
        let info = GatePolicy.catalog[0]
        let quality = object([
            "missing": typed("number", "largest rise of a feature's missing share"),
            "out_of_range": typed("number", "largest share of values outside the training range"),
            "unseen": typed("number", "largest share of unknown categories"),
            "volume_drop": typed("number", "largest fall of a tick's events"),
        ])
        let (props, _) = parameters(
            info,
            overriding: [
                "quality": quality,
                "edge_cases": .object([
                    "type": .string("array"), "items": .object(["type": .string("string")]),
                    "description": .string("names from the scenario's edge_cases:"),
                ]),
            ])
        return object(props.members, description: info.summary)
    }

    static var rollout: JSONValue {
        var props: [String: JSONValue] = [:]
        for info in Rollouts.catalog {
            props[info.name] = object(parameters(info).0.members, description: info.summary)
        }
        var mapping = object(props).members
        mapping["maxProperties"] = .integer(1)
        let bare = Rollouts.catalog.filter { $0.parameters.isEmpty }.map(\.name)
        return anyOf([enumeration(bare), .object(mapping)], description: "how a new model goes live")
    }

    static var strategy: JSONValue {
        var props: [String: JSONValue] = [:]
        for key in StrategySpec.keys {
            switch key {
            case "name": props[key] = typed("string", "the strategy's name (unique)")
            case "trigger", "dataset", "labels", "logging", "model", "gate", "rollout": props[key] = ref(key)
            case "warm_start":
                props[key] = .object([
                    "type": .string("boolean"), "default": .bool(false),
                    "description": .string("continue training the champion instead of starting afresh"),
                ])
            case "training_latency":
                var d = ref("duration").members
                d["description"] = .string("time a training takes before its model can be deployed (a duration)")
                props[key] = .object(d)
            default: props[key] = .object([:])
            }
        }
        return object(props, required: ["name"])
    }

    static var drift: JSONValue {
        let schedules = Drift.catalog.filter { $0.family == "drift" }
        let targets = Drift.catalog.filter { $0.family == "drift-target" }
        var props: [String: JSONValue] = [:]
        for info in schedules + targets {
            for p in info.parameters where props[p.name] == nil { props[p.name] = parameter(p) }
        }
        for key in DriftReader.keys where props[key] == nil { props[key] = .object([:]) }
        props["name"] = typed("string", "a label for the drift in reports")
        props["type"] = enumeration(
            DriftReader.types,
            "the schedule: "
                + schedules.map { "\($0.name): \($0.summary)" }.joined(separator: " "))
        props["target"] = enumeration(
            DriftReader.targets,
            "what changes (default concept): "
                + targets.map { "\($0.name): \($0.summary)" }.joined(separator: " "))
        // Only the keys the loader reads.
        props = props.filter { DriftReader.keys.contains($0.key) }
        return object(props, required: ["type"])
    }

    static var syntheticStream: JSONValue {
        var props: [String: JSONValue] = [:]
        for key in ScenarioLoader.syntheticStreamKeys {
            switch key {
            case "generator": props[key] = enumeration(GeneratorCatalog.all.map(\.name), "the traffic generator")
            case "params": props[key] = typed("object", "the generator's parameters (see flywheel list generator)")
            case "concept":
                props[key] = .object(["type": .string("integer"), "minimum": .integer(0), "default": .integer(0)])
            case "noise":
                props[key] = .object([
                    "type": .string("number"), "minimum": .integer(0), "maximum": .integer(1),
                    "default": .integer(0), "description": .string("share of labels flipped"),
                ])
            case "warmup": props[key] = typed("integer", "labelled events the initial model is fitted on")
            case "volume":
                props[key] = object(
                    Dictionary(
                        uniqueKeysWithValues: ScenarioLoader.volumeKeys.map { k in
                            (
                                k,
                                k == "period"
                                    ? ref("duration")
                                    : k == "spikes"
                                        ? .object(["type": .string("array")])
                                        : .object(["type": .string("number")])
                            )
                        }))
            default: props[key] = .object([:])
            }
        }
        var o = object(props, required: ["generator"]).members
        o["allOf"] = .array(perComponent(GeneratorCatalog.all, key: "generator", nested: "params"))
        return .object(o)
    }

    static var replayStream: JSONValue {
        let info = ReplayCatalog.replay
        var params = parameters(info).0.members
        for key in ReplayReader.mappingKeys where params[key] == nil { params[key] = .object([:]) }
        params = params.filter { ReplayReader.mappingKeys.contains($0.key) }
        var props: [String: JSONValue] = [:]
        for key in ReplayReader.streamKeys {
            props[key] =
                key == "replay"
                ? object(params, required: ["path"], description: info.summary)
                : typed("integer", "ticks of the file's start used to fit the initial model")
        }
        return object(props, required: ["replay"])
    }
}
