import FlywheelCore

/// The drift detectors a scenario can name, with their documentation for `flywheel list`.
///
/// ```swift
/// var detector = try DetectorCatalog.make("adwin", parameters: ["delta": 0.01])
/// ```
public enum DetectorCatalog {
    /// Every detector, in name order.
    public static let all: [ComponentInfo] = [
        ADWIN.info, DDM.info, EDDM.info, HDDMA.info, HDDMW.info, KSWIN<SeededKSWINSampler>.info, PageHinkley.info,
    ]

    /// The names `make` accepts.
    public static var names: [String] { all.map(\.name) }

    /// Builds the named detector; parameters not given take their defaults. Boolean and mode
    /// parameters are numbers (`two_sided`: 0/1, `moa`: 0/1, `mode`: 0 up, 1 down, 2 both).
    /// - Throws: ``FlywheelError`` naming the valid names or parameters when one is unknown, or
    ///   when a value is out of range.
    public static func make(_ name: String, parameters: [String: Double] = [:]) throws -> any DriftDetector {
        guard let info = all.first(where: { $0.name == name }) else {
            throw FlywheelError("unknown detector \"\(name)\"", hint: "valid detectors: \(names.joined(separator: ", "))")
        }
        let valid = Set(info.parameters.map(\.name))
        for key in parameters.keys.sorted() where !valid.contains(key) {
            throw FlywheelError("\(name): unknown parameter \"\(key)\"", key: key,
                                hint: "valid parameters: \(info.parameters.map(\.name).joined(separator: ", "))")
        }
        func real(_ key: String, _ fallback: Double) -> Double { parameters[key] ?? fallback }
        func whole(_ key: String, _ fallback: Int) throws -> Int {
            guard let v = parameters[key] else { return fallback }
            guard let i = wholeNumber(v) else { throw FlywheelError("\(name): \(key) must be a whole number, got \(v)", key: key) }
            // Windows and counts are held in memory: at most Limits.maxTicks, like every count of a run.
            guard abs(i) <= Limits.maxTicks else {
                throw FlywheelError("\(name): \(key) is \(i), out of range: must be ≤ \(Limits.maxTicks)", key: key)
            }
            return i
        }
        func flag(_ key: String) throws -> Bool {
            guard let v = parameters[key] else { return false }
            guard v == 0 || v == 1 else { throw FlywheelError("\(name): \(key) must be 0 or 1, got \(v)", key: key) }
            return v == 1
        }
        switch name {
        case "adwin":
            return try ADWIN(delta: real("delta", 0.002), clock: whole("clock", 32), maxBuckets: whole("max_buckets", 5),
                             minWindowLength: whole("min_window_length", 5), gracePeriod: whole("grace_period", 10),
                             convention: flag("moa") ? .moa : .river)
        case "ddm":
            return try DDM(warmStart: whole("warm_start", 30), warningThreshold: real("warning_threshold", 2),
                           driftThreshold: real("drift_threshold", 3))
        case "eddm":
            return try EDDM(warmStart: whole("warm_start", 30), alpha: real("alpha", 0.95), beta: real("beta", 0.9))
        case "hddm_a":
            return try HDDMA(driftConfidence: real("drift_confidence", 0.001), warningConfidence: real("warning_confidence", 0.005),
                             twoSided: flag("two_sided"))
        case "hddm_w":
            return try HDDMW(driftConfidence: real("drift_confidence", 0.001), warningConfidence: real("warning_confidence", 0.005),
                             lambda: real("lambda", 0.05), twoSided: flag("two_sided"))
        case "kswin":
            let seed = try whole("seed", 42)
            guard seed >= 0 else { throw FlywheelError("kswin: seed must be non-negative, got \(seed)", key: "seed") }
            return try KSWIN(alpha: real("alpha", 0.005), windowSize: whole("window_size", 100), statSize: whole("stat_size", 30),
                             seed: UInt64(seed))
        case "page_hinkley":
            let modeIndex = try whole("mode", 2)
            guard let mode = [PageHinkley.Mode.up, .down, .both][safe: modeIndex] else {
                throw FlywheelError("page_hinkley: mode must be 0 (up), 1 (down) or 2 (both), got \(modeIndex)", key: "mode")
            }
            return try PageHinkley(minInstances: whole("min_instances", 30), delta: real("delta", 0.005),
                                   threshold: real("threshold", 50), alpha: real("alpha", 0.9999), mode: mode)
        default:
            throw FlywheelError("unknown detector \"\(name)\"", hint: "valid detectors: \(names.joined(separator: ", "))")
        }
    }
}

extension Array {
    fileprivate subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}

/// Feeds every value to `detector` and returns the 0-based positions where it raised a warning
/// and where it flagged a drift (position i: after `update(values[i])`).
///
/// ```swift
/// var adwin = try ADWIN()
/// let (warnings, drifts) = detectChanges(errors, detector: &adwin)
/// ```
/// - Complexity: O(values.count) updates.
@inlinable
public func detectChanges(_ values: [Double], detector: inout some DriftDetector) -> (warnings: [Int], drifts: [Int]) {
    var warnings: [Int] = [], drifts: [Int] = []
    for (i, v) in values.enumerated() {
        detector.update(v)
        if detector.warningDetected { warnings.append(i) }
        if detector.driftDetected { drifts.append(i) }
    }
    return (warnings, drifts)
}
