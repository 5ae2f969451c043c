import FlywheelCore
import Testing
@testable import Learners

/// Checks every registered model family (``LearnerCatalog/kinds``) with its defaults: a family
/// added to the registry is checked here without a line of test code.
@Suite struct LearnerConformance {
    static let names = LearnerCatalog.kinds.map { $0.info.name }

    @Test(arguments: names)
    func everyFamilyFitsATinySetAndPredictsItsClasses(name: String) throws {
        let kind = try #require(LearnerCatalog.kinds.first { $0.info.name == name })
        let learner = try kind.init(try ParameterReader(kind.info, [:]))
        #expect(learner.family == name)
        let data = twoGaussians(60, seed: 3)
        let (model, epochs) = learner.fit(data, classCount: 2, warmStart: nil, rng: RandomStream(seed: 4))
        #expect((model.classCount == 2 || model.classCount == 0) && epochs >= 0, "\(name)")
        let p = predictions(model, data.features, rows: data.count)
        // A classifier predicts a class; a regressor (ridge) a finite estimate of the 0/1 label.
        #expect(p.allSatisfy { model.classCount == 0 ? $0.isFinite : ($0 == 0 || $0 == 1) }, "\(name): \(p.prefix(5))")
        if let q = probabilities(model, data.features, rows: data.count) {
            for i in 0..<data.count { #expect(abs(q[2 * i] + q[2 * i + 1] - 1) < 1e-9, "\(name): row \(i) sums to \(q[2 * i] + q[2 * i + 1])") }
        }
    }

    @Test(arguments: names)
    func everyParameterHasATypedDefaultThatTheFamilyAccepts(name: String) throws {
        let kind = try #require(LearnerCatalog.kinds.first { $0.info.name == name })
        var values: [String: Double] = [:]
        for p in kind.info.parameters {
            values[p.name] = try #require(p.value.number, "\(name).\(p.name) has no typed default")
        }
        _ = try LearnerCatalog.make(name, parameters: values)
    }
}
