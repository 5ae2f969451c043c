import FlywheelCore

/// A synthetic generator a scenario can name: its documentation and how it reads its parameters.
public protocol CataloguedGenerator: StreamGenerator {
    /// Name, summary, parameters with their defaults, reference.
    static var info: ComponentInfo { get }
    /// The generator with the parameters `p` gives (defaults for the rest, from ``info``);
    /// `seed` seeds a random model unless a `model_seed` is given.
    init(_ p: ParameterReader, seed: UInt64) throws
    /// How many numbers the concepts' model holds with the parameters `p` (built when the scenario
    /// is read), and the formula, for the message that refuses too large a model; nil when the
    /// model is fixed.
    static func modelSize(_ p: ParameterReader) -> (numbers: Double, formula: String)?
}

extension CataloguedGenerator {
    public static func modelSize(_ p: ParameterReader) -> (numbers: Double, formula: String)? { nil }
}

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
///
/// To add a generator: one file with a type conforming to ``CataloguedGenerator``, and one line in
/// ``kinds``.
public enum GeneratorCatalog {
    public static let kinds: [any CataloguedGenerator.Type] = [
        SEAGenerator.self, STAGGERGenerator.self, HyperplaneGenerator.self, AgrawalGenerator.self, RandomRBFGenerator.self,
        SineGenerator.self, GaussianMixtureGenerator.self, FriedmanGenerator.self,
    ]

    /// Every generator's documentation.
    public static var all: [ComponentInfo] { kinds.map { $0.info } }

    /// The whole numbers a generator parameter may take before the generator checks its own range.
    static let wholeNumbers = -1_000_000_000...1_000_000_000

    /// Builds the generator `name` with `parameters` (missing ones take their defaults).
    public static func make(_ name: String, parameters: [String: Double], seed: UInt64) throws -> any StreamGenerator {
        guard let kind = kinds.first(where: { $0.info.name == name }) else {
            let names = all.map(\.name)
            throw FlywheelError("unknown generator '\(name)'", key: "generator",
                                hint: suggestion(for: name, among: names) + "valid generators: \(names.joined(separator: ", "))")
        }
        do {
            let p = try ParameterReader(kind.info, parameters)
            try checkSize(kind, p)
            return try kind.init(p, seed: seed)
        } catch let e as ParameterError {
            throw wording(e, kind.info.name)
        }
    }

    /// The most numbers a generator's concepts may hold (80 MB): their weight vectors,
    /// centroids or class means are built when the scenario is read.
    static let maxModelSize = 10_000_000.0

    /// Refuses sizes whose concept model could not be allocated, before it is, and more than
    /// `Limits.maxClasses` classes.
    static func checkSize(_ kind: any CataloguedGenerator.Type, _ p: ParameterReader) throws {
        guard let (product, formula) = kind.modelSize(p) else { return }
        let name = kind.info.name
        if let k = p.given("classes"), k > Double(Limits.maxClasses) {
            throw FlywheelError("\(name): classes is \(k), at most \(Limits.maxClasses)", key: "classes")
        }
        if product > maxModelSize {
            let sizes = ["features", "centroids", "classes", "concepts", "irrelevant"]
            let key = sizes.first { p.given($0) != nil } ?? "features"
            throw FlywheelError("\(name): \(formula) is \(Limits.grouped(Int(Swift.min(product, 9e18)))), "
                                + "at most \(Limits.grouped(Int(maxModelSize))) (the concepts' model is built up front)",
                                key: key, hint: "use fewer features or concepts")
        }
    }

    /// "did you mean 'x'? " when a candidate is within a small edit distance of `name`.
    static func suggestion(for name: String, among candidates: [String]) -> String {
        nearest(name, in: candidates).map { "did you mean '\($0)'? " } ?? ""
    }

    /// A parameter error in the generators' words.
    static func wording(_ e: ParameterError, _ name: String) -> FlywheelError {
        switch e {
        case .unknown(let p, let valid):
            let noise = p == "noise" ? "label noise is set on the stream and applied by the engine; " : ""
            return FlywheelError("\(name): unknown parameter '\(p)'", key: p,
                                 hint: noise + ParameterError.validList(p, valid, component: name, quoted: true))
        case .outOfRange, .notWhole, .notSeed, .notFlag:
            return FlywheelError(e.message(name), key: e.parameter)
        }
    }
}
