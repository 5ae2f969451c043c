import Testing
import FlywheelCore
@testable import Streams

@Suite struct GeneratorCatalogTests {
    @Test func listsEveryGeneratorOnce() {
        let names = GeneratorCatalog.all.map(\.name)
        #expect(Set(names) == ["sea", "stagger", "hyperplane", "agrawal", "rbf", "sine", "gaussian", "friedman"])
        #expect(names.count == Set(names).count)
        #expect(GeneratorCatalog.all.allSatisfy { $0.family == "generator" && !$0.reference.isEmpty && !$0.summary.isEmpty })
    }

    @Test(arguments: [("sea", 3, 4), ("stagger", 3, 3), ("hyperplane", 10, 5), ("agrawal", 9, 10), ("rbf", 10, 5),
                      ("sine", 2, 4), ("gaussian", 2, 4), ("friedman", 10, 7)])
    func buildsWithDefaults(name: String, dimension: Int, concepts: Int) throws {
        let g = try GeneratorCatalog.make(name, parameters: [:], seed: 1)
        #expect(g.schema.dimension == dimension)
        #expect(g.conceptCount == concepts)
        #expect(g.schema.isClassification == (name != "friedman"))
    }

    @Test func everyDocumentedParameterIsAccepted() throws {
        for info in GeneratorCatalog.all {
            var values: [String: Double] = [:]
            for p in info.parameters { values[p.name] = Double(p.defaultValue) ?? 3 }
            _ = try GeneratorCatalog.make(info.name, parameters: values, seed: 1)
        }
    }

    @Test func parametersReachTheGenerator() throws {
        let g = try GeneratorCatalog.make("rbf", parameters: ["features": 4, "classes": 3], seed: 1)
        #expect(g.schema.dimension == 4 && g.schema.classes.count == 3)
        let s = try GeneratorCatalog.make("sine", parameters: ["irrelevant": 2], seed: 1)
        #expect(s.schema.dimension == 4)
        let gm = try GeneratorCatalog.make("gaussian", parameters: ["separation": 1, "sigma": 2], seed: 1)
        #expect(abs(gm.bayesAccuracy - 0.5987063256829237) < 1e-12)
    }

    @Test func seedAndModelSeedChooseTheConcepts() throws {
        func weights(_ seed: UInt64, _ parameters: [String: Double] = [:]) throws -> [Double] {
            try #require(try GeneratorCatalog.make("hyperplane", parameters: parameters, seed: seed) as? HyperplaneGenerator).weights
        }
        #expect(try weights(1) == weights(1))
        #expect(try weights(1) != weights(2))
        #expect(try weights(1, ["model_seed": 7]) == weights(2, ["model_seed": 7]))
    }

    @Test func unknownGeneratorSuggestsTheNearest() {
        do {
            _ = try GeneratorCatalog.make("hyperplan", parameters: [:], seed: 1)
            Issue.record("expected an error")
        } catch let error as FlywheelError {
            #expect(error.message.contains("hyperplan"))
            #expect(error.hint?.contains("did you mean 'hyperplane'") == true)
            #expect(error.hint?.contains("friedman") == true)
        } catch { Issue.record("unexpected \(error)") }
    }

    @Test func unknownParameterNamesTheValidOnes() {
        do {
            _ = try GeneratorCatalog.make("rbf", parameters: ["feature": 3], seed: 1)
            Issue.record("expected an error")
        } catch let error as FlywheelError {
            #expect(error.keyPath == "feature")
            #expect(error.hint?.contains("did you mean 'features'") == true)
            #expect(error.hint?.contains("drift_centroids") == true)
        } catch { Issue.record("unexpected \(error)") }
        #expect(throws: FlywheelError.self) { try GeneratorCatalog.make("sea", parameters: ["variant": 1], seed: 1) }
        do {
            _ = try GeneratorCatalog.make("hyperplane", parameters: ["noise": 0.1], seed: 1)
            Issue.record("expected an error")
        } catch let error as FlywheelError {
            #expect(error.hint?.contains("engine") == true)
        } catch { Issue.record("unexpected \(error)") }
    }

    @Test func badValuesAreErrors() {
        #expect(throws: FlywheelError.self) { try GeneratorCatalog.make("hyperplane", parameters: ["features": 2.5], seed: 1) }
        #expect(throws: FlywheelError.self) { try GeneratorCatalog.make("hyperplane", parameters: ["model_seed": -1], seed: 1) }
        #expect(throws: FlywheelError.self) { try GeneratorCatalog.make("gaussian", parameters: ["sigma": .nan], seed: 1) }
        #expect(throws: FlywheelError.self) { try GeneratorCatalog.make("agrawal", parameters: ["perturbation": 1.5], seed: 1) }
    }

    @Test func everyGeneratorIsDeterministicGivenItsSeed() throws {
        for info in GeneratorCatalog.all {
            let g = try GeneratorCatalog.make(info.name, parameters: [:], seed: 5)
            let state = ConceptState(concept: 0, toward: g.conceptCount - 1, blend: 0.4)
            let a = Gen.sample(g, count: 200, state: state, seed: 12), b = Gen.sample(g, count: 200, state: state, seed: 12)
            #expect(a.x == b.x && a.y == b.y, "\(info.name)")
            #expect(a.x.allSatisfy(\.isFinite) && a.y.allSatisfy(\.isFinite), "\(info.name)")
            if g.schema.isClassification {
                #expect(a.y.allSatisfy { $0 >= 0 && $0 < Double(g.schema.classes.count) && $0 == $0.rounded() }, "\(info.name)")
            }
        }
    }
}
