import Flywheel
import Testing

/// `import Flywheel` alone reaches every layer: the loader, the engine, the analysis and the
/// catalogue.
@Test func oneImportLoadsRunsAndSummarisesAScenario() throws {
    let scenario = try ScenarioLoader.parse("""
    name: umbrella
    seed: 3
    clock: {tick: 1d, ticks: 20, events_per_tick: 200}
    stream: {generator: sea, noise: 0.1}
    labels: {coverage: 0.5, delay: 1d}
    strategies:
      - {name: never, trigger: never}
      - {name: weekly, trigger: {every: 7d}, dataset: {window: 7d}}
    reference: weekly
    """, file: "umbrella.yaml")
    let record = try Runner.run(scenario.plan, threads: 1)
    let summaries = RunSummary.summarize(record)
    #expect(summaries.map(\.strategy) == ["never", "weekly"])
    #expect(summaries[1].opportunityCost?.mean == 0)
    #expect(summaries[1].retrains.mean == 2)
}
