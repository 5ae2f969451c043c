import Analysis
import FlywheelCore
import Foundation
import Learners
import Monitoring
import Strategies

/// One strategy simulated on one replicate's traffic, a tick at a time (see ``StrategySimulator``
/// for what happens at each tick). ``step(_:)`` takes the ticks in order; ``result()`` gives the
/// run. Feeding the ticks in one call or in many gives the same run.
///
/// **Memory.** Besides its model and per-tick series, a simulation keeps the rows of its labelled
/// events that its dataset policy can still use: a window or a count drops older rows, "since the
/// last training" drops rows once trained on; "all", a weighted sample and hardest-first over all
/// history keep every labelled row (`8·dimension + 56` bytes each).
public struct StrategySimulation: Sendable {
    /// A candidate in a shadow, canary or A/B test.
    struct Challenger {
        var model: any Model
        var training: TrainingSet
        var test: any OnlineTest
        var start: Int
        var end: Int
        var tally = OnlineTestTally()
        var share: Double { test.share }
    }

    /// A trained candidate waiting for its training latency to pass.
    struct Job {
        var ready: Int
        var model: any Model
        var training: TrainingSet
        var holdout: TrainingSet
        var holdoutSlices: [Int32]
    }

    let sim: StrategySimulator
    let spec: StrategySpec
    let task: PredictionTask
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
    private var trigger: any TriggerState
    private var curator: any Curator
    private let needsScores: Bool
    private var deployedAt = 0
    private var pendingJob: Job?
    private var challenger: Challenger?
    // Per-tick scratch, grown to the largest tick seen.
    private var predictions: [Double] = [], challengerPredictions: [Double] = [], priority: [Double] = []
    private var arm: [Int8] = []
    private var logged: [Int32] = [], chosen: [Int32] = []
    private var served: [Double] = [], servedPrediction: [Double] = []
    private var servedProbabilities: [Double] = [], challengerProbabilities: [Double] = []
    private var arrivedLoss: [Double] = []
    /// The live model of a `trigger: online` strategy (it serves instead of ``champion``).
    private var online: OnlineLearning?
    /// Each training's measured wall time (reported to `run.sqlite` only).
    private var trainingTimes: [TrainingTime] = []
    /// The model serving this tick.
    private var serving: any Model {
        if let online { return online.model }
        return champion
    }
    /// The `estimated_accuracy` series' calibrations: the champion's, and the candidate's from its
    /// holdout (it serves as the challenger, then becomes the champion's when deployed).
    private let estimates: Bool
    private var calibration: IsotonicCalibration?, candidateCalibration: IsotonicCalibration?
    private var probabilitiesValid = false
    /// Scratch of the trigger's estimate (grown to the largest observed tick).
    private var estimatePredictions: [Double] = [], estimateProbabilities: [Double] = [], estimateArms: [Int8] = []
    /// The gate's data-quality reference: the initial training data.
    private let qualityReference: QualityReference?
    /// The data-quality monitors' reference (`metrics: [quality_missing, quality_out_of_range]`):
    /// the initial training data, the same for every strategy, so the series compare traffic only.
    private let monitorReference: QualityReference?
    /// Events served so far and ticks seen, for `quality_volume_drop`.
    private var monitorVolume = 0.0, monitorTicks = 0

    public init(_ simulator: StrategySimulator, replicate r: Int, ticks: Int, initialModel: any Model, initialTraining: TrainingSet) throws {
        sim = simulator
        spec = simulator.spec
        replicate = r
        self.ticks = ticks
        let seed = simulator.seed
        d = initialTraining.dimension
        let task = simulator.task
        self.task = task
        let sliceSeries = task.isClassification ? simulator.sliceNames.map { "accuracy@\($0)" } : []
        series = (RunMetric.allCases.map { $0.name(task) } + simulator.extraMetrics.map(\.rawValue) + sliceSeries).map {
            MetricSeries(name: $0, values: [Double](repeating: .nan, count: ticks))
        }
        sliceCorrect = [Int](repeating: 0, count: sliceSeries.count)
        sliceTotal = sliceCorrect
        labelRNG = RandomStream(seed: seed, path: "replicate", r, "labels", spec.labeling.randomKey(logging: spec.logging))
        loggingRNG = RandomStream(seed: seed, path: "replicate", r, "logging", spec.logging.randomKey)
        rolloutRNG = RandomStream(seed: seed, path: "replicate", r, "strategy", spec.name, "rollout")
        trainRNG = RandomStream(seed: seed, path: "replicate", r, "strategy", spec.name, "train")
        champion = initialModel
        qualityReference = spec.gate.quality?.reference(initialTraining)
        monitorReference = simulator.extraMetrics.contains(where: \.isQualityMonitor)
            ? QualityReference(features: (0..<initialTraining.dimension).map { "x\($0)" }, rows: initialTraining.features, volumes: [],
                               unseen: Dictionary(uniqueKeysWithValues: simulator.unknownCategoryColumns
                                   .filter { $0 < initialTraining.dimension }.map { ($0, 1.0) }))
            : nil
        estimates = simulator.extraMetrics.contains(.estimatedAccuracy) || spec.trigger.policy.needsEstimate
        if estimates { calibration = ServedCalibration.fit(initialModel, on: initialTraining, classCount: task.classCount) }
        arrivals = [[LabelRef]](repeating: [], count: ticks)
        rows = LabelledRows(dimension: d)
        keepsRows = spec.trigger.policy.keepsLabelledRows
        trigger = try spec.trigger.policy.makeState(TriggerContext(profiles: spec.logging.profilesOnly, costs: simulator.costs,
                                                                           labelDelay: spec.labeling.delay.minimum))
        needsScores = spec.trigger.policy.needsScores
        trigger.didDeploy(training: initialTraining, scores: needsScores ? initialModel.scores(initialTraining) : [])
        if spec.logging.profilesOnly { events.append(StrategyEvent(kind: "note", tick: 0, modelVersion: 0, detail: ProfilesLogging.note)) }
        online = try OnlineLearning(spec, initial: initialModel, dimension: d, classCount: simulator.classCount)
        curator = spec.labeling.curation.makeCurator(CurationContext(seed: seed, strategy: spec.name, replicate: r, learner: spec.learner,
                                                                     classCount: simulator.classCount, initialTraining: initialTraining))
    }

    /// Grows the per-tick scratch buffers to hold `n` events.
    private mutating func reserve(_ n: Int) {
        guard n > predictions.count else { return }
        let k = max(task.classCount, 1)
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
        arrivedLoss.reserveCapacity(n)
    }

    /// The prediction served for event `i`: the challenger's on its arm, else the champion's.
    @inline(__always) private func servedPrediction(_ i: Int) -> Double { arm[i] == 1 ? challengerPredictions[i] : predictions[i] }

    /// Simulates the next tick on its events: serve, log, label, receive the labels that arrive,
    /// trigger, train, gate, roll out, account.
    public mutating func step(_ batch: EventBatch) throws {
        precondition(tick < ticks, "more ticks than the simulation was opened for")
        let t = tick
        defer { tick += 1 }
        let n = batch.count
        reserve(n)
        var m = TickMetrics()
        // 1. Serve: the champion predicts the whole tick at once; a challenger its share.
        serve(batch, tick: t, into: &m)
        // 2. Log: which events the strategy keeps.
        let loggedCount = spec.logging.log(batch, predictions: predictions, classCount: task.classCount, rng: loggingRNG, into: &logged)
        // 3. Curate and label within the budget; labels arrive after their delay.
        m.labels = Double(label(batch, loggedCount: loggedCount, tick: t))
        receiveLabels(tick: t, into: &m)
        // 4. Trigger, from observable signals only.
        let fires = trigger.update(observation(batch, loggedCount: loggedCount, tick: t))
        let cooled = Double(t) - lastTrain >= spec.trigger.cooldown || version == 0 && lastTrain == 0
        let busy = pendingJob != nil || challenger != nil
        if fires && cooled && !busy && labelsSinceTrain >= spec.trigger.minNewLabels && everArrived > 0 {
            // 5-6. Form the dataset from arrived labels and train a candidate.
            train(tick: t, into: &m)
        }
        // 5'. Online: the tick's arrived labels are learnt one at a time, after it was served.
        if online != nil { learnOnline(tick: t, into: &m) }
        // 7-8. The offline gate once the candidate is ready, then the rollout.
        if let job = pendingJob, job.ready <= t {
            pendingJob = nil
            gateAndRollOut(job, tick: t, into: &m)
        }
        // The online test decides once its period is over and its labels had time to arrive.
        if let c = challenger, t >= c.end - 1 + spec.labeling.delay.minimum {
            challenger = nil
            conclude(c, tick: t, into: &m)
        }
        // 9. Account.
        m.modelVersion = Double(version)
        m.labelCost = m.labels * spec.labeling.cost
        for metric in RunMetric.allCases { series[metric.rawValue].values[t] = m.value(metric) }
        if !sim.extraMetrics.isEmpty, n > 0 { recordExtraMetrics(batch, tick: t) }
        if monitorReference != nil {
            if n == 0, let e = sim.extraMetrics.firstIndex(of: .qualityVolumeDrop), monitorVolume > 0 {
                series[RunMetric.allCases.count + e].values[t] = 1  // no events at all: the whole volume is gone
            }
            monitorVolume += Double(n)
            monitorTicks += 1
        }
        compactIfNeeded(now: t)
    }

    /// Predicts the tick, assigns each event to an arm, and scores what was served (overall and
    /// per slice).
    private mutating func serve(_ batch: EventBatch, tick t: Int, into m: inout TickMetrics) {
        let n = batch.count
        let champion = serving, challenger = self.challenger
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
        (m.served, m.errors) = task.score(count: n, labels: batch.labels) { servedPrediction($0) }
        m.errorCost = m.errors * sim.costs.error
        m.challengerShare = Double(challengerServed) / Double(max(n, 1))
        guard !sliceTotal.isEmpty else { return }
        for k in sliceCorrect.indices { sliceCorrect[k] = 0; sliceTotal[k] = 0 }
        for i in 0..<n {
            let k = Int(batch.slice[i])
            guard k >= 0, k < sliceTotal.count else { continue }
            sliceTotal[k] += 1
            if servedPrediction(i) == batch.labels[i] { sliceCorrect[k] += 1 }
        }
        let first = RunMetric.allCases.count + sim.extraMetrics.count
        for k in sliceTotal.indices where sliceTotal[k] > 0 {
            series[first + k].values[t] = Double(sliceCorrect[k]) / Double(sliceTotal[k])
        }
    }

    /// Curates the logged events within the tick's quota and sends them for labelling: each label,
    /// as the annotator gives it, is scheduled to arrive after its delay (one arriving after the
    /// run is dropped). Returns how many events were sent.
    private mutating func label(_ batch: EventBatch, loggedCount: Int, tick t: Int) -> Int {
        let quota = spec.labeling.quota(logged: loggedCount)
        let input = CurationInput(batch: batch, logged: logged, loggedCount: loggedCount, predictions: predictions, servingModel: serving)
        let picked = quota > 0 ? curator.pick(quota, from: input, rng: labelRNG, priority: &priority, into: &chosen) : 0
        let shadow = challenger.map { $0.share == 0 } ?? false
        for c in 0..<picked {
            let i = Int(chosen[c])
            let arrival = t + spec.labeling.delay.draw(labelRNG)
            let label = spec.labeling.annotate(batch.labels[i], classCount: task.classCount, rng: labelRNG)
            let challengerLoss = shadow ? task.loss(challengerPredictions[i], label) : .nan
            guard arrival < ticks else { continue }
            let row = keepsRows ? rows.append(batch, i) : -1
            arrivals[arrival].append(LabelRef(tick: Int32(t), row: row, arrival: Int32(arrival), label: label,
                                              loss: task.loss(servedPrediction(i), label), arm: arm[i],
                                              challengerLoss: challengerLoss))
        }
        return picked
    }

    /// The labels arriving at tick `t` join the reservoir, the observed metric (accuracy, or the
    /// MAE of the served predictions against the labels that arrived) and the tally of a running
    /// online test.
    private mutating func receiveLabels(tick t: Int, into m: inout TickMetrics) {
        arrivedLoss.removeAll(keepingCapacity: true)
        for ref in arrivals[t] {
            if keepsRows { reservoir.append(ref) }
            arrivedLoss.append(ref.loss)
            if let c = challenger, Int(ref.tick) >= c.start, Int(ref.tick) < c.end {
                // Tally the online test's labels in place (no copy of the challenger per label).
                challenger?.tally.count(ref, shadow: c.share == 0)
            }
        }
        everArrived += arrivals[t].count
        arrivals[t] = []
        labelsSinceTrain += arrivedLoss.count
        m.labelsArrived = Double(arrivedLoss.count)
        if !arrivedLoss.isEmpty { m.observed = task.metric(losses: arrivedLoss) }
    }

    /// What the trigger observes this tick: input and output monitors see only the logged events
    /// unless the logging policy lets them see every served event.
    private mutating func observation(_ batch: EventBatch, loggedCount: Int, tick t: Int) -> TriggerObservation {
        let n = batch.count
        if needsScores { serving.scores(batch, into: &served) }
        var observedBatch = batch
        var observedScores = served[..<(needsScores ? n : 0)]
        if !spec.logging.monitorsSeeEveryEvent, spec.trigger.policy.needsInputs {
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
        var o = TriggerObservation(tick: t, sinceTrain: Double(t) - lastTrain, newLabels: labelsSinceTrain,
                                   arrivedLoss: arrivedLoss, task: task, deployedAt: deployedAt, batch: observedBatch,
                                   scores: observedScores, served: n)
        if spec.trigger.policy.needsEstimate { o.estimatedAccuracy = championEstimate(observedBatch) }
        return o
    }

    /// A training job: the dataset policy chooses rows among the arrived labels, the gate holds
    /// out its share, and the learner fits a candidate (warm-started from the champion when
    /// fine-tuning), ready after the training latency.
    private mutating func train(tick t: Int, into m: inout TickMetrics) {
        events.append(StrategyEvent(kind: "trigger", tick: t, modelVersion: version))
        let chosenRows = spec.dataset.select(reservoir, sinceLastTraining: reservoirAtLastTrain, now: t, rows: rows, champion: champion,
                                             classCount: task.classCount, rng: trainRNG)
        var set = TrainingSet(dimension: d)
        set.features.reserveCapacity(chosenRows.count * d)
        var slices: [Int32] = []
        slices.reserveCapacity(chosenRows.count)
        for ref in chosenRows {
            set.features.append(contentsOf: rows.features(of: ref.row))
            set.labels.append(ref.label)
            set.ticks.append(ref.tick)
            slices.append(rows.slices[Int(ref.row)])
        }
        let (fitSet, holdout, holdoutSlices) = spec.gate.split(set, slices: slices)
        // Every row of the dataset (holdout included), with the tick its label arrived.
        sim.observer?.didFit(strategy: spec.name, replicate: replicate, atTick: t, rowTicks: set.ticks, rowArrivals: chosenRows.map(\.arrival))
        let started = DispatchTime.now().uptimeNanoseconds
        let (candidate, epochs) = spec.learner.fit(fitSet, classCount: task.classCount, warmStart: spec.warmStart ? champion : nil, rng: trainRNG)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        let units = LearnerCatalog.workUnits(spec.learner, rows: fitSet.count, epochs: epochs)
        trainingTimes.append(TrainingTime(tick: t, rows: fitSet.count, workUnits: units, seconds: seconds))
        m.trained = 1
        m.trainingSamples = Double(fitSet.count)
        m.retrainCost = sim.costs.training(samples: fitSet.count, units: units)
        lastTrain = Double(t)
        labelsSinceTrain = 0
        reservoirAtLastTrain = reservoir.count
        events.append(StrategyEvent(kind: "train", tick: t, modelVersion: version + 1, samples: fitSet.count,
                                    detail: "epochs=\(epochs), ready at tick \(t + spec.trainingLatency)"))
        pendingJob = Job(ready: t + spec.trainingLatency, model: candidate, training: fitSet, holdout: holdout, holdoutSlices: holdoutSlices)
    }

    /// Online learning: the labels that arrived this tick (after the tick was served) are learnt
    /// one at a time; a tick that learnt any counts as one training and one deployment, priced
    /// per row and per work unit only (no job or deployment price).
    private mutating func learnOnline(tick t: Int, into m: inout TickMetrics) {
        let arrived = reservoir[reservoirAtLastTrain...]
        let started = DispatchTime.now().uptimeNanoseconds
        let learnt = online?.learn(arrived, rows: rows) ?? 0
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        reservoir.removeAll(keepingCapacity: true)
        reservoirAtLastTrain = 0
        guard learnt > 0 else { return }
        let units = LearnerCatalog.workUnits(spec.learner, rows: learnt, epochs: 1)
        trainingTimes.append(TrainingTime(tick: t, rows: learnt, workUnits: units, seconds: seconds))
        m.trained = 1
        m.deployed = 1
        m.trainingSamples = Double(learnt)
        m.retrainCost = sim.costs.onlineTraining(samples: learnt, units: units)
        lastTrain = Double(t)
        labelsSinceTrain = 0
        version += 1
        deployedAt = t + 1
        events.append(StrategyEvent(kind: "train", tick: t, modelVersion: version, samples: learnt,
                                    detail: "online: \(learnt) label\(learnt == 1 ? "" : "s") learnt one at a time"))
        events.append(StrategyEvent(kind: "deploy", tick: t, modelVersion: version))
    }

    /// The offline gate's verdict on a ready candidate; one that passes is deployed at once or
    /// starts its online test.
    private mutating func gateAndRollOut(_ job: Job, tick t: Int, into m: inout TickMetrics) {
        if let rule = spec.gate.quality, let reference = qualityReference,
           let why = rule.failure([job.training, job.holdout], reference: reference) {
            events.append(StrategyEvent(kind: "reject", tick: t, modelVersion: version + 1,
                                        samples: job.training.count + job.holdout.count, detail: "data quality: " + why))
            return
        }
        let verdict = spec.gate.verdict(candidate: job.model, champion: champion, holdout: job.holdout,
                                        slices: job.holdoutSlices, task: task)
        if !spec.gate.isOpen {
            events.append(StrategyEvent(kind: verdict.pass ? "gate-pass" : "reject", tick: t, modelVersion: version + 1,
                                        samples: job.holdout.count, detail: verdict.detail))
        }
        guard verdict.pass else { return }
        if estimates {
            candidateCalibration = ServedCalibration.fit(job.model, on: job.holdout.count > 0 ? job.holdout : job.training,
                                                         classCount: task.classCount)
        }
        guard let test = spec.rollout.onlineTest else {
            m.deployCost += sim.costs.deploy
            deploy(job.model, trainedOn: job.training, tick: t, into: &m)
            return
        }
        challenger = Challenger(model: job.model, training: job.training, test: test, start: t + 1, end: t + 1 + test.ticks)
        // A challenger that serves users is a deployment.
        if test.share > 0 { m.deployCost += sim.costs.deploy }
        events.append(StrategyEvent(kind: test.event.kind, tick: t, modelVersion: version + 1, detail: test.event.detail))
    }

    /// The end of an online test: the challenger is promoted, or withdrawn (a rollback when it
    /// served users).
    private mutating func conclude(_ c: Challenger, tick t: Int, into m: inout TickMetrics) {
        let promote = c.test.verdict(c.tally, task: task)
        if promote.yes {
            // A challenger that served nobody is deployed only now.
            if c.share == 0 { m.deployCost += sim.costs.deploy }
            deploy(c.model, trainedOn: c.training, tick: t, detail: promote.detail, into: &m)
        } else {
            if c.share > 0 { m.rollbackCost = sim.costs.rollback }
            events.append(StrategyEvent(kind: "rollback", tick: t, modelVersion: version, detail: promote.detail))
        }
    }

    /// `model` replaces the champion from the next tick: the trigger's windows and the curator
    /// start afresh on it.
    private mutating func deploy(_ model: any Model, trainedOn training: TrainingSet, tick t: Int, detail: String = "",
                                 into m: inout TickMetrics) {
        champion = model
        if estimates { calibration = candidateCalibration }
        version += 1
        m.deployed = 1
        deployedAt = t + 1
        trigger.didDeploy(training: training, scores: needsScores ? model.scores(training) : [])
        curator.didDeploy(training: training, salt: replicate * 1000 + version)
        events.append(StrategyEvent(kind: "deploy", tick: t, modelVersion: version, detail: detail))
    }

    /// What users were served, scored by the extra metrics: each event's prediction and
    /// probabilities from its own arm.
    private mutating func recordExtraMetrics(_ batch: EventBatch, tick t: Int) {
        let n = batch.count, classification = task.isClassification
        let k = max(task.classCount, 1)
        let champion = serving, challenger = self.challenger
        batch.features.withUnsafeBufferPointer { xb in
            if classification {
                let valid = servedProbabilities.withUnsafeMutableBufferPointer { champion.probabilities(xb, count: n, into: $0) }
                probabilitiesValid = valid
                if let c = challenger, c.share > 0 {
                    _ = challengerProbabilities.withUnsafeMutableBufferPointer { c.model.probabilities(xb, count: n, into: $0) }
                }
            }
        }
        for i in 0..<n {
            servedPrediction[i] = servedPrediction(i)
            if arm[i] == 1, classification { for c in 0..<k { servedProbabilities[i * k + c] = challengerProbabilities[i * k + c] } }
        }
        var quality: QualityReference.Tick?
        for (e, metric) in sim.extraMetrics.enumerated() {
            if metric.isQualityMonitor, let reference = monitorReference {
                if quality == nil { quality = batch.features.withUnsafeBufferPointer { reference.check($0, count: n) } }
                let q = quality!
                let value: Double
                switch metric {
                case .qualityMissing: value = reference.missingRise(q)
                case .qualityUnseen: value = q.worstUnseen
                case .qualityVolumeDrop:
                    value = QualityReference.volumeFall(Double(n), below: monitorTicks > 0 ? monitorVolume / Double(monitorTicks) : 0)
                default: value = q.worstOutOfRange
                }
                series[RunMetric.allCases.count + e].values[t] = value
                continue
            }
            if metric == .estimatedAccuracy {
                series[RunMetric.allCases.count + e].values[t] = estimatedAccuracy(count: n)
                continue
            }
            let value: Double = servedPrediction.withUnsafeBufferPointer { pb in
                batch.labels.withUnsafeBufferPointer { lb in
                    servedProbabilities.withUnsafeBufferPointer { qb in
                        metric.value(task: task, predictions: UnsafeBufferPointer(rebasing: pb[0..<n]),
                                     probabilities: UnsafeBufferPointer(rebasing: qb[0..<(n * k)]), classes: k, labels: lb)
                    }
                }
            }
            series[RunMetric.allCases.count + e].values[t] = value
        }
    }

    /// The CBPE estimate of the champion's accuracy on `batch` (what the trigger observes).
    private mutating func championEstimate(_ batch: EventBatch) -> Double {
        let n = batch.count, k = max(task.classCount, 1)
        guard n > 0 else { return .nan }
        if estimatePredictions.count < n {
            estimatePredictions = [Double](repeating: 0, count: n)
            estimateProbabilities = [Double](repeating: 0, count: n * k)
            estimateArms = [Int8](repeating: 0, count: n)
        }
        let champion = self.champion, calibration = self.calibration
        return batch.features.withUnsafeBufferPointer { xb in
            estimatePredictions.withUnsafeMutableBufferPointer { pb in
                estimateProbabilities.withUnsafeMutableBufferPointer { qb in
                    champion.predict(xb, count: n, into: pb)
                    guard champion.probabilities(xb, count: n, into: qb) else { return .nan }
                    return estimateArms.withUnsafeBufferPointer { ab in
                        ServedCalibration.estimate(count: n, predictions: UnsafeBufferPointer(pb), probabilities: UnsafeBufferPointer(qb),
                                                   classes: k, arm: ab, champion: calibration, challenger: nil)
                    }
                }
            }
        }
    }

    /// The tick's CBPE estimate of the served accuracy (see ``ServedCalibration``).
    private func estimatedAccuracy(count n: Int) -> Double {
        guard probabilitiesValid else { return .nan }
        let k = max(task.classCount, 1)
        return servedPrediction.withUnsafeBufferPointer { pb in
            servedProbabilities.withUnsafeBufferPointer { qb in
                arm.withUnsafeBufferPointer { ab in
                    ServedCalibration.estimate(count: n, predictions: pb, probabilities: qb, classes: k, arm: ab,
                                               champion: calibration, challenger: candidateCalibration)
                }
            }
        }
    }

    /// Drops the labels the dataset policy can no longer use after tick `t` and, once the row
    /// store has doubled since the last compaction, rewrites it with only the rows still needed
    /// (the reservoir's and those of labels in flight). Later training sets are unchanged.
    private mutating func compactIfNeeded(now t: Int) {
        guard rows.count >= 2 * liveRows + 4096 else { return }
        spec.dataset.forget(&reservoir, sinceLastTraining: &reservoirAtLastTrain, now: t)
        var compacted = LabelledRows(dimension: rows.dimension)
        compacted.features.reserveCapacity(reservoir.count * rows.dimension)
        func move(_ ref: inout LabelRef) {
            compacted.features.append(contentsOf: rows.features(of: ref.row))
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

    /// The set a training job would fit if it started now, after ``step(_:)`` of the last tick:
    /// the dataset policy's choice among the labels arrived so far (drawn with `rng`), less the
    /// gate's holdout. Nothing changes in the simulation (the hindsight-optimal schedule's
    /// ``AgeMatrix`` trains on it at every tick).
    public func trainingSetNow(rng: RandomStream) -> TrainingSet {
        let chosenRows = spec.dataset.select(reservoir, sinceLastTraining: reservoirAtLastTrain, now: tick - 1, rows: rows,
                                             champion: champion, classCount: task.classCount, rng: rng)
        var set = TrainingSet(dimension: d)
        set.features.reserveCapacity(chosenRows.count * d)
        for ref in chosenRows {
            set.features.append(contentsOf: rows.features(of: ref.row))
            set.labels.append(ref.label)
            set.ticks.append(ref.tick)
        }
        return spec.gate.split(set, slices: chosenRows.map { rows.slices[Int($0.row)] }).0
    }

    /// The run: every metric series and every event so far.
    public func result() -> StrategyRun {
        var run = StrategyRun(strategy: spec.name, replicate: replicate, series: series, events: events)
        run.trainingTimes = trainingTimes
        return run
    }
}
