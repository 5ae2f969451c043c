import FlywheelCore
import Foundation
import Scenarios
import Testing

func problems(_ text: String) -> [FlywheelError] {
    do {
        _ = try ScenarioLoader.parse(text, file: "bad.yaml")
        return []
    } catch let e as FlywheelErrors {
        return e.errors
    } catch {
        return [FlywheelError("\(error)")]
    }
}

@Suite struct Validation {
    @Test(arguments: ["2024-02-30", "2023-02-29", "2024-04-31"])
    func aClockStartOnADayTheMonthDoesNotHaveIsAnError(day: String) {
        let errors = problems("""
        name: no-such-day
        clock: {tick: 1d, ticks: 10, events_per_tick: 100, start: \(day)}
        stream: {generator: sea}
        strategies:
          - {name: a, trigger: never}
        """)
        #expect(errors.count == 1 && errors.first?.keyPath == "clock.start" && errors.first?.location?.line == 2, "\(errors)")
    }

    @Test func aFileWithSeveralMistakesReportsAllOfThemWithLinesAndSuggestions() {
        let errors = problems("""
        name: broken
        seeed: 4
        clock: {tick: 1d, ticks: 50, events_per_tick: 100}
        stream: {generator: sae, noise: 1.5}
        drifts:
          - {type: gradul, center: 10d, width: 5d}
          - {type: instantaneous, at: 7x, target: concept}
        strategies:
          - {name: a, trigger: {evry: 7d}}
          - {name: b, trigger: {every: 7d}, dataset: {windw: 30d}}
        reference: c
        """)
        let described = errors.map(\.description)
        func has(line: Int, key: String, _ fragment: String) -> Bool {
            errors.contains { $0.location?.line == line && $0.keyPath == key && ($0.description.contains(fragment)) }
        }
        #expect(has(line: 2, key: "seeed", "did you mean 'seed'?"), "\(described)")
        #expect(has(line: 4, key: "stream.generator", "did you mean 'sea'?"), "\(described)")
        #expect(has(line: 6, key: "drifts[0].type", "did you mean 'gradual'?"), "\(described)")
        #expect(has(line: 7, key: "drifts[1].at", "is not a duration"), "\(described)")
        #expect(has(line: 9, key: "strategies[0].trigger.evry", "did you mean 'every'?"), "\(described)")
        #expect(has(line: 10, key: "strategies[1].dataset.windw", "did you mean 'window'?"), "\(described)")
        #expect(has(line: 11, key: "reference", "is not a strategy"), "\(described)")
        #expect(errors.allSatisfy { $0.location?.file == "bad.yaml" })
        #expect(errors.count >= 7)
    }

    @Test func impossibleValuesAreRejectedWithTheirRange() {
        let errors = problems("""
        name: ranges
        replicates: 0
        clock: {tick: 1d, ticks: 30, events_per_tick: 100}
        stream: {generator: sea, noise: 1.5}
        labels: {coverage: 2}
        strategies:
          - {name: a, trigger: never}
          - {name: a, trigger: never}
        """)
        let keys = Set(errors.compactMap(\.keyPath))
        #expect(keys.isSuperset(of: ["replicates", "stream.noise", "labels.coverage", "strategies[1]"]), "\(errors)")
        #expect(errors.contains { $0.keyPath == "stream.noise" && $0.message.contains("≤ 1") })
    }

    @Test func malformedYAMLNamesTheLine() {
        let errors = problems("name: x\nclock: {tick: 1d\nstrategies: []\n")
        #expect(errors.count == 1)
        #expect(errors[0].message.hasPrefix("malformed YAML"))
        #expect((errors[0].location?.line ?? 0) >= 2)
    }

    @Test func emptyFileIsAnError() {
        let errors = problems("")
        #expect(errors.count == 1 && errors[0].message.contains("empty"))
    }

    @Test func missingRequiredSectionsAreNamed() {
        let errors = problems("name: nothing\n")
        let keys = Set(errors.compactMap(\.keyPath))
        #expect(keys.isSuperset(of: ["clock", "stream", "strategies"]))
    }

    @Test func unknownModelParameterSuggestsTheNearest() {
        let errors = problems("""
        name: m
        clock: {tick: 1d, ticks: 10}
        stream: {generator: sea}
        model: {family: logistic_regression, l3: 0.1}
        strategies: [{name: a, trigger: never}]
        """)
        #expect(errors.contains { $0.keyPath == "model.l3" && $0.description.contains("l2") && $0.location?.line == 4 }, "\(errors)")
    }

    /// A regressor's numbers are not classes: ridge on a classification stream is refused at its line,
    /// scenario-wide and per strategy.
    @Test func aRegressionFamilyOnClassesIsRefused() {
        let errors = problems("""
        name: m
        clock: {tick: 1d, ticks: 10}
        stream: {generator: sea}
        model: {family: ridge}
        strategies: [{name: a, trigger: never}, {name: b, trigger: never, model: {family: ridge, l2: 1}}]
        """)
        let refusals = errors.filter { $0.description.contains("model family 'ridge' is for a numeric target") }
        #expect(refusals.map { $0.location?.line } == [4, 5], "\(errors)")
        #expect(refusals.first?.hint?.contains("logistic_regression") == true, "\(errors)")
    }

    @Test func theEmbeddedQuickstartIsTheShippedFile() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let file = try String(contentsOf: root.appendingPathComponent("scenarios/quickstart.yaml"), encoding: .utf8)
        #expect(file == BuiltinScenarios.quickstart, "run scripts/embed-quickstart.py after editing scenarios/quickstart.yaml")
        let s = try ScenarioLoader.parse(file, file: "scenarios/quickstart.yaml")
        #expect(s.plan.strategies.map(\.name) == ["never", "every-30d", "every-7d", "every-tick", "ski-rental"])
    }

    @Test func everyShippedScenarioValidates() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let dir = root.appendingPathComponent("scenarios")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".yaml") }.sorted()
        #expect(!files.isEmpty)
        // Replay scenarios read their data from the data home: FLYWHEEL_DATA, else ../shared/datasets.
        let env = ProcessInfo.processInfo.environment["FLYWHEEL_DATA"].flatMap { $0.isEmpty ? nil : $0 }
        let shared = root.deletingLastPathComponent().appendingPathComponent("shared/datasets").path
        let data = env ?? (FileManager.default.fileExists(atPath: shared) ? shared : nil)
        for f in files {
            let path = dir.appendingPathComponent(f).path
            if let data {
                _ = try DataHome.$override.withValue(data) { try ScenarioLoader.load(path: path) }
            } else {
                // Without the data, a replay scenario's only problem is the missing file.
                do { _ = try DataHome.$override.withValue("/nonexistent") { try ScenarioLoader.load(path: path) } } catch let e as FlywheelErrors {
                    #expect(e.errors.allSatisfy { $0.message.contains("cannot find the data file") }, "\(f): \(e)")
                }
            }
        }
    }
}

@Suite struct Documentation {
    /// The scenario shown in the README is a real, valid scenario.
    @Test func theReadmeScenarioValidates() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let start = try #require(readme.range(of: "```yaml\n"))
        let end = try #require(readme.range(of: "```", range: start.upperBound..<readme.endIndex))
        let yaml = String(readme[start.upperBound..<end.lowerBound])
        let s = try ScenarioLoader.parse(yaml, file: "README.md")
        #expect(s.plan.strategies.count == 4)
    }
}

@Suite struct CostTriggerValidation {
    @Test func aZeroPriceOrAnUnknownKeyIsRefusedAtItsLine() {
        let errors = problems("""
        name: ski
        clock: {tick: 1d, ticks: 30, events_per_tick: 100}
        stream: {generator: sea}
        strategies:
          - {name: a, trigger: {cost: {price: 0}}}
          - {name: b, trigger: {cost: {windw: 3d}}}
        """)
        #expect(errors.count == 2, "\(errors)")
        #expect(errors.contains { $0.location?.line == 5 && ($0.keyPath ?? "").hasSuffix("price") }, "\(errors)")
        #expect(errors.contains { $0.location?.line == 6 && $0.message.contains("windw") }, "\(errors)")
    }

    @Test func aValidCostTriggerLoads() throws {
        let s = try ScenarioLoader.parse("""
        name: ski
        clock: {tick: 1d, ticks: 30, events_per_tick: 100}
        stream: {generator: sea}
        strategies:
          - {name: a, trigger: {cost: {window: 5d, price: 80}}}
        """, file: "ok.yaml")
        #expect(s.plan.strategies.count == 1)
    }
}
