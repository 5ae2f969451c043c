import FlywheelCore

/// How well a label-free estimate of the served accuracy (the `estimated_accuracy` series) follows
/// the truth (the `accuracy` series, which the simulator knows) around each injected drift.
///
/// For drift d starting at tick s and settled at tick e, with L = ``window`` ticks:
/// - before: ticks [s − L, s) (not before the previous drift's end), after: ticks [e, e + L)
///   (not from the next drift's start on), both within the run;
/// - **MAE** = mean over replicates of (1/|A|) Σ_{t ∈ A} |Â_t − A_t| over the after window A;
/// - **Δ** = mean(after) − mean(before) of each series, averaged over replicates;
/// - the estimate **moved the right way** when sign(Δ estimate) = sign(Δ truth), a change
///   smaller than ``still`` counting as none.
///
/// A covariate shift (P(x) moves, P(y | x) stays) is what a calibrated estimate can follow; a
/// concept drift changes the truth while leaving the estimate where it was.
public enum EstimatorScoring {
    public static let window = 10
    /// Changes of accuracy below one point count as "did not move".
    public static let still = 0.01

    public struct Row: Hashable, Sendable {
        public var drift: Int
        public var target: String
        public var strategy: String
        public var meanAbsoluteError: Double
        public var truthChange: Double
        public var estimateChange: Double
        public var rightWay: Bool
    }

    /// The direction of a change: −1, 0 (smaller than ``still``) or +1.
    static func direction(_ x: Double) -> Int { abs(x) < still ? 0 : (x > 0 ? 1 : -1) }

    /// One row per drift and strategy of `record`; empty without the `estimated_accuracy` series.
    public static func rows(_ record: RunRecord) -> [Row] {
        let drifts = record.drifts.sorted { $0.start < $1.start }
        var out: [Row] = []
        for (k, d) in drifts.enumerated() {
            // The windows stop at the neighbouring drifts; a drift this one lies inside (a fault
            // during a periodic drift) does not bound them.
            let previousEnd = drifts[..<k].map { Int($0.end.rounded(.up)) }.filter { $0 <= Int(d.start) }.max() ?? 0
            let nextStart = drifts[(k + 1)...].map { Int($0.start) }.filter { $0 >= Int(d.end.rounded(.up)) }.min() ?? Int.max
            for name in record.strategies {
                var mae: [Double] = [], dTrue: [Double] = [], dEst: [Double] = []
                for run in record.runs(of: name) {
                    guard let est = run.values("estimated_accuracy"), let acc = run.values(record.manifest.primaryMetric)
                    else { continue }
                    let s = Int(d.start), e = Int(d.end.rounded(.up)), n = acc.count
                    // Drifts may overlap (a fault inside a periodic drift): a window that would run
                    // backwards is empty, and the drift is left out.
                    let beforeEnd = max(0, min(s, n))
                    let before = min(max(0, previousEnd, s - window), beforeEnd)..<beforeEnd
                    let afterStart = min(max(e, 0), n)
                    let after = afterStart..<max(afterStart, min(n, e + window, nextStart))
                    func mean(_ v: [Double], _ r: Range<Int>) -> Double {
                        let x = r.map { v[$0] }.filter { !$0.isNaN }
                        return x.isEmpty ? .nan : x.reduce(0, +) / Double(x.count)
                    }
                    guard !before.isEmpty, !after.isEmpty else { continue }
                    let errors = after.map { abs(est[$0] - acc[$0]) }.filter { !$0.isNaN }
                    guard !errors.isEmpty else { continue }
                    mae.append(errors.reduce(0, +) / Double(errors.count))
                    dTrue.append(mean(acc, after) - mean(acc, before))
                    dEst.append(mean(est, after) - mean(est, before))
                }
                guard !mae.isEmpty else { continue }
                func avg(_ v: [Double]) -> Double { v.reduce(0, +) / Double(v.count) }
                let t = avg(dTrue), x = avg(dEst)
                out.append(Row(drift: d.id, target: d.target, strategy: name, meanAbsoluteError: avg(mae),
                               truthChange: t, estimateChange: x, rightWay: direction(t) == direction(x)))
            }
        }
        return out
    }
}
