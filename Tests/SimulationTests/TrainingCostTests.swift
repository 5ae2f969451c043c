import FlywheelCore
import Foundation
import Learners
import Scenarios
import Simulation
import Strategies
import Testing

/// Each training price against totals computed by hand from the run's own counts (rows trained,
/// the family's parameters, the Newton iterations each fit reports).
@Suite struct TrainingCostTests {
    static func run(_ costs: String, strategies: String, model: String = "{family: logistic_regression}") throws -> RunRecord {
        let s = try ScenarioLoader.parse("""
        name: training-cost
        seed: 4
        replicates: 1
        clock: {tick: 1d, ticks: 12, events_per_tick: 120}
        stream: {generator: sea, noise: 0.1}
        model: \(model)
        labels: {coverage: 0.5, delay: 1d, cost: 0}
        costs: \(costs)
        strategies:
        \(strategies)
        """, file: "training-cost.yaml")
        return try Runner.run(s.plan, threads: 1)
    }

    static func series(_ r: StrategyRun, _ name: String) throws -> [Double] { try #require(r.values(name)) }

    /// The Newton iterations of each fit, from its train event (`epochs=N`), by tick.
    static func iterations(_ r: StrategyRun) -> [Int: Double] {
        var out: [Int: Double] = [:]
        for e in r.events where e.kind == "train" {
            let field = e.detail.split(separator: ",").first { $0.hasPrefix("epochs=") }
            out[e.tick] = field.flatMap { Double($0.dropFirst(7)) }
        }
        return out
    }

    /// retrain + retrain_per_sample × rows: each row once, although Newton makes several passes.
    @Test func retrainPerSampleIsChargedOncePerTrainingRow() throws {
        let record = try Self.run("{retrain: 30, retrain_per_sample: 0.01}", strategies: """
          - {name: every-3, trigger: {every: 3d}, dataset: all}
        """)
        let r = try #require(record.runs.first)
        let cost = try Self.series(r, "cost_retrain"), rows = try Self.series(r, "training_samples")
        let trained = try Self.series(r, "trained")
        #expect(trained.reduce(0, +) >= 3)
        // Newton needs more than one iteration here, so a charge × iterations would differ.
        #expect(Self.iterations(r).values.contains { $0 > 1 })
        for t in cost.indices {
            #expect(abs(cost[t] - (30 * trained[t] + 0.01 * rows[t])) < 1e-9, "tick \(t)")
        }
    }

    /// retrain_per_unit × the family's work measure, per family.
    @Test(arguments: [
        ("{family: xgboost, trees: 5, depth: 3}", "xgboost"),
        ("{family: mlp, epochs: 4, hidden: 4}", "mlp"),
        ("{family: logistic_regression}", "newton"),
        ("{family: logistic_regression, solver: sgd, epochs: 3}", "sgd"),
        ("{family: gaussian_nb}", "rows"),
        ("{family: hoeffding_tree}", "rows"),
    ])
    func retrainPerUnitPricesTheFamilysWorkMeasure(model: String, measure: String) throws {
        let record = try Self.run("{retrain_per_unit: 0.001}", strategies: """
          - {name: every-2, trigger: {every: 2d}, dataset: {window: 4d}}
        """, model: model)
        let r = try #require(record.runs.first)
        let cost = try Self.series(r, "cost_retrain"), rows = try Self.series(r, "training_samples")
        let iterations = Self.iterations(r)
        #expect(rows.reduce(0, +) > 0)
        for t in cost.indices {
            let units: Double
            switch measure {
            case "xgboost": units = rows[t] * 5 * 3
            case "mlp": units = rows[t] * 4
            case "newton": units = rows[t] * (iterations[t] ?? 0)
            case "sgd": units = rows[t] * 3
            default: units = rows[t]
            }
            #expect(abs(cost[t] - 0.001 * units) < 1e-9, "\(measure) tick \(t): \(cost[t]) vs \(0.001 * units)")
        }
    }

    /// An online strategy pays per row and per unit for the labels it learns, and neither the
    /// job price nor the deployment price.
    @Test func anOnlineStrategyPaysPerLabelLearntOnly() throws {
        let record = try Self.run("{retrain: 30, retrain_per_sample: 0.01, retrain_per_unit: 0.002, deploy: 5}", strategies: """
          - {name: online, trigger: online}
        """, model: "{family: hoeffding_tree}")
        let r = try #require(record.runs.first)
        let cost = try Self.series(r, "cost_retrain"), arrived = try Self.series(r, "labels_arrived")
        #expect(arrived.reduce(0, +) > 0)
        for t in cost.indices { #expect(abs(cost[t] - 0.012 * arrived[t]) < 1e-9, "tick \(t)") }
        #expect(try Self.series(r, "cost_deploy").allSatisfy { $0 == 0 })
        #expect(try Self.series(r, "deployed").reduce(0, +) == Double(arrived.filter { $0 > 0 }.count))
    }

    /// The cost model states a rule for each price key, and the work measure of each family.
    @Test func everyPriceKeyHasARuleAndEveryFamilyAWorkMeasure() {
        #expect(Set(CostModel.ruleText.keys) == Set(CostModel.keys))
        #expect(CostModel.ruleText["retrain_per_sample"]?.contains("each training row") == true)
        #expect(LearnerCatalog.workUnit(family: "xgboost") == "rows × trees × depth")
        #expect(LearnerCatalog.workUnit(family: "mlp") == "rows × epochs")
        #expect(LearnerCatalog.workUnit(family: "gaussian_nb") == "rows")
        for family in LearnerCatalog.names { #expect(LearnerCatalog.workUnit(family: family) != nil) }
    }
}
