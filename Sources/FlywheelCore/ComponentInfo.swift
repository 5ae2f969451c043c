/// A parameter of a component, as `flywheel list` documents it.
public struct ParameterInfo: Hashable, Sendable {
    public var name: String
    public var defaultValue: String
    public var doc: String
    public init(_ name: String, _ defaultValue: String, _ doc: String) {
        self.name = name
        self.defaultValue = defaultValue
        self.doc = doc
    }
}

/// A component a scenario can name (a generator, a detector, a trigger…), for `flywheel list`.
public struct ComponentInfo: Hashable, Sendable {
    /// The family: `generator`, `drift`, `detector`, `distance`, `trigger`, `model`, `dataset`, …
    public var family: String
    /// The name a scenario uses.
    public var name: String
    public var summary: String
    public var parameters: [ParameterInfo]
    /// The paper or source the implementation follows.
    public var reference: String

    public init(family: String, name: String, summary: String, parameters: [ParameterInfo] = [], reference: String = "") {
        self.family = family
        self.name = name
        self.summary = summary
        self.parameters = parameters
        self.reference = reference
    }
}
