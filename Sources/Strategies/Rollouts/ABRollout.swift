import FlywheelCore
import Foundation

/// Serves a `split` of traffic for `ticks` ticks; promoted when a one-sided test finds it better
/// at level `alpha`, `p = ½ erfc(z / √2)`:
/// - classification, two-proportion z-test (pooled proportion):
///   `z = (p̂₁ − p̂₂) / √(p̄(1 − p̄)(1/n₁ + 1/n₂))`;
/// - regression, Welch's large-sample test on the absolute errors (1 the challenger):
///   `z = (MAE₂ − MAE₁) / √(s₁²/n₁ + s₂²/n₂)`, `s²` the sample variance of each arm's absolute errors.
public struct ABRollout: RolloutPolicy, OnlineTest, Hashable {
    public static let info = ComponentInfo(
        family: "rollout", name: "ab",
        summary: "A/B split; promotion when a one-sided test (two proportions, or Welch on absolute errors) "
            + "says the candidate is better.",
        parameters: [ParameterInfo("split", "0.5", "candidate's share"), ParameterInfo("ticks", "14", "test period"),
                     ParameterInfo("alpha", "0.05", "significance level")])

    public var split: Double
    public var ticks: Int
    public var alpha: Double

    public init(split: Double = 0.5, ticks: Int = 14, alpha: Double = 0.05) {
        self.split = split
        self.ticks = ticks
        self.alpha = alpha
    }

    public static var examples: [Self] { [ABRollout(split: 0.5, ticks: 4, alpha: 0.05)] }

    public var onlineTest: (any OnlineTest)? { self }
    public static var defaultTicks: Int? { ABRollout().ticks }

    /// `{ab: {split: 0.5, ticks: 14, alpha: 0.05}}`.
    public static func read(_ o: [String: ConfigValue], ticks: Int, _ c: ReadContext) -> ABRollout? {
        let d = ABRollout()
        return ABRollout(split: o["split"]?.double(min: 0, max: 1, exclusiveMin: true) ?? d.split, ticks: ticks,
                         alpha: o["alpha"]?.double(min: 0, max: 0.5, exclusiveMin: true) ?? d.alpha)
    }
    public var share: Double { split }
    public var event: (kind: String, detail: String) { ("ab", "split \(split) for \(ticks) ticks") }

    public func promotes(challenger pa: Double, champion pb: Double, _ k: OnlineTestTally, task: PredictionTask,
                         table: String) -> (yes: Bool, detail: String) {
        let n1 = Double(k.challengerN), n2 = Double(k.championN)
        let z: Double
        if task.isClassification {
            let pooled = Double(k.challengerCorrect + k.championCorrect) / (n1 + n2)
            let se = (pooled * (1 - pooled) * (1 / n1 + 1 / n2)).squareRoot()
            z = se > 0 ? (pa - pb) / se : 0
        } else {
            // Welch: the champion's MAE minus the challenger's, over the unpooled standard error.
            func variance(_ sum: Double, _ squares: Double, _ n: Double) -> Double {
                n > 1 ? max(0, (squares - sum * sum / n) / (n - 1)) : 0
            }
            let se = (variance(k.challengerLoss, k.challengerLossSquares, n1) / n1
                      + variance(k.championLoss, k.championLossSquares, n2) / n2).squareRoot()
            z = se > 0 ? (pb - pa) / se : 0
        }
        let p = 0.5 * erfc(z / 2.0.squareRoot())
        func fmt(_ v: Double) -> String { NumberText.rounded(v, decimals: 4) }
        return (p < alpha, "A/B: " + table + ", z = \(fmt(z)), p = \(fmt(p))")
    }
}
