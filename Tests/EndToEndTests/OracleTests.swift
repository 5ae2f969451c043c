import Analysis
import FlywheelCore
import Foundation
import Scenarios
import Simulation
import Strategies
import Streams
import Testing
import Workbench

/// A trigger that fires at given ticks: the brute force simulates every schedule with it.
struct ScheduledTrigger: StatelessTrigger, Hashable {
    static let info = ComponentInfo(family: "trigger", name: "scheduled", summary: "Fires at given ticks (tests only).")
    static var keys: [String] { [] }
    static func read(_ key: String, _ v: ConfigValue, _ c: ReadContext) -> ScheduledTrigger? { nil }
    static var examples: [Self] { [ScheduledTrigger(ticks: [])] }
    var ticks: Set<Int>
    var expectedTrainingsPerTick: Double { 0 }
    func fires(_ o: TriggerObservation) -> Bool { ticks.contains(o.tick) }
}

@Suite struct OracleTests {
    static let tiny = """
    name: oracle-tiny
    seed: 5
    replicates: 2
    clock: {tick: 1d, ticks: 8, events_per_tick: 150}
    stream: {generator: sea, concept: 0, noise: 0.1, warmup: 200}
    drifts:
      - {type: instantaneous, at: 3d, target: concept, to: 3}
    model: {family: logistic_regression}
    labels: {coverage: 0.3, delay: 1d, cost: 0.01}
    costs: {error: 1.0, retrain: 4, retrain_per_sample: 0.01, deploy: 1}
    strategies:
      - {name: weekly, trigger: {every: 7d}, dataset: {window: 3d}}
    oracle: {strategy: weekly, max_age: 5}
    """

    /// Total cost of a run (Σ cost_total).
    static func total(_ run: StrategyRun) -> Double {
        run.series.first { $0.name == "cost_total" }!.values.reduce(0) { $0 + ($1.isNaN ? 0 : $1) }
    }

    static func shortened(_ name: String, ticks: Int, maxAge: Int? = nil) throws -> SimulationPlan {
        let file = repositoryRoot.appendingPathComponent("scenarios/\(name).yaml")
        var plan = try ScenarioLoader.parse(try String(contentsOf: file, encoding: .utf8), file: "scenarios/\(name).yaml",
                                            replicatesOverride: 2).plan
        var source = try #require(plan.source as? SyntheticSource)
        source.traffic.ticks = ticks
        plan.source = source
        plan.manifest.clock.ticks = ticks
        var oracle = try #require(plan.oracle)
        oracle.maxAge = maxAge ?? ticks
        plan.oracle = oracle
        return plan
    }

    /// Brute force through the simulator itself: every one of the 2⁸ schedules is simulated by
    /// the real engine (a trigger firing at exactly those ticks), and the cheapest simulated
    /// total equals the dynamic program's optimum over the age matrix, replicate by replicate;
    /// the schedule it returns, simulated, costs what the oracle says.
    @Test func theOptimumEqualsTheCheapestOfEverySimulatedSchedule() throws {
        let plan = try ScenarioLoader.parse(Self.tiny, file: "oracle-tiny.yaml").plan
        let spec = try #require(plan.oracle)
        let matrices = try AgeMatrix.compute(plan, oracle: spec, threads: 2)
        let ticks = plan.source.ticks
        func simulate(_ schedule: [Int]) throws -> [Double] {
            var p = plan
            p.strategies[0].trigger = TriggerConfig(policy: ScheduledTrigger(ticks: Set(schedule)))
            p.strategies[0].name = "s"
            return try Runner.run(p, threads: 2).runs.sorted { $0.replicate < $1.replicate }.map(Self.total)
        }
        var brute = [Double](repeating: .infinity, count: plan.manifest.replicates)
        for mask in 0..<(1 << ticks) {
            let schedule = (0..<ticks).filter { mask & (1 << $0) != 0 }
            // A model live at s may serve at most max_age ticks (the oracle's constraint).
            var last = -1, tooOld = false
            for t in 0..<ticks {
                if last >= 0, t - last > spec.maxAge { tooOld = true }
                if schedule.contains(t) { last = t }
            }
            if tooOld { continue }
            for (r, c) in try simulate(schedule).enumerated() { brute[r] = min(brute[r], c) }
        }
        for m in matrices {
            let o = Workbench.optimalSchedule(m)
            #expect(abs(o.optimum - brute[m.replicate]) < 1e-6 * brute[m.replicate], "replicate \(m.replicate)")
            #expect(abs(o.cost - o.optimum) < 1e-6 * o.optimum)
            let simulated = try simulate(o.trainings)[m.replicate]
            #expect(abs(simulated - o.cost) < 1e-6 * o.cost, "the oracle's schedule, simulated")
        }
    }

    /// The age matrix against the simulator: the row of each model a strategy deployed, read at
    /// the ticks that model served, sums to that strategy's own error cost; and the labels cost
    /// the same (common random numbers).
    @Test(arguments: ["quickstart", "trigger-shootout"])
    func theMatrixReproducesTheStrategysOwnServingCost(name: String) throws {
        let plan = try Self.shortened(name, ticks: 50)
        let spec = try #require(plan.oracle)
        let record = try Runner.run(plan, threads: 2)
        let matrices = try AgeMatrix.compute(plan, oracle: spec, threads: 2)
        let strategy = plan.strategies[spec.strategy].name
        for run in record.runs(of: strategy) {
            let m = matrices[run.replicate]
            let deploys = run.events.filter { $0.kind == "deploy" }.map(\.tick)
            var model = -1, next = 0, fromMatrix = 0.0
            for t in 0..<m.ticks {
                fromMatrix += m.cost(model, t)
                if next < deploys.count, deploys[next] == t { model = t; next += 1 }
            }
            let own = run.series.first { $0.name == "cost_error" }!.values.reduce(0, +)
            #expect(deploys.count > 0)
            #expect(abs(fromMatrix - own) < 1e-9 * own, "\(name) replicate \(run.replicate)")
            let labels = run.series.first { $0.name == "cost_label" }!.values.reduce(0, +)
            #expect(abs(m.labelCost.reduce(0, +) - labels) < 1e-9 * labels)
        }
    }

    /// The invariant: on the shipped scenarios (short horizon, no age limit) the oracle costs no
    /// more than any strategy with its dataset policy, labelling and immediate rollout, in every
    /// replicate, and the regret table pairs exactly those differences.
    @Test(arguments: ["quickstart", "trigger-shootout"])
    func theOracleIsALowerBoundForItsDatasetPolicy(name: String) throws {
        let plan = try Self.shortened(name, ticks: 50)
        let spec = try #require(plan.oracle)
        let record = try Runner.run(plan, threads: 2)
        let oracle = try #require(try Workbench.oracle(plan, record: record, threads: 2)).analysis
        let mine = plan.strategies[spec.strategy]
        let peers = plan.strategies.filter {
            String(describing: $0.dataset) == String(describing: mine.dataset) && AgeMatrix.refusal($0) == nil
                && $0.labeling.cost == mine.labeling.cost && $0.trainingLatency == mine.trainingLatency
        }
        #expect(peers.count >= (name == "trigger-shootout" ? 5 : 1))
        for peer in peers {
            for run in record.runs(of: peer.name) {
                let o = oracle.replicates[run.replicate].cost
                #expect(o <= Self.total(run) + 1e-9, "\(name): \(peer.name) replicate \(run.replicate)")
            }
        }
        for (g, c) in zip(oracle.regrets, oracle.strategyCosts) {
            let d = zip(c.costs, oracle.replicates).map { $0 - $1.cost }
            #expect(abs(g.meanDifference - d.reduce(0, +) / Double(d.count)) < 1e-6)
        }
    }

    /// validate refuses, with the reason, a strategy whose data depends on the served model, an
    /// unknown strategy, and a matrix beyond the memory limit.
    @Test func validationRefusesWhatTheOracleCannotDo() throws {
        func problem(_ oracle: String, strategy: String = "{name: weekly, trigger: {every: 7d}, dataset: {window: 3d}}",
                     memory: Double? = MemoryEstimate.defaultLimit) -> String {
            let text = Self.tiny.replacingOccurrences(of: "oracle: {strategy: weekly, max_age: 5}", with: oracle)
                .replacingOccurrences(of: "{name: weekly, trigger: {every: 7d}, dataset: {window: 3d}}", with: strategy)
            do { _ = try ScenarioLoader.parse(text, file: "o.yaml", memoryLimit: memory); return "" } catch {
                return "\(error)"
            }
        }
        #expect(problem("oracle: {strategy: weekly}") == "")
        #expect(problem("oracle: {strategy: nope}").contains("'nope' is not a strategy"))
        let curated = "{name: weekly, trigger: {every: 7d}, labels: {curation: margin}}"
        #expect(problem("oracle: {strategy: weekly}", strategy: curated).contains("margin"))
        let hard = "{name: weekly, trigger: {every: 7d}, dataset: since_last_training}"
        #expect(problem("oracle: {strategy: weekly}", strategy: hard).contains("depends on the schedule"))
        let canary = "{name: weekly, trigger: {every: 7d}, rollout: {canary: {share: 0.1, duration: 2d}}}"
        #expect(problem("oracle: {strategy: weekly}", strategy: canary).contains("rollout"))
        let memory = problem("oracle: {strategy: weekly, max_age: 5}", memory: 200_000)
        #expect(memory.contains("the age matrices need about") || memory.contains("needs about"))
        #expect(problem("oracle: {strategy: weekly, max_age: 5}", memory: 1e9) == "")
    }
}
