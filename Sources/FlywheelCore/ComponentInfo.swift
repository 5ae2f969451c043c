/// The default of a component's parameter, typed: what a component reads when a scenario leaves
/// the parameter out (``ParameterReader``), and what `flywheel list` shows.
public enum ParameterDefault: Hashable, Sendable {
    case real(Double)
    case whole(Int)
    /// 0 or 1.
    case flag(Bool)
    /// One of named choices, read as its index (`solver: newton` is 0).
    case choice([String], Int)
    /// No numeric default: required, or derived at run time (`scenario seed`, `all`).
    case none

    /// The default as the number a component reads; nil for ``none``.
    public var number: Double? {
        switch self {
        case .real(let v): return v
        case .whole(let i): return Double(i)
        case .flag(let b): return b ? 1 : 0
        case .choice(_, let i): return Double(i)
        case .none: return nil
        }
    }

    /// The text `flywheel list` shows for it.
    public var text: String {
        switch self {
        case .real(let v): return String(v)
        case .whole(let i): return String(i)
        case .flag(let b): return b ? "1" : "0"
        case .choice(let names, let i): return names[i]
        case .none: return "—"
        }
    }
}

/// A parameter of a component, as `flywheel list` documents it.
public struct ParameterInfo: Hashable, Sendable {
    public var name: String
    /// The default as `flywheel list` shows it.
    public var defaultValue: String
    public var doc: String
    /// The default a component reads (``ParameterDefault/none`` for parameters that are not numbers).
    public var value: ParameterDefault

    /// A parameter whose default is only described (`"—"`, `"all"`, `"scenario seed"`).
    public init(_ name: String, _ defaultValue: String, _ doc: String) {
        self.name = name
        self.defaultValue = defaultValue
        self.doc = doc
        value = .none
    }

    /// A parameter with a typed default, shown as `shown` or as the default's own text.
    public init(_ name: String, _ value: ParameterDefault, _ doc: String, shown: String? = nil) {
        self.name = name
        self.value = value
        self.doc = doc
        defaultValue = shown ?? value.text
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

    /// The numeric default of parameter `name`, for a component's Swift initialiser (so that it is
    /// stated once, in the info). A name without a numeric default is a programming error.
    public func defaultNumber(_ name: String) -> Double {
        guard let v = parameters.first(where: { $0.name == name })?.value.number else {
            preconditionFailure("\(self.name) has no numeric default for '\(name)'")
        }
        return v
    }

    /// ``defaultNumber(_:)`` as a whole number.
    public func defaultWhole(_ name: String) -> Int { Int(defaultNumber(name)) }
}
