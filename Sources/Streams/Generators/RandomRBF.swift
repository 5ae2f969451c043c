import FlywheelCore

/// Random radial-basis-function stream (MOA's `RandomRBFGenerator` and
/// `RandomRBFGeneratorDrift`, Kirkby 2007; River's `RandomRBF`/`RandomRBFDrift`).
///
/// From `modelSeed`, `centroids` centroids are drawn, each with a centre uniform in [0, 1)^d, a
/// class uniform in 0..<classes, a standard deviation s ~ U(0, 1) and a weight ~ U(0, 1). An event
/// picks a centroid with probability proportional to its weight (so P(y = k) is the weight share
/// of class k's centroids), takes a direction `v` with components U(−1, 1), and places the input at
/// `centre + v/‖v‖ · N(0, 1) · s`; the label is the centroid's class. The covariate transform is
/// applied after drawing.
///
/// Drift (MOA's moving centroids): the first `driftCentroids` centroids have a unit direction of
/// travel (components U(0, 1), normalised) and move `speed` units per concept step, bouncing off
/// the faces of the unit cube (MOA reverses a component's speed where it leaves [0, 1], i.e. a
/// reflection). Concept k places them where they are after k steps. `blend` moves them
/// continuously along the same path: the state (concept a, toward b, blend t) is the position at
/// step `a + t (b − a)`, so a blend from k to k + 1 is MOA's per-event movement.
///
/// Bayes-optimal accuracy: NaN (overlapping Gaussian-like clusters have no closed form).
public struct RandomRBFGenerator: StreamGenerator {
    /// Default parameter values (as listed in `info`).
    public enum Defaults {
        public static let features = 10
        public static let classes = 2
        public static let centroids = 50
        public static let speed = 0.2
        public static let concepts = 5
    }

    public static let info = ComponentInfo(
        family: "generator", name: "rbf",
        summary: "Weighted random Gaussian-like centroids in [0,1)^d, each with a class; drifting centroids move `speed` per concept step (blend moves them continuously).",
        parameters: [
            ParameterInfo("features", .whole(Defaults.features), "Input dimension d (>= 1)."),
            ParameterInfo("classes", .whole(Defaults.classes), "Number of classes (>= 2)."),
            ParameterInfo("centroids", .whole(Defaults.centroids), "Number of centroids (>= 1)."),
            ParameterInfo("drift_centroids", "all", "How many centroids (the first ones) move (0...centroids); default: all of them."),
            ParameterInfo("speed", .real(Defaults.speed), "Distance a moving centroid travels per concept step (>= 0)."),
            ParameterInfo("concepts", .whole(Defaults.concepts), "Number of concepts (positions along the paths), >= 1."),
            ParameterInfo("model_seed", "scenario seed", "Seed of the centroids and their directions."),
        ],
        reference: "MOA RandomRBFGenerator/RandomRBFGeneratorDrift (Bifet, Holmes, Kirkby & Pfahringer, JMLR 2010)")

    public let schema: FeatureSchema
    public let conceptCount: Int
    public var bayesAccuracy: Double { .nan }
    public let dimension: Int
    public let classCount: Int
    public let speed: Double
    public let driftCentroids: Int
    /// Centre of each centroid at concept 0, row-major `centroid × dimension`.
    public let centres: [Double]
    /// Unit direction of travel of each moving centroid, row-major `driftCentroids × dimension`.
    public let directions: [Double]
    public let centroidClasses: [Int]
    public let centroidDeviations: [Double]
    public let centroidWeights: [Double]
    private let cumulativeWeights: [Double]

    public init(features: Int = Defaults.features, classes: Int = Defaults.classes, centroids: Int = Defaults.centroids,
                driftCentroids: Int? = nil, speed: Double = Defaults.speed,
                concepts: Int = Defaults.concepts, modelSeed: UInt64 = 1) throws {
        guard features >= 1 else { throw FlywheelError("rbf: features must be at least 1, got \(features)", key: "features") }
        guard classes >= 2 else { throw FlywheelError("rbf: classes must be at least 2, got \(classes)", key: "classes") }
        guard centroids >= 1 else { throw FlywheelError("rbf: centroids must be at least 1, got \(centroids)", key: "centroids") }
        let driftCentroids = driftCentroids ?? centroids
        guard (0...centroids).contains(driftCentroids) else {
            throw FlywheelError("rbf: drift_centroids must be in 0...\(centroids), got \(driftCentroids)", key: "drift_centroids")
        }
        guard speed.isFinite, speed >= 0 else { throw FlywheelError("rbf: speed must be >= 0, got \(speed)", key: "speed") }
        guard concepts >= 1 else { throw FlywheelError("rbf: concepts must be at least 1, got \(concepts)", key: "concepts") }
        dimension = features
        classCount = classes
        conceptCount = concepts
        self.speed = speed
        self.driftCentroids = driftCentroids
        schema = FeatureSchema(features: (0..<features).map { "x\($0)" }, classes: (0..<classes).map { "\($0)" })
        let rng = RandomStream(seed: modelSeed, path: "rbf", "centroids")
        var centres = [Double](), labels = [Int](), deviations = [Double](), weights = [Double]()
        for _ in 0..<centroids {
            for _ in 0..<features { centres.append(rng.uniform()) }
            labels.append(rng.int(below: classes))
            deviations.append(rng.uniform())
            weights.append(rng.uniform())
        }
        let motion = RandomStream(seed: modelSeed, path: "rbf", "directions")
        var directions = [Double]()
        for _ in 0..<driftCentroids {
            var v = (0..<features).map { _ in motion.uniform() }
            var norm = (v.reduce(0) { $0 + $1 * $1 }).squareRoot()
            if norm == 0 { v[0] = 1; norm = 1 }
            directions += v.map { $0 / norm }
        }
        self.centres = centres
        self.directions = directions
        centroidClasses = labels
        centroidDeviations = deviations
        centroidWeights = weights
        var running = 0.0
        cumulativeWeights = weights.map { running += $0; return running }
    }

    /// Reflects `y` into [0, 1] (a point bouncing between the faces 0 and 1).
    @inline(__always) static func reflect(_ y: Double) -> Double {
        var u = y.truncatingRemainder(dividingBy: 2)
        if u < 0 { u += 2 }
        return u <= 1 ? u : 2 - u
    }

    /// Coordinate `j` of centroid `i`'s centre at (fractional) concept step `t`.
    /// - Complexity: O(1).
    @inline(__always)
    public func centre(_ i: Int, _ j: Int, step t: Double) -> Double {
        let c = centres[i * dimension + j]
        guard i < driftCentroids, t != 0 else { return c }
        return RandomRBFGenerator.reflect(c + t * speed * directions[i * dimension + j])
    }

    /// The concept step of a state: `concept + blend · (toward − concept)`.
    @inline(__always)
    public static func step(_ state: ConceptState) -> Double {
        state.blend == 0 ? Double(state.concept)
            : (1 - state.blend) * Double(state.concept) + state.blend * Double(state.toward)
    }

    /// - Complexity: O(d + log centroids), no allocation.
    public func draw(into x: UnsafeMutableBufferPointer<Double>, concept: ConceptState, covariates: CovariateState,
                     rng: RandomStream) -> Double {
        // Centroid with probability ∝ weight: first index whose cumulative weight exceeds u.
        let u = rng.uniform() * cumulativeWeights[cumulativeWeights.count - 1]
        var lo = 0, hi = cumulativeWeights.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if cumulativeWeights[mid] > u { hi = mid } else { lo = mid + 1 }
        }
        let i = lo
        var norm = 0.0
        for j in 0..<dimension {
            let v = 2 * rng.uniform() - 1
            x[j] = v
            norm += v * v
        }
        norm = norm.squareRoot()
        let scale = norm > 0 ? rng.gaussian() * centroidDeviations[i] / norm : 0
        let t = RandomRBFGenerator.step(concept)
        for j in 0..<dimension { x[j] = centre(i, j, step: t) + x[j] * scale }
        covariates.apply(x)
        return Double(centroidClasses[i])
    }
}

extension RandomRBFGenerator: CataloguedGenerator, TickDrawing {
    public static func modelSize(_ p: ParameterReader) -> (numbers: Double, formula: String)? {
        func v(_ name: String) -> Double { Swift.max(p.number(name), 0) }
        return (v("centroids") * (v("features") + 3) * v("concepts"), "centroids × (features + 3) × concepts")
    }

    public init(_ p: ParameterReader, seed: UInt64) throws {
        let g = GeneratorCatalog.wholeNumbers
        try self.init(features: p.whole("features", in: g), classes: p.whole("classes", in: g), centroids: p.whole("centroids", in: g),
                      driftCentroids: p.optionalWhole("drift_centroids", in: g), speed: p.real("speed"), concepts: p.whole("concepts", in: g),
                      modelSeed: p.seed("model_seed", else: seed))
    }
}
