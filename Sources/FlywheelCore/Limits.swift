/// The ranges every duration, count and magnitude of a scenario must fall in, shared by the
/// scenario reader, the replay and the command line so that each limit is stated once.
///
/// The rule: a value that cannot be carried out (beyond these limits, not a number, an empty
/// name) is refused with its range and unit; a value that is merely wasted in one scenario (a
/// window longer than the run, a drift that starts after it) is accepted with a warning.
public enum Limits {
    /// The longest horizon, and so the longest duration anywhere in a scenario: 10,000,000 ticks.
    public static let maxTicks = 10_000_000
    /// Events in one tick (synthetic `events_per_tick`, and the largest tick a volume profile reaches).
    public static let maxEventsPerTick = 100_000_000
    /// Replicates, in the scenario or on the command line (`--replicates`).
    public static let maxReplicates = 10_000
    /// Counts of events, labels or rows (budgets, dataset sizes, trigger volumes): 10¹².
    public static let maxCount = 1_000_000_000_000
    /// Largest magnitude of a value injected into features (a shift, a scale factor, a stuck
    /// value): beyond it squares and sums of features leave double precision.
    public static let maxMagnitude = 1e12
    /// Largest price of one unit in the cost model (an error, a label, a training, a sample, a
    /// deployment, a rollback).
    public static let maxCost = 1e15
    /// Classes of a classification stream: above ``warnClasses`` a warning, above ``maxClasses``
    /// an error (a multinomial fit's cost grows with the square of the classes).
    public static let warnClasses = 50
    public static let maxClasses = 1_000
    /// Rows per side of an MMD window (the drift trigger's `rows`, `flywheel distance --metric
    /// mmd`): the estimate costs O((2·rows)²) kernel evaluations and the median heuristic keeps
    /// (2·rows)²/2 distances, so 1,000 rows take about 2 million of each and 16 MB.
    public static let maxMMDRows = 1_000
    /// The latest time a clock may reach, 9999-12-31T23:59:59Z: times are written in ISO 8601
    /// with four-digit years.
    public static let latestTime: Int64 = 253_402_300_799

    /// `"20000 is out of range: must be ≤ 10000 replicates"`: the message of every range check,
    /// in a scenario and on the command line.
    public static func outOfRange(_ written: String, min lo: Int?, max hi: Int?, unit: String?) -> String {
        let u = unit.map { " \($0)" } ?? ""
        if let hi { return "\(written) is out of range: must be ≤ \(hi)\(u)" }
        if let lo { return "\(written) is out of range: must be ≥ \(lo)\(u)" }
        return "\(written) is out of range"
    }

    /// `12345678` as `12,345,678`, for messages.
    public static func grouped(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return n < 0 ? "-" + out : out
    }
}

extension Clock {
    /// Seconds since the epoch at which the last tick ends (`start + ticks × tick`), or nil when
    /// that does not fit in 64 bits.
    public var end: Int64? {
        let (span, o1) = tick.seconds.multipliedReportingOverflow(by: Int64(ticks))
        let (end, o2) = start.addingReportingOverflow(span)
        return o1 || o2 ? nil : end
    }
}
