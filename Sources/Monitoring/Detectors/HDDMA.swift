import Foundation
import FlywheelCore

/// HDDM_A, the drift detection method based on Hoeffding's bound with an averaging test
/// (Frías-Blanco, del Campo-Ávila, Ramos-Jiménez, Morales-Bueno, Ortiz-Díaz & Caballero-Mota,
/// "Online and non-parametric drift detection methods based on Hoeffding's bounds", IEEE TKDE 27(3), 2015),
/// as implemented in MOA and River, on values in [0, 1].
///
/// Z is the mean of all n values; the cut point X (mean of the first n_x values) is moved to Z
/// whenever X + ε(n_x) ≥ Z + ε(n), with ε(k) = sqrt(ln(1/`driftConfidence`) / (2k)). An increase is
/// significant at confidence c when n_x < n and
///
///     Z − X ≥ sqrt(m/2 · ln(2/c)),  m = (n − n_x) / n_x · 1/n.
///
/// Drift at c = `driftConfidence`, else warning at c = `warningConfidence`. With `twoSided`, a cut
/// point for decreases (moved when X − ε ≤ Z − ε) is tested symmetrically.
///
/// Parameters (River 0.26.1 defaults): `driftConfidence` = 0.001, `warningConfidence` = 0.005,
/// `twoSided` = false. The next update after a drift starts fresh.
public struct HDDMA: DriftDetector, Sendable {
    /// The catalogue entry.
    public static let info = ComponentInfo(
        family: "detector", name: "hddm_a",
        summary: "Hoeffding-bound test between the global mean and the mean up to a cut point (A-test).",
        parameters: [
            ParameterInfo("drift_confidence", .real(0.001), "confidence level of the drift test"),
            ParameterInfo("warning_confidence", .real(0.005), "confidence level of the warning test"),
            ParameterInfo("two_sided", .flag(false), "1: also detect decreases of the mean"),
        ],
        reference: "Frías-Blanco et al., IEEE TKDE 27(3), 2015")

    public let driftConfidence: Double
    public let warningConfidence: Double
    public let twoSided: Bool

    private var z = RunningMean()
    private var xMin = RunningMean()
    private var xMax = RunningMean()
    public private(set) var driftDetected = false
    public private(set) var warningDetected = false

    /// - Throws: ``FlywheelError`` when a confidence is outside (0, 1).
    public init(driftConfidence: Double = info.defaultNumber("drift_confidence"),
                warningConfidence: Double = info.defaultNumber("warning_confidence"), twoSided: Bool = info.defaultNumber("two_sided") == 1) throws {
        guard driftConfidence > 0, driftConfidence < 1, warningConfidence > 0, warningConfidence < 1 else {
            throw FlywheelError("hddm_a: confidences must be in (0, 1)", key: "drift_confidence")
        }
        self.driftConfidence = driftConfidence
        self.warningConfidence = warningConfidence
        self.twoSided = twoSided
    }

    /// Forgets everything seen so far.
    public mutating func reset() {
        z = RunningMean()
        xMin = RunningMean()
        xMax = RunningMean()
        driftDetected = false
        warningDetected = false
    }

    @inline(__always) private func hoeffding(_ n: Double) -> Double {
        (1.0 / (2 * n) * log(1.0 / driftConfidence)).squareRoot()
    }

    @inline(__always) private static func bound(_ cut: RunningMean, _ z: RunningMean, _ confidence: Double) -> Double {
        let m = (z.n - cut.n) / cut.n * (1.0 / z.n)
        return (m / 2 * log(2.0 / confidence)).squareRoot()
    }

    private func increased(_ confidence: Double) -> Bool {
        guard xMin.n != z.n else { return false }
        return z.mean - xMin.mean >= HDDMA.bound(xMin, z, confidence)
    }

    private func decreased(_ confidence: Double) -> Bool {
        guard xMax.n != z.n else { return false }
        return xMax.mean - z.mean >= HDDMA.bound(xMax, z, confidence)
    }

    /// - Complexity: O(1), no allocation.
    public mutating func update(_ value: Double) {
        if driftDetected { reset() }
        z.update(value)
        if xMin.n == 0 { xMin = z }
        if xMax.n == 0 { xMax = z }
        let epsZ = hoeffding(z.n)
        if xMin.mean + hoeffding(xMin.n) >= z.mean + epsZ { xMin = z }
        if xMax.mean - hoeffding(xMax.n) <= z.mean - epsZ { xMax = z }
        if increased(driftConfidence) {
            warningDetected = false
            driftDetected = true
        } else if increased(warningConfidence) {
            warningDetected = true
            driftDetected = false
        } else {
            warningDetected = false
            driftDetected = false
        }
        if twoSided {
            if decreased(driftConfidence) {
                driftDetected = true
            } else if decreased(warningConfidence) {
                warningDetected = true
            }
        }
    }
}

extension HDDMA: CataloguedDetector {
    public init(_ p: ParameterReader) throws {
        try self.init(driftConfidence: p.number("drift_confidence"), warningConfidence: p.number("warning_confidence"),
                      twoSided: p.flag("two_sided"))
    }
}
