import FlywheelCore
import Learners
import Strategies
import Testing

/// The ski-rental trigger against hand-computed firing ticks.
@Suite struct CostTriggerRule {
    /// `wrong` of `labels` arrived labels were served wrong at tick `t`, with `served` events served.
    static func observation(_ t: Int, wrong: Int, of labels: Int, served: Int = 100) -> TriggerObservation {
        let losses = (0..<labels).map { $0 < wrong ? 1.0 : 0.0 }
        return TriggerObservation(tick: t, sinceTrain: Double(t), newLabels: labels * t, arrivedLoss: losses,
                                  task: .classification(classes: 2), deployedAt: 0, batch: EventBatch(dimension: 2, capacity: 0),
                                  scores: [], served: served)
    }

    static func firstFiring(_ trigger: CostTrigger, costs: CostModel, delay: Int, errorRates: [Int], trainingRows: Int = 0) throws -> Int? {
        var state = try trigger.makeState(TriggerContext(profiles: false, costs: costs, labelDelay: delay))
        state.didDeploy(training: TrainingSet(dimension: 2, features: [Double](repeating: 0, count: 2 * trainingRows),
                                              labels: [Double](repeating: 0, count: trainingRows),
                                              ticks: [Int32](repeating: 0, count: trainingRows)), scores: [])
        for (t, wrong) in errorRates.enumerated() where state.update(observation(t, wrong: wrong, of: 100)) { return t }
        return nil
    }

    /// Delay 1: tick 0's labels are the old model's (skipped); ticks 1–2 set e₀ = 0.10; from tick
    /// 3 each tick at 20 % wrong adds (0.20 − 0.10) · 100 = 10 avoidable errors: 10, 20, 30, 40 —
    /// the price 35 is reached at tick 6.
    @Test func firesWhenTheAvoidableErrorsReachThePrice() throws {
        let rates = [90, 10, 10, 20, 20, 20, 20, 20, 20]
        let t = try Self.firstFiring(CostTrigger(window: 2, price: 35), costs: CostModel(error: 1), delay: 1, errorRates: rates)
        #expect(t == 6)
        // Twice the error price halves the errors needed: 20 at tick 4.
        let t2 = try Self.firstFiring(CostTrigger(window: 2, price: 35), costs: CostModel(error: 2), delay: 1, errorRates: rates)
        #expect(t2 == 4)
    }

    /// Error rates that swing around the reference cancel: +10, −10, +10, … never reach 15.
    @Test func noiseAroundTheReferenceCancelsInsteadOfAccumulating() throws {
        let rates = [10, 10] + (0..<200).map { $0 % 2 == 0 ? 20 : 0 }
        #expect(try Self.firstFiring(CostTrigger(window: 2, price: 15), costs: CostModel(error: 1), delay: 0, errorRates: rates) == nil)
        // A price below one swing is reached at the first one, tick 2.
        #expect(try Self.firstFiring(CostTrigger(window: 2, price: 9), costs: CostModel(error: 1), delay: 0, errorRates: rates) == 2)
    }

    /// Without `price`, a training costs retrain + retrain_per_sample · rows + deploy:
    /// 10 + 0.01 · 500 + 5 = 20, reached after two ticks of +10.
    @Test func theDefaultPriceIsTheScenariosPriceOfTheLastTraining() throws {
        let costs = CostModel(error: 1, retrain: 10, retrainPerSample: 0.01, deploy: 5)
        let rates = [10, 10, 20, 20, 20, 20]
        #expect(try Self.firstFiring(CostTrigger(window: 2), costs: costs, delay: 0, errorRates: rates, trainingRows: 500) == 3)
        // 2,000 rows: 10 + 20 + 5 = 35, four ticks of +10.
        #expect(try Self.firstFiring(CostTrigger(window: 2), costs: costs, delay: 0, errorRates: rates, trainingRows: 2000) == 5)
    }

    /// A deployment starts the reference and the estimate afresh.
    @Test func aDeploymentForgetsTheEstimate() throws {
        var state = try CostTrigger(window: 1, price: 25).makeState(TriggerContext(profiles: false, costs: CostModel(error: 1)))
        var fired: [Bool] = []
        for (t, wrong) in [10, 30].enumerated() { fired.append(state.update(Self.observation(t, wrong: wrong, of: 100))) }
        state.didDeploy(training: TrainingSet(dimension: 2), scores: [])
        for (t, wrong) in [30, 30, 40, 40, 40].enumerated() { fired.append(state.update(Self.observation(t + 2, wrong: wrong, of: 100))) }
        // e₀ = 0.1, A = 20 < 25; after the deployment e₀ = 0.3, then A = 0, 10, 20, 30 ≥ 25.
        #expect(fired == [false, false, false, false, false, false, true])
    }

    /// On a regression stream the loss is the absolute error and the error price is per unit of
    /// it: e₀ = MAE 1.0, then MAE 1.5 adds 0.5 · 100 = 50 a tick; a price of 120 is reached on the
    /// third such tick (150).
    @Test func onRegressionTheExcessIsInAbsoluteError() throws {
        var state = try CostTrigger(window: 1, price: 120).makeState(TriggerContext(profiles: false, costs: CostModel(error: 1)))
        func tick(_ t: Int, _ mae: Double) -> Bool {
            let losses = (0..<10).map { $0 % 2 == 0 ? mae - 0.5 : mae + 0.5 }
            return state.update(TriggerObservation(tick: t, sinceTrain: Double(t), newLabels: 10 * t, arrivedLoss: losses, task: .regression,
                                                   deployedAt: 0, batch: EventBatch(dimension: 2, capacity: 0), scores: [], served: 100))
        }
        #expect([tick(0, 1.0), tick(1, 1.5), tick(2, 1.5), tick(3, 1.5)] == [false, false, false, true])
    }
}
