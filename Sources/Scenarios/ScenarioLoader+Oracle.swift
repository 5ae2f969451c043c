import FlywheelCore
import Foundation
import Simulation
import Strategies

extension ScenarioLoader {
    /// Reads `oracle: {strategy: NAME, max_age: 60d}`: the strategy whose dataset policy the
    /// hindsight-optimal schedule uses, and the longest a retrained model may serve (a duration or
    /// ticks; default: the whole run). Refuses, with the reason, a strategy whose training data
    /// depends on the served model (``AgeMatrix/refusal(_:)``) and a matrix that would exceed the
    /// memory limit (``AgeMatrix/bytes(plan:oracle:workers:)`` beside the run's ``MemoryEstimate``).
    static func readOracle(_ v: YAMLValue, plan: SimulationPlan, tick: Span, memoryLimit: Double?) -> OracleSpec? {
        guard let m = v.mapping(allowed: ["strategy", "max_age"]) else { return nil }
        let names = plan.strategies.map(\.name)
        guard let node = m["strategy"] else {
            v.fail("the oracle needs a strategy whose dataset policy it optimises", hint: "e.g. oracle: {strategy: \(names.first ?? "NAME")}")
            return nil
        }
        guard let name = node.string() else { return nil }
        guard let index = names.firstIndex(of: name) else {
            node.fail("'\(name)' is not a strategy of this scenario", hint: "one of: \(names.joined(separator: ", "))")
            return nil
        }
        if let why = AgeMatrix.refusal(plan.strategies[index]) {
            node.fail("the hindsight-optimal schedule cannot use '\(name)': \(why)")
            return nil
        }
        let ticks = plan.source.ticks
        var maxAge = max(ticks, 1)
        if let a = m["max_age"] {
            guard let d = a.duration(tick: tick, allowZero: false) else { return nil }
            guard d >= 1 else {
                a.fail("a maximum age of \(NumberText.plain(d)) ticks is shorter than one tick", hint: "give at least one tick")
                return nil
            }
            maxAge = Int(min(d.rounded(.down), Double(max(ticks, 1))))
        }
        let spec = OracleSpec(strategy: index, maxAge: maxAge)
        if let memoryLimit {
            let bytes = AgeMatrix.bytes(plan: plan, oracle: spec, workers: ProcessInfo.processInfo.activeProcessorCount)
            let run = MemoryEstimate(plan: plan).bytes
            if bytes + run > memoryLimit {
                (m["max_age"] ?? v).fail("the age matrices need about \(MemoryEstimate.format(bytes)) (replicates × ticks × "
                                         + "(max_age + 1) × 8 bytes, and the labelled rows), which with the run's "
                                         + "\(MemoryEstimate.format(run)) exceed the limit of \(MemoryEstimate.format(memoryLimit))",
                                         hint: "shorten max_age, or raise the limit with --memory-limit GIB")
                return nil
            }
        }
        return spec
    }
}

extension Catalog {
    /// The scenario's `oracle:` section, for `flywheel list`.
    public static let oracle = ComponentInfo(
        family: "oracle", name: "oracle",
        summary: "The hindsight-optimal schedule of one strategy's dataset policy (all, window, count or sample; random "
            + "curation, logging all or sample, immediate rollout, no gate, no warm start): a model trained at every tick on "
            + "that strategy's data and evaluated on every later tick up to max_age (the age matrix: T trainings, T·H tick "
            + "evaluations, R·T·(H+1)·8 bytes), then dynamic programming for the least total cost; each strategy's regret "
            + "to it, paired. `flywheel oracle SCENARIO` prints it.",
        parameters: [ParameterInfo("strategy", "(required)", "the strategy whose dataset policy the oracle optimises"),
                     ParameterInfo("max_age", "the run's length", "longest a retrained model may serve (ticks or a duration)")])
}
