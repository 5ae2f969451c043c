/// A labelled position on an axis chosen by the caller instead of nice numbers: calendar dates
/// on a time axis (a day, a month, a year), at their x in the chart's data units.
public struct AxisTick: Sendable, Equatable {
    public var value: Double
    public var label: String

    public init(value: Double, label: String) {
        self.value = value
        self.label = label
    }

    /// The positions and labels of an x axis: the caller's ticks when given (those inside the
    /// axis domain `lo...hi`), else the nice ticks of `scale`.
    static func axis(_ custom: [AxisTick]?, scale: NiceScale, ticks: [Double], lo: Double,
                     hi: Double) -> (ticks: [Double], labels: [String]) {
        guard let custom else { return (ticks, ticks.map { scale.label($0) }) }
        let inside = custom.filter { $0.value >= lo && $0.value <= hi }
        return (inside.map(\.value), inside.map(\.label))
    }
}
