import Foundation
import FlywheelCore

/// HDDM_W, the drift detection method based on McDiarmid's bound with a weighted (EWMA) test
/// (Frías-Blanco et al., "Online and non-parametric drift detection methods based on Hoeffding's
/// bounds", IEEE TKDE 27(3), 2015), as implemented in MOA and River, on values in [0, 1].
///
/// Each sample summary keeps an exponentially weighted mean with weight λ (`lambda`) on the newest
/// value (the first value initialises it) and its independent-bound coefficient
/// D ← λ² + (1 − λ)² · D (D = 1 before the first value). With ε(D, c) = sqrt(D · ln(1/c) / 2):
/// the global summary's EWMA + ε(D, `driftConfidence`) is tracked; whenever it reaches a new minimum
/// the global summary becomes S1 and a fresh S2 starts; otherwise the value feeds S2. An increase
/// is significant at confidence c when S2.ewma − S1.ewma > ε(D1 + D2, c): drift at
/// `driftConfidence`, else warning at `warningConfidence`. With `twoSided` the mirrored test
/// detects decreases.
///
/// Parameters (River 0.26.1 defaults): `driftConfidence` = 0.001, `warningConfidence` = 0.005,
/// `lambda` = 0.05, `twoSided` = false. The next update after a drift starts fresh.
public struct HDDMW: DriftDetector, Sendable {
    /// The catalogue entry.
    public static let info = ComponentInfo(
        family: "detector", name: "hddm_w",
        summary: "McDiarmid-bound test between exponentially weighted means before and after a cut point (W-test).",
        parameters: [
            ParameterInfo("drift_confidence", .real(0.001), "confidence level of the drift test"),
            ParameterInfo("warning_confidence", .real(0.005), "confidence level of the warning test"),
            ParameterInfo("lambda", .real(0.05), "weight of the newest value in the weighted means"),
            ParameterInfo("two_sided", .flag(false), "1: also detect decreases of the mean"),
        ],
        reference: "Frías-Blanco et al., IEEE TKDE 27(3), 2015")

    /// An exponentially weighted sample summary.
    struct Sample: Sendable {
        var ewma = 0.0
        var started = false
        var ibc = 1.0

        @inline(__always) mutating func update(_ x: Double, lambda: Double, lambdaSquared: Double, complementSquared: Double) {
            ewma = started ? lambda * x + (1 - lambda) * ewma : x
            started = true
            ibc = lambdaSquared + complementSquared * ibc
        }
    }

    public let driftConfidence: Double
    public let warningConfidence: Double
    public let lambda: Double
    public let twoSided: Bool
    private let lambdaSquared: Double
    private let complementSquared: Double

    private var global = Sample()
    private var s1Incr = Sample(), s2Incr = Sample()
    private var s1Decr = Sample(), s2Decr = Sample()
    private var incrCut = Double.infinity
    private var decrCut = -Double.infinity
    public private(set) var driftDetected = false
    public private(set) var warningDetected = false

    /// - Throws: ``FlywheelError`` when a parameter is outside its range.
    public init(driftConfidence: Double = info.defaultNumber("drift_confidence"),
                warningConfidence: Double = info.defaultNumber("warning_confidence"), lambda: Double = info.defaultNumber("lambda"),
                twoSided: Bool = info.defaultNumber("two_sided") == 1) throws {
        guard driftConfidence > 0, driftConfidence < 1, warningConfidence > 0, warningConfidence < 1 else {
            throw FlywheelError("hddm_w: confidences must be in (0, 1)", key: "drift_confidence")
        }
        guard lambda > 0, lambda <= 1 else { throw FlywheelError("hddm_w: lambda must be in (0, 1], got \(lambda)", key: "lambda") }
        self.driftConfidence = driftConfidence
        self.warningConfidence = warningConfidence
        self.lambda = lambda
        self.twoSided = twoSided
        lambdaSquared = lambda * lambda
        complementSquared = pow(1 - lambda, 2)
    }

    /// Forgets everything seen so far.
    public mutating func reset() {
        global = Sample()
        s1Incr = Sample(); s2Incr = Sample()
        s1Decr = Sample(); s2Decr = Sample()
        incrCut = .infinity
        decrCut = -.infinity
        driftDetected = false
        warningDetected = false
    }

    @inline(__always) private static func mcDiarmid(_ ibc: Double, _ confidence: Double) -> Double {
        (ibc * log(1 / confidence) / 2).squareRoot()
    }

    @inline(__always) private static func changed(_ a: Sample, _ b: Sample, _ confidence: Double) -> Bool {
        guard a.started && b.started else { return false }
        return b.ewma - a.ewma > mcDiarmid(a.ibc + b.ibc, confidence)
    }

    /// - Complexity: O(1), no allocation.
    public mutating func update(_ value: Double) {
        if driftDetected { reset() }
        global.update(value, lambda: lambda, lambdaSquared: lambdaSquared, complementSquared: complementSquared)

        let eps = HDDMW.mcDiarmid(global.ibc, driftConfidence)
        if global.ewma + eps < incrCut {
            incrCut = global.ewma + eps
            s1Incr = global
            s2Incr = Sample()
        } else {
            s2Incr.update(value, lambda: lambda, lambdaSquared: lambdaSquared, complementSquared: complementSquared)
        }
        if HDDMW.changed(s1Incr, s2Incr, driftConfidence) {
            warningDetected = false
            driftDetected = true
        } else if HDDMW.changed(s1Incr, s2Incr, warningConfidence) {
            warningDetected = true
            driftDetected = false
        } else {
            warningDetected = false
            driftDetected = false
        }

        if global.ewma - eps > decrCut {
            decrCut = global.ewma - eps
            s1Decr = global
            s2Decr = Sample()
        } else {
            s2Decr.update(value, lambda: lambda, lambdaSquared: lambdaSquared, complementSquared: complementSquared)
        }
        if twoSided {
            if HDDMW.changed(s2Decr, s1Decr, driftConfidence) {
                driftDetected = true
            } else if HDDMW.changed(s2Decr, s1Decr, warningConfidence) {
                warningDetected = true
            }
        }
    }
}

extension HDDMW: CataloguedDetector {
    public init(_ p: ParameterReader) throws {
        try self.init(driftConfidence: p.number("drift_confidence"), warningConfidence: p.number("warning_confidence"),
                      lambda: p.number("lambda"), twoSided: p.flag("two_sided"))
    }
}
