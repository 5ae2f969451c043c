/// One training of a strategy, with its measured wall time: a job's fit, or a tick's online
/// update. Wall times vary from run to run, so they go to `run.sqlite`'s `training_time` table
/// only, never into a CSV (whose bytes must not depend on the machine).
public struct TrainingTime: Sendable, Hashable {
    public var tick: Int
    /// Rows trained on (a job's fit set; the labels an online update learnt).
    public var rows: Int
    /// The family's deterministic work measure of the training (`MeasuredWork`).
    public var workUnits: Double
    /// Wall time of the fit or update, in seconds (monotonic clock).
    public var seconds: Double

    public init(tick: Int, rows: Int, workUnits: Double, seconds: Double) {
        self.tick = tick
        self.rows = rows
        self.workUnits = workUnits
        self.seconds = seconds
    }
}
