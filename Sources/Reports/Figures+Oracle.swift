import Analysis
import FlywheelCore
import Plots

/// The oracle's curve on the decay figure: its served metric per tick (mean over replicates) and
/// the ticks at which replicate 0's optimal models go live.
public struct OracleCurve: Sendable {
    public var name: String
    public var metric: [Double]
    public var trainings: [Int]
    public init(name: String, metric: [Double], trainings: [Int]) {
        self.name = name
        self.metric = metric
        self.trainings = trainings
    }
}

extension Figures {
    /// The age matrix as a heatmap: the served metric of the model trained at tick s (row) on tick
    /// t (column), averaged over replicates and over bins of ticks (at most `bins` × `bins` cells),
    /// Modyn's evaluation-matrix view of the decay of every model at once. `metric(r, s, t)` is NaN
    /// where a model does not serve (t ≤ s, or beyond its maximum age); s = −1 is the initial model.
    public static func ageMatrix(_ record: RunRecord, strategy: String, replicates: Int, ticks: Int, bins: Int = 24,
                                 metric: (Int, Int, Int) -> Double) -> Figure {
        let width = max(1, (ticks + bins - 1) / max(bins, 1))
        let groups = stride(from: 0, to: ticks, by: width).map { $0..<min(ticks, $0 + width) }
        func label(_ g: Range<Int>) -> String { g.count == 1 ? "\(g.lowerBound)" : "\(g.lowerBound)–\(g.upperBound - 1)" }
        var values: [[Double]] = []
        let rows: [Range<Int>] = [(-1)..<0] + groups
        for rg in rows {
            var row: [Double] = []
            for cg in groups {
                var sum = 0.0, n = 0.0
                for s in rg { for t in cg where t > s { for r in 0..<replicates {
                    let v = metric(r, s, t)
                    if v.isFinite { sum += v; n += 1 }
                } } }
                row.append(n > 0 ? sum / n : .nan)
            }
            values.append(row)
        }
        let name = record.manifest.primaryMetric
        let map = Heatmap(title: "\(record.manifest.scenarioName): age matrix of '\(strategy)'s dataset policy",
                          rowAxisLabel: "training tick (model live from the next)", columnAxisLabel: "evaluation tick",
                          valueLabel: "mean \(name)", rowLabels: ["initial"] + groups.map(label),
                          columnLabels: groups.map(label), values: values,
                          best: record.manifest.task.higherIsBetter ? .max : .min)
        let caption = "Age matrix: \(name) of the model trained at each tick (rows, the initial model first) on every later "
            + "tick (columns) up to its maximum age, mean over \(replicates) replicate\(replicates == 1 ? "" : "s")"
            + (width > 1 ? " and over bins of \(width) ticks" : "") + "; grey: the model does not serve there"
        return Figure(file: "age-matrix.svg", caption: caption, svg: map.svg())
    }
}
