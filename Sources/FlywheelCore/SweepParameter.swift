/// One swept parameter of a sweep: a key path in the strategy mapping (e.g. `trigger.every`) and
/// the values it takes, as written in the scenario.
public struct SweepParameter: Sendable, Hashable, Codable {
    public var keyPath: String
    public var values: [String]

    public init(keyPath: String, values: [String]) {
        self.keyPath = keyPath
        self.values = values
    }
}
