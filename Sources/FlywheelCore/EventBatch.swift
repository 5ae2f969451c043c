/// What a stream's events look like: feature names and, for classification, the classes.
public struct FeatureSchema: Hashable, Sendable {
    public var features: [String]
    /// Class names for classification; empty for regression.
    public var classes: [String]
    /// Names of the slice (cohort) values events may carry; empty when there are none.
    public var slices: [String]

    public init(features: [String], classes: [String], slices: [String] = []) {
        self.features = features
        self.classes = classes
        self.slices = slices
    }

    public var dimension: Int { features.count }
    public var isClassification: Bool { !classes.isEmpty }
}

/// One tick's events in a contiguous row-major layout, with the truth each event carries.
///
/// `features[i * dimension + j]` is feature `j` of event `i` as served to the model (after any
/// data-quality fault). Labels are class indices (as `Double`) or regression targets. Each event
/// also records which concept produced it, so detection delay and the Bayes ceiling need no
/// bookkeeping elsewhere. A batch is built once per tick and shared read-only by every strategy.
public struct EventBatch: Sendable {
    public var dimension: Int
    public var features: [Double]
    public var labels: [Double]
    /// The concept (labelling function) that produced each event.
    public var concept: [Int32]
    /// The slice (cohort) index of each event, or -1 when the stream has no slices.
    public var slice: [Int32]
    /// Probability that the label is right under the Bayes-optimal rule of the producing world
    /// (1 − label-noise rate), per event; the mean over a tick is the Bayes ceiling.
    public var bayes: [Double]
    /// Each event's time within its tick, where it is not the default: empty when event `i` of the
    /// tick's `count` events happened at `tick + i/count` (every synthetic tick, and every replayed
    /// tick that no drift thinned); otherwise one offset in [0, 1) per event (a replayed tick that a
    /// prior or subpopulation drift thinned keeps each kept row's place `r/n` among the tick's `n`
    /// rows). Drift schedules are evaluated at these times; see ``time(ofEvent:tick:)``.
    public var offsets: [Double]

    public init(dimension: Int, capacity: Int = 0) {
        self.dimension = dimension
        features = []
        labels = []
        concept = []
        slice = []
        bayes = []
        offsets = []
        features.reserveCapacity(capacity * dimension)
        labels.reserveCapacity(capacity)
        concept.reserveCapacity(capacity)
        slice.reserveCapacity(capacity)
        bayes.reserveCapacity(capacity)
    }

    public var count: Int { labels.count }

    /// The time in ticks of event `i` of this batch, the batch being tick `tick`.
    @inline(__always) public func time(ofEvent i: Int, tick: Int) -> Double {
        Double(tick) + (offsets.isEmpty ? Double(i) / Double(count) : offsets[i])
    }
}
