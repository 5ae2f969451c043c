import FlywheelCore
import Learners

/// A named edge case: a region of input space (see ``Region``) whose holdout rows the gate
/// judges separately.
public typealias EdgeCase = Region

/// The offline gate: does the candidate go out? It holds out the training set's most recent rows,
/// and passes a candidate whose metric on them beats the champion's by `minGain`, that is worse
/// on no slice by more than `sliceMargin` and on no edge case by more than `edgeMargin`. The
/// metric is the task's (``PredictionTask``): accuracy, or MAE where lower wins (`minGain` is then
/// a reduction of the MAE, and the margins are in the target's units).
public struct GatePolicy: Sendable, Hashable {
    /// Share of the training set's most recent rows held out for the comparison (0: no gate).
    public var holdout: Double
    /// The candidate must beat the champion's holdout metric by at least this much (accuracy
    /// points, or MAE in the target's units).
    public var minGain: Double
    /// On every slice of the holdout, the candidate may be worse than the champion by at most this
    /// (nil: no per-slice rule).
    public var sliceMargin: Double?
    /// Named edge cases (regions of the input space); on the holdout rows of each, the candidate
    /// may be worse than the champion by at most `edgeMargin`.
    public var edgeCases: [EdgeCase]
    public var edgeMargin: Double
    /// Refuse a candidate trained on data that fails these checks (``GateQualityRule``).
    public var quality: GateQualityRule?

    public init(holdout: Double = 0, minGain: Double = 0, sliceMargin: Double? = nil, edgeCases: [EdgeCase] = [], edgeMargin: Double = 0) {
        self.holdout = holdout
        self.minGain = minGain
        self.sliceMargin = sliceMargin
        self.edgeCases = edgeCases
        self.edgeMargin = edgeMargin
    }

    public var isOpen: Bool { holdout <= 0 }

    /// Reads `gate:`; `edgeCases` are the scenario's named regions, which `edge_cases:` names.
    /// Gains and margins are in the metric's units (`c` says whether that is accuracy or MAE).
    /// `slices` is false when the stream has none, and then `slice_margin` (which would compare
    /// one slice holding every event) is refused.
    public static func read(_ v: ConfigValue, _ c: ReadContext, edgeCases: [EdgeCase], slices: Bool = true) -> GatePolicy? {
        guard let g = v.mapping(allowed: ["holdout", "min_gain", "slice_margin", "edge_cases", "edge_margin", "quality"])
        else { return nil }
        var gate = GatePolicy()
        if let q = g["quality"] { gate.quality = GateQualityRule.read(q, c) }
        gate.holdout = g["holdout"]?.double(min: 0, max: 0.9) ?? 0
        gate.minGain = c.metricAmount(g["min_gain"], min: -1, max: 1) ?? 0
        gate.sliceMargin = c.metricAmount(g["slice_margin"], min: 0, max: 1)
        if !slices, let x = g["slice_margin"] {
            x.fail("slice_margin has no effect: the stream has no slices",
                   hint: "synthetic streams have no slices: guard named regions with edge_cases and edge_margin; "
                       + "a replay names its slice column with slice:")
        }
        gate.edgeMargin = c.metricAmount(g["edge_margin"], min: 0, max: 1) ?? 0
        for x in g["edge_cases"]?.sequence() ?? [] {
            guard let name = x.string() else { continue }
            if let e = edgeCases.first(where: { $0.name == name }) {
                gate.edgeCases.append(e)
            } else {
                x.fail("no edge case named '\(name)'", hint: nearest(name, in: edgeCases.map(\.name)).map { "did you mean '\($0)'?" }
                                                        ?? "define it under edge_cases: at the top of the scenario")
            }
        }
        if gate.holdout == 0, g["min_gain"] != nil || g["slice_margin"] != nil {
            (g["min_gain"] ?? g["slice_margin"])!.fail("a gate needs a holdout share, e.g. holdout: 0.2")
        }
        return gate
    }

    /// Splits a dataset into the rows to fit and the gate's holdout (the most recent rows by
    /// serving tick), with the holdout rows' slices.
    public func split(_ set: TrainingSet, slices: [Int32]) -> (fit: TrainingSet, holdout: TrainingSet, holdoutSlices: [Int32]) {
        guard !isOpen else { return (set, TrainingSet(dimension: set.dimension), []) }
        let h = Int((Double(set.count) * holdout).rounded())
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

    /// The verdict and its comparison table (overall, per slice, per edge case), each model
    /// scored by the task's metric on the holdout rows (accuracy, or MAE: lower wins). Gains and
    /// margins are in the metric's units.
    public func verdict(candidate: any Model, champion: any Model, holdout: TrainingSet, slices: [Int32],
                        task: PredictionTask) -> (pass: Bool, detail: String) {
        guard !isOpen, holdout.count > 0 else { return (true, "no gate") }
        let a = GatePolicy.losses(candidate, holdout, task), b = GatePolicy.losses(champion, holdout, task)
        let ca = task.metric(losses: a), cb = task.metric(losses: b)
        var pass = task.atLeast(ca, cb, by: minGain)
        func fmt(_ v: Double) -> String { NumberText.rounded(v, decimals: 4) }
        let name = task.isClassification ? "" : "MAE "
        var detail = "holdout \(holdout.count): candidate \(name)\(fmt(ca)) vs champion \(fmt(cb)) "
            + "(min gain \(fmt(minGain)))"
        if let margin = sliceMargin {
            var bySlice: [Int32: [Int]] = [:]
            for i in 0..<holdout.count { bySlice[slices[i], default: []].append(i) }
            for (slice, rows) in bySlice.sorted(by: { $0.key < $1.key }) where slice >= 0 {
                let sa = task.metric(losses: rows.lazy.map { a[$0] }), sb = task.metric(losses: rows.lazy.map { b[$0] })
                let ok = task.atLeast(sa, sb, by: -margin)
                if !ok { pass = false }
                detail += "; slice \(slice): \(fmt(sa)) vs \(fmt(sb))\(ok ? "" : " (worse than margin \(fmt(margin)))")"
            }
        }
        for edge in edgeCases {
            let rows = (0..<holdout.count).filter {
                edge.contains(holdout.features[($0 * holdout.dimension)..<(($0 + 1) * holdout.dimension)])
            }
            guard !rows.isEmpty else { detail += "; edge case \(edge.name): no holdout rows"; continue }
            let ea = task.metric(losses: rows.lazy.map { a[$0] }), eb = task.metric(losses: rows.lazy.map { b[$0] })
            let ok = task.atLeast(ea, eb, by: -edgeMargin)
            if !ok { pass = false }
            detail += "; edge case \(edge.name) (\(rows.count) rows): \(fmt(ea)) vs \(fmt(eb))"
                + (ok ? "" : " (worse than margin \(fmt(edgeMargin)))")
        }
        return (pass, detail)
    }

    /// The loss of `model`'s prediction for each row of `set` (``PredictionTask/loss(_:_:)``).
    static func losses(_ model: any Model, _ set: TrainingSet, _ task: PredictionTask) -> [Double] {
        var out = [Double](repeating: 0, count: set.count)
        set.features.withUnsafeBufferPointer { xb in out.withUnsafeMutableBufferPointer { model.predict(xb, count: set.count, into: $0) } }
        return (0..<set.count).map { task.loss(out[$0], set.labels[$0]) }
    }

    public static let catalog: [ComponentInfo] = [
        ComponentInfo(family: "gate", name: "holdout", summary: "Candidate vs champion on the most recent labelled rows held out of training; deploy only with a minimum gain and no slice worse than a margin.",
                      parameters: [ParameterInfo("holdout", "0", "share of the training set held out (0: no gate)"),
                                   ParameterInfo("min_gain", "0",
                                                 "required gain, in the metric's units (accuracy, or MAE reduction)"),
                                   ParameterInfo("slice_margin", "none", "non-inferiority margin on every slice"),
                                   ParameterInfo("edge_cases", "none", "names from the scenario's edge_cases: the candidate may not lose more than edge_margin on any"),
                                   ParameterInfo("edge_margin", "0", "non-inferiority margin on every edge case"),
                                   ParameterInfo("quality", "none",
                                                 "{missing, out_of_range, unseen}: refuse a candidate whose training rows fail "
                                                     + "these data-quality checks against the initial training data")]),
    ]
}
