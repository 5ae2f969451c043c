import FlywheelCore
import Foundation
import Scenarios
import Strategies
import Testing

func sweepProblems(_ grid: String, strategy: String = "weekly", extra: String = "") -> [FlywheelError] {
    let text = """
    name: sweep-check
    clock: {tick: 1d, ticks: 30, events_per_tick: 100}
    stream: {generator: sea}
    strategies:
      - {name: never, trigger: never}
      - {name: weekly, trigger: {every: 7d}, dataset: {window: 30d}}
    \(extra)sweep:
      strategy: \(strategy)
      grid:
    \(grid)
    """
    do {
        _ = try SweepLoader.parse(text, file: "sweep.yaml")
        return []
    } catch let e as FlywheelErrors {
        return e.errors
    } catch {
        return [FlywheelError("\(error)")]
    }
}

@Suite struct SweepValidation {
    @Test func aKeyPathOutsideTheStrategyVocabularyIsReportedWithLineAndNearestKeyPath() {
        let errors = sweepProblems("""
            trigger.evry: [1d, 7d]
            dataset.windw: [14d, 30d]
            tigger.every: [1d]
        """)
        let described = errors.map(\.description)
        func has(line: Int, key: String, _ fragment: String) -> Bool {
            errors.contains { $0.location?.line == line && $0.keyPath == key && $0.description.contains(fragment) }
        }
        #expect(has(line: 10, key: "sweep.grid.trigger.evry", "did you mean 'trigger.every'?"), "\(described)")
        #expect(has(line: 11, key: "sweep.grid.dataset.windw", "did you mean 'dataset.window'?"), "\(described)")
        #expect(has(line: 12, key: "sweep.grid.tigger.every", "did you mean 'trigger.every'?"), "\(described)")
        #expect(errors.allSatisfy { $0.location?.file == "sweep.yaml" })
        #expect(errors.count == 3, "\(described)")
    }

    @Test func aBadValueIsReportedAtItsLineWithTheStrategyReadersMessage() {
        let errors = sweepProblems("""
            trigger.every: [1d, 7x]
            labels.coverage:
              - 0.5
              - 1.5
        """)
        let described = errors.map(\.description)
        #expect(errors.contains { $0.location?.line == 10 && $0.keyPath == "sweep.grid.trigger.every[1]" && $0.message.contains("is not a duration") }, "\(described)")
        #expect(errors.contains { $0.location?.line == 13 && $0.keyPath == "sweep.grid.labels.coverage[1]" && $0.message.contains("≤ 1") }, "\(described)")
        #expect(errors.count == 2, "\(described)")
    }

    @Test func theSweptStrategyMustExistAndNotBeTheReference() {
        let typo = sweepProblems("    trigger.every: [1d]", strategy: "weekyl")
        #expect(typo.contains { $0.keyPath == "sweep.strategy" && $0.location?.line == 8 && $0.description.contains("did you mean 'weekly'?") }, "\(typo)")
        let reference = sweepProblems("    trigger.every: [1d]", extra: "reference: weekly\n")
        #expect(reference.contains { $0.keyPath == "sweep.strategy" && $0.message.contains("cannot be swept") }, "\(reference)")
    }

    @Test func anyKeyPathTheReaderKnowsCanBeSwept() throws {
        let text = """
        name: sweep-any
        clock: {tick: 1d, ticks: 30, events_per_tick: 100}
        stream: {generator: sea}
        model: {family: logistic_regression, l2: 1.0e-4}
        strategies:
          - {name: drop, trigger: {performance: {threshold: 0.85}}}
        sweep:
          strategy: drop
          grid:
            trigger.performance.threshold: [0.8, 0.9]
            trigger.cooldown: [2d]
            labels.budget_per_tick: [10, 50]
            model.l2: [0.001]
        """
        let s = try SweepLoader.parse(text, file: "any.yaml")
        #expect(s.plan.strategies.count == 4)
        let last = s.plan.strategies[3]
        #expect(last.name == "drop[trigger.performance.threshold=0.9,trigger.cooldown=2d,labels.budget_per_tick=50,model.l2=0.001]")
        #expect(last.trigger.cooldown == 2)
        #expect(last.labeling.budgetPerTick == 50)
        #expect(String(describing: last.learner).contains("l2: 0.001"), "\(last.learner)")
        if let p = last.trigger.policy as? PerformanceTrigger { #expect(p.threshold == 0.9) } else { Issue.record("\(last.trigger.policy)") }
        // A scenario without a sweep section is not a sweep.
        #expect(throws: FlywheelErrors.self) { _ = try SweepLoader.parse(text.components(separatedBy: "sweep:")[0], file: "any.yaml") }
        // The sweep section is validated by `flywheel validate` too (plain loading).
        #expect(throws: FlywheelErrors.self) { _ = try ScenarioLoader.parse(text.replacingOccurrences(of: "model.l2", with: "model.l3"), file: "any.yaml") }
    }
}
