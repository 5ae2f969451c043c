import FlywheelCore

/// How events get labels: which (the curation policy), how many, how late, how right, at what price.
public struct LabelingPolicy: Sendable {
    /// Share of each tick's logged events that get a label.
    public var coverage: Double
    /// At most this many labels per tick (nil: no cap).
    public var budgetPerTick: Int?
    public var delay: LabelDelay
    /// Probability that an annotator returns a wrong label.
    public var noise: Double
    /// Price of one label.
    public var cost: Double
    public var curation: any CurationPolicy

    public init(coverage: Double = 1, budgetPerTick: Int? = nil, delay: LabelDelay = .fixed(0), noise: Double = 0, cost: Double = 0,
                curation: any CurationPolicy = RandomCuration()) {
        self.coverage = coverage
        self.budgetPerTick = budgetPerTick
        self.delay = delay
        self.noise = noise
        self.cost = cost
        self.curation = curation
    }

    /// How many of `logged` events get a label this tick: `⌊coverage × logged⌋`, within the budget.
    public func quota(logged: Int) -> Int {
        var quota = Int((coverage * Double(logged)).rounded(.down))
        if let cap = budgetPerTick { quota = min(quota, cap) }
        return min(quota, logged)
    }

    /// The label an annotator returns for an event of class `label`: with probability `noise`
    /// another class (the other one of two, else one of the others uniformly). Regression labels
    /// are returned as they are.
    @inline(__always) public func annotate(_ label: Double, classCount: Int, rng: RandomStream) -> Double {
        guard noise > 0, classCount > 0, rng.uniform() < noise else { return label }
        return classCount == 2 ? 1 - label : Double((Int(label) + 1 + rng.int(below: classCount - 1)) % classCount)
    }

    /// The name of the labelling random stream of a strategy with this policy and `logging`.
    public func randomKey(logging: any LoggingPolicy) -> String {
        "\(coverage)/\(budgetPerTick ?? -1)/\(delay.randomKey)/\(noise)/\(curation.randomKey)/\(logging.randomKey)"
    }

    /// Reads a `labels:` mapping over `base` (the scenario's labels, for a strategy's own);
    /// `c.horizon` serves to warn of a delay no label outlives.
    public static func read(_ v: ConfigValue, _ c: ReadContext, base: LabelingPolicy) -> LabelingPolicy? {
        guard let m = v.mapping(allowed: ["coverage", "budget_per_tick", "delay", "noise", "cost", "curation"]) else { return nil }
        var l = base
        l.coverage = m["coverage"]?.double(min: 0, max: 1) ?? l.coverage
        if let b = m["budget_per_tick"] {
            l.budgetPerTick = b.count(min: 0, unit: "labels per tick") ?? l.budgetPerTick
        }
        if let d = m["delay"] {
            l.delay = LabelDelay.read(d, tick: c.tick) ?? l.delay
            if let horizon = c.horizon, l.delay.minimum >= horizon {
                d.warn("no label arrives within the run: every delay is at least \(l.delay.minimum) ticks "
                       + "and the run has \(horizon)")
            }
        }
        l.noise = m["noise"]?.double(min: 0, max: 0.5) ?? l.noise
        if l.noise > 0 {
            c.refuseOnRegression(m["noise"], "annotator noise (a label replaced by another class)",
                                 hint: "remove noise: for a numeric target it would change nothing")
        }
        l.cost = m["cost"]?.double(min: 0, max: Limits.maxCost) ?? l.cost
        if let cur = m["curation"] {
            l.curation = Curations.read(cur) ?? l.curation
            if l.curation.needsClasses {
                c.refuseOnRegression(cur, "this curation",
                                     hint: "use random (or stratified_slice on a stream with slices)")
            }
            if let s = l.curation as? StratifiedCuration, s.bySlice, c.schema?.slices.isEmpty == true {
                cur.fail("stratified_slice has no effect: the stream has no slices, so every event is in one group",
                         hint: "synthetic streams have no slices; a replay names its slice column with slice:, "
                             + "or use stratified")
            }
        }
        return l
    }

    /// The labelling model and the curation policies, for `flywheel list`.
    public static var catalog: [ComponentInfo] { [info] + Curations.catalog }

    public static let info = ComponentInfo(
        family: "labels", name: "labels",
        summary: "Each tick, a share of the logged events gets a label, capped by a budget, arriving after a delay, possibly wrong, at a price.",
        parameters: [ParameterInfo("coverage", "1", "share of logged events labelled"),
                     ParameterInfo("budget_per_tick", "none", "cap on labels per tick (never exceeded)"),
                     ParameterInfo("delay", "0", "ticks or a duration; or {uniform: [1d, 5d]} or {geometric: 3d}"),
                     ParameterInfo("noise", "0", "annotator error rate"), ParameterInfo("cost", "0", "price per label"),
                     ParameterInfo("curation", "random", "random, stratified, stratified_slice, {feedback: {p, q}}, least_confidence, margin, entropy, {committee: 5}")])
}
