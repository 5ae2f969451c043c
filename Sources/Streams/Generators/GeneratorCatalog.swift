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
