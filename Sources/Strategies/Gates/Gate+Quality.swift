import FlywheelCore
import Learners
import Monitoring

/// The gate's data-quality rule (`gate: {quality: {missing: 0.05, out_of_range: 0.05}}`): a
/// candidate trained on data that fails is not deployed, whatever its holdout metric. Its
/// training rows (fitted and held out) are checked against the reference, the initial model's
/// training data (``QualityReference``):
/// - `missing`: some feature's share of missing values exceeds the reference's by more than this;
/// - `out_of_range`: some feature's share of non-missing values outside the reference's
///   [min, max] exceeds this;
/// - `unseen`: some one-hot categorical's unknown column (`name=?`) is at 1 in more than this
///   share of the rows.
/// A training set has no volume to judge: a volume check belongs to the `quality` trigger.
public struct GateQualityRule: Sendable, Hashable {
    public var missing: Double?
    public var outOfRange: Double?
    public var unseen: Double?
    public var unseenColumns: [Int] = []
    /// The stream's feature names, for the verdict's detail.
    public var featureNames: [String] = []

    public init(missing: Double? = nil, outOfRange: Double? = nil, unseen: Double? = nil) {
        self.missing = missing
        self.outOfRange = outOfRange
        self.unseen = unseen
    }

    static func read(_ v: ConfigValue, _ c: ReadContext) -> GateQualityRule? {
        guard let m = v.mapping(allowed: ["missing", "out_of_range", "unseen", "volume_drop"]) else { return nil }
        if let x = m["volume_drop"] {
            x.fail("a training set has no volume to judge", hint: "check the traffic's volume with trigger: {quality: {volume_drop: …}}")
            return nil
        }
        var rule = GateQualityRule(missing: m["missing"]?.double(min: 0, max: 1), outOfRange: m["out_of_range"]?.double(min: 0, max: 1),
                                   unseen: m["unseen"]?.double(min: 0, max: 1))
        guard rule.missing != nil || rule.outOfRange != nil || rule.unseen != nil else {
            if m.isEmpty { v.fail("give at least one check: missing, out_of_range or unseen") }
            return nil
        }
        rule.featureNames = c.schema?.features ?? []
        rule.unseenColumns = c.schema.map { s in s.features.indices.filter { s.features[$0].hasSuffix("=?") } } ?? []
        if rule.unseen != nil, c.schema != nil, rule.unseenColumns.isEmpty {
            m["unseen"]!.fail("no one-hot categorical in this stream has an unknown column (name=?), so unseen never fails",
                              hint: "replay a categorical with encoding: one_hot, or check out_of_range (an ordinal unknown is -1)")
            return nil
        }
        return rule
    }

    /// The reference of the initial training data.
    public func reference(_ training: TrainingSet) -> QualityReference {
        let d = training.dimension
        let unseen = Dictionary(uniqueKeysWithValues: unseenColumns.filter { $0 < d }.map { ($0, 1.0) })
        return QualityReference(features: (0..<d).map { "x\($0)" }, rows: training.features, volumes: [], unseen: unseen)
    }

    /// Why `rows` fail the rule against `reference` (the first failing check, with its figure), or
    /// nil when they pass.
    public func failure(_ rows: [TrainingSet], reference: QualityReference) -> String? {
        let names = featureNames
        let d = reference.features.count
        var missingCount = [Double](repeating: 0, count: d), out = missingCount, unseenCount = missingCount, present = missingCount
        var n = 0.0
        for set in rows where set.dimension == d {
            set.features.withUnsafeBufferPointer { xb in
                let q = reference.check(xb, count: set.count)
                let c = Double(set.count)
                for j in 0..<d {
                    let p = c * (1 - q.missing[j])
                    missingCount[j] += q.missing[j] * c
                    out[j] += q.outOfRange[j] * p
                    unseenCount[j] += q.unseen[j] * p
                    present[j] += p
                }
            }
            n += Double(set.count)
        }
        guard n > 0 else { return nil }
        func name(_ j: Int) -> String { j < names.count ? names[j] : "x\(j)" }
        func f(_ v: Double) -> String { NumberText.rounded(v, decimals: 4) }
        for j in 0..<d {
            let share = missingCount[j] / n
            if let missing, share - reference.missingShare[j] > missing {
                return "\(name(j)) missing in \(f(share)) of the training rows (reference \(f(reference.missingShare[j])), "
                    + "allowed rise \(f(missing)))"
            }
        }
        for j in 0..<d where present[j] > 0 {
            if let outOfRange, out[j] / present[j] > outOfRange {
                return "\(name(j)) outside its reference range [\(f(reference.low[j])), \(f(reference.high[j]))] in "
                    + "\(f(out[j] / present[j])) of the training rows (allowed \(f(outOfRange)))"
            }
            if let unseen, unseenCount[j] / present[j] > unseen {
                return "\(name(j)) unseen in \(f(unseenCount[j] / present[j])) of the training rows (allowed \(f(unseen)))"
            }
        }
        return nil
    }
}
