import FlywheelCore
import Learners
import Monitoring
import Strategies

/// What a trigger may observe at a tick: the strategy's own history, the labels that arrived,
/// and what was served (inputs and the model's outputs) — never the simulator's truth.
struct TriggerObservation {
    var tick: Int
    var sinceTrain: Double
    var newLabels: Int
    var arrivedCorrect: [Bool]
    var deployedAt: Int
    var batch: EventBatch
    /// The deployed model's score per served event (filled only when a trigger needs it).
    var scores: ArraySlice<Double>
}

/// The live state of a strategy's trigger: its policy plus whatever memory it needs
/// (a window of observed accuracy, a drift detector, reference and recent windows).
struct TriggerState {
    private var policy: TriggerPolicy
    private var children: [TriggerState] = []
    /// Observed (correct, total) per tick, for the performance trigger's window.
    private var history: [(tick: Int, correct: Int, total: Int)] = []
    private var detector: (any DriftDetector)?
    private var reference: Double?
    private var drift: DriftWindows?

    init(_ policy: TriggerPolicy) throws {
        self.policy = policy
        switch policy {
        case .any(let list), .all(let list): children = try list.map { try TriggerState($0) }
        case .detector(let name, let parameters, _): detector = try DetectorCatalog.make(name, parameters: parameters)
        case .drift(let spec): drift = DriftWindows(spec)
        default: break
        }
    }

    /// Whether some trigger in the tree looks at served inputs or outputs (not only at labels).
    var needsInputs: Bool {
        switch policy {
        case .drift: return true
        case .detector(_, _, let feature): return feature != nil
        default: return children.contains { $0.needsInputs }
        }
    }

    /// Whether some trigger in the tree compares the model's outputs (scores must be computed).
    var needsScores: Bool {
        if case .drift(let spec) = policy, case .output = spec.on { return true }
        return children.contains { $0.needsScores }
    }

    /// Updates the trigger with what the strategy observed this tick and says whether it fires.
    mutating func update(_ o: TriggerObservation) -> Bool {
        switch policy {
        case .never: return false
        case .online: return true
        case .periodic(let every): return o.sinceTrain >= every - 1e-9
        case .volume(let labels): return o.newLabels >= labels
        case .performance(let threshold, let drop, let window):
            let ok = o.arrivedCorrect.reduce(0) { $0 + ($1 ? 1 : 0) }
            if !o.arrivedCorrect.isEmpty { history.append((o.tick, ok, o.arrivedCorrect.count)) }
            let oldest = Double(o.tick) - window
            while let first = history.first, Double(first.tick) <= oldest { history.removeFirst() }
            let (c, n) = history.reduce((0, 0)) { ($0.0 + $1.correct, $0.1 + $1.total) }
            guard n > 0 else { return false }
            let acc = Double(c) / Double(n)
            // The post-deployment reference: the first full window after the model went live.
            if reference == nil, Double(o.tick - o.deployedAt) >= window { reference = acc }
            if let threshold, acc < threshold { return true }
            if let drop, let reference, acc < reference - drop { return true }
            return false
        case .detector(_, _, let feature):
            var fired = false
            if let f = feature {
                let d = o.batch.dimension
                for i in 0..<o.batch.count {
                    let v = o.batch.features[i * d + f]
                    if v.isNaN { continue }
                    detector!.update(v)
                    if detector!.driftDetected { fired = true }
                }
            } else {
                for ok in o.arrivedCorrect {
                    detector!.update(ok ? 0 : 1)
                    if detector!.driftDetected { fired = true }
                }
            }
            return fired
        case .drift:
            return drift!.update(o)
        case .any:
            var fired = false
            for i in children.indices where children[i].update(o) { fired = true }
            return fired
        case .all:
            var fired = true
            for i in children.indices where !children[i].update(o) { fired = false }
            return fired
        }
    }

    /// A new model went live, trained on `training` (its scores on it in `scores`): windows and
    /// detectors start afresh on the new model.
    mutating func didDeploy(training: TrainingSet, scores: [Double]) {
        history.removeAll()
        reference = nil
        if case .detector(_, _, nil) = policy { detector?.reset() }
        drift?.reset(training: training, scores: scores)
        for i in children.indices { children[i].didDeploy(training: training, scores: scores) }
    }
}

/// Reference and recent windows of a distance-based drift trigger.
struct DriftWindows {
    let spec: DriftTriggerSpec
    /// Per channel: the reference values.
    private var reference: [ReferenceSample?] = []
    /// Per channel: the recent ticks' values, oldest first.
    private var recent: [[[Double]]] = []
    private var recentTicks: [Int] = []
    /// For the first-window reference: values gathered since deployment.
    private var collecting: [[Double]] = []
    private var deployedTick: Int?

    init(_ spec: DriftTriggerSpec) { self.spec = spec }

    var channels: Int {
        switch spec.on {
        case .output: return 1
        case .inputs(let p): return p.outputsPerRow
        }
    }

    /// Channel values of rows (`count` × channels, channel-major).
    func project(_ features: [Double], dimension: Int, count: Int, scores: ArraySlice<Double>) -> [[Double]] {
        switch spec.on {
        case .output:
            return [Array(scores.prefix(count))]
        case .inputs(let p):
            let k = p.outputsPerRow
            var flat = [Double](repeating: 0, count: count * k)
            do { try p.apply(rows: Array(features.prefix(count * dimension)), dimension: dimension, into: &flat) } catch { return Array(repeating: [], count: k) }
            return (0..<k).map { c in (0..<count).compactMap { i in let v = flat[i * k + c]; return v.isNaN ? nil : v } }
        }
    }

    mutating func reset(training: TrainingSet, scores: [Double]) {
        recent = Array(repeating: [], count: channels)
        recentTicks = []
        collecting = Array(repeating: [], count: channels)
        deployedTick = nil
        if spec.reference == .training {
            let values = project(training.features, dimension: training.dimension, count: training.count, scores: scores[...])
            reference = values.map { $0.isEmpty ? nil : try? ReferenceSample($0) }
        } else {
            reference = Array(repeating: nil, count: channels)
        }
    }

    mutating func update(_ o: TriggerObservation) -> Bool {
        if recent.isEmpty { recent = Array(repeating: [], count: channels); collecting = Array(repeating: [], count: channels) }
        let values = project(o.batch.features, dimension: o.batch.dimension, count: o.batch.count, scores: o.scores)
        let window = max(1, Int(spec.window.rounded(.up)))
        if spec.reference == .firstWindow, reference.allSatisfy({ $0 == nil }) {
            if deployedTick == nil { deployedTick = o.tick }
            for c in 0..<values.count { collecting[c] += values[c] }
            if o.tick - deployedTick! + 1 >= window {
                reference = collecting.map { $0.isEmpty ? nil : try? ReferenceSample($0) }
                collecting = Array(repeating: [], count: channels)
            }
            return false
        }
        for c in 0..<values.count { recent[c].append(values[c]) }
        recentTicks.append(o.tick)
        while recentTicks.count > window {
            recentTicks.removeFirst()
            for c in recent.indices { recent[c].removeFirst() }
        }
        guard recentTicks.count == window else { return false }
        var drifted = 0, measured = 0
        for c in 0..<recent.count {
            guard let ref = reference[c] else { continue }
            let current = recent[c].flatMap { $0 }
            guard !current.isEmpty, let d = try? ref.compute(spec.metric, current: current) else { continue }
            measured += 1
            if d.value > spec.threshold { drifted += 1 }
        }
        guard measured > 0 else { return false }
        return spec.share <= 0 ? drifted > 0 : Double(drifted) / Double(measured) > spec.share
    }
}
