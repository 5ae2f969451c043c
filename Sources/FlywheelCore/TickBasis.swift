import Foundation

/// What the ticks of a run are, so that reports, CSV files and figures say it and invent no time.
///
/// - `synthetic`: a generated stream's clock, ticks of ``Clock/tick`` from ``Clock/start``
///   (`clock.start`, 2024-01-01 by default): the times are the scenario's own making.
/// - `fileTime`: a replay grouped by time: tick `k` covers `[start + k·tick, start + (k+1)·tick)`
///   of the file's own timestamps.
/// - `rows(n, first:last:)`: a replay grouped by `n` rows: a tick has no length in time, and no
///   tick has a time of its own in the outputs. `first` and `last` are the timestamps of the first
///   and last scored rows when the file has a timestamp column (nil without one).
public enum TickBasis: Hashable, Sendable {
    case synthetic
    case fileTime
    case rows(Int, first: Int64?, last: Int64?)

    /// The manifest spelling: `synthetic`, `file_time` or `rows`.
    public var name: String {
        switch self {
        case .synthetic: return "synthetic"
        case .fileTime: return "file_time"
        case .rows: return "rows"
        }
    }
}

extension Clock {
    /// The rows in a tick when ticks are row counts (nil when a tick is a span of time).
    public var rowsPerTick: Int? {
        if case .rows(let n, _, _) = basis { return n }
        return nil
    }

    /// Whether tick times are real: the replayed file's own (ticks grouped by time).
    public var hasFileTimes: Bool { basis == .fileTime }

    /// Whether a tick has a start time to write: every clock but one of row counts.
    public var hasTickTimes: Bool { rowsPerTick == nil }

    /// What one tick is, as outputs say it: `1d` or `30 rows`.
    public var tickText: String { rowsPerTick.map { "\($0) rows" } ?? tick.description }

    /// The ISO 8601 start of tick `t`, or nil when ticks are row counts (a tick has no time).
    public func tickTime(_ t: Int) -> String? { hasTickTimes ? time(ofTick: t) : nil }

    /// The run's length with what its ticks are, for a report's horizon line:
    /// - `180 ticks of 1d on a synthetic clock (2024-01-01T00:00:00Z – 2024-06-29T00:00:00Z)`
    /// - `594 ticks of 1d of the file's timestamps (… – …)`
    /// - `594 ticks of 30 rows (the rows' timestamps run from … to …)`, or `594 ticks of 30 rows
    ///   (the file has no timestamp column: ticks have no time)`.
    public var horizonText: String {
        let head = "\(ticks) ticks of \(tickText)"
        switch basis {
        case .synthetic:
            return "\(head) on a synthetic clock (\(time(ofTick: 0)) – \(time(ofTick: ticks)))"
        case .fileTime:
            return "\(head) of the file's timestamps (\(time(ofTick: 0)) – \(time(ofTick: ticks)))"
        case .rows(_, let first?, let last?):
            return "\(head) (the scored rows' timestamps run from \(ISOTime.format(first)) to \(ISOTime.format(last)))"
        case .rows:
            return "\(head) (the file has no timestamp column: ticks have no time)"
        }
    }
}
