import FlywheelCore
import Foundation
import GRDB
import Reports
import Scenarios
import Storage
import Testing
import Workbench

/// Two strategies: one with given values (a 7-day schedule on a 14-day window, a second model
/// family, a holdout gate), one with nothing but defaults.
private let twoStrategies = """
    name: strategy-table
    seed: 3
    replicates: 2
    clock: {tick: 1d, ticks: 20, events_per_tick: 200}
    stream: {generator: sea, concept: 0, noise: 0.1, warmup: 300}
    drifts:
      - {type: instantaneous, at: 8d, target: concept, to: 2}
    labels: {coverage: 0.4, delay: 2d, cost: 0.03}
    costs: {error: 1.5, retrain: 7, deploy: 2}
    strategies:
      - name: given
        trigger: {every: 7d, cooldown: 2d}
        dataset: {window: 14d}
        model: {family: mlp, hidden: 4, epochs: 3}
        gate: {holdout: 0.25, min_gain: 0.01}
      - {name: defaults}
    """

private func settingsRun(_ name: String) throws -> (out: URL, settings: [StrategySetting]) {
    let scenario = try ScenarioLoader.parse(twoStrategies, file: "strategy-table.yaml")
    let out = temporaryDirectory("strategy-table-\(name)")
    _ = try Workbench.run(scenario, outDirectory: out.path, threads: 1)
    return (out, Workbench.strategySettings(scenario.plan))
}

private func text(_ out: URL, _ file: String) throws -> String {
    try String(contentsOf: out.appendingPathComponent(file), encoding: .utf8)
}

/// The lines of the report's section titled `title`, up to the next `## `.
private func section(_ report: String, _ title: String) -> [Substring] {
    let lines = report.split(separator: "\n", omittingEmptySubsequences: false)
    guard let start = lines.firstIndex(of: Substring("## " + title)) else { return [] }
    let rest = lines[(start + 1)...]
    let end = rest.firstIndex { $0.hasPrefix("## ") } ?? rest.endIndex
    return Array(rest[..<end])
}

/// The cells of a Markdown table row.
private func cells(_ row: Substring) -> [String] {
    row.split(separator: "|", omittingEmptySubsequences: false).dropFirst().dropLast()
        .map { $0.trimmingCharacters(in: .whitespaces) }
}

@Suite(.serialized) struct StrategyTableTests {
    @Test func theTableNamesTheGivenValuesAndTheDefaults() throws {
        let (out, settings) = try settingsRun("values")
        defer { try? FileManager.default.removeItem(at: out) }
        func setting(_ strategy: String, _ role: String) -> StrategySetting? {
            settings.first { $0.strategy == strategy && $0.role == role }
        }
        // The given values, durations as the scenario writes them.
        #expect(setting("given", "trigger")?.component == "every")
        #expect(setting("given", "trigger")?.value("every") == "7d")
        #expect(setting("given", "trigger")?.value("cooldown") == "2d")
        #expect(setting("given", "dataset")?.component == "window")
        #expect(setting("given", "dataset")?.value("window") == "14d")
        #expect(setting("given", "model")?.component == "mlp")
        #expect(setting("given", "model")?.value("hidden") == "4")
        #expect(setting("given", "model")?.value("epochs") == "3")
        #expect(setting("given", "gate")?.component == "holdout")
        #expect(setting("given", "gate")?.value("holdout") == "0.25")
        #expect(setting("given", "gate")?.value("min_gain") == "0.01")
        #expect(setting("given", "labels")?.value("delay") == "2d")
        #expect(setting("given", "labels")?.value("cost") == "0.03")
        // The defaults, filled in: the catalogue's defaults of each component.
        #expect(setting("given", "model")?.value("batch") == "32", "mlp's default batch")
        #expect(setting("given", "model")?.value("learning_rate") == "0.01", "mlp's default learning rate")
        #expect(setting("defaults", "trigger")?.component == "never")
        #expect(setting("defaults", "trigger")?.value("min_new_labels") == "1")
        #expect(setting("defaults", "dataset")?.component == "all")
        #expect(setting("defaults", "model")?.component == "logistic_regression")
        #expect(setting("defaults", "model")?.value("l2") == "0.0001")
        #expect(setting("defaults", "model")?.value("solver") == "newton")
        #expect(setting("defaults", "model")?.value("max_iterations") == "25")
        #expect(setting("defaults", "gate")?.component == "none")
        #expect(setting("defaults", "rollout")?.component == "immediate")
        #expect(setting("defaults", "labels")?.value("coverage") == "0.4", "the scenario's labels: apply to both")

        // The report's table shows the same, one row per strategy in scenario order.
        let table = section(try text(out, "report.md"), "Strategies under test").filter { $0.hasPrefix("| `") }
        #expect(table.count == 2)
        let header = section(try text(out, "report.md"), "Strategies under test").first { $0.hasPrefix("| strategy") }
        let roles = header.map(cells) ?? []
        #expect(roles == ["strategy"] + StrategySetting.roles)
        let given = cells(table[0])
        #expect(given.first == "`given`")
        let trigger = given[roles.firstIndex(of: "trigger") ?? 0]
        #expect(trigger == "`every` every=7d, cooldown=2d, min_new_labels=1")
        #expect(given[roles.firstIndex(of: "dataset") ?? 0] == "`window` window=14d")
    }

    @Test func theTableSurvivesTheDatabaseAndTheReportIsRegeneratedByteForByte() throws {
        let (out, settings) = try settingsRun("roundtrip")
        defer { try? FileManager.default.removeItem(at: out) }
        let stored = try RunStore.readStrategies(out.appendingPathComponent("run.sqlite"))
        #expect(stored == settings)
        // The text column parses back to the same parameters.
        for s in settings { #expect(StrategySetting.parameters(parsing: s.parametersText) == s.parameters) }
        let before = try text(out, "report.md")
        _ = try Workbench.regenerate(runDirectory: out.path)
        #expect(try text(out, "report.md") == before)
        #expect(before.contains("## Strategies under test"))
    }

    @Test func aDatabaseWithoutTheTableStillReadsAndHasNoTable() throws {
        let (out, _) = try settingsRun("old")
        defer { try? FileManager.default.removeItem(at: out) }
        let database = out.appendingPathComponent("run.sqlite")
        // As a database written before the table existed: no table, no migration record.
        let queue = try DatabaseQueue(path: database.path)
        try queue.write { db in
            try db.execute(sql: "DROP TABLE strategy_config")
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v3-strategy-config'")
        }
        try queue.close()
        #expect(try RunStore.readStrategies(database).isEmpty)
        let record = try RunStore.read(database)
        #expect(record.strategies == ["given", "defaults"])
        _ = try Workbench.regenerate(runDirectory: out.path)
        let report = try text(out, "report.md")
        #expect(!report.contains("## Strategies under test"))
        // The prices still come from the manifest; the per-strategy prices are unknown.
        #expect(report.contains("## Cost model"))
        #expect(!report.contains("| label price |"))
    }

    @Test func theCostSectionStatesThePricesAndItsTermsAddUpToTheSummaryTotal() throws {
        let (out, _) = try settingsRun("costs")
        defer { try? FileManager.default.removeItem(at: out) }
        let lines = section(try text(out, "report.md"), "Cost model")
        #expect(!lines.isEmpty)
        // Every price key with its value, the scenario's or the default.
        let prices = Dictionary(
            lines.filter { $0.hasPrefix("| `") }.map(cells).filter { $0.count == 3 }
                .map { ($0[0], $0[1]) }, uniquingKeysWith: { a, _ in a })
        #expect(prices["`error`"] == "1.5")
        #expect(prices["`retrain`"] == "7")
        #expect(prices["`deploy`"] == "2")
        #expect(prices["`retrain_per_sample`"] == "0", "a default is stated")
        #expect(prices["`retrain_per_unit`"] == "0", "a default is stated")
        #expect(prices["`rollback`"] == "0", "a default is stated")

        // Per strategy: errors, labels, retraining, deployments, rollbacks, total.
        let summary = try text(out, "summary.csv").split(separator: "\n")
            .map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let header = summary[0]
        func column(_ row: [String], _ name: String) -> Double { Double(row[header.firstIndex(of: name)!])! }
        let header2 = lines.first { $0.hasPrefix("| strategy |") }.map(cells) ?? []
        #expect(header2.suffix(6) == ["errors", "labels", "retraining", "deployments", "rollbacks", "total cost"])
        var rows = 0
        for row in lines.map(cells) where row.count == header2.count && row[0].hasPrefix("`") {
            let name = String(row[0].dropFirst().dropLast())
            guard let csv = summary.first(where: { $0.first == name }) else {
                Issue.record("\(name) is not in summary.csv")
                continue
            }
            rows += 1
            let terms = row.suffix(6).prefix(5).map { Double($0)! }
            let total = Double(row.last!.split(separator: " ").first!)!
            let csvTerms = ["cost_error", "cost_label", "cost_retrain", "cost_deploy", "cost_rollback"]
                .map { column(csv, $0) }
            for (shown, exact) in zip(terms, csvTerms) { #expect(abs(shown - exact) <= 0.05 + 1e-9) }
            #expect(
                abs(csvTerms.reduce(0, +) - column(csv, "total_cost")) <= 1e-6 * max(1, column(csv, "total_cost")),
                "summary.csv's terms add up to its total for \(name)")
            #expect(abs(terms.reduce(0, +) - total) <= 0.05 * 6, "the section's terms add up to its total for \(name)")
            #expect(abs(total - column(csv, "total_cost")) <= 0.05 + 1e-9)
            // The strategy's own prices: label price and the model's work unit.
            #expect(row[1] == "0.03")
        }
        #expect(rows == 2)
        let given = lines.first { $0.hasPrefix("| `given`") }.map(cells) ?? []
        #expect(given.count > 2 && given[2] == "`mlp`: rows × epochs")
        let defaults = lines.first { $0.hasPrefix("| `defaults`") }.map(cells) ?? []
        #expect(
            defaults.count > 2 && defaults[2] == "`logistic_regression`: rows × Newton iterations",
            "the unit of the solver it uses (newton)")
    }

    /// Every shipped scenario's table uses scenario words only: no Swift case or property names
    /// (camelCase), no catalogue titles listing several components (`a / b`), every duration of
    /// a daily scenario in days.
    @Test func theShippedScenariosTablesLeakNoInternalNames() throws {
        let folder = repositoryRoot.appendingPathComponent("scenarios")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".yaml") }.sorted()
        var checked = 0
        for file in files {
            // Replays need their data file (skipped where absent) and sweeps are not runs.
            guard
                let scenario = try? ScenarioLoader.parse(
                    String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8),
                    file: folder.appendingPathComponent(file).path)
            else { continue }
            checked += 1
            // Ticks of rows have no length in time: their durations are tick counts.
            let timed = scenario.plan.manifest.clock.rowsPerTick == nil
            for s in Workbench.strategySettings(scenario.plan) {
                let texts = [s.component] + s.parameters.flatMap { [$0.name, $0.value] }
                for t in texts {
                    #expect(
                        t.range(of: "[a-z][A-Z]", options: .regularExpression) == nil,
                        "\(file) \(s.strategy) \(s.role): \(t)")
                    #expect(!t.contains(" / "), "\(file) \(s.strategy) \(s.role): \(t)")
                    #expect(!t.contains("Strategies.") && !t.contains("Optional("), "\(file): \(t)")
                }
                if timed, s.role == "dataset", s.component == "window", let w = s.value("window") {
                    #expect(w.hasSuffix("d"), "\(file) \(s.strategy): window=\(w)")
                }
                if timed, s.role == "trigger", s.component == "every", let w = s.value("every") {
                    #expect(w.hasSuffix("d"), "\(file) \(s.strategy): every=\(w)")
                }
            }
        }
        #expect(checked >= 5)
    }

    /// A learnt threshold is written where the fixed one would be, as the scenario writes it, and
    /// no stored field behind it (the quality trigger's rules, the stream's unknown columns) shows.
    @Test func learntThresholdsReadAsTheScenarioWritesThem() throws {
        let scenario = try ScenarioLoader.parse("""
            name: sigma-table
            seed: 1
            clock: {tick: 1d, ticks: 10, events_per_tick: 100}
            stream: {generator: sea, warmup: 200}
            strategies:
              - {name: perf, trigger: {performance: {threshold: {sigma: 3, windows: 5}}}}
              - {name: drift, trigger: {drift: {on: output, metric: ks, threshold: {sigma: 2.5}}}}
              - {name: qual, trigger: {quality: {missing: {sigma: 3}, out_of_range: 0.2}}}
            """, file: "sigma-table.yaml")
        let triggers = Workbench.strategySettings(scenario.plan).filter { $0.role == "trigger" }
        #expect(triggers.map { $0.value("threshold") ?? $0.value("missing") } == [
            "{sigma: 3; windows: 5}", "{sigma: 2.5; windows: 4}", "{sigma: 3; windows: 4}",
        ])
        #expect(triggers[2].value("out_of_range") == "0.2")
        let names = triggers.flatMap { $0.parameters.map(\.name) }
        #expect(!names.contains { $0.hasPrefix("sigma") || $0 == "unseen_columns" }, "\(names)")
    }
}
