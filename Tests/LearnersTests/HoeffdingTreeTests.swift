import FlywheelCore
import Foundation
import Testing
@testable import Learners

/// Rows uniform on [0, 1)^d with labels from `concept`.
func uniformRows(_ n: Int, dimension d: Int, seed: UInt64, _ concept: ([Double]) -> Double) -> TrainingSet {
    let rng = RandomStream(seed: seed)
    var set = TrainingSet(dimension: d)
    for i in 0..<n {
        let row = (0..<d).map { _ in rng.uniform() }
        set.features += row
        set.labels.append(concept(row))
        set.ticks.append(Int32(i))
    }
    return set
}

/// The tree's node count after each row learned one at a time.
func nodeCounts(_ data: TrainingSet, classCount: Int = 2, _ configuration: HoeffdingTreeConfiguration) -> [Int] {
    var state = HoeffdingTreeState(dimension: data.dimension, classCount: classCount, configuration: configuration)
    var counts: [Int] = []
    data.features.withUnsafeBufferPointer { x in
        for i in 0..<data.count {
            let d = data.dimension
            state.learnOne(UnsafeBufferPointer(rebasing: x[(i * d)..<(i * d + d)]), label: Int(data.labels[i]))
            counts.append(state.nodeCount)
        }
    }
    return counts
}

func treeState(_ model: any Model) throws -> HoeffdingTreeState {
    try #require(model as? HoeffdingTreeModel).state
}

@Suite struct HoeffdingTreeTests {
    let fresh = RandomStream(seed: 1)

    /// y = 1 inside the corner x0 < 0.4, x1 > 0.6 (a quarter of the square less): two axis-aligned
    /// cuts, a third feature of noise. The Gaussian split points land near, not on, 0.4 and 0.6,
    /// and the naive-Bayes leaves smooth the corner; 30,000 rows give the tree several levels.
    @Test func learnsAnAxisAlignedConceptOnAStationaryStream() throws {
        let concept: ([Double]) -> Double = { $0[0] < 0.4 && $0[1] > 0.6 ? 1 : 0 }
        let train = uniformRows(30_000, dimension: 3, seed: 31, concept)
        let test = uniformRows(10_000, dimension: 3, seed: 32, concept)
        let (model, epochs) = HoeffdingTree().fit(train, classCount: 2, warmStart: nil, rng: fresh)
        #expect(epochs == 1)
        let accuracy = Metrics.accuracy(predictions(model, test.features, rows: test.count), test.labels)
        // The majority class alone scores 0.84; the tree scores 0.9996 on these rows.
        #expect(accuracy > 0.99, "accuracy \(accuracy)")
        let state = try treeState(model)
        #expect(state.height >= 3 && state.nodeCount == 2 * state.leafCount - 1)
        // Probabilities are distributions whose argmax is the prediction.
        let p = try #require(probabilities(model, test.features, rows: 200))
        let classes = predictions(model, test.features, rows: 200)
        for i in 0..<200 {
            #expect(abs(p[2 * i] + p[2 * i + 1] - 1) < 1e-12)
            #expect(classes[i] == (p[2 * i + 1] > p[2 * i] ? 1 : 0))
        }
    }

    /// Two copies of the same feature have equal merits, so G₁ − G₂ = 0 never beats ε and only the
    /// tie rule ε < τ splits: with R = 1, ε(n) = √(ln(1/δ) / (2n)) < τ first at the first attempt
    /// (a multiple of the grace period) past n = ln(1/δ) / (2τ²).
    @Test func identicalFeaturesSplitOnlyByTheTieThreshold() {
        let data = uniformRows(6_000, dimension: 2, seed: 41) { $0[0] > 0.5 ? 1 : 0 }
        var twin = data
        for i in 0..<twin.count { twin.features[2 * i + 1] = twin.features[2 * i] }
        for tau in [0.05, 0.08] {
            let config = HoeffdingTreeConfiguration(tau: tau)
            let limit = log(1 / config.delta) / (2 * tau * tau)
            let expected = Int((limit / 200).rounded(.up)) * 200
            let counts = nodeCounts(twin, config)
            let first = counts.firstIndex { $0 > 1 }.map { $0 + 1 }
            #expect(first == expected,
                    "tau \(tau): first split after \(String(describing: first)) rows, ε < τ from \(limit)")
        }
        #expect(nodeCounts(twin, HoeffdingTreeConfiguration(tau: 0)).allSatisfy { $0 == 1 })
        // The same labels with a noise feature instead of the copy split at the first attempt.
        #expect(nodeCounts(data, HoeffdingTreeConfiguration()).firstIndex { $0 > 1 } == 199)
    }

    /// A leaf attempts a split only every grace period: a clear concept splits at exactly that row.
    @Test(arguments: [50, 200, 333])
    func noSplitBeforeTheGracePeriod(grace: Int) {
        let data = uniformRows(1_000, dimension: 2, seed: 51) { $0[0] > 0.5 ? 1 : 0 }
        let counts = nodeCounts(data, HoeffdingTreeConfiguration(gracePeriod: grace))
        #expect(counts[..<(grace - 1)].allSatisfy { $0 == 1 })
        #expect(counts[grace - 1] == 3)
    }

    @Test func warmStartContinuesTheChampion() throws {
        let concept: ([Double]) -> Double = { $0[0] < 0.4 && $0[1] > 0.6 ? 1 : 0 }
        let all = uniformRows(8_000, dimension: 3, seed: 61, concept)
        let cut = 3_000 * 3
        let a = TrainingSet(dimension: 3, features: Array(all.features[..<cut]), labels: Array(all.labels[..<3_000]))
        let b = TrainingSet(dimension: 3, features: Array(all.features[cut...]), labels: Array(all.labels[3_000...]))
        let learner = HoeffdingTree()
        let (champion, _) = learner.fit(a, classCount: 2, warmStart: nil, rng: fresh)
        let (continued, _) = learner.fit(b, classCount: 2, warmStart: champion, rng: fresh)
        let (joint, _) = learner.fit(all, classCount: 2, warmStart: nil, rng: fresh)
        let c = try treeState(continued), j = try treeState(joint)
        #expect(c == j && c.samplesSeen == 8_000)
        #expect(try treeState(champion).samplesSeen == 3_000)  // the champion itself is unchanged
        // A champion of another family, or another dimension, is ignored.
        let (other, _) = GaussianNaiveBayes().fit(a, classCount: 2, warmStart: nil, rng: fresh)
        let narrow = TrainingSet(dimension: 1, features: (0..<100).map { Double($0) },
                                 labels: (0..<100).map { Double($0 % 2) })
        let (small, _) = learner.fit(narrow, classCount: 2, warmStart: nil, rng: fresh)
        let (alone, _) = learner.fit(b, classCount: 2, warmStart: nil, rng: fresh)
        #expect(try treeState(learner.fit(b, classCount: 2, warmStart: other, rng: fresh).model) == treeState(alone))
        #expect(try treeState(learner.fit(b, classCount: 2, warmStart: small, rng: fresh).model) == treeState(alone))
    }

    @Test func fitsAreDeterministicAndIgnoreTheRandomStream() throws {
        let data = uniformRows(5_000, dimension: 4, seed: 71) { $0[0] + $0[1] > 1 ? 1 : 0 }
        func fitted(seed: UInt64) throws -> HoeffdingTreeState {
            try treeState(HoeffdingTree().fit(data, classCount: 2, warmStart: nil, rng: RandomStream(seed: seed)).model)
        }
        let one = try fitted(seed: 1), two = try fitted(seed: 99)
        #expect(one == two && one.nodeCount > 1)
    }

    /// Batch fit and per-row test-then-train are the same learning: the prequential predictions
    /// are the predictions of the tree trained on the rows before.
    @Test func testThenTrainPredictsWithTheTreeBeforeTheRow() throws {
        let data = uniformRows(1_500, dimension: 3, seed: 81) { $0[2] > 0.3 ? 1 : 0 }
        var state = HoeffdingTreeState(dimension: 3, classCount: 2)
        var probe = state
        data.features.withUnsafeBufferPointer { x in
            for i in 0..<data.count {
                let row = UnsafeBufferPointer(rebasing: x[(3 * i)..<(3 * i + 3)])
                let expected = probe.predictOne(row)
                #expect(state.testThenTrain(row, label: Int(data.labels[i])) == expected)
                probe.learnOne(row, label: Int(data.labels[i]))
            }
        }
        #expect(state == probe)
        let empty = HoeffdingTreeState(dimension: 3, classCount: 2)
        #expect([0.1, 0.2, 0.3].withUnsafeBufferPointer { empty.predictOne($0) } == nil)
    }

    /// A missing (NaN) feature is an absent one: a tree trained with a third input always NaN is
    /// the tree trained without it, and predicts alike.
    @Test func aMissingFeatureIsAsIfAbsent() throws {
        let concept: ([Double]) -> Double = { $0[0] < 0.4 && $0[1] > 0.6 ? 1 : 0 }
        let narrow = uniformRows(6_000, dimension: 2, seed: 91, concept)
        var wide = TrainingSet(dimension: 3, labels: narrow.labels)
        for i in 0..<narrow.count { wide.features += [narrow.features[2 * i], narrow.features[2 * i + 1], .nan] }
        let a = try treeState(HoeffdingTree().fit(narrow, classCount: 2, warmStart: nil, rng: fresh).model)
        let b = try treeState(HoeffdingTree().fit(wide, classCount: 2, warmStart: nil, rng: fresh).model)
        #expect(a.nodes == b.nodes && a.nodeCount > 1)
        let test = uniformRows(500, dimension: 2, seed: 92, concept)
        var wideTest: [Double] = []
        for i in 0..<500 { wideTest += [test.features[2 * i], test.features[2 * i + 1], .infinity] }
        #expect(predictions(HoeffdingTreeModel(state: a), test.features, rows: 500)
                == predictions(HoeffdingTreeModel(state: b), wideTest, rows: 500))
    }

    /// At a branch on a missing feature the row follows the child with more weight.
    @Test(arguments: [(0.7, 0.0), (0.3, 1.0)])
    func aMissingSplitFeatureFollowsTheHeavierChild(cut: Double, heavierClass: Double) throws {
        let data = uniformRows(2_000, dimension: 2, seed: 101) { $0[0] > cut ? 1 : 0 }
        let (model, _) = HoeffdingTree(configuration: .init(leafPrediction: .majorityClass))
            .fit(data, classCount: 2, warmStart: nil, rng: fresh)
        let state = try treeState(model)
        #expect(state.nodes[0].feature == 0)
        #expect(predictions(model, [.nan, 0.5], rows: 1) == [heavierClass])
    }

    /// A naive-Bayes leaf that never reaches its threshold predicts as the majority-class leaf.
    @Test func naiveBayesBelowItsThresholdIsTheMajorityClass() throws {
        let data = uniformRows(4_000, dimension: 3, seed: 111) { $0[0] + $0[1] > 1 ? 1 : 0 }
        let test = uniformRows(2_000, dimension: 3, seed: 112) { $0[0] + $0[1] > 1 ? 1 : 0 }
        func fitted(_ c: HoeffdingTreeConfiguration) -> any Model {
            HoeffdingTree(configuration: c).fit(data, classCount: 2, warmStart: nil, rng: fresh).model
        }
        let mc = fitted(.init(leafPrediction: .majorityClass))
        let never = fitted(.init(leafPrediction: .naiveBayes, nbThreshold: 1_000_000))
        let nb = fitted(.init(leafPrediction: .naiveBayes))
        #expect(predictions(mc, test.features, rows: 2_000) == predictions(never, test.features, rows: 2_000))
        // Naive Bayes inside the leaves follows the diagonal better than the leaves' majorities
        // (0.941 against 0.859 on these rows).
        let accuracy = { (m: any Model) in Metrics.accuracy(predictions(m, test.features, rows: 2_000), test.labels) }
        #expect(accuracy(nb) > accuracy(mc))
    }

    @Test func maximumDepthBoundsTheTree() throws {
        let data = uniformRows(20_000, dimension: 3, seed: 121) { $0[0] < 0.4 && $0[1] > 0.6 ? 1 : 0 }
        for depth in [1, 2] {
            let (model, _) = HoeffdingTree(configuration: .init(maxDepth: depth))
                .fit(data, classCount: 2, warmStart: nil, rng: fresh)
            #expect(try treeState(model).height == depth + 1)
        }
    }

    @Test func parametersReachTheTreeAndAreChecked() throws {
        let tree = try #require(try LearnerCatalog.make("hoeffding_tree", parameters: [
            "grace_period": 50, "delta": 1e-5, "tau": 0.1, "leaf_prediction": 0, "nb_threshold": 3,
            "max_depth": 4, "n_splits": 20]) as? HoeffdingTree)
        #expect(tree.configuration == HoeffdingTreeConfiguration(gracePeriod: 50, delta: 1e-5, tau: 0.1,
                                                                 leafPrediction: .majorityClass, nbThreshold: 3,
                                                                 maxDepth: 4, splitPoints: 20))
        #expect(try #require(try LearnerCatalog.make("hoeffding_tree") as? HoeffdingTree).configuration == .init())
        for bad: [String: Double] in [["delta": 0], ["delta": 1], ["grace_period": 0], ["leaf_prediction": 3],
                                      ["tau": -1], ["max_depth": 1.5], ["graceperiod": 10]] {
            #expect(throws: FlywheelError.self, "\(bad)") { try LearnerCatalog.make("hoeffding_tree", parameters: bad) }
        }
        #expect(!tree.handlesRegression && RidgeRegression().handlesRegression)
    }
}
