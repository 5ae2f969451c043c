import FlywheelCore

/// The Hoeffding tree, or Very Fast Decision Tree (VFDT), of Domingos & Hulten, "Mining
/// high-speed data streams", KDD 2000, as River 0.26.1's `tree.HoeffdingTreeClassifier()`.
///
/// The tree learns one row at a time. A row goes down to a leaf, which updates its class weights
/// and, per numeric feature and class, a Gaussian estimator (count, mean, variance, min, max).
/// Every `grace_period` rows a leaf tries to split: for each feature it scores `n_splits` = 10
/// evenly spaced thresholds inside the feature's observed range by information gain, the class
/// weights on each side estimated from the Gaussians (n_c Φ((t − μ_c)/σ_c) on the left). With G₁
/// and G₂ the two best merits (the null split, merit −∞, among the candidates) and the Hoeffding
/// bound
///
///     ε = √(R² ln(1/δ) / (2n)),   R = log₂(number of classes), n = the leaf's weight,
///
/// the leaf becomes a binary branch `x_f ≤ t` when G₁ − G₂ > ε (with probability 1 − δ the best
/// feature is the one an infinite sample would pick) or when ε < τ (a tie: both are good enough).
///
/// Defaults, all River's: grace_period 200, delta (δ, split confidence) 1e-7, tau (τ, tie
/// threshold) 0.05, information gain, the Gaussian splitter with 10 split points, binary splits on
/// numeric features, leaf_prediction `nba`, nb_threshold 0, max_depth unbounded, pre-pruning by the
/// null split, min_branch_fraction 0.01 (each side must get more than 1 % of the weight),
/// max_share_to_split 0.99 (no split while one class holds more than 99 % of a leaf).
///
/// **Leaf prediction** (`leaf_prediction`: 0 `mc`, 1 `nb`, 2 `nba`): `mc` predicts the leaf's
/// class distribution; `nb` naive Bayes over the leaf's estimators once the leaf has seen
/// `nb_threshold` rows; `nba` (naive-Bayes adaptive) counts, before learning each row, whether the
/// majority class and naive Bayes would have been right, and predicts by naive Bayes while it has
/// been right at least as often. A leaf at `max_depth` stops learning estimators and predicts its
/// distribution.
///
/// Following River exactly: a new leaf starts with the class weights its parent sent to that side
/// (fractional) and counts its grace period from them; when the null split wins (or one class
/// dominates), the leaf's estimators start anew (River deactivates the leaf and its memory manager
/// reactivates it at once); ties go to the class or feature River's insertion-ordered dictionaries
/// put first, and the Gaussian densities use libm's `pow`, as Python's `**` does. River's memory
/// manager (100 MiB cap, checked every million rows) is not modelled; the state here takes
/// 8 (3 + k + 5 d k) + 4 (4 + 2k + 2d + dk) bytes per leaf for k classes and d features.
///
/// **Missing inputs**: a non-finite feature is absent, as a missing key in River's dictionaries:
/// estimators and naive Bayes skip it, and at a branch on that feature the row follows the child
/// with more weight (left on a tie: River's `most_common_path`); a row that took such a detour
/// trains its leaf without a split attempt, as River's does.
///
/// **As a batch learner**, `fit` streams the training set through a fresh tree in row order (one
/// pass; rows whose label is not a class index are skipped). **Warm start**: given a
/// ``HoeffdingTreeModel`` champion of the same dimension and class count, the fit copies its tree
/// and keeps learning on the new rows, so the result equals one tree trained on the champion's
/// rows and then these. For per-event test-then-train, use ``HoeffdingTreeState`` directly.
/// Classification only: a scenario with a regression stream refuses this family.
public struct HoeffdingTree: CataloguedLearner {
    public var configuration: HoeffdingTreeConfiguration
    public var family: String { "hoeffding_tree" }
    public var handlesRegression: Bool { false }

    public static let info = ComponentInfo(
        family: "model", name: "hoeffding_tree",
        summary: "Hoeffding tree (VFDT) learning one row at a time: Gaussian split estimators, information gain, "
            + "naive-Bayes-adaptive leaves, as River's HoeffdingTreeClassifier; warm start keeps growing the champion.",
        parameters: [
            ParameterInfo("grace_period", .whole(200), "rows a leaf sees between split attempts"),
            ParameterInfo("delta", .real(1e-7), "δ of the Hoeffding bound (split confidence 1 − δ)", shown: "1e-7"),
            ParameterInfo("tau", .real(0.05), "tie threshold: split anyway once the bound is below it"),
            ParameterInfo("leaf_prediction", .choice(["mc", "nb", "nba"], 2), "mc, nb or nba (in the catalog's numeric form: 0, 1 or 2)"),
            ParameterInfo("nb_threshold", .whole(0), "rows an nb leaf needs before it predicts by naive Bayes"),
            ParameterInfo("max_depth", .whole(0), "depth at which leaves stop growing; 0 for unbounded"),
            ParameterInfo("n_splits", .whole(10), "candidate thresholds per feature and split attempt"),
        ],
        reference: "Domingos & Hulten 2000 (KDD), Mining high-speed data streams; River 0.26.1 HoeffdingTreeClassifier")

    public init(configuration: HoeffdingTreeConfiguration = .init()) { self.configuration = configuration }

    /// Builds the learner from scenario parameters (see ``info``).
    public init(_ p: ParameterReader) throws {
        let leaf = try p.whole("leaf_prediction", in: 0...2)
        self.init(configuration: HoeffdingTreeConfiguration(
            gracePeriod: try p.whole("grace_period", in: 1...(1 << 30)),
            delta: try p.real("delta", atLeast: Double.leastNormalMagnitude, below: 1),
            tau: try p.real("tau", atLeast: 0),
            leafPrediction: HoeffdingTreeConfiguration.LeafPrediction(rawValue: leaf) ?? .naiveBayesAdaptive,
            nbThreshold: try p.whole("nb_threshold", in: 0...(1 << 30)),
            maxDepth: try p.whole("max_depth", in: 0...10_000),
            splitPoints: try p.whole("n_splits", in: 1...10_000)))
    }

    /// - Complexity: O(n × (depth + k × d)) plus the split attempts; one pass (`epochs` 1).
    /// Fine-tuning has an effect: the champion's tree keeps growing on the new rows.
    public func warmStartProblem(warmStart: Bool) -> String? { nil }

    public func fit(_ data: TrainingSet, classCount: Int, warmStart: (any Model)?,
                    rng: RandomStream) -> (model: any Model, epochs: Int) {
        let k = Labels.resolvedClassCount(classCount, data.labels)
        let d = data.dimension
        var state: HoeffdingTreeState
        if let champion = warmStart as? HoeffdingTreeModel, champion.state.dimension == d,
           champion.state.classCount == k {
            state = champion.state
            state.configuration = configuration
        } else {
            state = HoeffdingTreeState(dimension: d, classCount: k, configuration: configuration)
        }
        data.features.withUnsafeBufferPointer { x in
            for i in 0..<data.count {
                guard let y = Labels.classIndex(data.labels[i], k) else { continue }
                state.learnOne(UnsafeBufferPointer(rebasing: x[(i * d)..<(i * d + d)]), label: y)
            }
        }
        return (HoeffdingTreeModel(state: state), 1)
    }
}

/// A trained Hoeffding tree (see ``HoeffdingTree``): an immutable snapshot of a
/// ``HoeffdingTreeState``.
public struct HoeffdingTreeModel: Model {
    public internal(set) var state: HoeffdingTreeState

    public init(state: HoeffdingTreeState) { self.state = state }

    public var classCount: Int { state.classCount }
    public var dimension: Int { state.dimension }

    /// - Complexity: O(count × (depth + classCount × dimension)); allocates nothing.
    public func predict(_ x: UnsafeBufferPointer<Double>, count: Int, into out: UnsafeMutableBufferPointer<Double>) {
        state.predict(x, count: count, into: out)
    }

    /// The leaf's distribution or naive-Bayes posterior (uniform where the leaf has no weight).
    public func probabilities(_ x: UnsafeBufferPointer<Double>, count: Int,
                              into out: UnsafeMutableBufferPointer<Double>) -> Bool {
        state.probabilities(x, count: count, into: out)
        return true
    }
}
