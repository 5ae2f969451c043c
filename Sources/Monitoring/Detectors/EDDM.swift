import Foundation
import FlywheelCore

/// EDDM, the early drift detection method of Baena-García, del Campo-Ávila, Fidalgo, Bifet,
/// Gavaldà & Morales-Bueno (2006), on a stream of errors (1) and successes (0).
///
/// It tracks the distance (in values) between consecutive errors: its running mean p'_i and
/// sample standard deviation s'_i, and the maximum M of p'_i + 2 s'_i. At each error after more
/// than `warmStart` values: if p'_i + 2 s'_i exceeds M it becomes the new M; otherwise, once more
/// than `warmStart` errors were seen, with level = (p'_i + 2 s'_i) / M:
/// - drift when level < `beta`,
/// - else warning when level < `alpha`, else no warning.
///
/// Parameters (River 0.26.1 defaults): `warmStart` = 30, `alpha` = 0.95, `beta` = 0.9.
/// As in River, a warning persists between errors, and the next update after a drift starts fresh.
public struct EDDM: DriftDetector, Sendable {
    /// The catalogue entry.
    public static let info = ComponentInfo(
        family: "detector", name: "eddm",
        summary: "Early drift detection: alarms when the mean distance between errors (plus two deviations) shrinks relative to its maximum.",
        parameters: [
            ParameterInfo("warm_start", .whole(30), "values and errors seen before any warning or drift"),
            ParameterInfo("alpha", .real(0.95), "warning when the level falls below this"),
            ParameterInfo("beta", .real(0.9), "drift when the level falls below this (beta <= alpha)"),
        ],
        reference: "Baena-García et al., Fourth International Workshop on Knowledge Discovery from Data Streams, 2006")

    public let warmStart: Int
    public let alpha: Double
    public let beta: Double

    private var distances = RunningVariance()
    private var n = 0
    private var lastError = 0
    private var errors = 0
    private var p2sMax = -1.0
    public private(set) var driftDetected = false
    public private(set) var warningDetected = false

    /// - Throws: ``FlywheelError`` when a parameter is out of range or `alpha < beta`.
    public init(warmStart: Int = info.defaultWhole("warm_start"), alpha: Double = info.defaultNumber("alpha"),
                beta: Double = info.defaultNumber("beta")) throws {
        guard warmStart >= 0 else { throw FlywheelError("eddm: warm_start must be non-negative, got \(warmStart)", key: "warm_start") }
        guard alpha > 0, alpha <= 1, beta > 0, beta <= 1 else { throw FlywheelError("eddm: alpha and beta must be in (0, 1]", key: "alpha") }
        guard alpha >= beta else { throw FlywheelError("eddm: alpha (\(alpha)) must be at least beta (\(beta))", key: "alpha") }
        self.warmStart = warmStart
        self.alpha = alpha
        self.beta = beta
    }

    /// Forgets everything seen so far.
    public mutating func reset() {
        distances = RunningVariance()
        n = 0
        lastError = 0
        errors = 0
        p2sMax = -1
        driftDetected = false
        warningDetected = false
    }

    /// - Complexity: O(1), no allocation.
    public mutating func update(_ value: Double) {
        if driftDetected { reset() }
        n += 1
        guard value == 1 else { return }
        errors += 1
        distances.update(Double(n - lastError))
        if n > warmStart {
            let p2s = distances.mean + 2 * pow(distances.value, 0.5)
            if p2s > p2sMax {
                p2sMax = p2s
            } else if errors > warmStart {
                let level = p2s / p2sMax
                if level < beta {
                    driftDetected = true
                } else {
                    warningDetected = level < alpha
                }
            }
        }
        lastError = n
    }
}

extension EDDM: CataloguedDetector {
    public init(_ p: ParameterReader) throws {
        try self.init(warmStart: p.detectorWhole("warm_start"), alpha: p.number("alpha"), beta: p.number("beta"))
    }
}
