import FlywheelCore

/// A change detector over a numeric stream (an error stream of 0/1 values, or any real values).
///
/// After `update(_:)`, `driftDetected` and `warningDetected` say what the detector concluded
/// about the stream so far. Conventions follow River: a detector that flagged a drift resets its
/// state at the start of the next update (unless documented otherwise, e.g. ADWIN in MOA mode).
public protocol DriftDetector {
    /// Feeds one value.
    mutating func update(_ value: Double)
    /// True when the last update found a drift.
    var driftDetected: Bool { get }
    /// True when the last update raised a warning (false for detectors without a warning zone).
    var warningDetected: Bool { get }
    /// Forgets everything seen so far.
    mutating func reset()
}
