/// The Flywheel library in one import: `import Flywheel` makes every module of the workbench
/// visible (as swift-numerics' `Numerics` does for its modules), for your own Swift code.
///
/// ```swift
/// import Flywheel
///
/// let scenario = try ScenarioLoader.load(path: "scenarios/quickstart.yaml")
/// let record = try Runner.run(scenario.plan)
/// print(RunSummary.summarize(record).map { "\($0.strategy): \($0.totalCost.mean)" })
/// ```
///
/// The modules, from the vocabulary up: `FlywheelCore` (time, seeded random streams, event
/// batches, run records, the component catalogue and parameter reader), `Streams` (generators,
/// drift, replay, traffic sources), `Learners`, `Monitoring` (detectors, distances, sketches),
/// `Strategies` (the roles of a retraining strategy and their registries), `Simulation` (the
/// engine and runner), `Analysis`, `Storage`, `SQLiteReplay`, `Plots`, `Reports` and `Scenarios`
/// (YAML to a plan, and the workbench commands).
@_exported import Analysis
@_exported import FlywheelCore
@_exported import Learners
@_exported import Monitoring
@_exported import Plots
@_exported import Reports
@_exported import SQLiteReplay
@_exported import Scenarios
@_exported import Simulation
@_exported import Storage
@_exported import Strategies
@_exported import Streams
