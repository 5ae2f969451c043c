import FlywheelCore
import Learners
import Monitoring

/// When a drift detector signals a drift: fed with the 0/1 error stream of arrived labels, or
/// (with `feature`) with the served values of one input feature (missing values skipped).
public struct DetectorTrigger: TriggerPolicy, Hashable {
    public static let info = ComponentInfo(
        family: "trigger", name: "detector",
        summary: "Retrain when a drift detector signals a drift: on the 0/1 error stream of arrived labels, or on one served feature (see family `detector`).",
        parameters: [ParameterInfo("name", "—", "detector name (adwin, ddm, eddm, hddm_a, hddm_w, kswin, page_hinkley)"),
                     ParameterInfo("on", "error", "error (arrived labels) or a feature name"),
                     ParameterInfo("…", "", "the detector's own parameters")])

    /// A name of ``DetectorCatalog``.
    public var name: String
    public var parameters: [String: Double]
    /// The feature whose served values feed the detector; nil: the error stream.
    public var feature: Int?

    public init(name: String, parameters: [String: Double], feature: Int?) {
        self.name = name
        self.parameters = parameters
        self.feature = feature
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
        for (key, _, x) in entries {
            switch key {
            case "name": name = x.string()
            case "on":
                guard let on = x.string(), on != "error" else { continue }
                feature = x.featureIndex(on, in: c.schema)
            default: if let d = x.double() { params[key] = d }
            }
        }
        guard let name else { v.fail("missing required key 'name'", hint: "e.g. detector: {name: adwin, delta: 0.002}"); return nil }
        do { _ = try DetectorCatalog.make(name, parameters: params) } catch let e as FlywheelError {
            v.fail(e.message, hint: e.hint)
            return nil
        } catch { v.fail("\(error)"); return nil }
        return DetectorTrigger(name: name, parameters: params, feature: feature)
    }

    public func makeState(_ context: TriggerContext) throws -> any TriggerState {
        State(feature: feature, detector: try DetectorCatalog.make(name, parameters: parameters))
    }

    struct State: TriggerState {
        let feature: Int?
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
                for ok in o.arrivedCorrect {
                    detector.update(ok ? 0 : 1)
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
