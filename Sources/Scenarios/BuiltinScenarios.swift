/// Scenarios compiled into the binary, so `flywheel run` works from any folder.
public enum BuiltinScenarios {
    /// The text of `scenarios/quickstart.yaml` (a test keeps the two identical;
    /// `scripts/embed-quickstart.py` regenerates this file).
    public static let quickstart = #"""
# The built-in default scenario: `flywheel run` with no argument runs it.
name: quickstart
description: >-
  How often should a logistic-regression model on SEA traffic be retrained when the world
  switches abruptly, drifts gradually, oscillates, and loses half of one input for a week?
seed: 42
replicates: 3
clock: {tick: 1d, ticks: 180, events_per_tick: 2000, start: 2024-01-01}
stream:
  generator: sea        # Street & Kim's SEA concepts: class 1 when x0 + x1 <= threshold
  concept: 0            # threshold 8
  noise: 0.1            # 10 % label noise: the Bayes ceiling is 0.90
  warmup: 2000          # labelled history the initial model is fitted on
drifts:
  - {name: threshold 8 -> 9.5, type: instantaneous, at: 30d, target: concept, to: 3}
  - {name: threshold 9.5 -> 7, type: gradual, center: 75d, width: 20d, target: concept, to: 2}
  - {name: threshold oscillates 7 <-> 9, type: periodic, period: 28d, start: 105d, amplitude: 0.9, target: concept, to: 1}
  - {name: half of x1 missing for a week, type: temporary, start: 150d, duration: 7d, target: quality, fault: {feature: x1, missing: 0.5}}
model: {family: logistic_regression, l2: 1.0e-4}
labels: {coverage: 0.05, delay: 1d, cost: 0.02}   # 100 labels a day, a day late
costs: {error: 1.0, retrain: 50, retrain_per_sample: 0.001, deploy: 5}
strategies:
  - {name: never, trigger: never}
  - {name: every-30d, trigger: {every: 30d}, dataset: {window: 30d}}
  - {name: every-7d, trigger: {every: 7d}, dataset: {window: 14d}}
  - {name: every-tick, trigger: every_tick, dataset: {window: 7d}}
  # Ski rental: retrain once the error cost avoidable since the last training exceeds a training's price.
  - {name: ski-rental, trigger: {cost: {window: 14d}}, dataset: {window: 14d}}
reference: every-tick
# Recorded beside accuracy: the label-free CBPE estimate and the missing-value monitor.
metrics: [estimated_accuracy, quality_missing]
# The hindsight-optimal schedule of every-7d's dataset policy (a 14-day window): its cost is a lower
# bound for every schedule of that policy, and each strategy's regret is measured against it.
oracle: {strategy: every-7d, max_age: 60d}

"""#
}
