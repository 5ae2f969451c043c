import FlywheelCore
import Foundation

/// How a candidate that passed the gate reaches users: at once, or through an ``OnlineTest``.
///
/// To add a rollout: one file with a type conforming to this protocol (and to ``OnlineTest`` when
/// it tests the candidate online), and one line in ``Rollouts/all``.
public protocol RolloutPolicy: StrategyComponent {
    /// The test the candidate goes through before it replaces the champion; nil: it replaces the
    /// champion from the next tick.
    var onlineTest: (any OnlineTest)? { get }
    /// The length of its test when `ticks` is not given; nil for a rollout without a test.
    static var defaultTicks: Int? { get }
    /// Reads its options (`{canary: {fraction: 0.1, ticks: 3}}`: the mapping under its name) with
    /// the test's length already read.
    static func read(_ options: [String: ConfigValue], ticks: Int, _ c: ReadContext) -> Self?
}

/// A period during which the candidate (the challenger) predicts beside the champion, serving a
/// `share` of traffic (0: in shadow, serving nobody), after which a rule on the labels that
/// arrived for the period's events promotes or rejects it. A challenger that serves users costs a
/// deployment when its test starts and a rollback when rejected; one in shadow costs a deployment
/// when promoted.
public protocol OnlineTest: Sendable {
    /// The share of traffic the challenger serves.
    var share: Double { get }
    /// The length of the test, in ticks.
    var ticks: Int { get }
    /// The kind of the event that records the start (`shadow`, `canary`, `ab`) and its detail.
    var event: (kind: String, detail: String) { get }
    /// Whether the challenger is promoted, given its metric `challenger` and the champion's
    /// `champion` on the test's labels (accuracy, or MAE: `task` says which way is better; margins
    /// are in the metric's units), and the verdict's text (`table` compares the two).
    func promotes(challenger: Double, champion: Double, _ tally: OnlineTestTally, task: PredictionTask,
                  table: String) -> (yes: Bool, detail: String)
}

/// The labels that arrived for the events of an online test, by arm: counts of right predictions
/// (classification), and sums of losses and of squared losses (regression: the absolute errors).
public struct OnlineTestTally: Sendable, Hashable {
    public var championCorrect = 0, championN = 0, challengerCorrect = 0, challengerN = 0
    public var championLoss = 0.0, championLossSquares = 0.0, challengerLoss = 0.0, challengerLossSquares = 0.0

    public init() {}

    /// Counts a label of the test: in shadow both models are judged on it; otherwise the arm that
    /// served it is.
    public mutating func count(_ ref: LabelRef, shadow: Bool) {
        if shadow {
            addChampion(ref.loss)
            addChallenger(ref.challengerLoss)
        } else if ref.arm == 1 {
            addChallenger(ref.loss)
        } else {
            addChampion(ref.loss)
        }
    }

    mutating func addChampion(_ loss: Double) {
        championN += 1
        championCorrect += loss == 0 ? 1 : 0
        championLoss += loss
        championLossSquares += loss * loss
    }

    mutating func addChallenger(_ loss: Double) {
        challengerN += 1
        challengerCorrect += loss == 0 ? 1 : 0
        challengerLoss += loss
        challengerLossSquares += loss * loss
    }

    /// Each arm's metric: accuracy (right / n) or MAE (Σ loss / n); 0 for an arm without labels.
    public func metrics(_ task: PredictionTask) -> (challenger: Double, champion: Double) {
        if task.isClassification {
            return (Double(challengerCorrect) / Double(max(challengerN, 1)),
                    Double(championCorrect) / Double(max(championN, 1)))
        }
        return (challengerLoss / Double(max(challengerN, 1)), championLoss / Double(max(championN, 1)))
    }
}

extension OnlineTest {
    /// The verdict: no promotion without labels on both arms; otherwise the test's own rule.
    public func verdict(_ k: OnlineTestTally, task: PredictionTask) -> (yes: Bool, detail: String) {
        let (pa, pb) = k.metrics(task)
        func fmt(_ v: Double) -> String { NumberText.rounded(v, decimals: 4) }
        let name = task.isClassification ? "" : "MAE "
        let table = "challenger \(name)\(fmt(pa)) on \(k.challengerN) labels vs champion \(fmt(pb)) on \(k.championN)"
        guard k.challengerN > 0, k.championN > 0 else { return (false, "no labels arrived during the test: " + table) }
        return promotes(challenger: pa, champion: pb, k, task: task, table: table)
    }
}

/// Every rollout, in the order `flywheel list` shows them.
public enum Rollouts {
    public static let all: [any RolloutPolicy.Type] = [ImmediateRollout.self, ShadowRollout.self, CanaryRollout.self, ABRollout.self]

    public static var catalog: [ComponentInfo] { all.map { $0.info } }

    /// Reads `rollout:`: `immediate`, `{shadow: {ticks: 7}}`, `{canary: {fraction: 0.1, ticks: 7}}`
    /// or `{ab: {split: 0.5, ticks: 14}}`.
    public static func read(_ v: ConfigValue, _ c: ReadContext) -> (any RolloutPolicy)? {
        if v.scalarText == "immediate" { return ImmediateRollout() }
        guard let m = v.mapping(allowed: ["immediate", "shadow", "canary", "ab"]), m.count == 1, let (kind, x) = m.first else {
            v.fail("give one rollout: immediate, {shadow: {ticks: 7}}, {canary: {fraction: 0.1, ticks: 7}} or {ab: {split: 0.5, ticks: 14}}")
            return nil
        }
        guard let rollout = all.first(where: { $0.info.name == kind }) else { return nil }
        guard let defaultTicks = rollout.defaultTicks else { return rollout.read([:], ticks: 0, c) }
        guard let o = x.mapping(allowed: ["ticks", "margin", "fraction", "split", "alpha"]) else { return nil }
        let ticks = o["ticks"].flatMap { $0.wholeTicks(tick: c.tick) } ?? defaultTicks
        if ticks < 1 { o["ticks"]!.fail("must be at least one tick"); return nil }
        c.warnBeyondHorizon(Double(ticks), at: o["ticks"], "no \(kind) rollout ends within the run")
        return rollout.read(o, ticks: ticks, c)
    }
}
