import Foundation

/// The settings of a Hoeffding tree (see ``HoeffdingTree`` for what each one does and its source).
public struct HoeffdingTreeConfiguration: Sendable, Hashable {
    /// How a leaf predicts: River's `mc`, `nb` and `nba` (its default).
    public enum LeafPrediction: Int, Sendable, Hashable, CaseIterable {
        /// The leaf's class distribution.
        case majorityClass = 0
        /// Naive Bayes over the leaf's Gaussian estimators, once the leaf has seen `nbThreshold`.
        case naiveBayes = 1
        /// Naive Bayes or the majority class, whichever has been right more often at this leaf.
        case naiveBayesAdaptive = 2
    }

    /// Rows a leaf sees between split attempts (River `grace_period`, 200).
    public var gracePeriod: Int
    /// δ of the Hoeffding bound: 1 − δ is the confidence of a split decision (River `delta`, 1e-7).
    public var delta: Double
    /// Tie threshold τ: split anyway once the bound falls below it (River `tau`, 0.05).
    public var tau: Double
    /// River `leaf_prediction`, `nba`.
    public var leafPrediction: LeafPrediction
    /// Rows a `naiveBayes` leaf needs before it predicts by naive Bayes (River `nb_threshold`, 0).
    public var nbThreshold: Int
    /// Leaves at this depth stop growing (the root has depth 0); 0 means unbounded (River `None`).
    public var maxDepth: Int
    /// Candidate thresholds per feature (River `GaussianSplitter(n_splits=10)`).
    public var splitPoints: Int
    /// A split must send more than this share of the weight to each side (River, 0.01).
    public var minBranchFraction: Double
    /// No split is tried while one class holds more than this share of a leaf (River, 0.99).
    public var maxShareToSplit: Double

    public init(gracePeriod: Int = 200, delta: Double = 1e-7, tau: Double = 0.05,
                leafPrediction: LeafPrediction = .naiveBayesAdaptive, nbThreshold: Int = 0, maxDepth: Int = 0,
                splitPoints: Int = 10, minBranchFraction: Double = 0.01, maxShareToSplit: Double = 0.99) {
        self.gracePeriod = gracePeriod
        self.delta = delta
        self.tau = tau
        self.leafPrediction = leafPrediction
        self.nbThreshold = nbThreshold
        self.maxDepth = maxDepth
        self.splitPoints = splitPoints
        self.minBranchFraction = minBranchFraction
        self.maxShareToSplit = maxShareToSplit
    }
}

/// A Hoeffding tree that learns one row at a time (see ``HoeffdingTree`` for the algorithm).
///
/// A value: copying it copies the tree (the storage is shared until one copy learns); two states
/// are equal when their trees, statistics and settings are. Rows are
/// `dimension` doubles; labels are class indices in `0..<classCount`. Non-finite inputs are
/// missing. The per-row calls (`learnOne`, `predictOne`, `testThenTrain`) allocate nothing except
/// when a leaf splits (two leaves are appended to the flat node and leaf arrays).
///
/// Layout: `nodes` holds branches and leaves (a branch's children are adjacent, left first); every
/// leaf owns one slot of `reals` (last split attempt, the two correct-prediction weights of the
/// adaptive leaf, the class weights, and a five-double ``GaussianEstimator`` per feature and class)
/// and one slot of `ints` (depth, active flag, the classes in their order of first appearance in the
/// leaf, the features in the order their estimators were created, and per feature the classes in
/// order of appearance). River's dictionaries keep insertion order and its `max` takes the first
/// maximum, so the orders decide ties exactly as River does.
public struct HoeffdingTreeState: Sendable, Equatable {
    public let dimension: Int
    public let classCount: Int
    /// The settings; they may change between rows (River lets grace period, δ and τ change).
    public var configuration: HoeffdingTreeConfiguration
    /// Rows learned so far.
    public private(set) var samplesSeen = 0

    struct Node: Sendable, Hashable {
        /// The feature a branch tests, or −1 for a leaf.
        var feature: Int32
        /// A branch's left child (the right one follows it), or a leaf's slot.
        var index: Int32
        var threshold: Double
    }

    /// Offsets inside a leaf's slots.
    struct Layout: Sendable, Hashable {
        let k: Int, d: Int
        // reals
        let rLastAttempt = 0, rMajorityCorrect = 1, rBayesCorrect = 2, rWeights = 3
        let rEstimators: Int, realStride: Int
        // ints
        let iDepth = 0, iActive = 1, iClassCount = 2, iFeatureCount = 3, iRank = 4
        let iOrder: Int, iFeatureOrder: Int, iEstimatorRank: Int, iEstimatorCount: Int, intStride: Int

        init(classes k: Int, dimension d: Int) {
            self.k = k
            self.d = d
            rEstimators = 3 + k
            realStride = rEstimators + GaussianEstimator.stride * d * k
            iOrder = 4 + k
            iFeatureOrder = iOrder + k
            iEstimatorRank = iFeatureOrder + d
            iEstimatorCount = iEstimatorRank + d * k
            intStride = iEstimatorCount + d
        }

        @inline(__always) func estimator(_ f: Int, _ c: Int) -> Int {
            rEstimators + GaussianEstimator.stride * (f * k + c)
        }
    }

    let layout: Layout
    var nodes: [Node]
    var reals: [Double]
    var ints: [Int32]
    /// Classes seen by the tree (River predicts among them).
    var seen: [Bool]

    /// An empty tree: one leaf, no rows.
    public init(dimension: Int, classCount: Int, configuration: HoeffdingTreeConfiguration = .init()) {
        precondition(dimension >= 0 && classCount >= 1, "a Hoeffding tree needs a dimension and at least one class")
        self.dimension = dimension
        self.classCount = classCount
        self.configuration = configuration
        layout = Layout(classes: classCount, dimension: dimension)
        nodes = [Node(feature: -1, index: 0, threshold: 0)]
        reals = []
        ints = []
        seen = Array(repeating: false, count: classCount)
        _ = appendLeaf(depth: 0, weights: [], order: [])
    }

    // MARK: - Size

    /// Branches and leaves.
    public var nodeCount: Int { nodes.count }
    /// Leaves.
    public var leafCount: Int { reals.count / layout.realStride }
    /// Levels: 1 for a lone leaf, 1 + the deepest leaf's depth (River's `height`).
    public var height: Int {
        var deepest: Int32 = 0
        for s in 0..<leafCount { deepest = max(deepest, ints[s * layout.intStride + layout.iDepth]) }
        return Int(deepest) + 1
    }

    // MARK: - Per-row API

    /// Learns one row (River's `learn_one`).
    /// - Complexity: O(depth + classCount × dimension) for the adaptive leaf's bookkeeping; a split
    ///   attempt every `gracePeriod` rows at a leaf costs O(classCount × dimension × splitPoints).
    public mutating func learnOne(_ x: UnsafeBufferPointer<Double>, label: Int) {
        precondition(x.count >= dimension, "row shorter than the dimension")
        _ = step(x.baseAddress!, label: label, predict: false)
    }

    /// Predicts then learns one row (prequential test-then-train), sharing the leaf's naive-Bayes
    /// evaluation between the two. Returns the prediction made before learning (nil before the
    /// first row, when River predicts nothing).
    public mutating func testThenTrain(_ x: UnsafeBufferPointer<Double>, label: Int) -> Int? {
        precondition(x.count >= dimension, "row shorter than the dimension")
        let p = step(x.baseAddress!, label: label, predict: true)
        return p < 0 ? nil : p
    }

    /// The predicted class (River's `predict_one`), or nil before the first row.
    public func predictOne(_ x: UnsafeBufferPointer<Double>) -> Int? {
        precondition(x.count >= dimension, "row shorter than the dimension")
        guard samplesSeen > 0 else { return nil }
        return withScratch(classCount) { p in
            leafProbabilities(x.baseAddress!, into: p)
            return Self.bestSeenClass(UnsafeBufferPointer(p), seen)
        }
    }

    /// Class probabilities of one row into `out` (`classCount` values): the leaf's distribution or
    /// naive-Bayes posterior, 0 for classes the leaf has not seen; uniform when the leaf has no
    /// weight (or before the first row).
    public func probabilitiesOne(_ x: UnsafeBufferPointer<Double>, into out: UnsafeMutableBufferPointer<Double>) {
        precondition(x.count >= dimension && out.count >= classCount, "buffer too small")
        leafProbabilities(x.baseAddress!, into: out)
        var sum = 0.0
        for c in 0..<classCount { sum += out[c] }
        if !(sum > 0) { for c in 0..<classCount { out[c] = 1 / Double(classCount) } }
    }

    /// Predicts `count` rows (row-major) into `out` as class indices; class 0 before the first row.
    /// - Complexity: O(count × (depth + classCount × dimension)); allocates nothing for up to 64
    ///   classes.
    public func predict(_ x: UnsafeBufferPointer<Double>, count: Int, into out: UnsafeMutableBufferPointer<Double>) {
        precondition(x.count >= count * dimension && out.count >= count, "buffer too small")
        guard samplesSeen > 0 else {
            for i in 0..<count { out[i] = 0 }
            return
        }
        guard let base = x.baseAddress else { return }
        withScratch(classCount) { p in
            for i in 0..<count {
                leafProbabilities(base + i * dimension, into: p)
                out[i] = Double(Self.bestSeenClass(UnsafeBufferPointer(p), seen))
            }
        }
    }

    /// Class probabilities of `count` rows into `out` (`count × classCount`, row-major), as
    /// ``probabilitiesOne(_:into:)``.
    public func probabilities(_ x: UnsafeBufferPointer<Double>, count: Int,
                              into out: UnsafeMutableBufferPointer<Double>) {
        let k = classCount
        precondition(x.count >= count * dimension && out.count >= count * k, "buffer too small")
        for i in 0..<count {
            let row = UnsafeBufferPointer(rebasing: x[(i * dimension)..<(i * dimension + dimension)])
            probabilitiesOne(row, into: UnsafeMutableBufferPointer(rebasing: out[(i * k)..<(i * k + k)]))
        }
    }

    // MARK: - Routing

    /// The node and leaf slot a row reaches, and whether it passed a branch whose feature it lacks
    /// (it then follows the child with more weight, the left one on a tie: River's
    /// `most_common_path`).
    @inline(__always)
    func route(_ x: UnsafePointer<Double>) -> (node: Int, slot: Int, detoured: Bool) {
        nodes.withUnsafeBufferPointer { nodes in
            var i = 0
            var detoured = false
            while true {
                let node = nodes[i]
                if node.feature < 0 { return (i, Int(node.index), detoured) }
                let v = x[Int(node.feature)]
                let left = Int(node.index)
                if v.isFinite {
                    i = v <= node.threshold ? left : left + 1
                } else {
                    detoured = true
                    i = subtreeWeight(left, nodes) < subtreeWeight(left + 1, nodes) ? left + 1 : left
                }
            }
        }
    }

    /// The class weight under a node (River's `total_weight` of a branch: its leaves' weights).
    func subtreeWeight(_ i: Int, _ nodes: UnsafeBufferPointer<Node>) -> Double {
        let node = nodes[i]
        if node.feature < 0 {
            let s = Int(node.index)
            return reals.withUnsafeBufferPointer { r in
                ints.withUnsafeBufferPointer { n in
                    Self.leafWeight(layout, r.baseAddress! + s * layout.realStride,
                                    n.baseAddress! + s * layout.intStride)
                }
            }
        }
        let left = Int(node.index)
        return subtreeWeight(left, nodes) + subtreeWeight(left + 1, nodes)
    }

    // MARK: - Leaves

    /// Σ of the class weights in their order of appearance (River's `sum(stats.values())`).
    @inline(__always)
    static func leafWeight(_ L: Layout, _ r: UnsafePointer<Double>, _ n: UnsafePointer<Int32>) -> Double {
        var t = 0.0
        for q in 0..<Int(n[L.iClassCount]) { t += r[L.rWeights + Int(n[L.iOrder + q])] }
        return t
    }

    /// The leaf's normalised class weights (River's `normalize_values_in_dict`; raw weights when
    /// they sum to 0), 0 for absent classes.
    @inline(__always)
    static func majorityDistribution(_ L: Layout, _ r: UnsafePointer<Double>, _ n: UnsafePointer<Int32>,
                                     into p: UnsafeMutableBufferPointer<Double>) {
        for c in 0..<L.k { p[c] = 0 }
        let total = leafWeight(L, r, n)
        for q in 0..<Int(n[L.iClassCount]) {
            let c = Int(n[L.iOrder + q])
            p[c] = total != 0 ? r[L.rWeights + c] / total : r[L.rWeights + c]
        }
    }

    /// Naive-Bayes posterior of the leaf's classes into `p` (0 for absent classes); false when the
    /// leaf has no weight (River's `do_naive_bayes_prediction` returns `{}`).
    ///
    /// Per class c in order of appearance: log(w_c / W) + Σ over the leaf's estimators (in creation
    /// order, features present in x) of log N(x_f; μ_fc, σ²_fc) where that is finite; a class of
    /// weight 0 scores 0. Then the log-sum-exp normalisation.
    @inline(__always)
    static func naiveBayes(_ L: Layout, _ r: UnsafePointer<Double>, _ n: UnsafePointer<Int32>,
                           _ x: UnsafePointer<Double>,
                           into p: UnsafeMutableBufferPointer<Double>) -> Bool {
        for c in 0..<L.k { p[c] = 0 }
        let classes = Int(n[L.iClassCount])
        let total = leafWeight(L, r, n)
        guard classes > 0, total != 0 else { return false }
        let features = Int(n[L.iFeatureCount])
        var top = -Double.infinity
        for q in 0..<classes {
            let c = Int(n[L.iOrder + q])
            let w = r[L.rWeights + c]
            var v = 0.0
            if w > 0 {
                v = log(w / total)
                for j in 0..<features {
                    let f = Int(n[L.iFeatureOrder + j])
                    let value = x[f]
                    guard value.isFinite, n[L.iEstimatorRank + f * L.k + c] >= 0 else { continue }
                    let lp = GaussianEstimator.logDensity(r + L.estimator(f, c), value)
                    if lp > -.infinity { v += lp }
                }
            }
            p[c] = v
            if q == 0 || v > top { top = v }
        }
        var sum = 0.0
        for q in 0..<classes { sum += exp(p[Int(n[L.iOrder + q])] - top) }
        let lse = top + log(sum)
        for q in 0..<classes {
            let c = Int(n[L.iOrder + q])
            p[c] = exp(p[c] - lse)
        }
        return true
    }

    /// The first class in the leaf's order of appearance whose value in `p` is largest.
    @inline(__always)
    static func firstBest(_ L: Layout, _ n: UnsafePointer<Int32>, _ p: UnsafeMutableBufferPointer<Double>) -> Int {
        var best = Int(n[L.iOrder]), top = p[best]
        for q in 1..<max(Int(n[L.iClassCount]), 1) {
            let c = Int(n[L.iOrder + q])
            if p[c] > top { top = p[c]; best = c }
        }
        return best
    }

    /// The first class in index order, among the classes the tree has seen, whose probability is
    /// largest (River's `predict_one` over `sorted(classes)`).
    @inline(__always)
    static func bestSeenClass(_ p: UnsafeBufferPointer<Double>, _ seen: [Bool]) -> Int {
        var best = -1, top = -Double.infinity
        for c in 0..<seen.count where seen[c] && (best < 0 || p[c] > top) {
            best = c
            top = p[c]
        }
        return max(best, 0)
    }

    /// Whether the leaf predicts by naive Bayes (River's `prediction` of the three leaf kinds).
    @inline(__always)
    static func usesNaiveBayes(_ L: Layout, _ config: HoeffdingTreeConfiguration, _ r: UnsafePointer<Double>,
                               _ n: UnsafePointer<Int32>) -> Bool {
        guard n[L.iActive] != 0 else { return false }
        switch config.leafPrediction {
        case .majorityClass: return false
        case .naiveBayes: return leafWeight(L, r, n) >= Double(config.nbThreshold)
        case .naiveBayesAdaptive: return r[L.rBayesCorrect] >= r[L.rMajorityCorrect]
        }
    }

    /// The reached leaf's class probabilities (0 for classes it has not seen).
    @inline(__always)
    func leafProbabilities(_ x: UnsafePointer<Double>, into p: UnsafeMutableBufferPointer<Double>) {
        let slot = route(x).slot
        let L = layout, config = configuration
        reals.withUnsafeBufferPointer { rb in
            ints.withUnsafeBufferPointer { nb in
                let r = rb.baseAddress! + slot * L.realStride, n = nb.baseAddress! + slot * L.intStride
                if Self.usesNaiveBayes(L, config, r, n) {
                    _ = Self.naiveBayes(L, r, n, x, into: p)
                } else {
                    Self.majorityDistribution(L, r, n, into: p)
                }
            }
        }
    }

    // MARK: - Learning

    /// One row: optionally the prediction before learning (−1 when there is none), then River's
    /// `learn_one`; a split attempt when the leaf has seen `gracePeriod` rows since the last one.
    @inline(__always)
    mutating func step(_ x: UnsafePointer<Double>, label y: Int, predict: Bool) -> Int {
        precondition(y >= 0 && y < classCount, "label \(y) is not a class index")
        let (node, slot, detoured) = route(x)
        let L = layout, config = configuration
        let hadRows = samplesSeen > 0
        samplesSeen += 1
        seen[y] = true
        let seen = self.seen
        var prediction = -1
        var attemptAt = -1.0
        withScratch(2 * L.k) { scratch in
            let bayes = UnsafeMutableBufferPointer(rebasing: scratch[0..<L.k])
            let majority = UnsafeMutableBufferPointer(rebasing: scratch[L.k..<(2 * L.k)])
            reals.withUnsafeMutableBufferPointer { rb in
                ints.withUnsafeMutableBufferPointer { nb in
                    let r = rb.baseAddress! + slot * L.realStride, n = nb.baseAddress! + slot * L.intStride
                    let active = n[L.iActive] != 0
                    let adaptive = active && config.leafPrediction == .naiveBayesAdaptive
                    let bayesForPrediction = predict && Self.usesNaiveBayes(L, config, r, n)
                    var bayesValid = false
                    if adaptive || bayesForPrediction { bayesValid = Self.naiveBayes(L, r, n, x, into: bayes) }
                    if adaptive || (predict && !bayesForPrediction) {
                        Self.majorityDistribution(L, r, n, into: majority)
                    }
                    if predict && hadRows {
                        let p = UnsafeBufferPointer(bayesForPrediction ? bayes : majority)
                        prediction = Self.bestSeenClass(p, seen)
                    }
                    if adaptive {
                        // River's LeafNaiveBayesAdaptive.learn_one, before the statistics change.
                        if n[L.iClassCount] == 0 || Self.firstBest(L, n, majority) == y { r[L.rMajorityCorrect] += 1 }
                        if bayesValid && Self.firstBest(L, n, bayes) == y { r[L.rBayesCorrect] += 1 }
                    }
                    Self.learnStatistics(L, r, n, x, y, active: active)
                    guard active, !detoured else { return }
                    if config.maxDepth > 0 && Int(n[L.iDepth]) >= config.maxDepth {
                        n[L.iActive] = 0
                    } else {
                        let weight = Self.leafWeight(L, r, n)
                        if weight - r[L.rLastAttempt] >= Double(config.gracePeriod) { attemptAt = weight }
                    }
                }
            }
        }
        if attemptAt >= 0 && !attemptSplit(node: node, slot: slot) {
            reals[slot * L.realStride + L.rLastAttempt] = attemptAt
        }
        return prediction
    }

    /// The class weight and, in an active leaf, the estimators of every present feature.
    @inline(__always)
    static func learnStatistics(_ L: Layout, _ r: UnsafeMutablePointer<Double>, _ n: UnsafeMutablePointer<Int32>,
                                _ x: UnsafePointer<Double>, _ y: Int, active: Bool) {
        if n[L.iRank + y] < 0 {
            let q = n[L.iClassCount]
            n[L.iRank + y] = q
            n[L.iOrder + Int(q)] = Int32(y)
            n[L.iClassCount] = q + 1
            r[L.rWeights + y] = 1
        } else {
            r[L.rWeights + y] += 1
        }
        guard active else { return }
        for f in 0..<L.d {
            let v = x[f]
            guard v.isFinite else { continue }
            if n[L.iEstimatorCount + f] == 0 {
                n[L.iFeatureOrder + Int(n[L.iFeatureCount])] = Int32(f)
                n[L.iFeatureCount] += 1
            }
            let e = r + L.estimator(f, y)
            if n[L.iEstimatorRank + f * L.k + y] < 0 {
                n[L.iEstimatorRank + f * L.k + y] = n[L.iEstimatorCount + f]
                n[L.iEstimatorCount + f] += 1
                GaussianEstimator.start(e, v)
            } else {
                GaussianEstimator.observe(e, v)
            }
        }
    }

    /// Appends an active leaf slot with the given class weights (in their order of appearance);
    /// its last split attempt is its weight, as a new River leaf's.
    mutating func appendLeaf(depth: Int, weights: [Double], order: [Int]) -> Int {
        let L = layout
        let slot = leafCount
        reals.append(contentsOf: repeatElement(0, count: L.realStride))
        ints.append(contentsOf: repeatElement(0, count: L.intStride))
        setLeaf(slot, depth: depth, weights: weights, order: order)
        return slot
    }

    /// Makes `slot` a fresh active leaf with the given class weights and no estimators.
    mutating func setLeaf(_ slot: Int, depth: Int, weights: [Double], order: [Int]) {
        let L = layout
        let r = slot * L.realStride, n = slot * L.intStride
        for i in 0..<L.realStride { reals[r + i] = 0 }
        for i in 0..<L.intStride { ints[n + i] = 0 }
        for c in 0..<L.k { ints[n + L.iRank + c] = -1 }
        ints[n + L.iDepth] = Int32(depth)
        ints[n + L.iActive] = 1
        var total = 0.0
        for (q, c) in order.enumerated() {
            ints[n + L.iRank + c] = Int32(q)
            ints[n + L.iOrder + q] = Int32(c)
            reals[r + L.rWeights + c] = weights[q]
            total += weights[q]
        }
        ints[n + L.iClassCount] = Int32(order.count)
        reals[r + L.rLastAttempt] = total
        resetEstimators(slot)
    }

    /// Drops a leaf's estimators (River deactivates and, through its memory manager, reactivates
    /// the leaf: its splitters start anew).
    mutating func resetEstimators(_ slot: Int) {
        let L = layout
        let n = slot * L.intStride
        ints[n + L.iFeatureCount] = 0
        for i in 0..<(L.d * L.k) { ints[n + L.iEstimatorRank + i] = -1 }
        for f in 0..<L.d { ints[n + L.iEstimatorCount + f] = 0 }
    }
}
