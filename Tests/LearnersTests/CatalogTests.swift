import FlywheelCore
import Testing
@testable import Learners

@Suite struct CatalogTests {
    @Test func everyListedFamilyCanBeMadeWithDefaults() throws {
        #expect(LearnerCatalog.names == ["logistic_regression", "gaussian_nb", "ridge", "mlp", "majority", "no_change",
                                       "hoeffding_tree", "xgboost"])
        for info in LearnerCatalog.all {
            let learner = try LearnerCatalog.make(info.name, parameters: [:])
            #expect(learner.family == info.name)
            #expect(info.family == "model" && !info.summary.isEmpty && !info.reference.isEmpty)
        }
    }

    @Test func parametersReachTheLearner() throws {
        let mlp = try #require(try LearnerCatalog.make("mlp", parameters: ["hidden": 5, "hidden2": 2, "relu": 1, "epochs": 7]) as? MultilayerPerceptron)
        #expect(mlp.hidden == 5 && mlp.hidden2 == 2 && mlp.relu && mlp.epochs == 7 && mlp.batchSize == 32)
        let ridge = try #require(try LearnerCatalog.make("ridge", parameters: ["l2": 0.25, "intercept": 0]) as? RidgeRegression)
        #expect(ridge.l2 == 0.25 && !ridge.intercept && ridge.standardize)
    }

    @Test func unknownFamilyNamesTheValidOnes() {
        do {
            _ = try LearnerCatalog.make("gausian_nb", parameters: [:])
            Issue.record("expected an error")
        } catch let error as FlywheelError {
            #expect(error.description.contains("gausian_nb"))
            #expect(error.hint?.contains("did you mean gaussian_nb?") == true)
            #expect(error.hint?.contains("no_change") == true)
        } catch { Issue.record("unexpected \(error)") }
    }

    @Test func unknownOrInvalidParameterIsAnError() {
        do {
            _ = try LearnerCatalog.make("mlp", parameters: ["epoch": 3])
            Issue.record("expected an error")
        } catch let error as FlywheelError {
            #expect(error.keyPath == "model.epoch")
            #expect(error.hint?.contains("did you mean epochs?") == true)
            #expect(error.hint?.contains("learning_rate") == true)
        } catch { Issue.record("unexpected \(error)") }
        #expect(throws: FlywheelError.self) { try LearnerCatalog.make("mlp", parameters: ["epochs": 0]) }
        #expect(throws: FlywheelError.self) { try LearnerCatalog.make("mlp", parameters: ["hidden": 2.5]) }
        #expect(throws: FlywheelError.self) { try LearnerCatalog.make("ridge", parameters: ["l2": -1]) }
        #expect(throws: FlywheelError.self) { try LearnerCatalog.make("gaussian_nb", parameters: ["var_smoothing": .nan]) }
        #expect(throws: FlywheelError.self) { try LearnerCatalog.make("majority", parameters: ["l2": 1]) }
    }
}

@Suite struct DeterminismTests {
    @Test(arguments: LearnerCatalog.names)
    func sameSeedGivesIdenticalPredictions(family: String) throws {
        let data = seaLike(800, dimension: 4, seed: 81)
        let test = seaLike(300, dimension: 4, seed: 82)
        let learner = try LearnerCatalog.make(family, parameters: family == "mlp" ? ["epochs": 2] : [:])
        let classCount = family == "ridge" ? 0 : 2
        let a = learner.fit(data, classCount: classCount, warmStart: nil, rng: RandomStream(seed: 5, path: "fit", family))
        let b = learner.fit(data, classCount: classCount, warmStart: nil, rng: RandomStream(seed: 5, path: "fit", family))
        #expect(a.epochs == b.epochs)
        #expect(predictions(a.model, test.features, rows: test.count) == predictions(b.model, test.features, rows: test.count))
        #expect(probabilities(a.model, test.features, rows: test.count) == probabilities(b.model, test.features, rows: test.count))
    }
}
