import FlywheelCore
import Learners
import Monitoring

/// Data-quality trigger: fires when the observed traffic of a tick fails the "zero-regret" checks
/// against the data the deployed model was trained on (``QualityReference``), without labels:
/// - `missing`: some feature's share of missing values (NaN) exceeds its share in the training
///   data by more than this;
/// - `out_of_range`: some feature's share of non-missing values outside the training data's
///   [min, max] exceeds this (an ordinal categorical's unknown code −1 is out of its range);
/// - `unseen`: the share of a one-hot categorical's unknown column (`name=?`) at 1 exceeds this;
/// - `volume_drop`: the tick served fewer than (1 − volume_drop) × the mean events per tick of
///   the ticks observed since the model went live (none before its second tick).
/// At least one check is given; the trigger fires when any fails. A check written
/// `{sigma: k, windows: w}` instead of a number learns its threshold (``SigmaRule``): the check's
/// figure on the first `w` ticks after each deployment, mean plus `k` standard deviations. A check
/// whose clean figure is exactly 0 (missing values, volume on steady traffic) learns 0, so any
/// rise fires; on noisy inputs, whose out-of-range share wanders above 0, prefer a fixed share.
public struct QualityTrigger: TriggerPolicy, Hashable {
    public static let info = ComponentInfo(
        family: "trigger", name: "quality",
        summary: "Retrain (or alarm) when a tick's traffic fails a data-quality check against the model's training data: "
            + "missing share, values out of range, unseen categories, or a drop in volume. Needs no labels.",
        parameters: [ParameterInfo("missing", "—", "largest rise of a feature's missing share over its training share "
                                       + "(0…1; each check also {sigma: k, windows: w}, learnt from the first w ticks)"),
                     ParameterInfo("out_of_range", "—", "largest share of a feature's values outside its training range (0…1; "
                                       + "a fixed share suits noisy inputs better than sigma)"),
                     ParameterInfo("unseen", "—", "largest share of unknown categories of a one-hot categorical (0…1)"),
                     ParameterInfo("volume_drop", "—", "largest fall of a tick's events below the mean since deployment (0…1)")],
        reference: "Breck et al., The ML Test Score (2017); Polyzotis et al., Data Validation for Machine Learning (2019)")

    public var missing: Double?
    public var outOfRange: Double?
    public var unseen: Double?
    public var volumeDrop: Double?
    /// Checks whose threshold is learnt after each deployment, by check (`missing`, `out_of_range`,
    /// `unseen`, `volume_drop`); such a check has no fixed share.
    public var sigmas: [String: SigmaRule] = [:]
    /// The one-hot unknown columns (`name=?`) of the stream, by feature index.
    public var unseenColumns: [Int] = []

    public init(missing: Double? = nil, outOfRange: Double? = nil, unseen: Double? = nil, volumeDrop: Double? = nil) {
        self.missing = missing
        self.outOfRange = outOfRange
        self.unseen = unseen
        self.volumeDrop = volumeDrop
    }

    public static var keys: [String] { ["quality"] }
    public static var examples: [Self] { [QualityTrigger(missing: 0.1, outOfRange: 0.2), QualityTrigger(volumeDrop: 0.5)] }
    public var expectedTrainingsPerTick: Double { 0.05 }
    /// It reads the served inputs (the logged ones under sampled logging), and raw rows.
    public var needsInputs: Bool { true }

    /// `{quality: {missing: 0.1, out_of_range: 0.2, unseen: 0.05, volume_drop: 0.5}}`.
    public static func read(_ key: String, _ v: ConfigValue, _ c: ReadContext) -> QualityTrigger? {
        guard let m = v.mapping(allowed: ["missing", "out_of_range", "unseen", "volume_drop"]) else { return nil }
        var sigmas: [String: SigmaRule] = [:]
        /// A check's fixed share; nil when absent or learnt (`{sigma: …}`, kept in `sigmas`).
        func check(_ key: String) -> Double? {
            guard let x = m[key] else { return nil }
            guard x.isMapping else { return x.double(min: 0, max: 1) }
            if let rule = SigmaRule.read(x) { sigmas[key] = rule }
            return nil
        }
        var t = QualityTrigger(missing: check("missing"), outOfRange: check("out_of_range"), unseen: check("unseen"),
                               volumeDrop: check("volume_drop"))
        t.sigmas = sigmas
        guard t.limits.contains(where: { $0 != nil }) || !sigmas.isEmpty else {
            if m.isEmpty { v.fail("give at least one check: missing, out_of_range, unseen or volume_drop") }
            return nil
        }
        if t.unseen != nil || sigmas["unseen"] != nil, let schema = c.schema, !schema.features.contains(where: { $0.hasSuffix("=?") }) {
            m["unseen"]!.fail("no one-hot categorical in this stream has an unknown column (name=?), so unseen never fires",
                              hint: "replay a categorical with encoding: one_hot, or check out_of_range (an ordinal unknown is -1)")
            return nil
        }
        var found = t
        found.unseenColumns = c.schema.map { s in s.features.indices.filter { s.features[$0].hasSuffix("=?") } } ?? []
        return found
    }

    public func makeState(_ context: TriggerContext) throws -> any TriggerState { State(trigger: self) }

    /// The checks in order, with their scenario keys.
    static let checks = ["missing", "out_of_range", "unseen", "volume_drop"]

    /// Each check's fixed share, in ``checks`` order (nil: not given, or learnt).
    var limits: [Double?] { [missing, outOfRange, unseen, volumeDrop] }

    /// A tick's figure for each check (``checks``): the largest missing-share rise, out-of-range
    /// share and unknown-category share, and the volume's fall below `volumeMean` (0 without one).
    static func figures(_ q: QualityReference.Tick, reference: QualityReference, volume: Double, volumeMean: Double) -> [Double] {
        [reference.missingRise(q), q.worstOutOfRange, q.worstUnseen, QualityReference.volumeFall(volume, below: volumeMean)]
    }

    struct State: TriggerState {
        let trigger: QualityTrigger
        var reference: QualityReference?
        var volumes = 0.0, ticks = 0
        /// The learnt thresholds of the `sigma` checks, by check.
        var learnt: [String: LearntThresholds] = [:]

        mutating func update(_ o: TriggerObservation) -> Bool {
            guard let reference, reference.features.count == o.batch.dimension else { return false }
            let n = o.batch.count
            let q = o.batch.features.withUnsafeBufferPointer { reference.check($0, count: n) }
            let mean = ticks > 0 ? volumes / Double(ticks) : .nan
            volumes += Double(o.served)
            ticks += 1
            let figures = QualityTrigger.figures(q, reference: reference, volume: Double(o.served), volumeMean: mean)
            var fired = false
            for (i, key) in QualityTrigger.checks.enumerated() {
                // A learnt check fires nothing while its reference ticks are recorded.
                var limit = trigger.limits[i]
                if let rule = trigger.sigmas[key] {
                    if learnt[key] == nil { learnt[key] = LearntThresholds(rule, window: 1) }
                    limit = learnt[key]!.observe([figures[i]])?[0]
                }
                if let limit, figures[i] > limit { fired = true }
            }
            return fired
        }

        mutating func didDeploy(training: TrainingSet, scores: [Double]) {
            let d = training.dimension
            let names = (0..<d).map { "x\($0)" }
            let unseen = Dictionary(uniqueKeysWithValues: trigger.unseenColumns.filter { $0 < d }.map { ($0, 1.0) })
            reference = QualityReference(features: names, rows: training.features, volumes: [], unseen: unseen)
            volumes = 0
            ticks = 0
            learnt = [:]
        }
    }
}
