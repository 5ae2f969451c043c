import FlywheelCore
import Foundation
import Learners
import Scenarios
import Simulation
import Testing

/// `trigger: online`: per-event test-then-train inside the simulation.
@Suite struct OnlineTriggerTests {
    static let oracles = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("LearnersTests/Oracles")

    /// River's SEA stream (the committed oracle), replayed one row per tick: the initial tree is
    /// fitted on the first 200 rows (the warm-up), then every row is served by the tree as it was
    /// before the row's label arrived (delay 0) and learnt. Prequential accuracy over rows
    /// 200…19,999 must be River's on the same rows (computed from the oracle's per-row predictions).
    @Test func aReplayOfOneRowPerTickIsRiversPrequentialRun() throws {
        let csv = Self.oracles.appendingPathComponent("hoeffding_sea.csv")
        let s = try ScenarioLoader.parse("""
        name: prequential
        seed: 1
        replicates: 1
        stream:
          warmup_ticks: 200
          replay: {path: \(csv.path), label: y, classes: ["0", "1"], numeric: [x0, x1, x2], tick: 1 rows}
        model: {family: hoeffding_tree}
        labels: {coverage: 1.0, delay: 0, cost: 0}
        strategies:
          - {name: online, trigger: online}
        """, file: "prequential.yaml")
        let run = try Runner.run(s.plan, threads: 1)
        let served = try #require(run.runs.first?.values("accuracy"))
        #expect(served.count == 19_800)
        let accuracy = served.reduce(0, +) / Double(served.count)
        // River's accuracy on the same rows, from its own predictions in the oracle file.
        let lines = try String(contentsOf: csv, encoding: .utf8).split(separator: "\n").dropFirst()
        let right = lines.dropFirst(200).filter { line in
            let f = line.split(separator: ",", omittingEmptySubsequences: false)
            return f[3] == f[4]
        }.count
        let river = Double(right) / Double(lines.count - 200)
        #expect(abs(river - 0.930909) < 1e-6)
        #expect(abs(accuracy - river) <= 0.005, "Flywheel \(accuracy), River \(river)")
        // Every tick learnt its one label: one training and one deployment per tick.
        let trained = try #require(run.runs.first?.values("trained"))
        #expect(trained.allSatisfy { $0 == 1 })
        #expect(run.runs.first?.values("model_version")?.last == 19_800)
    }

    static func drifting(_ model: String, strategies: String) throws -> Scenario {
        try ScenarioLoader.parse("""
        name: online-drift
        seed: 11
        replicates: 2
        clock: {tick: 1d, ticks: 40, events_per_tick: 100}
        stream: {generator: sea, noise: 0.05}
        drifts:
          - {type: instantaneous, at: 10d, target: concept, to: 3}
        model: \(model)
        labels: {coverage: 0.5, delay: 1d, cost: 0}
        strategies:
        \(strategies)
        """, file: "online-drift.yaml")
    }

    static func meanAccuracy(_ run: RunRecord, _ strategy: String, from: Int = 0) -> Double {
        let runs = run.runs.filter { $0.strategy == strategy }
        let values = runs.flatMap { ($0.values("accuracy") ?? [])[from...] }
        return values.reduce(0, +) / Double(values.count)
    }

    /// After SEA's concept changes, the learning model recovers and the frozen one does not.
    @Test(arguments: ["{family: hoeffding_tree, grace_period: 50}", "{family: gaussian_nb}"])
    func onlineLearningBeatsNeverOnADriftingStream(model: String) throws {
        let s = try Self.drifting(model, strategies: """
          - {name: never, trigger: never}
          - {name: online, trigger: online}
        """)
        let run = try Runner.run(s.plan, threads: 2)
        let never = Self.meanAccuracy(run, "never", from: 20), online = Self.meanAccuracy(run, "online", from: 20)
        #expect(online > never + 0.02, "online \(online), never \(never)")
        // Labels arrive a day late: tick 0 learns nothing, every later tick learns.
        let first = try #require(run.runs.first { $0.strategy == "online" })
        #expect(first.values("trained")?[0] == 0)
        #expect(first.values("trained")?[1...].allSatisfy { $0 == 1 } == true)
        #expect(first.values("deployed") == first.values("trained"))
        #expect(first.values("training_samples") == first.values("labels_arrived"))
    }

    /// Same scenario and seed, 1 and 2 threads: the same series and events, value for value.
    @Test func anOnlineRunIsTheSameAtOneAndTwoThreads() throws {
        let s = try Self.drifting("{family: hoeffding_tree, grace_period: 50}", strategies: """
          - {name: online, trigger: online}
          - {name: nb, trigger: online, model: {family: gaussian_nb}}
          - {name: weekly, trigger: {every: 7d}}
        """)
        let one = try Runner.run(s.plan, threads: 1), two = try Runner.run(s.plan, threads: 2)
        #expect(one.runs.count == two.runs.count)
        for (a, b) in zip(one.runs, two.runs) {
            #expect(a.strategy == b.strategy && a.replicate == b.replicate)
            for (x, y) in zip(a.series, b.series) {
                #expect(x.name == y.name)
                #expect(x.values.map(\.bitPattern) == y.values.map(\.bitPattern), "\(a.strategy) \(x.name)")
            }
            #expect(a.events.map { "\($0.kind) \($0.tick) \($0.samples) \($0.detail)" }
                    == b.events.map { "\($0.kind) \($0.tick) \($0.samples) \($0.detail)" })
        }
    }
}

/// The per-event updates against batch fits on the same rows.
@Suite struct IncrementalModelTests {
    /// Gaussian naive Bayes learnt row by row (in batches of uneven size) has the statistics of
    /// one batch fit on the same rows, and predicts as it does.
    @Test func naiveBayesLearntOneRowAtATimeEqualsTheBatchFit() throws {
        let rng = RandomStream(seed: 5, path: "nb")
        let d = 3, n = 500
        var set = TrainingSet(dimension: d)
        for _ in 0..<n {
            let y = rng.uniform() < 0.4 ? 1.0 : 0.0
            for j in 0..<d { set.features.append(rng.uniform() * 4 + y * Double(j)) }
            set.labels.append(y)
            set.ticks.append(0)
        }
        let learner = GaussianNaiveBayes()
        let batch = try #require(learner.fit(set, classCount: 2, warmStart: nil, rng: rng).model as? GaussianNaiveBayesModel)
        var live = learner.incremental(from: MajorityClassModelStandIn(), dimension: d, classCount: 2)
        var start = 0
        for size in [1, 7, 100, 2, 390] {
            let learnt = set.features.withUnsafeBufferPointer { x in
                set.labels.withUnsafeBufferPointer { y in
                    live.learn(UnsafeBufferPointer(rebasing: x[(start * d)...]), labels: UnsafeBufferPointer(rebasing: y[start...]),
                               count: size)
                }
            }
            #expect(learnt == size)
            start += size
        }
        let online = try #require(live as? GaussianNaiveBayesOnlineModel).model
        #expect(online.statistics.counts == batch.statistics.counts)
        for (a, b) in zip(online.statistics.means + online.statistics.squares, batch.statistics.means + batch.statistics.squares) {
            #expect(abs(a - b) <= 1e-9 * max(1, abs(b)))
        }
        var p = [Double](repeating: 0, count: n), q = p
        set.features.withUnsafeBufferPointer { x in
            p.withUnsafeMutableBufferPointer { online.predict(x, count: n, into: $0) }
            q.withUnsafeMutableBufferPointer { batch.predict(x, count: n, into: $0) }
        }
        #expect(p == q)
    }

    /// A Hoeffding tree continued row by row equals the batch learner streaming the same rows.
    @Test func aTreeLearntOneRowAtATimeEqualsTheBatchFit() throws {
        let rng = RandomStream(seed: 9, path: "tree")
        let d = 2, n = 3_000
        var set = TrainingSet(dimension: d)
        for _ in 0..<n {
            let a = rng.uniform() * 10, b = rng.uniform() * 10
            set.features += [a, b]
            set.labels.append(a > 5 ? 1 : 0)
            set.ticks.append(0)
        }
        let learner = HoeffdingTree(configuration: .init(gracePeriod: 50))
        let batch = try #require(learner.fit(set, classCount: 2, warmStart: nil, rng: rng).model as? HoeffdingTreeModel)
        var live = learner.incremental(from: MajorityClassModelStandIn(), dimension: d, classCount: 2)
        for i in 0..<n {
            _ = set.features.withUnsafeBufferPointer { x in
                set.labels.withUnsafeBufferPointer { y in
                    live.learn(UnsafeBufferPointer(rebasing: x[(i * d)...]), labels: UnsafeBufferPointer(rebasing: y[i...]), count: 1)
                }
            }
        }
        let tree = try #require(live as? HoeffdingTreeModel)
        #expect(tree.state == batch.state)
        #expect(tree.state.leafCount > 1)
    }
}

/// A model of another family: the incremental model starts empty.
struct MajorityClassModelStandIn: Model {
    var classCount: Int { 2 }
    func predict(_ x: UnsafeBufferPointer<Double>, count: Int, into out: UnsafeMutableBufferPointer<Double>) {
        for i in 0..<count { out[i] = 0 }
    }
    func probabilities(_ x: UnsafeBufferPointer<Double>, count: Int, into out: UnsafeMutableBufferPointer<Double>) -> Bool { false }
}
