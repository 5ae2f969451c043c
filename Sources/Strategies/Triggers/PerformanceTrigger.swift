import FlywheelCore
import Learners

/// When the observed accuracy over the last `window` ticks of arrived labels falls below
/// `threshold`, or (with `drop`) below the accuracy observed in the `window` after deployment
/// by more than `drop`.
public struct PerformanceTrigger: TriggerPolicy, Hashable {
    public static let info = ComponentInfo(
        family: "trigger", name: "performance",
        summary: "Retrain when the observed accuracy over a window of arrived labels is below a threshold, or has dropped from its value after deployment.",
        parameters: [ParameterInfo("threshold", "—", "absolute floor on observed accuracy"),
                     ParameterInfo("drop", "—", "allowed drop from the post-deployment accuracy"),
                     ParameterInfo("window", "7", "window of label arrival, in ticks or a duration")])

    public var threshold: Double?
    public var drop: Double?
    public var window: Double

    public init(threshold: Double?, drop: Double?, window: Double) {
        self.threshold = threshold
        self.drop = drop
        self.window = window
    }

    public static var examples: [Self] { [PerformanceTrigger(threshold: 0.8, drop: nil, window: 3), PerformanceTrigger(threshold: nil, drop: 0.05, window: 2)] }

    public var expectedTrainingsPerTick: Double { 0.1 }

    public static var keys: [String] { ["performance"] }

    /// `{performance: {threshold: 0.83, window: 3d}}` or `{drop: 0.04}`: an accuracy floor, a
    /// fall from the post-deployment accuracy, or both.
    public static func read(_ key: String, _ v: ConfigValue, _ c: ReadContext) -> PerformanceTrigger? {
        guard let m = v.mapping(allowed: ["threshold", "drop", "window"]) else { return nil }
        let threshold = m["threshold"]?.double(min: 0, max: 1), drop = m["drop"]?.double(min: 0, max: 1)
        if threshold == nil && drop == nil {
            v.fail("give threshold (an accuracy floor) or drop (a fall from the post-deployment accuracy)")
            return nil
        }
        let window = m["window"]?.duration(tick: c.tick, allowZero: false)
        c.warnBeyondHorizon(window, at: m["window"], "the window never fills, so the trigger never fires")
        return PerformanceTrigger(threshold: threshold, drop: drop, window: window ?? 7)
    }
    public func makeState(_ context: TriggerContext) throws -> any TriggerState { State(trigger: self) }

    /// The window of observed (correct, total) per tick and the post-deployment reference.
    struct State: TriggerState {
        let trigger: PerformanceTrigger
        var history: [(tick: Int, correct: Int, total: Int)] = []
        var reference: Double?

        mutating func update(_ o: TriggerObservation) -> Bool {
            let ok = o.arrivedCorrect.reduce(0) { $0 + ($1 ? 1 : 0) }
            if !o.arrivedCorrect.isEmpty { history.append((o.tick, ok, o.arrivedCorrect.count)) }
            let oldest = Double(o.tick) - trigger.window
            while let first = history.first, Double(first.tick) <= oldest { history.removeFirst() }
            let (c, n) = history.reduce((0, 0)) { ($0.0 + $1.correct, $0.1 + $1.total) }
            guard n > 0 else { return false }
            let acc = Double(c) / Double(n)
            // The post-deployment reference: the first full window after the model went live.
            if reference == nil, Double(o.tick - o.deployedAt) >= trigger.window { reference = acc }
            if let threshold = trigger.threshold, acc < threshold { return true }
            if let drop = trigger.drop, let reference, acc < reference - drop { return true }
            return false
        }

        mutating func didDeploy(training: TrainingSet, scores: [Double]) {
            history.removeAll()
            reference = nil
        }
    }
}
