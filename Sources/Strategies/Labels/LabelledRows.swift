import FlywheelCore

/// A labelled event as the strategy knows it: where its row is kept, plus what it learned of it.
public struct LabelRef: Sendable {
    /// The tick the event was served at.
    public var tick: Int32
    /// Its row in the strategy's ``LabelledRows`` (−1 when the strategy keeps no rows).
    public var row: Int32
    /// The tick its label arrives.
    public var arrival: Int32
    /// The label as the annotator gave it (possibly wrong).
    public var label: Double
    /// The loss of the prediction served for the event against that label
    /// (``PredictionTask/loss(_:_:)``: 0/1 for a classifier, the absolute error for a regressor).
    public var loss: Double
    /// During a shadow test, the loss of the challenger's prediction (NaN: no challenger).
    public var challengerLoss: Double
    /// Which model served it: 0 the champion, 1 the challenger.
    public var arm: Int8

    public init(tick: Int32, row: Int32, arrival: Int32, label: Double, loss: Double, arm: Int8,
                challengerLoss: Double = .nan) {
        self.tick = tick
        self.row = row
        self.arrival = arrival
        self.label = label
        self.loss = loss
        self.arm = arm
        self.challengerLoss = challengerLoss
    }

    /// Whether the served prediction was right (a classifier's loss of 0).
    public var correct: Bool { loss == 0 }
}

/// The rows of the events a strategy sent for labelling, kept when they were served: training
/// sets are formed from these, so the simulation never looks back at past traffic and the engine
/// can drop each tick once every strategy has simulated it.
public struct LabelledRows: Sendable {
    public let dimension: Int
    public var features: [Double] = []
    public var slices: [Int32] = []

    public init(dimension: Int) { self.dimension = dimension }

    public var count: Int { slices.count }

    /// Appends event `i` of `batch`; returns its row.
    public mutating func append(_ batch: EventBatch, _ i: Int) -> Int32 {
        features.append(contentsOf: batch.features[(i * dimension)..<((i + 1) * dimension)])
        slices.append(batch.slice[i])
        return Int32(slices.count - 1)
    }

    /// The features of row `row`.
    @inline(__always) public func features(of row: Int32) -> ArraySlice<Double> {
        let base = Int(row) * dimension
        return features[base..<(base + dimension)]
    }
}
