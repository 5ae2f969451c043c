import Analysis
import FlywheelCore

extension MarkdownReport {
    /// The data-quality monitors read against the drift ground truth (``QualityMonitorScoring``).
    static func qualitySection(_ record: RunRecord) -> String {
        let rows = QualityMonitorScoring.rows(record)
        guard !rows.isEmpty else { return "" }
        var out = "## Data-quality monitors against the drifts\n\n"
        out += "The monitors read each tick's served inputs against the initial training data, with no labels and no "
            + "model: `quality_missing` is the largest rise, over features, of the share of missing values; "
            + "`quality_out_of_range` the largest share, over features, of values outside the training range. Per "
            + "drift: the monitor's mean outside every drift, its mean and peak during the drift, and how many ticks "
            + "after the drift's start it first exceeded the largest value it showed outside the drifts (a threshold "
            + "that would have raised no alarm outside them; mean over replicates). A quality fault or a covariate "
            + "shift moves them; a concept drift or a prior shift leaves the inputs, and so the monitors, alone.\n\n"
        out += "| monitor | drift | type | target | outside drifts | during | peak | first above the quiet maximum |\n"
        out += "|---|---|---|---|---|---|---|---|\n"
        for r in rows {
            let delay = r.delay.map { $0 == 0 ? "at its first tick" : "\($0) tick\($0 == 1 ? "" : "s") after its start" } ?? "never"
            out += "| `\(r.monitor)` | \(r.drift) | \(r.type) | \(r.target) | \(fixed(r.outside, 3)) | "
                + "\(fixed(r.during, 3)) | \(fixed(r.peak, 3)) | \(delay) |\n"
        }
        return out + "\n"
    }
}
