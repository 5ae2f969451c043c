import FlywheelCore

/// A drift detector a scenario can name: its documentation and how it reads its parameters.
public protocol CataloguedDetector: DriftDetector, Sendable {
    /// Name, summary, parameters with their defaults, reference.
    static var info: ComponentInfo { get }
    /// The detector with the parameters `p` gives (defaults for the rest, from ``info``).
    init(_ p: ParameterReader) throws
}

/// The drift detectors a scenario can name, with their documentation for `flywheel list`.
///
/// ```swift
/// var detector = try DetectorCatalog.make("adwin", parameters: ["delta": 0.01])
/// ```
///
/// To add a detector: one file with a type conforming to ``CataloguedDetector``, and one line in
/// ``kinds``.
public enum DetectorCatalog {
    /// Every detector, in name order.
    public static let kinds: [any CataloguedDetector.Type] = [
        ADWIN.self, DDM.self, EDDM.self, HDDMA.self, HDDMW.self, KSWIN<SeededKSWINSampler>.self, PageHinkley.self,
    ]

    /// Every detector's documentation.
    public static var all: [ComponentInfo] { kinds.map { $0.info } }

    /// The names `make` accepts.
    public static var names: [String] { all.map(\.name) }

    /// The whole numbers a detector parameter may be written as.
    static let wholeNumbers = -999_999_999_999_999...999_999_999_999_999

    /// Builds the named detector; parameters not given take their defaults. Boolean and mode
    /// parameters are numbers (`two_sided`: 0/1, `moa`: 0/1, `mode`: 0 up, 1 down, 2 both).
    /// - Throws: ``FlywheelError`` naming the valid names or parameters when one is unknown, or
    ///   when a value is out of range.
    public static func make(_ name: String, parameters: [String: Double] = [:]) throws -> any DriftDetector & Sendable {
        guard let kind = kinds.first(where: { $0.info.name == name }) else {
            throw FlywheelError("unknown detector \"\(name)\"", hint: "valid detectors: \(names.joined(separator: ", "))")
        }
        do {
            return try kind.init(try ParameterReader(kind.info, parameters))
        } catch let e as ParameterError {
            throw wording(e, kind.info)
        }
    }

    /// A parameter error in the detectors' words.
    static func wording(_ e: ParameterError, _ info: ComponentInfo) -> FlywheelError {
        let name = info.name, key = e.parameter
        switch e {
        case .unknown(let p, let valid):
            return FlywheelError("\(name): unknown parameter \"\(p)\"", key: key, hint: "valid parameters: \(valid.joined(separator: ", "))")
        case .notWhole(let p, let v, _, _): return FlywheelError("\(name): \(p) must be a whole number, got \(v)", key: key)
        case .outOfRange, .notSeed, .notFlag: return FlywheelError(e.message(name), key: key)
        }
    }
}

extension ParameterReader {
    /// A detector's whole-number parameter (a window, a count): windows and counts are held in
    /// memory, so at most ``Limits/maxTicks`` in magnitude, like every count of a run; the
    /// detector checks its own range after.
    func detectorWhole(_ name: String) throws -> Int {
        let i = try whole(name, in: DetectorCatalog.wholeNumbers)
        guard abs(i) <= Limits.maxTicks else {
            throw FlywheelError("\(info.name): \(name) is \(i), out of range: must be ≤ \(Limits.maxTicks)", key: name)
        }
        return i
    }
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
