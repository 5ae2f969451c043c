import Analysis
import FlywheelCore

extension MarkdownReport {
    /// The label-free estimate scored against the truth around each drift (``EstimatorScoring``).
    static func estimateSection(_ record: RunRecord) -> String {
        let rows = EstimatorScoring.rows(record)
        guard !rows.isEmpty else { return "" }
        var out = "## Label-free accuracy estimate (CBPE) against the truth\n\n"
        out += "`estimated_accuracy` is each tick's confidence-based estimate of the served accuracy, from the model's "
            + "probabilities calibrated on its holdout (isotonic), without labels. Per drift: the mean absolute error of "
            + "the estimate in the \(EstimatorScoring.window) ticks after it settles, and the change of each series from "
            + "the \(EstimatorScoring.window) ticks before it starts to those after (mean over replicates); the estimate "
            + "moved the right way when both changes have the same sign (a change under "
            + "\(num(EstimatorScoring.still * 100)) point counts as none). It can follow a covariate shift; a concept "
            + "drift changes the truth and not the model's confidence.\n\n"
        out += "| drift | target | strategy | MAE | Δ true | Δ estimate | moved the right way |\n|---|---|---|---|---|---|---|\n"
        for r in rows {
            out += "| \(r.drift) | \(r.target) | `\(r.strategy)` | \(fixed(r.meanAbsoluteError, 3)) | "
                + "\(signed(r.truthChange)) | \(signed(r.estimateChange)) | \(r.rightWay ? "yes" : "no") |\n"
        }
        return out + "\n"
    }

    private static func signed(_ v: Double) -> String { v.isFinite ? (v >= 0 ? "+" : "") + fixed(v, 3) : "–" }
}
