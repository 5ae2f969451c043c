import FlywheelCore
import Foundation
@testable import Learners
import Testing

@Suite struct XGBoostTests {
    struct Oracle: Decodable {
        struct Case: Decodable { var name: String; var predictions: [Double]; var warm_predictions: [Double] }
        var dimension: Int
        var train: [Double?]
        var test: [Double?]
        var labels: [String: [Double]]
        var cases: [Case]
    }

    static let oracle: Oracle = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Oracles/xgboost.json")
        return try! JSONDecoder().decode(Oracle.self, from: Data(contentsOf: url))
    }()

    static let learner = XGBoostLearner(trees: 20, depth: 3)

    static func set(_ labels: [Double], rows: Range<Int>) -> TrainingSet {
        let o = oracle, d = o.dimension
        var s = TrainingSet(dimension: d)
        for i in rows {
            for j in 0..<d { s.features.append(o.train[i * d + j] ?? .nan) }
            s.labels.append(labels[i])
            s.ticks.append(Int32(i))
        }
        return s
    }

    static var test: [Double] { oracle.test.map { $0 ?? .nan } }

    /// XGBoost's own Python package (1.7.4, the version of the C library), on the same rows with
    /// 10 % missing inputs, the same parameters and seed (scripts/oracles/xgboost_oracle.py).
    @Test(arguments: [("binary", 2), ("multiclass", 3), ("regression", 0)])
    func predictionsMatchXGBoostsPythonPackage(_ name: String, _ classes: Int) throws {
        let o = Self.oracle
        let reference = o.cases.first { $0.name == name }!
        let labels = o.labels[name]!
        let model = try Self.learner.fitBooster(Self.set(labels, rows: 0..<400), classCount: classes, warmStart: nil, seed: 17)
        let rows = Self.test.count / o.dimension
        let got: [Double]
        if classes == 0 {
            got = predictions(model, Self.test, rows: rows)
        } else {
            let p = probabilities(model, Self.test, rows: rows)!
            got = classes == 2 ? stride(from: 1, to: p.count, by: 2).map { p[$0] } : p
        }
        #expect(got.count == reference.predictions.count)
        for (a, b) in zip(got, reference.predictions) { #expect(abs(a - b) <= 1e-6 * max(1, abs(b)), "\(name): \(a) vs \(b)") }

        // Warm start: 10 more rounds on rows 200..<400, from the first model (xgb_model in Python).
        let warm = try XGBoostLearner(trees: 10, depth: 3).fitBooster(Self.set(labels, rows: 200..<400), classCount: classes,
                                                                       warmStart: model, seed: 17)
        #expect(warm.rounds == 30)
        let gotWarm: [Double]
        if classes == 0 {
            gotWarm = predictions(warm, Self.test, rows: rows)
        } else {
            let p = probabilities(warm, Self.test, rows: rows)!
            gotWarm = classes == 2 ? stride(from: 1, to: p.count, by: 2).map { p[$0] } : p
        }
        for (a, b) in zip(gotWarm, reference.warm_predictions) { #expect(abs(a - b) <= 1e-6 * max(1, abs(b)), "\(name) warm: \(a) vs \(b)") }
    }

    @Test func missingnessItselfIsLearnedWhenItCarriesTheLabel() {
        // The label is 1 exactly when x0 is missing: imputation cannot see it; XGBoost's default
        // directions can.
        let rng = RandomStream(seed: 4)
        var s = TrainingSet(dimension: 2)
        for i in 0..<600 {
            let missing = rng.bernoulli(0.3)
            s.features += [missing ? .nan : 10 * rng.uniform(), 10 * rng.uniform()]
            s.labels.append(missing ? 1 : 0)
            s.ticks.append(Int32(i))
        }
        let (model, _) = XGBoostLearner(trees: 5, depth: 2).fit(s, classCount: 2, warmStart: nil, rng: RandomStream(seed: 1))
        let p = predictions(model, s.features, rows: s.count)
        #expect(zip(p, s.labels).allSatisfy { $0 == $1 })
    }

    @Test func theSameStreamGivesTheSameModelAndThreadsShareOneModelSafely() async {
        let s = seaLike(2000, dimension: 3, seed: 8)
        let learner = XGBoostLearner(trees: 30, depth: 4, subsample: 0.7, columnSample: 0.7)
        let (a, _) = learner.fit(s, classCount: 2, warmStart: nil, rng: RandomStream(seed: 3))
        let (b, _) = learner.fit(s, classCount: 2, warmStart: nil, rng: RandomStream(seed: 3))
        let pa = probabilities(a, s.features, rows: s.count)!, pb = probabilities(b, s.features, rows: s.count)!
        #expect(pa == pb)
        let x = s.features
        let results = await withTaskGroup(of: [Double].self) { group in
            for _ in 0..<4 { group.addTask { probabilities(a, x, rows: 2000)! } }
            var all: [[Double]] = []
            for await r in group { all.append(r) }
            return all
        }
        #expect(results.allSatisfy { $0 == pa })
        // It learns the SEA concept well above chance.
        let accuracy = zip(predictions(a, x, rows: 2000), s.labels).filter { $0 == $1 }.count
        #expect(accuracy > 1900)
    }

    @Test func parametersOutOfRangeAreRefused() {
        #expect(throws: FlywheelError.self) { try XGBoostLearner(parameters: ["depth": 0]) }
        #expect(throws: FlywheelError.self) { try XGBoostLearner(parameters: ["learning_rate": 2]) }
        #expect(throws: FlywheelError.self) { try XGBoostLearner(parameters: ["trees": 1.5]) }
        #expect(throws: FlywheelError.self) { try XGBoostLearner(parameters: ["tree": 10]) }
    }
}
