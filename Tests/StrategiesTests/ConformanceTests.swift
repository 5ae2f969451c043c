import FlywheelCore
import Learners
import Strategies
import Testing

/// Checks every registered kind of every role, through its examples (as River's
/// `check_estimator`): a kind added to a registry is checked here without a line of test code.
enum Fixture {
    /// A tick of `n` events, two features uniform on [0, 10), labels from x0 + x1 > 10, slices 0…2.
    static func batch(_ n: Int, seed: UInt64, labelsOnly: Bool = false) -> EventBatch {
        let rng = RandomStream(seed: seed, path: "conformance", "batch")
        var b = EventBatch(dimension: 2, capacity: n)
        for _ in 0..<n {
            let x0 = 10 * rng.uniform(), x1 = 10 * rng.uniform()
            b.features += labelsOnly ? [0, 0] : [x0, x1]
            b.labels.append(x0 + x1 > 10 ? 1 : 0)
            b.concept.append(0)
            b.slice.append(Int32(rng.int(below: 3)))
            b.bayes.append(1)
        }
        return b
    }

    static func trainingSet(_ n: Int, seed: UInt64) -> TrainingSet {
        let b = batch(n, seed: seed)
        return TrainingSet(dimension: 2, features: b.features, labels: b.labels, ticks: [Int32](repeating: 0, count: n))
    }

    static let model = LogisticRegressionLearner().fit(trainingSet(400, seed: 1), classCount: 2, warmStart: nil,
                                                       rng: RandomStream(seed: 1)).model
}

@Suite struct TriggerConformance {
    static let examples: [any TriggerPolicy] = Triggers.all.flatMap { kind in kind.examples.map { $0 as any TriggerPolicy } }

    static func observations(labelsOnly: Bool) -> [TriggerObservation] {
        let rng = RandomStream(seed: 3, path: "arrivals")
        return (0..<40).map { t in
            let batch = Fixture.batch(50, seed: UInt64(100 + t), labelsOnly: labelsOnly)
            let arrived = (0..<30).map { _ in rng.uniform() < (t < 20 ? 0.9 : 0.6) ? 0.0 : 1.0 }
            return TriggerObservation(tick: t, sinceTrain: Double(t % 9), newLabels: 30 * (t % 9), arrivedLoss: arrived,
                                      task: .classification(classes: 2), deployedAt: 0, batch: batch, scores: labelsOnly ? ArraySlice(repeating: 0.5, count: 50) : batch.labels[...])
        }
    }

    static func firings(_ trigger: any TriggerPolicy, _ observations: [TriggerObservation]) throws -> [Bool] {
        var state = try trigger.makeState(TriggerContext(profiles: false))
        state.didDeploy(training: Fixture.trainingSet(200, seed: 2), scores: [Double](repeating: 0.5, count: 200))
        return observations.map { state.update($0) }
    }

    @Test func everyKindIsDocumentedAndHasExamples() {
        for kind in Triggers.all {
            #expect(kind.info.family == "trigger" && !kind.info.summary.isEmpty, "\(kind)")
            #expect(!kind.examples.isEmpty, "\(kind)")
        }
        #expect(Set(Triggers.catalog.map(\.name)).count == Triggers.catalog.count)
    }

    /// A trigger that says it needs no inputs decides the same whether the served inputs and
    /// scores are there or not; one that needs them is fed them.
    @Test(arguments: examples.indices)
    func aTriggerThatNeedsNoInputsIgnoresThem(index: Int) throws {
        let trigger = Self.examples[index]
        let full = try Self.firings(trigger, Self.observations(labelsOnly: false))
        let bare = try Self.firings(trigger, Self.observations(labelsOnly: true))
        if !trigger.needsInputs { #expect(full == bare, "\(trigger)") }
        if trigger.needsScores { #expect(trigger.needsInputs, "\(trigger)") }
        #expect(trigger.expectedTrainingsPerTick >= 0 && trigger.expectedTrainingsPerTick <= 1 + 1e-12, "\(trigger)")
    }

    /// The same observations give the same decisions, and a deployment starts the state afresh
    /// (except a detector on a served feature, whose stream does not depend on the model).
    @Test(arguments: examples.indices)
    func decisionsAreDeterministicAndADeploymentResets(index: Int) throws {
        let trigger = Self.examples[index]
        let o = Self.observations(labelsOnly: false)
        #expect(try Self.firings(trigger, o) == Self.firings(trigger, o), "\(trigger)")
        var state = try trigger.makeState(TriggerContext(profiles: false))
        let training = Fixture.trainingSet(200, seed: 2), scores = [Double](repeating: 0.5, count: 200)
        state.didDeploy(training: training, scores: scores)
        _ = o.map { state.update($0) }
        state.didDeploy(training: training, scores: scores)
        if let d = trigger as? DetectorTrigger, d.feature != nil { return }
        #expect(o.map { state.update($0) } == (try Self.firings(trigger, o)), "\(trigger)")
    }
}

@Suite struct LoggingConformance {
    static let examples: [any LoggingPolicy] = Loggings.all.flatMap { kind in kind.examples.map { $0 as any LoggingPolicy } }

    @Test(arguments: examples.indices)
    func logsDistinctEventsInOrderAndTheSameForTheSameSeed(index: Int) {
        let policy = Self.examples[index]
        let batch = Fixture.batch(300, seed: 7)
        func run() -> [Int32] {
            var out = [Int32](repeating: -1, count: batch.count)
            let k = policy.log(batch, predictions: batch.labels, classCount: 2, rng: RandomStream(seed: 9, path: policy.randomKey), into: &out)
            return Array(out[..<k])
        }
        let kept = run()
        #expect(kept == run(), "\(policy)")
        #expect(zip(kept, kept.dropFirst()).allSatisfy { $0 < $1 } && kept.allSatisfy { $0 >= 0 && $0 < 300 }, "\(policy)")
        if policy.monitorsSeeEveryEvent { #expect(kept.count == 300, "\(policy)") }
        #expect(!policy.randomKey.isEmpty && (!policy.profilesOnly || policy.monitorsSeeEveryEvent), "\(policy)")
    }
}

@Suite struct CurationConformance {
    static let examples: [any CurationPolicy] = Curations.all.flatMap { kind in kind.examples.map { $0 as any CurationPolicy } }

    @Test(arguments: examples.indices)
    func picksTheQuotaAmongTheLoggedEventsInOrder(index: Int) {
        let policy = Self.examples[index]
        let batch = Fixture.batch(200, seed: 11)
        let logged = (0..<200).filter { $0 % 3 != 0 }.map(Int32.init)
        let predictions = batch.labels.indices.map { $0 % 5 == 0 ? 1 - batch.labels[$0] : batch.labels[$0] }
        let context = CurationContext(seed: 4, strategy: "s", replicate: 0, learner: LogisticRegressionLearner(), classCount: 2,
                                      initialTraining: Fixture.trainingSet(300, seed: 5))
        func run(_ quota: Int) -> [Int32] {
            var curator = policy.makeCurator(context)
            var out = [Int32](repeating: -1, count: 200), priority = [Double](repeating: 0, count: 200)
            let input = CurationInput(batch: batch, logged: logged + [Int32](repeating: 0, count: 200 - logged.count),
                                      loggedCount: logged.count, predictions: predictions, servingModel: Fixture.model)
            let k = curator.pick(quota, from: input, rng: RandomStream(seed: 6, path: policy.randomKey), priority: &priority, into: &out)
            return Array(out[..<k])
        }
        for quota in [1, 25, logged.count, 500] {
            let picked = run(quota)
            #expect(picked.count == min(quota, logged.count), "\(policy) quota \(quota)")
            #expect(zip(picked, picked.dropFirst()).allSatisfy { $0 < $1 }, "\(policy) quota \(quota)")
            #expect(Set(picked).isSubset(of: logged), "\(policy) quota \(quota)")
            #expect(picked == run(quota), "\(policy) quota \(quota)")
        }
        #expect(policy.simulationCost >= 1 && !policy.randomKey.isEmpty, "\(policy)")
    }
}

@Suite struct DatasetConformance {
    static let examples: [any DatasetPolicy] = Datasets.all.flatMap { kind in kind.examples.map { $0 as any DatasetPolicy } }

    /// 30 ticks of 10 labels each, in arrival order, with their rows.
    static func history() -> (reservoir: [LabelRef], rows: LabelledRows) {
        let batch = Fixture.batch(300, seed: 13)
        var rows = LabelledRows(dimension: 2), reservoir: [LabelRef] = []
        for i in 0..<300 {
            let row = rows.append(batch, i)
            reservoir.append(LabelRef(tick: Int32(i / 10), row: row, arrival: Int32(i / 10 + 1), label: batch.labels[i], loss: i % 4 != 0 ? 0 : 1,
                                      arm: 0))
        }
        return (reservoir, rows)
    }

    @Test(arguments: examples.indices)
    func selectsArrivedLabelsAndForgetsOnlyWhatNoLaterTrainingUses(index: Int) {
        let policy = Self.examples[index]
        let (reservoir, rows) = Self.history()
        func select(_ r: [LabelRef], since: Int, at t: Int) -> [Int32] {
            policy.select(r, sinceLastTraining: since, now: t, rows: rows, champion: Fixture.model, classCount: 2,
                          rng: RandomStream(seed: 8, path: "train")).map(\.row)
        }
        let chosen = select(reservoir, since: 120, at: 31)
        #expect(!chosen.isEmpty && Set(chosen).isSubset(of: reservoir.map(\.row)), "\(policy)")
        #expect(zip(chosen, chosen.dropFirst()).allSatisfy { $0 < $1 }, "\(policy): rows keep their arrival order")
        var kept = reservoir, since = 120
        policy.forget(&kept, sinceLastTraining: &since, now: 31)
        #expect(since >= 0 && since <= kept.count, "\(policy)")
        if !(policy is SampleDataset) {
            // A policy that draws nothing chooses the same rows with or without what it forgot.
            #expect(select(kept, since: since, at: 32) == select(reservoir, since: 120, at: 32), "\(policy)")
        }
    }
}

@Suite struct RolloutConformance {
    static let examples: [any RolloutPolicy] = Rollouts.all.flatMap { kind in kind.examples.map { $0 as any RolloutPolicy } }

    @Test(arguments: examples.indices)
    func anOnlineTestIsShortServesAShareAndNeverPromotesWithoutLabels(index: Int) {
        let rollout = Self.examples[index]
        guard let test = rollout.onlineTest else { return }
        #expect(test.ticks >= 1 && test.share >= 0 && test.share < 1 && !test.event.kind.isEmpty, "\(rollout)")
        let task = PredictionTask.classification(classes: 2)
        #expect(!test.verdict(OnlineTestTally(), task: task).yes, "\(rollout)")
        var better = OnlineTestTally()
        better.challengerN = 1000
        better.challengerCorrect = 990
        better.championN = 1000
        better.championCorrect = 700
        #expect(test.verdict(better, task: task).yes, "\(rollout): a much better challenger is promoted")
        var worse = better
        swap(&worse.challengerCorrect, &worse.championCorrect)
        #expect(!test.verdict(worse, task: task).yes, "\(rollout): a much worse challenger is not")
    }
}
