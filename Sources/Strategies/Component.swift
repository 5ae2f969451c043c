import FlywheelCore

/// A part of a strategy that a scenario names: a trigger, a logging or curation policy, a dataset
/// policy, a rollout. Each kind is one type in one file, holding its documentation (`info`), its
/// parameters, its state and its behaviour, and is listed once in its role's registry
/// (``Triggers/all``, ``Loggings/all``, ``Curations/all``, ``Datasets/all``, ``Rollouts/all``),
/// which drives `flywheel list` and the conformance tests.
public protocol StrategyComponent: Sendable {
    /// Name, summary, parameters with their defaults and the reference, for `flywheel list`.
    static var info: ComponentInfo { get }
    /// Configurations that exercise the kind: the role's conformance tests check each of them
    /// (`Tests/StrategiesTests/ConformanceTests.swift`), so a new kind is tested by being registered.
    static var examples: [Self] { get }
}
