import FlywheelCore

/// When at least `labels` new labels have arrived since the last training.
public struct VolumeTrigger: StatelessTrigger, Hashable {
    public static let info = ComponentInfo(
        family: "trigger", name: "volume", summary: "Retrain when N new labels have arrived since the last training.",
        parameters: [ParameterInfo("labels", "—", "number of new labels")])

    public var labels: Int

    public init(labels: Int) { self.labels = labels }

    public static var keys: [String] { ["volume"] }

    /// `{volume: 2000}`: a count of labels.
    public static func read(_ key: String, _ v: ConfigValue, _ c: ReadContext) -> VolumeTrigger? {
        let labels = v.count(min: 1, unit: "labels")
        c.warnBeyondEvents(labels, at: v, "the trigger never fires")
        return labels.map { VolumeTrigger(labels: $0) }
    }

    public static var examples: [Self] { [VolumeTrigger(labels: 100)] }

    public var expectedTrainingsPerTick: Double { 0.1 }
    public func fires(_ o: TriggerObservation) -> Bool { o.newLabels >= labels }
}
