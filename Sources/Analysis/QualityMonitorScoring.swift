import FlywheelCore

/// The data-quality monitors (`quality_missing`, `quality_out_of_range`) read against the drift
/// ground truth: how far each series rises during a drift above its level outside every drift, and
/// how soon it first exceeds everything it showed outside the drifts (a threshold no false alarm
/// outside the drifts would have crossed). The monitors read the served inputs only, the same
/// traffic for every strategy, so one strategy's series serve (replicates averaged).
public enum QualityMonitorScoring {
    public struct Row: Hashable, Sendable {
        public var monitor: String
        public var drift: Int
        public var type: String
        public var target: String
        /// Mean of the series over the ticks outside every drift.
        public var outside: Double
        /// Mean over the drift's ticks [start, end) (its first tick for an instantaneous drift),
        /// the ticks of a shorter drift inside it left out.
        public var during: Double
        /// Largest value over the drift's ticks.
        public var peak: Double
        /// Ticks from the drift's start to the first tick above the largest value outside every
        /// drift; nil when the series never gets there during the drift.
        public var delay: Int?
    }

    public static let monitors = ["quality_missing", "quality_out_of_range"]

    /// One row per monitor recorded in `record` and drift; empty without a monitor series.
    public static func rows(_ record: RunRecord) -> [Row] {
        guard let first = record.strategies.first else { return [] }
        let runs = record.runs(of: first)
        var out: [Row] = []
        for monitor in monitors {
            let series = runs.compactMap { $0.values(monitor) }
            guard let n = series.first?.count, n > 0 else { continue }
            var mean = [Double](repeating: 0, count: n)
            for t in 0..<n {
                let x = series.map { $0[t] }.filter { !$0.isNaN }
                mean[t] = x.isEmpty ? .nan : x.reduce(0, +) / Double(x.count)
            }
            let spans = record.drifts.map { d -> Range<Int> in
                let lo = max(0, Int(d.start))
                return lo..<max(lo + 1, Int(d.end.rounded(.up)))
            }
            let outsideTicks = (0..<n).filter { t in !spans.contains { $0.contains(t) } && !mean[t].isNaN }
            let outside = outsideTicks.map { mean[$0] }
            let quiet = outside.isEmpty ? .nan : outside.reduce(0, +) / Double(outside.count)
            let ceiling = outside.max() ?? 0
            for (k, (d, span)) in zip(record.drifts, spans).enumerated().sorted(by: { $0.1.0.start < $1.1.0.start }) {
                // A shorter drift inside this one (a fault during a periodic drift) keeps its ticks.
                let inner = spans.enumerated().filter { $0.offset != k && $0.element.count < span.count }.map(\.element)
                let ticks = span.clamped(to: 0..<n).filter { t in !mean[t].isNaN && !inner.contains { $0.contains(t) } }
                guard !ticks.isEmpty, span.lowerBound < n else { continue }
                let values = ticks.map { mean[$0] }
                let firstAbove = ticks.first { mean[$0] > ceiling }
                out.append(Row(monitor: monitor, drift: d.id, type: d.type, target: d.target, outside: quiet,
                               during: values.reduce(0, +) / Double(values.count), peak: values.max() ?? .nan,
                               delay: firstAbove.map { $0 - span.lowerBound }))
            }
        }
        return out
    }
}
