import FlywheelCore
import Learners

/// Fires when any (or all) of its triggers fire at the same tick; every part is updated at
/// every tick, whatever the others say.
public struct CompositeTrigger: TriggerPolicy {
    public static let info = ComponentInfo(family: "trigger", name: "any / all",
                                           summary: "Composite: fire when any / all of the listed triggers fire.")

    public enum Rule: String, Hashable, Sendable {
        case any, all
    }

    public var rule: Rule
    public var parts: [any TriggerPolicy]

    public init(_ rule: Rule, _ parts: [any TriggerPolicy]) {
        self.rule = rule
        self.parts = parts
    }

    public static var examples: [Self] {
        [CompositeTrigger(.any, [PeriodicTrigger(every: 5), VolumeTrigger(labels: 200)]),
         CompositeTrigger(.all, [EveryTickTrigger(), PerformanceTrigger(threshold: 0.9, drop: nil, window: 2)])]
    }

    public var needsInputs: Bool { parts.contains { $0.needsInputs } }

    public static var keys: [String] { ["any", "all"] }

    /// `{any: [{every: 30d}, {detector: {name: adwin}}]}`: a list of triggers, each a bare word or
    /// a mapping of one trigger.
    public static func read(_ key: String, _ v: ConfigValue, _ c: ReadContext) -> CompositeTrigger? {
        guard let list = v.sequence() else { return nil }
        let parts: [any TriggerPolicy] = list.compactMap { item in
            if let s = item.scalarText, item.node.mapping == nil { return Triggers.read(s, item, c) }
            guard let m = item.mapping(allowed: Triggers.keys), m.count == 1, let (k, x) = m.first else {
                item.fail("each entry is one trigger, e.g. {every: 7d}")
                return nil
            }
            return Triggers.read(k, x, c)
        }
        guard parts.count == list.count, !parts.isEmpty else { return nil }
        for (item, part) in zip(list, parts) where part is OnlineTrigger {
            item.fail("trigger: online cannot be part of \(key): it is not a firing rule but per-event learning",
                      hint: "use online as the strategy's whole trigger, or every_tick inside \(key)")
            return nil
        }
        return CompositeTrigger(key == "any" ? .any : .all, parts)
    }

    public var needsScores: Bool { parts.contains { $0.needsScores } }
    public var needsEstimate: Bool { parts.contains { $0.needsEstimate } }
    /// `any` can fire on its quickest-seeing part (the smallest lag); `all` needs every part,
    /// so the largest.
    public func observableLag(labelDelay: Int) -> Int {
        let lags = parts.map { $0.observableLag(labelDelay: labelDelay) }
        return (rule == .any ? lags.min() : lags.max()) ?? max(labelDelay, 0)
    }
    public var worksOnProfiles: Bool { parts.allSatisfy { $0.worksOnProfiles } }
    /// `any` trains when one part fires (the sum of their rates); `all` at most as often as its rarest part.
    public var expectedTrainingsPerTick: Double {
        let rates = parts.map(\.expectedTrainingsPerTick)
        switch rule {
        case .any: return rates.reduce(0, +)
        case .all: return rates.min() ?? 0
        }
    }

    public func makeState(_ context: TriggerContext) throws -> any TriggerState {
        State(rule: rule, parts: try parts.map { try $0.makeState(context) })
    }

    struct State: TriggerState {
        let rule: Rule
        var parts: [any TriggerState]

        mutating func update(_ o: TriggerObservation) -> Bool {
            switch rule {
            case .any:
                var fired = false
                for i in parts.indices where parts[i].update(o) { fired = true }
                return fired
            case .all:
                var fired = true
                for i in parts.indices where !parts[i].update(o) { fired = false }
                return fired
            }
        }

        mutating func didDeploy(training: TrainingSet, scores: [Double]) {
            for i in parts.indices { parts[i].didDeploy(training: training, scores: scores) }
        }
    }
}
