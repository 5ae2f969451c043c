import FlywheelCore

/// The hindsight-optimal retraining schedule of a dataset policy, by dynamic programming over its
/// age matrix.
///
/// When a strategy's training set depends only on when it trains (dataset `all`, `window`,
/// `count`; labels that do not depend on the served model; immediate rollout), the model serving
/// tick t is fully determined by the last training tick s < t. Train a model at every tick s
/// and evaluate it on every later tick: the **age matrix** gives the serving cost c(s, t) of
/// tick t under the model trained at s (errors × price, or loss × price), with s = −1 the initial
/// model. A schedule is an increasing list of training ticks s₁ < s₂ < …; its cost is
///
///   C = Σₜ c(s(t), t) + Σᵢ (train(sᵢ) + deploy),  s(t) = the last sᵢ < t (or −1),
///
/// where a model trained at s serves from s + 1. With F(s) the cheapest cost of the ticks
/// 0…s given a training at s (F(−1) = 0):
///
///   F(s′) = minₛ<ₛ′ [F(s) + Σ_{t=s+1}^{s′} c(s, t)] + train(s′) + deploy,
///   C* = minₛ [F(s) + Σ_{t>s} c(s, t)],
///
/// which no schedule of that dataset policy can beat: periodic, triggered or otherwise. Models
/// may be evaluated only up to a maximum age H (t − s ≤ H; the initial model always on every
/// tick): C* is then the optimum over schedules that never keep a retrained model longer than H.
///
/// - Complexity: O(T·H) time with prefix sums along each model's row, O(T·H) memory for the
///   matrix (given by the caller).
public struct HindsightSchedule: Hashable, Sendable {
    /// Training ticks of the optimal schedule, increasing.
    public var trainings: [Int]
    /// Its total cost (serving + trainings + deployments).
    public var cost: Double
    /// Its serving cost per tick.
    public var servingCost: [Double]

    /// The serving cost of tick `t` under the model trained at `s` (`s` = −1: the initial model),
    /// for `s < t ≤ s + maxAge` (every t for the initial model); NaN or absent elsewhere.
    public typealias AgeMatrix = (_ s: Int, _ t: Int) -> Double

    /// - Parameters:
    ///   - ticks: T.
    ///   - maxAge: H ≥ 1 (ticks a retrained model may serve); pass `ticks` for no limit.
    ///   - cost: the age matrix.
    ///   - trainCost: the price of training at tick s (fixed + per sample of that training set).
    ///   - deployCost: the price of a deployment.
    ///   - canTrain: whether a training at s is possible (e.g. labels have arrived by then).
    public static func optimal(ticks: Int, maxAge: Int, cost: AgeMatrix, trainCost: (Int) -> Double, deployCost: Double,
                               canTrain: (Int) -> Bool = { _ in true }) -> HindsightSchedule {
        precondition(ticks >= 0 && maxAge >= 1)
        guard ticks > 0 else { return HindsightSchedule(trainings: [], cost: 0, servingCost: []) }
        // Row prefix sums: prefix(s)[k] = Σ_{t=s+1}^{s+k} c(s, t).
        func prefix(_ s: Int) -> [Double] {
            let last = s < 0 ? ticks - 1 : min(ticks - 1, s + maxAge)
            var p = [0.0]
            if last > s {
                p.reserveCapacity(last - s + 1)
                for t in (s + 1)...last { p.append(p.last! + cost(s, t)) }
            }
            return p
        }
        let rows = (-1..<ticks).map(prefix)     // rows[s + 1]
        // F over s = −1 … T − 1 (index s + 1); a training at the last tick serves nothing.
        var f = [Double](repeating: .infinity, count: ticks + 1)
        var from = [Int](repeating: -2, count: ticks + 1)
        f[0] = 0
        for s2 in 0..<ticks where canTrain(s2) {
            let extra = trainCost(s2) + deployCost
            var best = Double.infinity, arg = -2
            // The initial model has no age limit; a retrained one serves at most maxAge ticks.
            for s in [-1] + Array(max(0, s2 - maxAge)..<s2) where f[s + 1].isFinite {
                let row = rows[s + 1]
                let k = s2 - s
                guard k < row.count else { continue }
                let v = f[s + 1] + row[k]
                if v < best { best = v; arg = s }
            }
            if arg >= -1 { f[s2 + 1] = best + extra; from[s2 + 1] = arg }
        }
        var best = Double.infinity, last = -2
        for s in -1..<ticks where f[s + 1].isFinite {
            let row = rows[s + 1]
            let k = ticks - 1 - s
            guard k < row.count else { continue }   // the model would serve past its maximum age
            let v = f[s + 1] + row[k]
            if v < best { best = v; last = s }
        }
        var trainings: [Int] = []
        var s = last
        while s >= 0 { trainings.append(s); s = from[s + 1] }
        trainings.reverse()
        var serving = [Double](repeating: 0, count: ticks)
        var model = -1, next = 0
        for t in 0..<ticks {
            serving[t] = cost(model, t)
            if next < trainings.count, trainings[next] == t { model = t; next += 1 }
        }
        return HindsightSchedule(trainings: trainings, cost: best, servingCost: serving)
    }

    /// The cost of a given schedule on the same matrix (for regret and for tests); +∞ when a
    /// model would serve past its maximum age.
    public static func cost(of trainings: [Int], ticks: Int, maxAge: Int, cost: AgeMatrix, trainCost: (Int) -> Double,
                            deployCost: Double) -> Double {
        var total = 0.0, model = -1, next = 0
        for t in 0..<ticks {
            if model >= 0, t - model > maxAge { return .infinity }
            total += cost(model, t)
            if next < trainings.count, trainings[next] == t {
                total += trainCost(t) + deployCost
                model = t
                next += 1
            }
        }
        return total
    }
}
