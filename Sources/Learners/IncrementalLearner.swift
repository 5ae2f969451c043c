import FlywheelCore

/// A model that learns one labelled row at a time, in place (the per-event update of online
/// learning: River's `learn_one`, MOA's `trainOnInstance`).
///
/// ``learn(_:labels:count:)`` takes a batch of rows in arrival order and applies them one after
/// another, exactly as `count` calls of a learn-one update would: the model after the call
/// equals the model after learning row 0, then row 1, …. A row whose label is not a class index
/// is skipped. One call per tick keeps the per-event path free of dynamic dispatch.
public protocol IncrementalModel: Model {
    /// Learns `count` rows of `x` (row-major, the model's dimension wide) with their `labels`,
    /// one at a time in order. Returns how many rows it learnt (rows with a valid label).
    mutating func learn(_ x: UnsafeBufferPointer<Double>, labels: UnsafeBufferPointer<Double>, count: Int) -> Int
}

/// A model family whose models can keep learning one row at a time (`trigger: online`):
/// test-then-train, the prequential protocol of Gama, Sebastião & Rodrigues, "On evaluating
/// stream learning algorithms", Machine Learning 90 (2013).
///
/// To make a family incremental: conform its learner to this protocol and its model to
/// ``IncrementalModel``; `validate` then accepts `trigger: online` with it.
public protocol IncrementalLearner: Learner {
    /// The live model that continues from `model` (the initial model a simulation starts with)
    /// when it is this family's model of the same dimension and classes, else a fresh, empty one.
    func incremental(from model: any Model, dimension: Int, classCount: Int) -> any IncrementalModel
}

/// The families that learn one row at a time, for validation messages.
extension LearnerCatalog {
    public static var incrementalFamilies: [String] {
        kinds.compactMap { kind in (try? kind.init(parameters: [:])) is any IncrementalLearner ? kind.info.name : nil }
    }
}

// MARK: Hoeffding tree

extension HoeffdingTree: IncrementalLearner {
    /// The champion's tree keeps growing (with this learner's configuration), or a fresh tree.
    public func incremental(from model: any Model, dimension: Int, classCount: Int) -> any IncrementalModel {
        if var tree = model as? HoeffdingTreeModel, tree.state.dimension == dimension,
           classCount <= 0 || tree.state.classCount == classCount {
            tree.state.configuration = configuration
            return tree
        }
        let k = max(classCount, 2)
        return HoeffdingTreeModel(state: HoeffdingTreeState(dimension: dimension, classCount: k, configuration: configuration))
    }
}

extension HoeffdingTreeModel: IncrementalModel {
    /// Each row goes down to its leaf and updates it (``HoeffdingTreeState/learnOne(_:label:)``),
    /// the leaf trying a split every grace period.
    /// - Complexity: O(count × (depth + classCount × dimension)) plus the split attempts.
    public mutating func learn(_ x: UnsafeBufferPointer<Double>, labels: UnsafeBufferPointer<Double>, count: Int) -> Int {
        let d = state.dimension, k = state.classCount
        var learnt = 0
        for i in 0..<count {
            guard let y = Labels.classIndex(labels[i], k) else { continue }
            state.learnOne(UnsafeBufferPointer(rebasing: x[(i * d)..<(i * d + d)]), label: y)
            learnt += 1
        }
        return learnt
    }
}

// MARK: Gaussian naive Bayes

extension GaussianNaiveBayes: IncrementalLearner {
    /// The champion's sufficient statistics keep growing, or empty ones.
    public func incremental(from model: any Model, dimension: Int, classCount: Int) -> any IncrementalModel {
        if let nb = model as? GaussianNaiveBayesModel, nb.dimension == dimension,
           classCount <= 0 || nb.classCount == classCount {
            return GaussianNaiveBayesOnlineModel(model: nb, varSmoothing: varSmoothing)
        }
        let stats = GaussianNaiveBayesModel.Statistics(classCount: max(classCount, 2), dimension: dimension)
        return GaussianNaiveBayesOnlineModel(model: GaussianNaiveBayesModel(statistics: stats, varSmoothing: varSmoothing),
                                             varSmoothing: varSmoothing)
    }
}

/// Gaussian naive Bayes learning one row at a time: Welford's update of the class's count, means
/// and sums of squared deviations per row,
///
///     n ← n + 1,  δ = x − μ,  μ ← μ + δ / n,  M2 ← M2 + δ (x − μ),
///
/// so that after any sequence of rows the statistics equal a batch fit's on the same rows (and
/// River's `GaussianNB.learn_one`). A missing input is imputed with the model's feature mean
/// before the update (the batch fit imputes with the training mean). The variances, priors and
/// variance floor are recomputed once per call, after its rows.
public struct GaussianNaiveBayesOnlineModel: IncrementalModel {
    public private(set) var model: GaussianNaiveBayesModel
    public let varSmoothing: Double

    public init(model: GaussianNaiveBayesModel, varSmoothing: Double) {
        self.model = model
        self.varSmoothing = varSmoothing
    }

    public var classCount: Int { model.classCount }

    public func predict(_ x: UnsafeBufferPointer<Double>, count: Int, into out: UnsafeMutableBufferPointer<Double>) {
        model.predict(x, count: count, into: out)
    }

    public func probabilities(_ x: UnsafeBufferPointer<Double>, count: Int, into out: UnsafeMutableBufferPointer<Double>) -> Bool {
        model.probabilities(x, count: count, into: out)
    }

    /// - Complexity: O(count × dimension + classCount × dimension).
    public mutating func learn(_ x: UnsafeBufferPointer<Double>, labels: UnsafeBufferPointer<Double>, count: Int) -> Int {
        let d = model.dimension, k = model.classCount
        var stats = model.statistics
        let fill = model.featureMeans
        var learnt = 0
        for i in 0..<count {
            guard let c = Labels.classIndex(labels[i], k) else { continue }
            stats.counts[c] += 1
            let n = stats.counts[c]
            for j in 0..<d {
                let raw = x[i * d + j]
                let v = raw.isFinite ? raw : fill[j]
                let delta = v - stats.means[c * d + j]
                stats.means[c * d + j] += delta / n
                stats.squares[c * d + j] += delta * (v - stats.means[c * d + j])
            }
            learnt += 1
        }
        if learnt > 0 { model = GaussianNaiveBayesModel(statistics: stats, varSmoothing: varSmoothing) }
        return learnt
    }
}
