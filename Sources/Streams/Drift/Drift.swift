import FlywheelCore

/// What a drift changes.
public enum DriftTarget: Hashable, Sendable {
    /// P(y|x): events switch to concept `to` (or, for an incremental schedule, the generator's
    /// parameters move toward it).
    case concept(to: Int)
    /// P(x): `x_j ← x_j · (1 + (scale − 1)·I) + shift·I` for feature `feature` at intensity I.
    case covariates(feature: Int, shift: Double, scale: Double)
    /// P(x): the plane of features `a` and `b` turns by `degrees · I` about `(centerA, centerB)`.
    case rotation(a: Int, b: Int, degrees: Double, centerA: Double, centerB: Double)
    /// P(x): a subpopulation grows or shrinks. The share of traffic in `region` moves from its
    /// base share `b` to `b + I·(goal − b)` by thinning, so that `P(x | in region)` and
    /// `P(x | outside)` are unchanged (and labels still follow the concept).
    case subpopulation(region: Region, goal: SubpopulationGoal)
    /// P(y): the share of class `classIndex` moves from its base rate toward `share` (by rejection).
    case prior(classIndex: Int, share: Double)
    /// Labels flip to another class with probability `rate · I`.
    case labelNoise(rate: Double)
    /// A data-quality fault on one served feature; the label still comes from the clean input.
    case quality(feature: Int, fault: QualityFault)

    public var name: String {
        switch self {
        case .concept: return "concept"
        case .covariates, .rotation, .subpopulation: return "covariates"
        case .prior: return "prior"
        case .labelNoise: return "label_noise"
        case .quality: return "quality"
        }
    }
}

/// Where a subpopulation drift takes its region's share at full intensity.
public enum SubpopulationGoal: Hashable, Sendable {
    /// To this share of traffic, in (0, 1).
    case share(Double)
    /// To `factor` times its base share (at most 1).
    case factor(Double)

    /// The share at full intensity for a region whose base share is `base`.
    @inline(__always) public func target(base: Double) -> Double {
        switch self {
        case .share(let s): return s
        case .factor(let f): return min(f * base, 1)
        }
    }

    /// `share 0.6` or `factor 2`.
    public var description: String {
        let num = NumberText.plain
        switch self {
        case .share(let s): return "share \(num(s))"
        case .factor(let f): return "factor \(num(f))"
        }
    }
}

/// A data-quality fault on one feature of the served (and logged) inputs.
public enum QualityFault: Hashable, Sendable {
    /// The value is missing (NaN) with probability `rate · I`.
    case missing(rate: Double)
    /// The value arrives multiplied by `factor` (a unit change, e.g. ×1000) with probability I.
    case multiply(factor: Double)
    /// The value is stuck at `value` with probability I.
    case stuck(value: Double)
    /// The feature is dropped from the feed (NaN) with probability I.
    case dropped
}

/// One injected drift: a schedule paired with a target.
public struct Drift: Hashable, Sendable {
    public var name: String
    public var schedule: DriftSchedule
    public var target: DriftTarget
    /// Peak intensity: the schedule's value is multiplied by it (a periodic drift of amplitude
    /// 0.3 moves 30 % of the way to the new world at its crest).
    public var amplitude: Double

    public init(name: String, schedule: DriftSchedule, target: DriftTarget, amplitude: Double = 1) {
        self.name = name
        self.schedule = schedule
        self.target = target
        self.amplitude = amplitude
    }

    /// Effective intensity at time `t`.
    @inline(__always) public func intensity(at t: Double) -> Double { amplitude * schedule.intensity(at: t) }

    public static let catalog: [ComponentInfo] = [
        ComponentInfo(family: "drift", name: "instantaneous", summary: "The world switches at `at`.",
                      parameters: [ParameterInfo("at", "—", "time of the switch (ticks or a duration such as 40d)")]),
        ComponentInfo(family: "drift", name: "gradual",
                      summary: "The new world takes over around `center` over `width`: p(t) = 1/(1+exp(-4(t-center)/width)), or a linear ramp.",
                      parameters: [ParameterInfo("center", "—", "centre of the transition"), ParameterInfo("width", "—", "width of the transition"),
                                   ParameterInfo("shape", "sigmoid", "sigmoid or linear")],
                      reference: "Bifet, Holmes, Pfahringer, Kirkby & Gavaldà, KDD 2009 (MOA's ConceptDriftStream)"),
        ComponentInfo(family: "drift", name: "incremental", summary: "Parameters move continuously from `start` to `end`.",
                      parameters: [ParameterInfo("start", "—", "when the movement starts"), ParameterInfo("end", "—", "when it stops")]),
        ComponentInfo(family: "drift", name: "periodic", summary: "Recurring drift: sinusoid or square wave with a period.",
                      parameters: [ParameterInfo("period", "—", "length of one cycle"), ParameterInfo("phase", "0", "offset of the cycle"),
                                   ParameterInfo("shape", "sine", "sine or square"), ParameterInfo("duty", "0.5", "share of a square period that is on"),
                                   ParameterInfo("start", "0", "when the oscillation begins"), ParameterInfo("amplitude", "1", "peak intensity")]),
        ComponentInfo(family: "drift", name: "temporary", summary: "A pulse that starts, lasts `duration` and reverts.",
                      parameters: [ParameterInfo("start", "—", "when the pulse starts"), ParameterInfo("duration", "—", "how long it lasts"),
                                   ParameterInfo("ramp", "0", "linear ramp in and out")]),
        ComponentInfo(family: "drift-target", name: "concept", summary: "P(y|x): switch or blend to concept `to` (default: the next concept).",
                      parameters: [ParameterInfo("to", "next", "concept index of the new world")]),
        ComponentInfo(family: "drift-target", name: "covariates", summary: "P(x): shift, scale or rotate inputs, or grow or shrink a subpopulation (labels follow the unchanged concept).",
                      parameters: [ParameterInfo("shift", "—", "{feature, by}: added at full intensity"),
                                   ParameterInfo("scale", "—", "{feature, by}: multiplier at full intensity"),
                                   ParameterInfo("rotate", "—", "{features: [a, b], degrees, center: [ca, cb]}: the plane of two features turns"),
                                   ParameterInfo("subpopulation", "—", "{where: {x1: [0, 3]} or region: <edge case>, share: 0.6 or factor: 2}: the region's share of traffic moves from its base share to share (or factor × base) by thinning; P(x | in region) and P(x | outside) are unchanged")]),
        ComponentInfo(family: "drift-target", name: "prior", summary: "P(y): the share of one class moves toward `share`.",
                      parameters: [ParameterInfo("class", "—", "class name"), ParameterInfo("share", "—", "target share at full intensity")]),
        ComponentInfo(family: "drift-target", name: "label_noise", summary: "Labels flip with probability rate × intensity.",
                      parameters: [ParameterInfo("rate", "—", "flip probability at full intensity")]),
        ComponentInfo(family: "drift-target", name: "quality", summary: "A data-quality fault on one served feature: missing, multiply (unit change), stuck, dropped.",
                      parameters: [ParameterInfo("feature", "—", "feature name"), ParameterInfo("missing", "—", "share of values lost"),
                                   ParameterInfo("multiply", "—", "unit-change factor"), ParameterInfo("stuck", "—", "constant value"),
                                   ParameterInfo("dropped", "false", "the feature vanishes from the feed")]),
    ]
}
