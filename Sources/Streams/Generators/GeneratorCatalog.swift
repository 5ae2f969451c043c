import FlywheelCore

/// Every synthetic generator a scenario can name, with its documentation for `flywheel list`.
///
/// `make` builds one from numeric parameters, checking names and ranges: an unknown generator or
/// parameter is an error that lists the valid ones and suggests the nearest. Generators whose
/// concepts come from a random model (`hyperplane`, `rbf`) take their model seed from the
/// `model_seed` parameter when given, else from `seed`.
///
/// Label noise for classification generators (SEA's, the hyperplane's noise percentage) is not a
/// generator parameter: the engine flips labels and lowers the Bayes ceiling to `(1 − η) ×
/// bayesAccuracy`. SEA's variant is its concept index.
public enum GeneratorCatalog {
    public static let all: [ComponentInfo] = [
        SEAGenerator.info, STAGGERGenerator.info, HyperplaneGenerator.info, AgrawalGenerator.info,
        RandomRBFGenerator.info, SineGenerator.info, GaussianMixtureGenerator.info, FriedmanGenerator.info,
    ]

    /// Builds the generator `name` with `parameters` (missing ones take their defaults).
    public static func make(_ name: String, parameters: [String: Double], seed: UInt64) throws -> any StreamGenerator {
        guard let info = all.first(where: { $0.name == name }) else {
            let names = all.map(\.name)
            throw FlywheelError("unknown generator '\(name)'", key: "generator",
                                hint: suggestion(for: name, among: names) + "valid generators: \(names.joined(separator: ", "))")
        }
        let p = try Parameters(info: info, values: parameters)
        try p.checkSize()
        switch name {
        case "sea":
            return SEAGenerator()
        case "stagger":
            return STAGGERGenerator()
        case "hyperplane":
            typealias D = HyperplaneGenerator.Defaults
            return try HyperplaneGenerator(
                features: p.int("features", D.features), driftFeatures: p.int("drift_features", D.driftFeatures),
                magnitude: p.double("magnitude", D.magnitude), sigma: p.double("sigma", D.sigma),
                concepts: p.int("concepts", D.concepts), modelSeed: p.seed("model_seed", seed))
        case "agrawal":
            return try AgrawalGenerator(perturbation: p.double("perturbation", 0))
        case "rbf":
            typealias D = RandomRBFGenerator.Defaults
            return try RandomRBFGenerator(
                features: p.int("features", D.features), classes: p.int("classes", D.classes),
                centroids: p.int("centroids", D.centroids), driftCentroids: p.optionalInt("drift_centroids"),
                speed: p.double("speed", D.speed), concepts: p.int("concepts", D.concepts),
                modelSeed: p.seed("model_seed", seed))
        case "sine":
            return try SineGenerator(irrelevant: p.int("irrelevant", 0))
        case "gaussian":
            typealias D = GaussianMixtureGenerator.Defaults
            return try GaussianMixtureGenerator(
                classes: p.int("classes", D.classes), features: p.int("features", D.features),
                separation: p.double("separation", D.separation), sigma: p.double("sigma", D.sigma),
                rotation: p.double("rotation", D.rotation), concepts: p.int("concepts", D.concepts))
        default:
            return try FriedmanGenerator(noiseSD: p.double("noise_sd", 1))
        }
    }

    /// "did you mean 'x'? " when a candidate is within a small edit distance of `name`.
    static func suggestion(for name: String, among candidates: [String]) -> String {
        nearest(name, in: candidates).map { "did you mean '\($0)'? " } ?? ""
    }

    /// Checked access to a generator's numeric parameters.
    struct Parameters {
        let info: ComponentInfo
        let values: [String: Double]

        init(info: ComponentInfo, values: [String: Double]) throws {
            self.info = info
            self.values = values
            let valid = info.parameters.map(\.name)
            for key in values.keys.sorted() where !valid.contains(key) {
                let list = valid.isEmpty ? "\(info.name) takes no parameters" : "valid parameters: \(valid.joined(separator: ", "))"
                let noise = key == "noise" ? "label noise is set on the stream and applied by the engine; " : ""
                throw FlywheelError("\(info.name): unknown parameter '\(key)'", key: key,
                                    hint: noise + GeneratorCatalog.suggestion(for: key, among: valid) + list)
            }
        }

        func double(_ name: String, _ fallback: Double) throws -> Double {
            guard let v = values[name] else { return fallback }
            guard v.isFinite else { throw FlywheelError("\(info.name): \(name) must be a finite number, got \(v)", key: name) }
            return v
        }

        func int(_ name: String, _ fallback: Int) throws -> Int {
            guard let v = values[name] else { return fallback }
            guard v.isFinite, v == v.rounded(), abs(v) <= 1e9 else {
                throw FlywheelError("\(info.name): \(name) must be a whole number, got \(v)", key: name)
            }
            return Int(v)
        }

        /// The most numbers a generator's concepts may hold (80 MB): their weight vectors,
        /// centroids or class means are built when the scenario is read.
        static let maxModelSize = 10_000_000.0

        /// Refuses sizes whose concept model could not be allocated, before it is: features ×
        /// concepts (hyperplane), centroids × (features + 3) × concepts (rbf), classes × features
        /// × concepts (gaussian), and more than `Limits.maxClasses` classes.
        func checkSize() throws {
            func v(_ name: String, _ fallback: Int) -> Double { Swift.max(values[name] ?? Double(fallback), 0) }
            let product: Double, formula: String
            switch info.name {
            case "hyperplane":
                typealias D = HyperplaneGenerator.Defaults
                product = v("features", D.features) * v("concepts", D.concepts)
                formula = "features × concepts"
            case "rbf":
                typealias D = RandomRBFGenerator.Defaults
                product = v("centroids", D.centroids) * (v("features", D.features) + 3) * v("concepts", D.concepts)
                formula = "centroids × (features + 3) × concepts"
            case "gaussian":
                typealias D = GaussianMixtureGenerator.Defaults
                product = v("classes", D.classes) * v("features", D.features) * v("concepts", D.concepts)
                formula = "classes × features × concepts"
            case "sine":
                product = v("irrelevant", 0)
                formula = "irrelevant"
            default: return
            }
            if let k = values["classes"], k > Double(Limits.maxClasses) {
                throw FlywheelError("\(info.name): classes is \(k), at most \(Limits.maxClasses)", key: "classes")
            }
            if product > Parameters.maxModelSize {
                let sizes = ["features", "centroids", "classes", "concepts", "irrelevant"]
                let key = sizes.first { values[$0] != nil } ?? "features"
                throw FlywheelError("\(info.name): \(formula) is \(Limits.grouped(Int(Swift.min(product, 9e18)))), "
                                    + "at most \(Limits.grouped(Int(Parameters.maxModelSize))) "
                                    + "(the concepts' model is built up front)",
                                    key: key, hint: "use fewer features or concepts")
            }
        }

        func optionalInt(_ name: String) throws -> Int? {
            values[name] == nil ? nil : try int(name, 0)
        }

        func seed(_ name: String, _ fallback: UInt64) throws -> UInt64 {
            guard let v = values[name] else { return fallback }
            guard v.isFinite, v == v.rounded(), v >= 0, v < 9_007_199_254_740_992 else {
                throw FlywheelError("\(info.name): \(name) must be a non-negative whole number, got \(v)", key: name)
            }
            return UInt64(v)
        }
    }
}
