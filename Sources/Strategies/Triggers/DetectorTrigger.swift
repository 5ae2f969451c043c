import FlywheelCore
import Learners
import Monitoring

/// When a drift detector signals a drift: fed with the error stream of arrived labels, or (with
/// `feature`) with the served values of one input feature (missing values skipped).
///
/// The error stream of a classifier is 0/1 (1: the served prediction was wrong). That of a
/// regressor is its residuals, by ``Residual``: the absolute error `|ŷ − y|` (the default, on the
/// scale of the MAE the report shows) or the squared error `(ŷ − y)²` (`residual: squared`, which
/// weighs large misses more). Detectors that assume a 0/1 or [0, 1] stream (ddm, eddm, hddm_a,
/// hddm_w) are refused on a regressor's residuals.
public struct DetectorTrigger: TriggerPolicy, Hashable {
    public static let info = ComponentInfo(
        family: "trigger", name: "detector",
        summary: "Retrain when a drift detector signals a drift: on the error stream of arrived labels (0/1, or a "
            + "regressor's residuals), or on one served feature (see family `detector`).",
        parameters: [ParameterInfo("name", "—", "detector name (adwin, ddm, eddm, hddm_a, hddm_w, kswin, page_hinkley)"),
                     ParameterInfo("on", "error", "error (arrived labels) or a feature name"),
                     ParameterInfo("residual", "absolute",
                                   "regression only: absolute (|ŷ − y|) or squared ((ŷ − y)²) residuals"),
                     ParameterInfo("…", "", "the detector's own parameters")])

    /// Which residual of a regressor feeds the detector.
    public enum Residual: String, Sendable, Hashable, CaseIterable {
        /// `|ŷ − y|`, the default.
        case absolute
        /// `(ŷ − y)²`.
        case squared
    }

    /// Detectors whose statistics assume a 0/1 (ddm, eddm) or [0, 1] (hddm_a, hddm_w) stream.
    public static let boundedStreamDetectors = ["ddm", "eddm", "hddm_a", "hddm_w"]

    /// A name of ``DetectorCatalog``.
    public var name: String
    public var parameters: [String: Double]
    /// The feature whose served values feed the detector; nil: the error stream.
    public var feature: Int?
    /// The residual a regressor's error stream carries (ignored for a classifier's 0/1 stream).
    public var residual: Residual

    public init(name: String, parameters: [String: Double], feature: Int?, residual: Residual = .absolute) {
        self.name = name
        self.parameters = parameters
        self.feature = feature
        self.residual = residual
    }

    public static var examples: [Self] { [DetectorTrigger(name: "adwin", parameters: ["delta": 0.1], feature: nil), DetectorTrigger(name: "page_hinkley", parameters: ["threshold": 5], feature: 0)] }

    public var needsInputs: Bool { feature != nil }
    public var expectedTrainingsPerTick: Double { 0.1 }

    public static var keys: [String] { ["detector"] }

    /// `{detector: {name: adwin, on: x1, delta: 0.002}}`: a detector of ``DetectorCatalog`` with its
    /// own parameters, on the error stream (`on: error`, the default) or a served feature.
    public static func read(_ key: String, _ v: ConfigValue, _ c: ReadContext) -> DetectorTrigger? {
        guard let entries = v.entries() else { v.fail("expected {name: adwin, delta: 0.002, …}"); return nil }
        var name: String?
        var feature: Int?
        var params: [String: Double] = [:]
        var residual = Residual.absolute
        var residualValue: ConfigValue?
        for (key, _, x) in entries {
            switch key {
            case "name": name = x.string()
            case "residual":
                residualValue = x
                if let word = x.oneOf(Residual.allCases.map(\.rawValue)) {
                    residual = Residual(rawValue: word) ?? residual
                }
            case "on":
                guard let on = x.string(), on != "error" else { continue }
                feature = x.featureIndex(on, in: c.schema)
            default: if let d = x.double() { params[key] = d }
            }
        }
        guard let name else { v.fail("missing required key 'name'", hint: "e.g. detector: {name: adwin, delta: 0.002}"); return nil }
        if let x = residualValue {
            if feature != nil {
                x.fail("residual applies to the error stream, not to a feature's values")
            } else if let schema = c.schema, schema.isClassification {
                x.fail("residual applies to a regression stream: a classifier's error stream is 0/1")
            }
        }
        if feature == nil, c.isRegression, boundedStreamDetectors.contains(name),
           let at = entries.first(where: { $0.0 == "name" })?.2 {
            at.fail("\(name) assumes an error stream of 0/1 or [0, 1] values, and a regressor's residuals are "
                    + "real numbers",
                    hint: "use adwin, kswin or page_hinkley on the residuals")
        }
        do { _ = try DetectorCatalog.make(name, parameters: params) } catch let e as FlywheelError {
            v.fail(e.message, hint: e.hint)
            return nil
        } catch { v.fail("\(error)"); return nil }
        return DetectorTrigger(name: name, parameters: params, feature: feature, residual: residual)
    }

    public func makeState(_ context: TriggerContext) throws -> any TriggerState {
        State(feature: feature, residual: residual, detector: try DetectorCatalog.make(name, parameters: parameters))
    }

    struct State: TriggerState {
        let feature: Int?
        let residual: Residual
        var detector: any DriftDetector & Sendable

        mutating func update(_ o: TriggerObservation) -> Bool {
            var fired = false
            if let f = feature {
                let d = o.batch.dimension
                for i in 0..<o.batch.count {
                    let v = o.batch.features[i * d + f]
                    if v.isNaN { continue }
                    detector.update(v)
                    if detector.driftDetected { fired = true }
                }
            } else {
                // 0/1 for a classifier (its loss); the chosen residual for a regressor.
                let squared = !o.task.isClassification && residual == .squared
                for loss in o.arrivedLoss {
                    detector.update(squared ? loss * loss : loss)
                    if detector.driftDetected { fired = true }
                }
            }
            return fired
        }

        /// The error stream starts afresh with a new model; a feature's stream does not change.
        mutating func didDeploy(training: TrainingSet, scores: [Double]) {
            if feature == nil { detector.reset() }
        }
    }
}
