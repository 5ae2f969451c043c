import FlywheelCore

/// A model family a scenario can name: its documentation and how it reads its parameters.
public protocol CataloguedLearner: Learner {
    /// Name, summary, parameters with their defaults, reference.
    static var info: ComponentInfo { get }
    /// The learner with the parameters `p` gives (defaults for the rest, from ``info``).
    init(_ p: ParameterReader) throws
}

extension CataloguedLearner {
    /// The learner with the given parameters (defaults for the rest); a wrong name or value is a
    /// ``FlywheelError`` in the model family's words.
    public init(parameters: [String: Double]) throws {
        do {
            try self.init(try ParameterReader(Self.info, parameters))
        } catch let e as ParameterError {
            throw LearnerCatalog.wording(e, Self.info.name)
        }
    }
}

/// The model families a scenario can name (`model: {family: …}`), for `flywheel list` and the
/// scenario factory.
///
/// To add a family: one file with a learner conforming to ``CataloguedLearner``, and one line in
/// ``kinds``.
public enum LearnerCatalog {
    /// Every model family, in the order `flywheel list` shows them.
    public static let kinds: [any CataloguedLearner.Type] = [
        LogisticRegressionLearner.self, GaussianNaiveBayes.self, RidgeRegression.self, MultilayerPerceptron.self, MajorityClass.self,
        NoChange.self, HoeffdingTree.self, XGBoostLearner.self,
    ]

    /// Every family's documentation.
    public static var all: [ComponentInfo] { kinds.map { $0.info } }

    /// The family names ``make(_:parameters:)`` accepts.
    public static var names: [String] { all.map(\.name) }

    /// A learner of the named family with the given parameters (defaults for the rest).
    ///
    /// Throws a ``FlywheelError`` for an unknown family (naming the valid ones and the nearest
    /// one), an unknown parameter (naming the family's parameters) or an out-of-range value.
    public static func make(_ family: String, parameters: [String: Double] = [:]) throws -> any Learner {
        guard let kind = kinds.first(where: { $0.info.name == family }) else {
            let valid = names
            var hint = "valid families: \(valid.joined(separator: ", "))"
            if let near = nearest(family, in: valid) { hint = "did you mean \(near)? " + hint }
            throw FlywheelError("unknown model family '\(family)'", key: "model.family", hint: hint)
        }
        return try kind.init(parameters: parameters)
    }

    /// A parameter error in the model family's words (key paths under `model.`).
    static func wording(_ e: ParameterError, _ name: String) -> FlywheelError {
        let key = "model.\(e.parameter)"
        switch e {
        case .unknown(let p, let valid):
            return FlywheelError("model '\(name)' has no parameter '\(p)'", key: key,
                                 hint: ParameterError.validList(p, valid, component: "it", quoted: false))
        case .outOfRange(let p, let v, let low, let high):
            var range = "a finite number"
            if low > -.infinity && high < .infinity { range = "a number in [\(low), \(high))" } else if low > -.infinity { range = "a number ≥ \(low)" }
            return FlywheelError("model '\(name)' parameter '\(p)' is \(v), expected \(range)", key: key)
        case .notWhole(let p, let v, let low, let high):
            return FlywheelError("model '\(name)' parameter '\(p)' is \(v), expected a whole number in \(low)...\(high)", key: key)
        case .notSeed, .notFlag:
            return FlywheelError("model '\(name)' parameter '\(e.parameter)': " + e.message(name), key: key)
        }
    }

    /// Parameters written as names in scenarios (their typed defaults are choices), and the
    /// number each name stands for, over every family.
    static var choices: [String: [String: Double]] {
        var out: [String: [String: Double]] = [:]
        for info in all {
            for p in info.parameters {
                if case .choice(let names, _) = p.value {
                    for (i, n) in names.enumerated() { out[p.name, default: [:]][n] = Double(i) }
                }
            }
        }
        return out
    }

    /// Reads a `model:` mapping into a learner; with the stream's schema, refuses a
    /// classification-only family on a regression stream.
    public static func read(_ v: ConfigValue, schema: FeatureSchema? = nil) -> (any Learner)? {
        guard let entries = v.entries() else { v.fail("expected a mapping such as {family: logistic_regression, l2: 1e-4}"); return nil }
        var family: String?
        var params: [String: ConfigValue] = [:]
        for (key, _, x) in entries {
            if key == "family" { family = x.string() } else { params[key] = x }
        }
        guard let family else { v.fail("missing required key 'family'", hint: "e.g. family: logistic_regression"); return nil }
        guard let learner = make(family, params, at: v) else { return nil }
        if let schema, !schema.isClassification, !learner.handlesRegression {
            v.fail("model family '\(family)' is for classification, and this stream's target is numeric",
                   hint: "families for a numeric target: \(regressionFamilies.joined(separator: ", "))")
            return nil
        }
        if let schema, schema.isClassification, !learner.handlesClassification {
            v.fail("model family '\(family)' is for a numeric target, and this stream's target is a class",
                   hint: "families for classes: "
                       + kinds.compactMap { kind in
                           (try? kind.init(parameters: [:]))?.handlesClassification == true ? kind.info.name : nil
                       }.joined(separator: ", "))
            return nil
        }
        return learner
    }

    /// The families that can learn a numeric target (``Learner/handlesRegression``).
    public static var regressionFamilies: [String] {
        kinds.compactMap { kind in (try? kind.init(parameters: [:]))?.handlesRegression == true ? kind.info.name : nil }
    }

    /// The learner of `family` with parameters as written (names for choices), errors at the value.
    static func make(_ family: String, _ params: [String: ConfigValue], at v: ConfigValue) -> (any Learner)? {
        var numeric: [String: Double] = [:]
        let choices = self.choices
        for (k, x) in params.sorted(by: { $0.key < $1.key }) {
            if let options = choices[k], let text = x.scalarText, Double(text) == nil {
                guard let code = options[text] else {
                    x.fail("'\(text)' is not one of \(options.keys.sorted().joined(separator: ", "))")
                    continue
                }
                numeric[k] = code
            } else if let d = x.double() {
                numeric[k] = d
            }
        }
        do {
            return try make(family, parameters: numeric)
        } catch let e as FlywheelError {
            let key = e.keyPath.flatMap { $0.hasPrefix("model.") ? String($0.dropFirst(6)) : nil }
            (key.flatMap { params[$0] } ?? v).fail(e.message, hint: e.hint)
            return nil
        } catch {
            v.fail("\(error)")
            return nil
        }
    }
}
