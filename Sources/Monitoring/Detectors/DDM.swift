import Foundation
import FlywheelCore

/// DDM, the drift detection method of Gama, Medas, Castillo & Rodrigues ("Learning with drift
/// detection", SBIA 2004), on a stream of errors (1) and successes (0).
///
/// With p_i the error rate after i values and s_i = sqrt(p_i (1 − p_i) / i), the detector keeps
/// p_min and s_min at the point where p_i + s_i was smallest (updated when p_i + s_i ≤ p_min + s_min).
/// Once more than `warmStart` values were seen:
/// - warning when p_i + s_i > p_min + `warningThreshold` · s_min,
/// - drift when p_i + s_i > p_min + `driftThreshold` · s_min (the warning is then cleared).
///
/// Parameters (River 0.26.1 defaults): `warmStart` = 30, `warningThreshold` = 2, `driftThreshold` = 3.
/// After a drift, the next update starts from a fresh detector (River's convention).
public struct DDM: DriftDetector, Sendable {
    /// The catalogue entry.
    public static let info = ComponentInfo(
        family: "detector", name: "ddm",
        summary: "Drift detection method: alarms when error rate plus its standard deviation rises above its minimum by k standard deviations.",
        parameters: [
            ParameterInfo("warm_start", .whole(30), "values seen before any warning or drift"),
            ParameterInfo("warning_threshold", .real(2), "standard deviations above the minimum for a warning"),
            ParameterInfo("drift_threshold", .real(3), "standard deviations above the minimum for a drift"),
        ],
        reference: "Gama, Medas, Castillo & Rodrigues, SBIA 2004")

    public let warmStart: Int
    public let warningThreshold: Double
    public let driftThreshold: Double

    private var p = RunningMean()
    private var pMin = Double.infinity
    private var sMin = Double.infinity
    private var psMin = Double.infinity
    public private(set) var driftDetected = false
    public private(set) var warningDetected = false

    /// - Throws: ``FlywheelError`` when a parameter is out of range.
    public init(warmStart: Int = info.defaultWhole("warm_start"), warningThreshold: Double = info.defaultNumber("warning_threshold"),
                driftThreshold: Double = info.defaultNumber("drift_threshold")) throws {
        guard warmStart >= 0 else { throw FlywheelError("ddm: warm_start must be non-negative, got \(warmStart)", key: "warm_start") }
        guard warningThreshold > 0, driftThreshold > 0 else {
            throw FlywheelError("ddm: thresholds must be positive", key: "warning_threshold")
        }
        self.warmStart = warmStart
        self.warningThreshold = warningThreshold
        self.driftThreshold = driftThreshold
    }

    /// Error rate seen since the last reset.
    public var errorRate: Double { p.mean }

    /// - Complexity: O(1), no allocation.
    public mutating func update(_ value: Double) {
        if driftDetected { reset() }
        p.update(value)
        let pi = p.mean, n = p.n
        let si = (pi * (1 - pi) / n).squareRoot()
        guard n > Double(warmStart) else { return }
        if pi + si <= psMin {
            pMin = pi
            sMin = si
            psMin = pMin + sMin
        }
        warningDetected = pi + si > pMin + warningThreshold * sMin
        if pi + si > pMin + driftThreshold * sMin {
            driftDetected = true
            warningDetected = false
        }
    }

    /// Forgets everything seen so far.
    public mutating func reset() {
        p = RunningMean()
        pMin = .infinity
        sMin = .infinity
        psMin = .infinity
        driftDetected = false
        warningDetected = false
    }
}

extension DDM: CataloguedDetector {
    public init(_ p: ParameterReader) throws {
        try self.init(warmStart: p.detectorWhole("warm_start"), warningThreshold: p.number("warning_threshold"),
                      driftThreshold: p.number("drift_threshold"))
    }
}
