import Foundation
import FlywheelCore

/// The Page-Hinkley test (Page, "Continuous inspection schemes", Biometrika 41, 1954), with River's
/// forgetting factor and direction modes.
///
/// With x̄_t the running mean of the values so far (updated before use) and d_t = x_t − x̄_t:
///
///     U_t = α U_{t−1} + d_t − δ     (increase statistic, U_0 = 0)
///     L_t = α L_{t−1} + d_t + δ     (decrease statistic, L_0 = 0)
///
/// Once at least `minInstances` values were seen, a drift is flagged when
/// U_t − min_{s≤t} U_s > λ (mode `up`), max(−1, max_{s≤t} L_s) − L_t > λ (mode `down`), or either
/// (mode `both`). λ is `threshold`. (River seeds the running maximum of L with −1, kept here.)
///
/// Parameters (River 0.26.1 defaults): `minInstances` = 30, `delta` = 0.005, `threshold` = 50,
/// `alpha` = 0.9999, `mode` = both. No warning zone. The next update after a drift starts fresh.
public struct PageHinkley: DriftDetector, Sendable {
    /// Which direction of change is detected.
    public enum Mode: String, Sendable, CaseIterable {
        case up, down, both
    }

    /// The catalogue entry.
    public static let info = ComponentInfo(
        family: "detector", name: "page_hinkley",
        summary: "Page-Hinkley cumulative deviation test against the running mean, with a forgetting factor.",
        parameters: [
            ParameterInfo("min_instances", .whole(30), "values seen before any drift"),
            ParameterInfo("delta", .real(0.005), "tolerated deviation per value"),
            ParameterInfo("threshold", .real(50), "lambda: cumulative deviation that signals a drift", shown: "50"),
            ParameterInfo("alpha", .real(0.9999), "forgetting factor of the cumulative sums"),
            ParameterInfo("mode", .whole(2), "0: up (increases), 1: down (decreases), 2: both"),
        ],
        reference: "Page, Biometrika 41, 1954")

    public let minInstances: Int
    public let delta: Double
    public let threshold: Double
    public let alpha: Double
    public let mode: Mode

    private var mean = RunningMean()
    private var sumIncrease = 0.0
    private var sumDecrease = 0.0
    private var minIncrease = Double.infinity
    private var maxDecrease = -1.0
    public private(set) var driftDetected = false
    /// Always false: Page-Hinkley has no warning zone.
    public var warningDetected: Bool { false }

    /// - Throws: ``FlywheelError`` when a parameter is out of range.
    public init(minInstances: Int = info.defaultWhole("min_instances"), delta: Double = info.defaultNumber("delta"),
                threshold: Double = info.defaultNumber("threshold"), alpha: Double = info.defaultNumber("alpha"), mode: Mode = .both) throws {
        guard minInstances >= 1 else { throw FlywheelError("page_hinkley: min_instances must be at least 1", key: "min_instances") }
        guard delta >= 0 else { throw FlywheelError("page_hinkley: delta must be non-negative", key: "delta") }
        guard threshold > 0 else { throw FlywheelError("page_hinkley: threshold must be positive", key: "threshold") }
        guard alpha > 0, alpha <= 1 else { throw FlywheelError("page_hinkley: alpha must be in (0, 1]", key: "alpha") }
        self.minInstances = minInstances
        self.delta = delta
        self.threshold = threshold
        self.alpha = alpha
        self.mode = mode
    }

    /// Forgets everything seen so far.
    public mutating func reset() {
        mean = RunningMean()
        sumIncrease = 0
        sumDecrease = 0
        minIncrease = .infinity
        maxDecrease = -1
        driftDetected = false
    }

    /// - Complexity: O(1), no allocation.
    public mutating func update(_ value: Double) {
        if driftDetected { reset() }
        mean.update(value)
        let dev = value - mean.mean
        sumIncrease = alpha * sumIncrease + dev - delta
        sumDecrease = alpha * sumDecrease + dev + delta
        if sumIncrease < minIncrease { minIncrease = sumIncrease }
        if sumDecrease > maxDecrease { maxDecrease = sumDecrease }
        guard mean.n >= Double(minInstances) else { return }
        let up = sumIncrease - minIncrease > threshold
        let down = maxDecrease - sumDecrease > threshold
        switch mode {
        case .up: driftDetected = up
        case .down: driftDetected = down
        case .both: driftDetected = up || down
        }
    }
}

extension PageHinkley: CataloguedDetector {
    public init(_ p: ParameterReader) throws {
        let modeIndex = try p.detectorWhole("mode")
        guard (0...2).contains(modeIndex) else {
            throw FlywheelError("page_hinkley: mode must be 0 (up), 1 (down) or 2 (both), got \(modeIndex)", key: "mode")
        }
        try self.init(minInstances: p.detectorWhole("min_instances"), delta: p.number("delta"), threshold: p.number("threshold"),
                      alpha: p.number("alpha"), mode: [Mode.up, .down, .both][modeIndex])
    }
}
