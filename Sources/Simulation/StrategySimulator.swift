import FlywheelCore
import Foundation
import Learners
import Monitoring
import Strategies

/// The metric series every strategy run records, in this order.
public enum RunMetric {
    public static let names = [
        "accuracy", "observed_accuracy", "labels", "labels_arrived", "trained", "deployed", "model_version", "challenger_share",
        "training_samples", "cost_error", "cost_label", "cost_retrain", "cost_deploy", "cost_rollback", "cost_total",
    ]
}

/// Further per-tick metrics of what was served, beyond accuracy (or MAE), recorded on request.
public enum ExtraMetric: String, CaseIterable, Sendable {
    /// Mean negative log-likelihood of the true class (clipped at 1e-15).
    case logLoss = "log_loss"
    /// Macro-averaged F1 over classes.
    case f1
    /// ROC AUC (binary; one-vs-rest macro for more classes).
    case auc
    /// Root mean squared error (regression).
    case rmse

    public var forClassification: Bool { self != .rmse }
}

/// One replicate's traffic, shared read-only by every strategy (common random numbers).
public struct ReplicateTraffic: Sendable {
    public var replicate: Int
    public var batches: [EventBatch]
    /// The model every strategy starts with, fitted on the replicate's warm-up data.
    public var initialModel: any Model
    /// The warm-up data the initial model was fitted on (the drift triggers' first reference).
    public var initialTraining: TrainingSet

    public init(replicate: Int, batches: [EventBatch], initialModel: any Model, initialTraining: TrainingSet) {
        self.replicate = replicate
        self.batches = batches
        self.initialModel = initialModel
        self.initialTraining = initialTraining
    }
}

/// Observes what a strategy trains on (tests use it to prove no label is used before arrival).
public protocol TrainingObserver: Sendable {
    /// Called with the tick of the training job, the served ticks of its rows and the ticks their
    /// labels arrived.
    func didFit(strategy: String, replicate: Int, atTick tick: Int, rowTicks: [Int32], rowArrivals: [Int32])
}

/// Simulates one strategy on one replicate's traffic, tick by tick.
///
/// At each tick: the champion (and, during a canary or A/B test, the challenger on its share)
/// predicts the tick's batch in one call over the contiguous buffer, and the true accuracy of what
/// was served is recorded; the logging policy decides which events are kept; the curation policy
/// picks logged events to label within the budget, and their labels (possibly wrong) arrive after
/// a delay; arrived labels join the strategy's reservoir and its observed accuracy; the trigger
/// decides from what the strategy can observe; a training job forms its dataset from arrived
/// labels only, fits a candidate (ready after the training latency), passes the offline gate and
/// rolls out (at once, in shadow, as a canary or an A/B test). Costs accrue per tick.
public struct StrategySimulator {
    public let spec: StrategySpec
    public let classCount: Int
    public let costs: CostModel
    public let seed: UInt64
    public var observer: (any TrainingObserver)?
    /// Metrics recorded per tick after the standard series.
    public var extraMetrics: [ExtraMetric]
    /// Names of the stream's slices: the served accuracy of each is recorded per tick as
    /// `accuracy@<slice>` (empty: no slices).
    public var sliceNames: [String] = []

    public init(spec: StrategySpec, classCount: Int, costs: CostModel, seed: UInt64, observer: (any TrainingObserver)? = nil,
                extraMetrics: [ExtraMetric] = []) {
        self.spec = spec
        self.classCount = classCount
        self.costs = costs
        self.seed = seed
        self.observer = observer
        self.extraMetrics = extraMetrics
    }

    /// A labelled event: where its row is kept, plus what the strategy learned of it.
    struct LabelRef {
        /// The tick the event was served at.
        var tick: Int32
        /// Its row in the strategy's ``LabelledRows``.
        var row: Int32
        var arrival: Int32
        /// The label as the annotator gave it (possibly wrong).
        var label: Double
        /// Whether the prediction served for the event matched that label.
        var correct: Bool
        /// Which model served it: 0 the champion, 1 the challenger.
        var arm: Int8
        /// During a shadow test, whether the challenger's prediction matched (−1: no challenger).
        var challengerCorrect: Int8
    }

    /// A candidate in a shadow, canary or A/B test.
    struct Challenger {
        var model: any Model
        var training: TrainingSet
        var start: Int
        var end: Int
        var share: Double
        var counts = (championCorrect: 0, championN: 0, challengerCorrect: 0, challengerN: 0)
    }

    /// Simulates the strategy over one replicate's traffic held in memory.
    public func run(_ traffic: ReplicateTraffic) throws -> StrategyRun {
        var simulation = try StrategySimulation(self, replicate: traffic.replicate, ticks: traffic.batches.count,
                                                initialModel: traffic.initialModel, initialTraining: traffic.initialTraining)
        for batch in traffic.batches { try simulation.step(batch) }
        return simulation.result()
    }

    var labelingKey: String {
        let l = spec.labeling
        return "\(l.coverage)/\(l.budgetPerTick ?? -1)/\(l.delay)/\(l.noise)/\(l.curation)/\(spec.logging)"
    }

    func drawDelay(_ rng: RandomStream) -> Int {
        switch spec.labeling.delay {
        case .fixed(let d): return d
        case .uniform(let lo, let hi): return lo + rng.int(below: hi - lo + 1)
        case .geometric(let mean):
            guard mean > 0 else { return 0 }
            // P(D = k) = (1 − q) q^k with mean q / (1 − q).
            let q = mean / (1 + mean)
            return Int((log(1 - rng.uniform()) / log(q)).rounded(.down))
        }
    }

    /// Marks the events the strategy logs; returns how many (their indices, increasing, in `out`).
    func logEvents(_ batch: EventBatch, predictions: [Double], rng: RandomStream, into out: inout [Int32]) -> Int {
        let n = batch.count
        switch spec.logging {
        case .all, .profiles:
            // Profiles keep no rows, but any served event can still be sent for labelling.
            for i in 0..<n { out[i] = Int32(i) }
            return n
        case .sample(let rate):
            var k = 0
            for i in 0..<n where rng.uniform() < rate { out[k] = Int32(i); k += 1 }
            return k
        case .stratified(let rate, let bySlice):
            // Groups: predicted classes, or slices (events without a slice form one more group).
            let slices = Int(batch.slice.max() ?? -1) + 1
            let classes = bySlice ? slices + 1 : max(classCount, 1)
            @inline(__always) func group(_ i: Int) -> Int {
                bySlice ? (batch.slice[i] >= 0 ? Int(batch.slice[i]) : slices) : min(max(Int(predictions[i]), 0), classes - 1)
            }
            let perClass = Int((rate * Double(n) / Double(classes)).rounded(.up))
            var counts = [Int](repeating: 0, count: classes)
            for i in 0..<n { counts[group(i)] += 1 }
            var kept = [Int](repeating: 0, count: classes)
            var k = 0
            var remaining = counts
            for i in 0..<n {
                let c = group(i)
                // Selection sampling within the class: keep min(perClass, count) of its events.
                let need = min(perClass, counts[c]) - kept[c]
                if need > 0, Double(remaining[c]) * rng.uniform() < Double(need) { out[k] = Int32(i); k += 1; kept[c] += 1 }
                remaining[c] -= 1
            }
            return k
        }
    }

    /// Picks `quota` of the logged events for labelling, by the curation policy, into `out`.
    func curate(_ quota: Int, batch: EventBatch, logged: [Int32], loggedCount: Int, predictions: [Double],
                        servingModel: any Model, committee: [any Model], rng: RandomStream,
                        priority: inout [Double], into out: inout [Int32]) -> Int {
        guard quota > 0 else { return 0 }
        switch spec.labeling.curation {
        case .random:
            let k = sampleWithoutReplacement(quota, from: loggedCount, rng: rng, into: &out)
            for c in 0..<k { out[c] = logged[Int(out[c])] }
            return k
        case .stratified(let bySlice):
            // Random priorities, then round-robin over groups (predicted class or slice).
            var groups: [Int32: [Int32]] = [:]
            for j in 0..<loggedCount {
                let i = Int(logged[j])
                let key = bySlice ? batch.slice[i] : Int32(predictions[i])
                groups[key, default: []].append(Int32(i))
            }
            var lists = groups.sorted { $0.key < $1.key }.map { var l = $0.value; rng.shuffle(&l); return l }
            var k = 0, round = 0
            while k < quota {
                var any = false
                for g in lists.indices where round < lists[g].count && k < quota { out[k] = lists[g][round]; k += 1; any = true }
                if !any { break }
                round += 1
            }
            lists.removeAll()
            out[0..<k].sort()
            return k
        case .feedback(let p, let q):
            for j in 0..<loggedCount {
                let i = Int(logged[j])
                let wrong = predictions[i] != batch.labels[i]
                let complained = rng.uniform() < (wrong ? p : q)
                priority[j] = complained ? 1 + rng.uniform() : rng.uniform()
            }
            return topK(quota, loggedCount, logged, priority, &out)
        case .uncertainty(let kind):
            let k = max(servingModel.classCount, 1)
            var probs = [Double](repeating: 0, count: batch.count * k)
            let ok = batch.features.withUnsafeBufferPointer { xb in probs.withUnsafeMutableBufferPointer { servingModel.probabilities(xb, count: batch.count, into: $0) } }
            for j in 0..<loggedCount {
                let i = Int(logged[j])
                guard ok else { priority[j] = rng.uniform(); continue }
                var p1 = 0.0, p2 = 0.0, h = 0.0
                for c in 0..<k {
                    let p = probs[i * k + c]
                    if p > p1 { p2 = p1; p1 = p } else if p > p2 { p2 = p }
                    if p > 0 { h -= p * Foundation.log(p) }
                }
                switch kind {
                case .leastConfidence: priority[j] = 1 - p1
                case .margin: priority[j] = -(p1 - p2)
                case .entropy: priority[j] = h
                }
            }
            return topK(quota, loggedCount, logged, priority, &out)
        case .committee:
            var votes = [Double](repeating: 0, count: batch.count * committee.count)
            for (m, model) in committee.enumerated() {
                var out = [Double](repeating: 0, count: batch.count)
                batch.features.withUnsafeBufferPointer { xb in out.withUnsafeMutableBufferPointer { model.predict(xb, count: batch.count, into: $0) } }
                for i in 0..<batch.count { votes[i * committee.count + m] = out[i] }
            }
            for j in 0..<loggedCount {
                let i = Int(logged[j])
                // Vote entropy (Dagan & Engelson 1995), ties broken at random.
                var counts: [Double: Int] = [:]
                for m in 0..<committee.count { counts[votes[i * committee.count + m], default: 0] += 1 }
                var h = 0.0
                for (_, c) in counts { let p = Double(c) / Double(committee.count); h -= p * Foundation.log(p) }
                priority[j] = h + 1e-6 * rng.uniform()
            }
            return topK(quota, loggedCount, logged, priority, &out)
        }
    }

    /// The `quota` logged events with the highest priority (their indices, increasing).
    func topK(_ quota: Int, _ count: Int, _ logged: [Int32], _ priority: [Double], _ out: inout [Int32]) -> Int {
        var order = Array(0..<count)
        order.sort { priority[$0] != priority[$1] ? priority[$0] > priority[$1] : $0 < $1 }
        let k = min(quota, count)
        for c in 0..<k { out[c] = logged[order[c]] }
        out[0..<k].sort()
        return k
    }

    func bootstrapCommittee(_ members: Int, _ training: TrainingSet, _ salt: Int) -> [any Model] {
        let rng = RandomStream(seed: seed, path: "committee", spec.name, salt)
        return (0..<members).map { _ in
            var set = TrainingSet(dimension: training.dimension)
            for _ in 0..<training.count {
                let i = rng.int(below: max(training.count, 1))
                set.features.append(contentsOf: training.features[(i * training.dimension)..<((i + 1) * training.dimension)])
                set.labels.append(training.labels[i])
                set.ticks.append(training.ticks[i])
            }
            return spec.learner.fit(set, classCount: classCount, warmStart: nil, rng: rng).model
        }
    }

    func datasetRows(_ reservoir: [LabelRef], since: Int, now t: Int, rows store: LabelledRows, champion: any Model,
                     rng: RandomStream) -> [LabelRef] {
        func recent(_ w: Double) -> [LabelRef] {
            let oldest = Double(t) - w
            return reservoir.filter { Double($0.tick) >= oldest }
        }
        switch spec.dataset {
        case .all: return reservoir
        case .count(let c): return Array(reservoir.suffix(c))
        case .window(let w): return recent(w)
        case .sinceLastTraining: return Array(reservoir[min(since, reservoir.count)...])
        case .sample(let size, let halfLife):
            guard reservoir.count > size else { return reservoir }
            // Efraimidis–Spirakis: keep the `size` largest keys u^(1/w).
            var keyed = reservoir.enumerated().map { i, ref -> (Double, Int) in
                let w = halfLife.map { pow(2, -Double(t - Int(ref.tick)) / $0) } ?? 1
                return (pow(rng.uniform(), 1 / max(w, 1e-300)), i)
            }
            keyed.sort { $0.0 != $1.0 ? $0.0 > $1.0 : $0.1 < $1.1 }
            return keyed.prefix(size).map(\.1).sorted().map { reservoir[$0] }
        case .hardest(let size, let w):
            let pool = w.isFinite ? recent(w) : reservoir
            guard pool.count > size, classCount > 0 else { return pool }
            let k = classCount
            var losses = [(Double, Int)]()
            losses.reserveCapacity(pool.count)
            var x = [Double](repeating: 0, count: store.dimension)
            var p = [Double](repeating: 0, count: k)
            for (j, ref) in pool.enumerated() {
                let base = Int(ref.row) * store.dimension
                for c in 0..<store.dimension { x[c] = store.features[base + c] }
                _ = x.withUnsafeBufferPointer { xb in p.withUnsafeMutableBufferPointer { champion.probabilities(xb, count: 1, into: $0) } }
                let y = min(max(Int(ref.label), 0), k - 1)
                losses.append((-Foundation.log(max(p[y], 1e-15)), j))
            }
            losses.sort { $0.0 != $1.0 ? $0.0 > $1.0 : $0.1 < $1.1 }
            return losses.prefix(size).map(\.1).sorted().map { pool[$0] }
        }
    }

    /// Splits a dataset into the rows to fit and the gate's holdout (the most recent rows by
    /// serving tick), with the holdout rows' slices.
    func split(_ set: TrainingSet, slices: [Int32]) -> (fit: TrainingSet, holdout: TrainingSet, holdoutSlices: [Int32]) {
        guard !spec.gate.isOpen else { return (set, TrainingSet(dimension: set.dimension), []) }
        let h = Int((Double(set.count) * spec.gate.holdout).rounded())
        guard h > 0, h < set.count else { return (set, TrainingSet(dimension: set.dimension), []) }
        let order = (0..<set.count).sorted { set.ticks[$0] != set.ticks[$1] ? set.ticks[$0] < set.ticks[$1] : $0 < $1 }
        func subset(_ idx: ArraySlice<Int>) -> TrainingSet {
            var s = TrainingSet(dimension: set.dimension)
            for i in idx {
                s.features.append(contentsOf: set.features[(i * set.dimension)..<((i + 1) * set.dimension)])
                s.labels.append(set.labels[i])
                s.ticks.append(set.ticks[i])
            }
            return s
        }
        let held = order[(set.count - h)...]
        return (subset(order[..<(set.count - h)]), subset(held), held.map { slices[$0] })
    }

    /// The offline gate's verdict and its comparison table (overall and per slice).
    func gate(candidate: any Model, champion: any Model, holdout: TrainingSet, slices: [Int32]) -> (pass: Bool, detail: String) {
        guard !spec.gate.isOpen, holdout.count > 0 else { return (true, "no gate") }
        let a = holdoutCorrect(candidate, holdout), b = holdoutCorrect(champion, holdout)
        let ca = Double(a.reduce(0) { $0 + ($1 ? 1 : 0) }) / Double(holdout.count)
        let cb = Double(b.reduce(0) { $0 + ($1 ? 1 : 0) }) / Double(holdout.count)
        var pass = ca >= cb + spec.gate.minGain
        var detail = "holdout \(holdout.count): candidate \(fmt(ca)) vs champion \(fmt(cb)) (min gain \(fmt(spec.gate.minGain)))"
        if let margin = spec.gate.sliceMargin {
            var bySlice: [Int32: (Int, Int, Int)] = [:]
            for i in 0..<holdout.count {
                let slice = slices[i]
                var e = bySlice[slice] ?? (0, 0, 0)
                e.0 += a[i] ? 1 : 0
                e.1 += b[i] ? 1 : 0
                e.2 += 1
                bySlice[slice] = e
            }
            for (slice, e) in bySlice.sorted(by: { $0.key < $1.key }) where slice >= 0 {
                let sa = Double(e.0) / Double(e.2), sb = Double(e.1) / Double(e.2)
                let ok = sa >= sb - margin
                if !ok { pass = false }
                detail += "; slice \(slice): \(fmt(sa)) vs \(fmt(sb))\(ok ? "" : " (worse than margin \(fmt(margin)))")"
            }
        }
        for edge in spec.gate.edgeCases {
            var n = 0, ca = 0, cb = 0
            for i in 0..<holdout.count where edge.contains(holdout.features[(i * holdout.dimension)..<((i + 1) * holdout.dimension)]) {
                n += 1
                if a[i] { ca += 1 }
                if b[i] { cb += 1 }
            }
            guard n > 0 else { detail += "; edge case \(edge.name): no holdout rows"; continue }
            let ea = Double(ca) / Double(n), eb = Double(cb) / Double(n)
            let ok = ea >= eb - spec.gate.edgeMargin
            if !ok { pass = false }
            detail += "; edge case \(edge.name) (\(n) rows): \(fmt(ea)) vs \(fmt(eb))\(ok ? "" : " (worse than margin \(fmt(spec.gate.edgeMargin)))")"
        }
        return (pass, detail)
    }

    func holdoutCorrect(_ model: any Model, _ set: TrainingSet) -> [Bool] {
        var out = [Double](repeating: 0, count: set.count)
        set.features.withUnsafeBufferPointer { xb in out.withUnsafeMutableBufferPointer { model.predict(xb, count: set.count, into: $0) } }
        return (0..<set.count).map { out[$0] == set.labels[$0] }
    }

    /// Promotion rule of the running online test.
    func decide(_ c: Challenger) -> (yes: Bool, detail: String) {
        let k = c.counts
        let pa = Double(k.challengerCorrect) / Double(max(k.challengerN, 1)), pb = Double(k.championCorrect) / Double(max(k.championN, 1))
        let table = "challenger \(fmt(pa)) on \(k.challengerN) labels vs champion \(fmt(pb)) on \(k.championN)"
        guard k.challengerN > 0, k.championN > 0 else { return (false, "no labels arrived during the test: " + table) }
        switch spec.rollout {
        case .immediate: return (true, table)
        case .shadow(_, let margin): return (pa > pb + margin, "shadow: " + table)
        case .canary(_, _, let margin): return (pa >= pb - margin, "canary: " + table)
        case .ab(_, _, let alpha):
            // One-sided two-proportion z-test with the pooled proportion.
            let n1 = Double(k.challengerN), n2 = Double(k.championN)
            let pooled = Double(k.challengerCorrect + k.championCorrect) / (n1 + n2)
            let se = (pooled * (1 - pooled) * (1 / n1 + 1 / n2)).squareRoot()
            let z = se > 0 ? (pa - pb) / se : 0
            let p = 0.5 * erfc(z / 2.0.squareRoot())
            return (p < alpha, "A/B: " + table + ", z = \(fmt(z)), p = \(fmt(p))")
        }
    }

    /// The model's score per row: P(last class) for two classes, else the top probability;
    /// the prediction itself for regression.
    func scores(of model: any Model, on features: [Double], count: Int) -> [Double] {
        var out = [Double](repeating: 0, count: count)
        var batch = EventBatch(dimension: features.count / max(count, 1))
        batch.features = features
        batch.labels = [Double](repeating: 0, count: count)
        fillScores(model, batch, into: &out)
        return out
    }

    func fillScores(_ model: any Model, _ batch: EventBatch, into out: inout [Double]) {
        let n = batch.count, k = model.classCount
        guard k > 0 else {
            batch.features.withUnsafeBufferPointer { xb in out.withUnsafeMutableBufferPointer { model.predict(xb, count: n, into: $0) } }
            return
        }
        var probs = [Double](repeating: 0, count: n * k)
        _ = batch.features.withUnsafeBufferPointer { xb in probs.withUnsafeMutableBufferPointer { model.probabilities(xb, count: n, into: $0) } }
        for i in 0..<n {
            if k == 2 { out[i] = probs[i * 2 + 1] } else {
                var best = 0.0
                for c in 0..<k { best = max(best, probs[i * k + c]) }
                out[i] = best
            }
        }
    }
}

/// Chooses `k` distinct indices of `0..<n` uniformly, in increasing order, into `out`
/// (selection sampling, Knuth, TAOCP vol. 2, Algorithm S). Returns `k`.
/// - Complexity: O(n), no allocation.
@inline(__always)
func sampleWithoutReplacement(_ k: Int, from n: Int, rng: RandomStream, into out: inout [Int32]) -> Int {
    guard k > 0 else { return 0 }
    if k >= n {
        for i in 0..<n { out[i] = Int32(i) }
        return n
    }
    var chosen = 0
    var i = 0
    while chosen < k {
        if Double(n - i) * rng.uniform() < Double(k - chosen) {
            out[chosen] = Int32(i)
            chosen += 1
        }
        i += 1
    }
    return k
}

func fmt(_ v: Double) -> String {
    let r = (v * 10_000).rounded() / 10_000
    return String(r)
}
