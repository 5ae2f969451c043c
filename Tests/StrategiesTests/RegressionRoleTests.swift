import FlywheelCore
import Learners
import Strategies
import Testing

/// Each role judges a regressor by its loss (the absolute error), lower winning, against values
/// worked out by hand on a few rows.
enum RegressionFixture {
    static let task = PredictionTask.regression

    /// A model that predicts `value` everywhere: the majority baseline fitted on one row, which
    /// for a numeric target predicts the training mean.
    static func constant(_ value: Double, dimension: Int = 1) -> any Model {
        let set = TrainingSet(dimension: dimension, features: [Double](repeating: 0, count: dimension), labels: [value],
                              ticks: [0])
        return MajorityClass().fit(set, classCount: 0, warmStart: nil, rng: RandomStream(seed: 1)).model
    }

    /// One-feature rows with these labels, served at tick 0.
    static func holdout(_ labels: [Double]) -> TrainingSet {
        TrainingSet(dimension: 1, features: labels.indices.map(Double.init), labels: labels,
                    ticks: [Int32](repeating: 0, count: labels.count))
    }
}

@Suite struct RegressionGate {
    // Holdout labels 1, 1, 1, 1: a candidate predicting 1.2 has MAE 0.2, a champion predicting 3
    // has MAE 2.
    let holdout = RegressionFixture.holdout([1, 1, 1, 1])
    let close = RegressionFixture.constant(1.2), far = RegressionFixture.constant(3)

    @Test func theGatePassesTheCandidateWithTheLowerMAEAndRejectsTheOther() {
        let gate = GatePolicy(holdout: 0.2)
        let task = RegressionFixture.task
        let better = gate.verdict(candidate: close, champion: far, holdout: holdout, slices: [0, 0, 0, 0], task: task)
        let worse = gate.verdict(candidate: far, champion: close, holdout: holdout, slices: [0, 0, 0, 0], task: task)
        #expect(better.pass && !worse.pass, "\(better.detail) / \(worse.detail)")
        #expect(better.detail.contains("candidate MAE 0.2 vs champion 2.0"), "\(better.detail)")
    }

    @Test func theMinimumGainIsAReductionOfTheMAEInTheTargetsUnits() {
        let task = RegressionFixture.task
        // The candidate lowers the MAE by 1.8.
        let enough = GatePolicy(holdout: 0.2, minGain: 1.5), tooMuch = GatePolicy(holdout: 0.2, minGain: 2)
        let slices: [Int32] = [0, 0, 0, 0]
        #expect(enough.verdict(candidate: close, champion: far, holdout: holdout, slices: slices, task: task).pass)
        #expect(!tooMuch.verdict(candidate: close, champion: far, holdout: holdout, slices: slices, task: task).pass)
        // A slice margin is a tolerated rise of the MAE: 1.8 worse on the slice passes a margin of 2.
        let tolerant = GatePolicy(holdout: 0.2, minGain: -2, sliceMargin: 2)
        let strict = GatePolicy(holdout: 0.2, minGain: -2, sliceMargin: 1)
        #expect(tolerant.verdict(candidate: far, champion: close, holdout: holdout, slices: slices, task: task).pass)
        #expect(!strict.verdict(candidate: far, champion: close, holdout: holdout, slices: slices, task: task).pass)
    }
}

@Suite struct RegressionOnlineTests {
    /// A shadow tally: the champion's absolute errors and the challenger's, label by label.
    static func shadowTally(champion: [Double], challenger: [Double]) -> OnlineTestTally {
        var k = OnlineTestTally()
        for (a, b) in zip(champion, challenger) {
            k.count(LabelRef(tick: 0, row: -1, arrival: 1, label: 0, loss: a, arm: 0, challengerLoss: b), shadow: true)
        }
        return k
    }

    @Test func shadowPromotesTheChallengerWithTheLowerMAE() {
        let task = RegressionFixture.task
        let better = Self.shadowTally(champion: [2, 3, 1, 2], challenger: [0.5, 1, 0.5, 0])   // MAE 2 vs 0.5
        let worse = Self.shadowTally(champion: [0.5, 1, 0.5, 0], challenger: [2, 3, 1, 2])
        #expect(better.metrics(task) == (challenger: 0.5, champion: 2))
        #expect(ShadowRollout(ticks: 3).verdict(better, task: task).yes)
        #expect(!ShadowRollout(ticks: 3).verdict(worse, task: task).yes)
        // The margin is in the target's units: 1.5 lower is not more than 1.5 lower.
        #expect(!ShadowRollout(ticks: 3, margin: 1.5).verdict(better, task: task).yes)
        #expect(ShadowRollout(ticks: 3, margin: 1.4).verdict(better, task: task).yes)
    }

    @Test func aCanaryRollsBackAChallengerWorseByMoreThanItsMarginInMAE() {
        let task = RegressionFixture.task
        var k = OnlineTestTally()
        // Champion arm MAE 1, challenger arm MAE 1.5.
        func ref(_ loss: Double, arm: Int8) -> LabelRef {
            LabelRef(tick: 0, row: -1, arrival: 1, label: 0, loss: loss, arm: arm)
        }
        for loss in [1.0, 1, 1, 1] { k.count(ref(loss, arm: 0), shadow: false) }
        for loss in [1.0, 2, 1, 2] { k.count(ref(loss, arm: 1), shadow: false) }
        #expect(!CanaryRollout(fraction: 0.1, ticks: 3, margin: 0.4).verdict(k, task: task).yes)
        #expect(CanaryRollout(fraction: 0.1, ticks: 3, margin: 0.5).verdict(k, task: task).yes)
    }

    @Test func anABTestOnMAEIsWelchsTest() {
        let task = RegressionFixture.task
        var k = OnlineTestTally()
        // Challenger absolute errors 0, 1, 0, 1, … (mean 0.5, s² = 0.2564 over 40); champion 1, 2, … (mean 1.5).
        for i in 0..<40 {
            k.count(LabelRef(tick: 0, row: -1, arrival: 1, label: 0, loss: Double(i % 2), arm: 1), shadow: false)
            k.count(LabelRef(tick: 0, row: -1, arrival: 1, label: 0, loss: Double(1 + i % 2), arm: 0), shadow: false)
        }
        // z = (1.5 − 0.5) / √(2 · (10/39) / 40) = 8.83: far beyond any level.
        let verdict = ABRollout(split: 0.5, ticks: 4, alpha: 0.05).verdict(k, task: task)
        #expect(verdict.yes && verdict.detail.contains("z = 8.8318"), "\(verdict.detail)")
        var swapped = k
        swap(&swapped.challengerLoss, &swapped.championLoss)
        swap(&swapped.challengerLossSquares, &swapped.championLossSquares)
        #expect(!ABRollout(split: 0.5, ticks: 4, alpha: 0.05).verdict(swapped, task: task).yes)
    }
}

@Suite struct RegressionHardestFirst {
    @Test func hardestFirstKeepsTheRowsWithTheLargestSquaredResiduals() {
        // The champion predicts 0; the labels' squared residuals are 0.25, 9, 1, 4, 0.01.
        let labels = [0.5, -3, 1, 2, -0.1]
        var rows = LabelledRows(dimension: 1), reservoir: [LabelRef] = []
        var batch = EventBatch(dimension: 1)
        for (i, y) in labels.enumerated() {
            batch.features.append(Double(i))
            batch.labels.append(y)
            batch.concept.append(0)
            batch.slice.append(-1)
            batch.bayes.append(1)
        }
        for i in labels.indices {
            let row = rows.append(batch, i)
            reservoir.append(LabelRef(tick: Int32(i), row: row, arrival: Int32(i + 1), label: labels[i],
                                      loss: abs(labels[i]), arm: 0))
        }
        let chosen = HardestDataset(size: 2, window: .infinity)
            .select(reservoir, sinceLastTraining: 0, now: 6, rows: rows, champion: RegressionFixture.constant(0),
                    classCount: 0, rng: RandomStream(seed: 1))
        // Rows 1 (−3) and 3 (2), in arrival order; a window would have kept all five.
        #expect(chosen.map(\.label) == [-3, 2])
    }
}
