import Foundation

/// Split attempts: River 0.26.1's `HoeffdingTreeClassifier._attempt_to_split` with the Gaussian
/// splitter's candidates (`GaussianSplitter.best_evaluated_split_suggestion`) and information gain.
extension HoeffdingTreeState {
    enum SplitDecision {
        /// Nothing changes (the leaf is pure, or the best candidate is not yet clear).
        case keep
        /// The null split wins: River deactivates the leaf and its memory manager reactivates it
        /// at once, so the estimators start anew while the class weights stay.
        case reset
        case split(feature: Int, threshold: Double)
    }

    /// Tries to split the leaf in `slot` (at `node`); true when it became a branch.
    ///
    /// Candidates: the null split (merit −∞, River's pre-pruning `BranchFactory()`) and each
    /// feature's best threshold. With ΔG the gap between the best and the second-best merit
    /// (ordered as River's stable sort: on equal merits the later candidate is the best), and the
    /// Hoeffding bound ε = √(R² ln(1/δ) / (2n)) over the leaf's weight n with R = log₂(classes),
    /// the leaf splits when ΔG > ε or ε < τ. A leaf whose majority class holds more than
    /// `maxShareToSplit` of its weight only considers the null split.
    mutating func attemptSplit(node: Int, slot: Int) -> Bool {
        let L = layout, config = configuration
        let decision: SplitDecision = reals.withUnsafeBufferPointer { rb in
            ints.withUnsafeBufferPointer { nb in
                Self.decide(L, config, rb.baseAddress! + slot * L.realStride, nb.baseAddress! + slot * L.intStride)
            }
        }
        switch decision {
        case .keep:
            return false
        case .reset:
            resetEstimators(slot)
            return false
        case .split(let feature, let threshold):
            let (left, right) = reals.withUnsafeBufferPointer { rb in
                ints.withUnsafeBufferPointer { nb in
                    Self.children(L, rb.baseAddress! + slot * L.realStride, nb.baseAddress! + slot * L.intStride,
                                  feature: feature, threshold: threshold)
                }
            }
            let depth = Int(ints[slot * L.intStride + L.iDepth]) + 1
            setLeaf(slot, depth: depth, weights: left.weights, order: left.order)
            let rightSlot = appendLeaf(depth: depth, weights: right.weights, order: right.order)
            let first = Int32(nodes.count)
            nodes.append(Node(feature: -1, index: Int32(slot), threshold: 0))
            nodes.append(Node(feature: -1, index: Int32(rightSlot), threshold: 0))
            nodes[node] = Node(feature: Int32(feature), index: first, threshold: threshold)
            return true
        }
    }

    static func decide(_ L: Layout, _ config: HoeffdingTreeConfiguration, _ r: UnsafePointer<Double>,
                       _ n: UnsafePointer<Int32>) -> SplitDecision {
        let classes = Int(n[L.iClassCount])
        var nonzero = 0, majority = -Double.infinity
        var parent = InformationGain.Entropy()
        for q in 0..<classes {
            let w = r[L.rWeights + Int(n[L.iOrder + q])]
            if w != 0 { nonzero += 1 }
            if w > majority { majority = w }
            parent.add(w)
        }
        guard nonzero >= 2 else { return .keep }
        let total = leafWeight(L, r, n)
        if majority != 0 && majority / total > config.maxShareToSplit { return .reset }
        let features = Int(n[L.iFeatureCount])
        guard features > 0 else { return .reset }
        let parentEntropy = parent.value
        var best = -Double.infinity, second = -Double.infinity
        var bestFeature = -1, bestThreshold = 0.0
        for j in 0..<features {
            let f = Int(n[L.iFeatureOrder + j])
            let (merit, threshold) = bestThresholdOf(L, config, r, n, feature: f, parentEntropy: parentEntropy)
            if merit >= best {
                second = best
                best = merit
                bestFeature = merit > -.infinity ? f : -1
                bestThreshold = threshold
            } else if merit > second {
                second = merit
            }
        }
        let range = InformationGain.range(classes: classes)
        let bound = ((range * range * log(1.0 / config.delta)) / (2.0 * total)).squareRoot()
        guard best - second > bound || bound < config.tau else { return .keep }
        return bestFeature < 0 ? .reset : .split(feature: bestFeature, threshold: bestThreshold)
    }

    /// The classes of feature `f`'s estimators in their order of appearance, into `order`.
    @inline(__always)
    static func estimatorOrder(_ L: Layout, _ n: UnsafePointer<Int32>, _ f: Int,
                               into order: UnsafeMutableBufferPointer<Int>) -> Int {
        let count = Int(n[L.iEstimatorCount + f])
        for c in 0..<L.k {
            let q = Int(n[L.iEstimatorRank + f * L.k + c])
            if q >= 0 { order[q] = c }
        }
        return count
    }

    /// The best of the `splitPoints` evenly spaced thresholds strictly inside [min, max] of the
    /// feature (first best on ties), by information gain, with each class's weight on the left of
    /// a threshold t taken as n_c Φ((t − μ_c)/σ_c) (all of it past the class's max, none before its
    /// min). Merit −∞ when no threshold qualifies.
    static func bestThresholdOf(_ L: Layout, _ config: HoeffdingTreeConfiguration, _ r: UnsafePointer<Double>,
                                _ n: UnsafePointer<Int32>, feature f: Int, parentEntropy: Double) -> (Double, Double) {
        withUnsafeTemporaryAllocation(of: Int.self, capacity: max(L.k, 1)) { order in
            let count = estimatorOrder(L, n, f, into: order)
            var low = Double.infinity, high = -Double.infinity
            for q in 0..<count {
                let e = r + L.estimator(f, order[q])
                if e[3] < low { low = e[3] }
                if e[4] > high { high = e[4] }
            }
            guard low < .infinity else { return (-.infinity, 0) }
            var bin = high - low
            bin /= Double(config.splitPoints) + 1.0
            var best = -Double.infinity, bestThreshold = 0.0
            for i in 0..<config.splitPoints {
                let t = low + bin * Double(i + 1)
                guard low < t && t < high else { continue }
                var left = InformationGain.Entropy(), right = InformationGain.Entropy()
                var leftWeight = 0.0, rightWeight = 0.0
                for q in 0..<count {
                    let e = r + L.estimator(f, order[q])
                    let weight = e[0]
                    if t < e[3] {
                        right.add(weight)
                        rightWeight += weight
                    } else if t >= e[4] {
                        left.add(weight)
                        leftWeight += weight
                    } else {
                        let l = GaussianEstimator.cdf(e, t) * weight
                        let rest = weight - l
                        left.add(l)
                        leftWeight += l
                        right.add(rest)
                        rightWeight += rest
                    }
                }
                let merit = InformationGain.merit(parent: parentEntropy, left: left, leftWeight: leftWeight,
                                                  right: right, rightWeight: rightWeight,
                                                  minBranchFraction: config.minBranchFraction)
                if merit > best {
                    best = merit
                    bestThreshold = t
                }
            }
            return (best, bestThreshold)
        }
    }

    /// The two children's class weights, in the feature's class order (River's
    /// `_class_dists_from_binary_split`, which become the new leaves' statistics).
    static func children(_ L: Layout, _ r: UnsafePointer<Double>, _ n: UnsafePointer<Int32>, feature f: Int,
                         threshold t: Double) -> (left: (weights: [Double], order: [Int]),
                                                   right: (weights: [Double], order: [Int])) {
        var left: (weights: [Double], order: [Int]) = ([], [])
        var right: (weights: [Double], order: [Int]) = ([], [])
        withUnsafeTemporaryAllocation(of: Int.self, capacity: max(L.k, 1)) { order in
            for q in 0..<estimatorOrder(L, n, f, into: order) {
                let c = order[q]
                let e = r + L.estimator(f, c)
                let weight = e[0]
                if t < e[3] {
                    right.weights.append(weight)
                    right.order.append(c)
                } else if t >= e[4] {
                    left.weights.append(weight)
                    left.order.append(c)
                } else {
                    let l = GaussianEstimator.cdf(e, t) * weight
                    left.weights.append(l)
                    left.order.append(c)
                    right.weights.append(weight - l)
                    right.order.append(c)
                }
            }
        }
        return (left, right)
    }
}
