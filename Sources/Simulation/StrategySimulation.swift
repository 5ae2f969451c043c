import FlywheelCore
import Foundation
import Learners
import Monitoring
import Strategies

/// The rows of the events a strategy sent for labelling, kept when they were served: training
/// sets are formed from these, so the simulation never looks back at past traffic and the engine
/// can drop each tick once every strategy has simulated it.
struct LabelledRows {
    let dimension: Int
    var features: [Double] = []
    var slices: [Int32] = []

    init(dimension: Int) { self.dimension = dimension }

    var count: Int { slices.count }

    /// Appends event `i` of `batch`; returns its row.
    mutating func append(_ batch: EventBatch, _ i: Int) -> Int32 {
        features.append(contentsOf: batch.features[(i * dimension)..<((i + 1) * dimension)])
        slices.append(batch.slice[i])
        return Int32(slices.count - 1)
    }
}

/// One strategy simulated on one replicate's traffic, a tick at a time (see ``StrategySimulator``
/// for what happens at each tick). ``step(_:)`` takes the ticks in order; ``result()`` gives the
/// run. Feeding the ticks in one call or in many gives the same run.
///
/// **Memory.** Besides its model and per-tick series, a simulation keeps the rows of its labelled
/// events that its dataset policy can still use: a window or a count drops older rows, "since the
/// last training" drops rows once trained on; "all", a weighted sample and hardest-first over all
/// history keep every labelled row (`8·dimension + 40` bytes each).
public struct StrategySimulation {
    typealias LabelRef = StrategySimulator.LabelRef
    typealias Challenger = StrategySimulator.Challenger

    let sim: StrategySimulator
    let replicate: Int
    let ticks: Int
    /// Rows of labelled events held (the memory a simulation keeps beyond its series).
    public var labelledRowsHeld: Int { rows.count }
    /// The next tick to simulate.
    public private(set) var tick = 0
    private let d: Int
    private var series: [MetricSeries]
    private var sliceCorrect: [Int], sliceTotal: [Int]
    private var events: [StrategyEvent] = []
    private let labelRNG: RandomStream, loggingRNG: RandomStream, rolloutRNG: RandomStream, trainRNG: RandomStream
    private var champion: any Model
    private var version = 0
    /// Labels in flight, by the tick they arrive.
    private var arrivals: [[LabelRef]]
    /// Arrived labels the dataset policy can still use, in arrival order.
    private var reservoir: [LabelRef] = []
    private var rows: LabelledRows
    /// A strategy that never trains keeps no labelled rows (its labels still score it).
    private let keepsRows: Bool
    /// Rows kept after the last compaction (the next one happens when the store doubles).
    private var liveRows = 0
    private var everArrived = 0
    private var lastTrain = 0.0
    private var labelsSinceTrain = 0
    /// Index into ``reservoir`` of the first label after the last training.
    private var reservoirAtLastTrain = 0
    private var trigger: TriggerState
    private let needsScores: Bool
    private var deployedAt = 0
    private var pendingJob: (ready: Int, model: any Model, training: TrainingSet, holdout: TrainingSet, holdoutSlices: [Int32])?
    private var challenger: Challenger?
    private var committee: [any Model] = []
    // Per-tick scratch, grown to the largest tick seen.
    private var predictions: [Double] = [], challengerPredictions: [Double] = [], priority: [Double] = []
    private var arm: [Int8] = []
    private var logged: [Int32] = [], chosen: [Int32] = []
    private var served: [Double] = [], servedPrediction: [Double] = []
    private var servedProbabilities: [Double] = [], challengerProbabilities: [Double] = []
    private var arrivedCorrect: [Bool] = []

    public init(_ simulator: StrategySimulator, replicate r: Int, ticks: Int, initialModel: any Model, initialTraining: TrainingSet) throws {
        sim = simulator
        replicate = r
        self.ticks = ticks
        let spec = simulator.spec, classCount = simulator.classCount, seed = simulator.seed
        d = initialTraining.dimension
        let sliceSeries = classCount > 0 ? simulator.sliceNames.map { "accuracy@\($0)" } : []
        series = (RunMetric.names + simulator.extraMetrics.map(\.rawValue) + sliceSeries).map {
            MetricSeries(name: $0, values: [Double](repeating: .nan, count: ticks))
        }
        sliceCorrect = [Int](repeating: 0, count: sliceSeries.count)
        sliceTotal = sliceCorrect
        labelRNG = RandomStream(seed: seed, path: "replicate", r, "labels", simulator.labelingKey)
        loggingRNG = RandomStream(seed: seed, path: "replicate", r, "logging", "\(spec.logging)")
        rolloutRNG = RandomStream(seed: seed, path: "replicate", r, "strategy", spec.name, "rollout")
        trainRNG = RandomStream(seed: seed, path: "replicate", r, "strategy", spec.name, "train")
        champion = initialModel
        arrivals = [[LabelRef]](repeating: [], count: ticks)
        rows = LabelledRows(dimension: d)
        if case .never = spec.trigger.policy { keepsRows = false } else { keepsRows = true }
        trigger = try TriggerState(spec.trigger.policy, profiles: spec.logging == .profiles)
        needsScores = trigger.needsScores
        trigger.didDeploy(training: initialTraining,
                          scores: needsScores ? simulator.scores(of: initialModel, on: initialTraining.features, count: initialTraining.count) : [])
        if spec.logging == .profiles {
            events.append(StrategyEvent(kind: "note", tick: 0, modelVersion: 0,
                                        detail: "profiles-only logging: no raw rows are kept; drift triggers compare mergeable quantile sketches, and retraining uses only the events sent for labelling"))
        }
        if case .committee(let m) = spec.labeling.curation { committee = simulator.bootstrapCommittee(m, initialTraining, r) }
    }

    /// Grows the per-tick scratch buffers to hold `n` events.
    private mutating func reserve(_ n: Int) {
        guard n > predictions.count else { return }
        let k = max(sim.classCount, 1)
        predictions = [Double](repeating: 0, count: n)
        challengerPredictions = predictions
        priority = predictions
        arm = [Int8](repeating: 0, count: n)
        logged = [Int32](repeating: 0, count: n)
        chosen = logged
        served = [Double](repeating: 0, count: needsScores ? n : 0)
        servedPrediction = [Double](repeating: 0, count: sim.extraMetrics.isEmpty ? 0 : n)
        servedProbabilities = [Double](repeating: 0, count: sim.extraMetrics.isEmpty ? 0 : n * k)
        challengerProbabilities = servedProbabilities
        arrivedCorrect.reserveCapacity(n)
    }

    /// Simulates the next tick on its events.
    public mutating func step(_ batch: EventBatch) throws {
        precondition(tick < ticks, "more ticks than the simulation was opened for")
        let t = tick
        defer { tick += 1 }
        let spec = sim.spec, classCount = sim.classCount, costs = sim.costs, r = replicate
        let n = batch.count
        reserve(n)
        // 1. Serve: the champion predicts the whole tick at once; a challenger its share.
        batch.features.withUnsafeBufferPointer { xb in
            predictions.withUnsafeMutableBufferPointer { pb in champion.predict(xb, count: n, into: pb) }
            if let c = challenger {
                challengerPredictions.withUnsafeMutableBufferPointer { pb in c.model.predict(xb, count: n, into: pb) }
            }
        }
        var challengerServed = 0
        let share = challenger?.share ?? 0
        for i in 0..<n {
            arm[i] = 0
            if share > 0, rolloutRNG.uniform() < share {
                arm[i] = 1
                challengerServed += 1
            }
        }
        var correct = 0
        var absError = 0.0
        for i in 0..<n {
            let p = arm[i] == 1 ? challengerPredictions[i] : predictions[i]
            if classCount > 0 { if p == batch.labels[i] { correct += 1 } } else { absError += abs(p - batch.labels[i]) }
        }
        if !sliceTotal.isEmpty {
            for k in sliceCorrect.indices { sliceCorrect[k] = 0; sliceTotal[k] = 0 }
            for i in 0..<n {
                let k = Int(batch.slice[i])
                guard k >= 0, k < sliceTotal.count else { continue }
                sliceTotal[k] += 1
                if (arm[i] == 1 ? challengerPredictions[i] : predictions[i]) == batch.labels[i] { sliceCorrect[k] += 1 }
            }
            let first = RunMetric.names.count + sim.extraMetrics.count
            for k in sliceTotal.indices where sliceTotal[k] > 0 {
                series[first + k].values[t] = Double(sliceCorrect[k]) / Double(sliceTotal[k])
            }
        }
        let accuracy = classCount > 0 ? Double(correct) / Double(max(n, 1)) : absError / Double(max(n, 1))
        let errorCost = classCount > 0 ? Double(n - correct) * costs.error : absError * costs.error

        // 2. Log: which events the strategy keeps.
        let loggedCount = sim.logEvents(batch, predictions: predictions, rng: loggingRNG, into: &logged)

        // 3. Curate and label within the budget; labels arrive after their delay.
        var quota = Int((spec.labeling.coverage * Double(loggedCount)).rounded(.down))
        if let cap = spec.labeling.budgetPerTick { quota = min(quota, cap) }
        quota = min(quota, loggedCount)
        let picked = sim.curate(quota, batch: batch, logged: logged, loggedCount: loggedCount, predictions: predictions,
                                servingModel: champion, committee: committee, rng: labelRNG, priority: &priority, into: &chosen)
        for c in 0..<picked {
            let i = Int(chosen[c])
            let arrival = t + sim.drawDelay(labelRNG)
            var label = batch.labels[i]
            if spec.labeling.noise > 0, classCount > 0, labelRNG.uniform() < spec.labeling.noise {
                label = classCount == 2 ? 1 - label : Double((Int(label) + 1 + labelRNG.int(below: classCount - 1)) % classCount)
            }
            let servedPrediction = arm[i] == 1 ? challengerPredictions[i] : predictions[i]
            var shadow: Int8 = -1
            if challenger != nil, challenger!.share == 0 { shadow = challengerPredictions[i] == label ? 1 : 0 }
            guard arrival < ticks else { continue }
            let row = keepsRows ? rows.append(batch, i) : -1
            arrivals[arrival].append(LabelRef(tick: Int32(t), row: row, arrival: Int32(arrival), label: label,
                                              correct: classCount > 0 && servedPrediction == label, arm: arm[i], challengerCorrect: shadow))
        }
        arrivedCorrect.removeAll(keepingCapacity: true)
        for ref in arrivals[t] {
            if keepsRows { reservoir.append(ref) }
            arrivedCorrect.append(ref.correct)
            if let c = challenger, Int(ref.tick) >= c.start, Int(ref.tick) < c.end {
                // Tally the online test's labels in place (no copy of the challenger per label).
                if c.share == 0 {
                    challenger!.counts.championN += 1; challenger!.counts.championCorrect += ref.correct ? 1 : 0
                    challenger!.counts.challengerN += 1; challenger!.counts.challengerCorrect += ref.challengerCorrect == 1 ? 1 : 0
                } else if ref.arm == 1 {
                    challenger!.counts.challengerN += 1; challenger!.counts.challengerCorrect += ref.correct ? 1 : 0
                } else {
                    challenger!.counts.championN += 1; challenger!.counts.championCorrect += ref.correct ? 1 : 0
                }
            }
        }
        everArrived += arrivals[t].count
        arrivals[t] = []
        labelsSinceTrain += arrivedCorrect.count
        let observed = arrivedCorrect.isEmpty ? Double.nan
            : Double(arrivedCorrect.reduce(0) { $0 + ($1 ? 1 : 0) }) / Double(arrivedCorrect.count)

        // 4. Trigger, from observable signals only.
        if needsScores { sim.fillScores(champion, batch, into: &served) }
        var observedBatch = batch
        var observedScores = served[..<(needsScores ? n : 0)]
        if spec.logging != .all, spec.logging != .profiles, trigger.needsInputs {
            // Input and output monitors see only what the strategy logged.
            var kept = EventBatch(dimension: d, capacity: loggedCount)
            var keptScores: [Double] = []
            for j in 0..<loggedCount {
                let i = Int(logged[j])
                kept.features.append(contentsOf: batch.features[(i * d)..<((i + 1) * d)])
                kept.labels.append(batch.labels[i])
                if needsScores { keptScores.append(served[i]) }
            }
            observedBatch = kept
            observedScores = keptScores[...]
        }
        let fires = trigger.update(TriggerObservation(tick: t, sinceTrain: Double(t) - lastTrain, newLabels: labelsSinceTrain,
                                                      arrivedCorrect: arrivedCorrect, deployedAt: deployedAt, batch: observedBatch,
                                                      scores: observedScores))
        var trained = 0.0, deployed = 0.0, trainingSamples = 0.0, retrainCost = 0.0, deployCost = 0.0, rollbackCost = 0.0
        let cooled = Double(t) - lastTrain >= spec.trigger.cooldown || version == 0 && lastTrain == 0
        let busy = pendingJob != nil || challenger != nil
        if fires && cooled && !busy && labelsSinceTrain >= spec.trigger.minNewLabels && everArrived > 0 {
            events.append(StrategyEvent(kind: "trigger", tick: t, modelVersion: version))
            // 5. Form the dataset from arrived labels.
            let chosenRows = sim.datasetRows(reservoir, since: reservoirAtLastTrain, now: t, rows: rows, champion: champion, rng: trainRNG)
            var set = TrainingSet(dimension: d)
            set.features.reserveCapacity(chosenRows.count * d)
            var slices: [Int32] = []
            slices.reserveCapacity(chosenRows.count)
            for ref in chosenRows {
                let base = Int(ref.row) * d
                set.features.append(contentsOf: rows.features[base..<(base + d)])
                set.labels.append(ref.label)
                set.ticks.append(ref.tick)
                slices.append(rows.slices[Int(ref.row)])
            }
            let (fitSet, holdout, holdoutSlices) = sim.split(set, slices: slices)
            // Every row of the dataset (holdout included), with the tick its label arrived.
            sim.observer?.didFit(strategy: spec.name, replicate: r, atTick: t, rowTicks: set.ticks, rowArrivals: chosenRows.map(\.arrival))
            // 6. Train (warm-started from the champion when fine-tuning).
            let (candidate, epochs) = spec.learner.fit(fitSet, classCount: classCount,
                                                       warmStart: spec.warmStart ? champion : nil, rng: trainRNG)
            trained = 1
            trainingSamples = Double(fitSet.count)
            retrainCost = costs.retrain + costs.retrainPerSample * Double(fitSet.count * epochs)
            lastTrain = Double(t)
            labelsSinceTrain = 0
            reservoirAtLastTrain = reservoir.count
            events.append(StrategyEvent(kind: "train", tick: t, modelVersion: version + 1, samples: fitSet.count,
                                        detail: "epochs=\(epochs), ready at tick \(t + spec.trainingLatency)"))
            pendingJob = (t + spec.trainingLatency, candidate, fitSet, holdout, holdoutSlices)
        }
        // 7. Offline gate, once the candidate is ready.
        if let job = pendingJob, job.ready <= t {
            pendingJob = nil
            let verdict = sim.gate(candidate: job.model, champion: champion, holdout: job.holdout, slices: job.holdoutSlices)
            if !spec.gate.isOpen {
                events.append(StrategyEvent(kind: verdict.pass ? "gate-pass" : "reject", tick: t, modelVersion: version + 1,
                                            samples: job.holdout.count, detail: verdict.detail))
            }
            if verdict.pass {
                // 8. Roll out.
                switch spec.rollout {
                case .immediate:
                    champion = job.model
                    version += 1
                    deployed = 1
                    deployCost += costs.deploy
                    deployedAt = t + 1
                    trigger.didDeploy(training: job.training, scores: needsScores ? sim.scores(of: champion, on: job.training.features, count: job.training.count) : [])
                    if case .committee(let m) = spec.labeling.curation { committee = sim.bootstrapCommittee(m, job.training, r * 1000 + version) }
                    events.append(StrategyEvent(kind: "deploy", tick: t, modelVersion: version))
                case .shadow(let k, _):
                    challenger = Challenger(model: job.model, training: job.training, start: t + 1, end: t + 1 + k, share: 0)
                    events.append(StrategyEvent(kind: "shadow", tick: t, modelVersion: version + 1, detail: "for \(k) ticks"))
                case .canary(let f, let k, _):
                    challenger = Challenger(model: job.model, training: job.training, start: t + 1, end: t + 1 + k, share: f)
                    deployCost += costs.deploy
                    events.append(StrategyEvent(kind: "canary", tick: t, modelVersion: version + 1, detail: "\(f) of traffic for \(k) ticks"))
                case .ab(let f, let k, _):
                    challenger = Challenger(model: job.model, training: job.training, start: t + 1, end: t + 1 + k, share: f)
                    deployCost += costs.deploy
                    events.append(StrategyEvent(kind: "ab", tick: t, modelVersion: version + 1, detail: "split \(f) for \(k) ticks"))
                }
            }
        }
        // The online test decides once its period is over and its labels had time to arrive.
        if let c = challenger, t >= c.end - 1 + spec.labeling.delay.minimum {
            let promote = sim.decide(c)
            challenger = nil
            if promote.yes {
                champion = c.model
                version += 1
                deployed = 1
                if case .shadow = spec.rollout { deployCost += costs.deploy }
                deployedAt = t + 1
                trigger.didDeploy(training: c.training, scores: needsScores ? sim.scores(of: champion, on: c.training.features, count: c.training.count) : [])
                if case .committee(let m) = spec.labeling.curation { committee = sim.bootstrapCommittee(m, c.training, r * 1000 + version) }
                events.append(StrategyEvent(kind: "deploy", tick: t, modelVersion: version, detail: promote.detail))
            } else {
                if case .shadow = spec.rollout {} else { rollbackCost = costs.rollback }
                events.append(StrategyEvent(kind: "rollback", tick: t, modelVersion: version, detail: promote.detail))
            }
        }
        // 9. Account.
        let labelCost = Double(picked) * spec.labeling.cost
        let values: [Double] = [accuracy, observed, Double(picked), Double(arrivedCorrect.count), trained, deployed,
                                Double(version), Double(challengerServed) / Double(max(n, 1)), trainingSamples, errorCost,
                                labelCost, retrainCost, deployCost, rollbackCost,
                                errorCost + labelCost + retrainCost + deployCost + rollbackCost]
        for m in 0..<values.count { series[m].values[t] = values[m] }
        if !sim.extraMetrics.isEmpty, n > 0 { recordExtraMetrics(batch, tick: t) }
        compactIfNeeded(now: t)
    }

    /// What users were served, scored by the extra metrics: each event's prediction and
    /// probabilities from its own arm.
    private mutating func recordExtraMetrics(_ batch: EventBatch, tick t: Int) {
        let classCount = sim.classCount, n = batch.count
        let k = max(classCount, 1)
        let champion = self.champion, challenger = self.challenger
        batch.features.withUnsafeBufferPointer { xb in
            if classCount > 0 {
                _ = servedProbabilities.withUnsafeMutableBufferPointer { champion.probabilities(xb, count: n, into: $0) }
                if let c = challenger, c.share > 0 {
                    _ = challengerProbabilities.withUnsafeMutableBufferPointer { c.model.probabilities(xb, count: n, into: $0) }
                }
            }
        }
        for i in 0..<n {
            servedPrediction[i] = arm[i] == 1 ? challengerPredictions[i] : predictions[i]
            if arm[i] == 1, classCount > 0 { for c in 0..<k { servedProbabilities[i * k + c] = challengerProbabilities[i * k + c] } }
        }
        for (e, metric) in sim.extraMetrics.enumerated() {
            let value: Double = servedPrediction.withUnsafeBufferPointer { pb in
                batch.labels.withUnsafeBufferPointer { lb in
                    servedProbabilities.withUnsafeBufferPointer { qb in
                        let p = UnsafeBufferPointer(rebasing: pb[0..<n]), q = UnsafeBufferPointer(rebasing: qb[0..<(n * k)])
                        switch metric {
                        case .logLoss: return classCount > 0 ? Metrics.logLoss(probabilities: q, classCount: k, labels: lb) : .nan
                        case .f1: return classCount > 0 ? Metrics.macroF1(predictions: p, labels: lb, classCount: k) : .nan
                        case .auc: return classCount > 0 ? Metrics.rocAUC(probabilities: q, classCount: k, labels: lb) : .nan
                        case .rmse: return Metrics.rmse(predictions: p, labels: lb)
                        }
                    }
                }
            }
            series[RunMetric.names.count + e].values[t] = value
        }
    }

    /// Drops the labels the dataset policy can no longer use after tick `t` and, once the row
    /// store has doubled since the last compaction, rewrites it with only the rows still needed
    /// (the reservoir's and those of labels in flight). Later training sets are unchanged:
    /// a window at tick `t' ≥ t` needs no row served before `t − w`, a count only the last rows,
    /// "since the last training" nothing before it.
    private mutating func compactIfNeeded(now t: Int) {
        guard rows.count >= 2 * liveRows + 4096 else { return }
        var dropped = 0
        switch sim.spec.dataset {
        case .window(let w), .hardest(_, let w):
            let oldest = Double(t) - w
            // Only "since last training" reads `reservoirAtLastTrain`, so filtering is safe here.
            reservoir.removeAll { Double($0.tick) < oldest }
        case .count(let c):
            dropped = max(reservoir.count - c, 0)
        case .sinceLastTraining:
            dropped = min(reservoirAtLastTrain, reservoir.count)
        case .all, .sample:
            break
        }
        if dropped > 0 {
            reservoir.removeFirst(dropped)
            reservoirAtLastTrain -= dropped
        }
        var compacted = LabelledRows(dimension: rows.dimension)
        compacted.features.reserveCapacity(reservoir.count * rows.dimension)
        func move(_ ref: inout LabelRef) {
            let base = Int(ref.row) * rows.dimension
            compacted.features.append(contentsOf: rows.features[base..<(base + rows.dimension)])
            compacted.slices.append(rows.slices[Int(ref.row)])
            ref.row = Int32(compacted.slices.count - 1)
        }
        for j in reservoir.indices { move(&reservoir[j]) }
        for a in (t + 1)..<max(t + 1, arrivals.count) where !arrivals[a].isEmpty {
            for j in arrivals[a].indices { move(&arrivals[a][j]) }
        }
        rows = compacted
        liveRows = rows.count
    }

    /// The run: every metric series and every event so far.
    public func result() -> StrategyRun {
        var series = self.series
        if sim.classCount == 0 { series[0].name = "mae"; series[1].name = "observed_mae" }
        return StrategyRun(strategy: sim.spec.name, replicate: replicate, series: series, events: events)
    }
}
