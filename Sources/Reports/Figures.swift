import Analysis
import FlywheelCore
import Plots

/// An SVG figure of a run.
public struct Figure: Sendable {
    public var file: String
    public var caption: String
    public var svg: String
}

/// The figures every run report carries, drawn from the finished run record.
public enum Figures {
    public static func all(_ record: RunRecord, summaries: [StrategySummary]) -> [Figure] {
        []
    }
}
