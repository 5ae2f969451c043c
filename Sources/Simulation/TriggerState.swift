import FlywheelCore
import Monitoring
import Strategies

/// The live state of a strategy's trigger: its policy plus whatever memory it needs
/// (a window of observed accuracy, a drift detector).
struct TriggerState {
    private var policy: TriggerPolicy
    private var children: [TriggerState] = []
    /// Observed (correct, total) per tick, for the performance trigger's window.
    private var history: [(tick: Int, correct: Int, total: Int)] = []
    private var detector: (any DriftDetector)?
    private var reference: Double?

    init(_ policy: TriggerPolicy) throws {
        self.policy = policy
        switch policy {
        case .any(let list), .all(let list): children = try list.map { try TriggerState($0) }
        case .detector(let name, let parameters): detector = try DetectorCatalog.make(name, parameters: parameters)
        default: break
        }
    }

    /// Updates the trigger with what arrived this tick and says whether it fires.
    mutating func update(tick t: Int, sinceTrain: Double, newLabels: Int, arrivedCorrect: [Bool], deployedAt: Int) -> Bool {
        switch policy {
        case .never: return false
        case .online: return true
        case .periodic(let every): return sinceTrain >= every - 1e-9
        case .volume(let labels): return newLabels >= labels
        case .performance(let threshold, let drop, let window):
            let ok = arrivedCorrect.reduce(0) { $0 + ($1 ? 1 : 0) }
            if !arrivedCorrect.isEmpty { history.append((t, ok, arrivedCorrect.count)) }
            let oldest = Double(t) - window
            while let first = history.first, Double(first.tick) <= oldest { history.removeFirst() }
            let (c, n) = history.reduce((0, 0)) { ($0.0 + $1.correct, $0.1 + $1.total) }
            guard n > 0 else { return false }
            let acc = Double(c) / Double(n)
            // The post-deployment reference: the first full window after the model went live.
            if reference == nil, Double(t - deployedAt) >= window { reference = acc }
            if let threshold, acc < threshold { return true }
            if let drop, let reference, acc < reference - drop { return true }
            return false
        case .detector:
            var fired = false
            for ok in arrivedCorrect {
                detector!.update(ok ? 0 : 1)
                if detector!.driftDetected { fired = true }
            }
            return fired
        case .any:
            var fired = false
            for i in children.indices {
                if children[i].update(tick: t, sinceTrain: sinceTrain, newLabels: newLabels, arrivedCorrect: arrivedCorrect, deployedAt: deployedAt) { fired = true }
            }
            return fired
        case .all:
            var fired = true
            for i in children.indices {
                if !children[i].update(tick: t, sinceTrain: sinceTrain, newLabels: newLabels, arrivedCorrect: arrivedCorrect, deployedAt: deployedAt) { fired = false }
            }
            return fired
        }
    }

    /// A new model went live: windows and detectors start afresh on its errors.
    mutating func didDeploy() {
        history.removeAll()
        reference = nil
        detector?.reset()
        for i in children.indices { children[i].didDeploy() }
    }
}
