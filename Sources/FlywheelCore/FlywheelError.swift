/// Where in an input file a problem is.
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int = 0) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String { column > 0 ? "\(file):\(line):\(column)" : "\(file):\(line)" }
}

/// An error a person can act on: what is wrong, where (file, line, key), and how to fix it.
public struct FlywheelError: Error, Hashable, Sendable, CustomStringConvertible {
    public var location: SourceLocation?
    /// The key path inside a scenario, e.g. `strategies[2].trigger.every`.
    public var keyPath: String?
    public var message: String
    public var hint: String?

    public init(_ message: String, at location: SourceLocation? = nil, key keyPath: String? = nil, hint: String? = nil) {
        self.message = message
        self.location = location
        self.keyPath = keyPath
        self.hint = hint
    }

    public var description: String {
        var s = ""
        if let location { s += "\(location): " }
        if let keyPath, !keyPath.isEmpty { s += "\(keyPath): " }
        s += message
        if let hint { s += " (\(hint))" }
        return s
    }
}

/// Several problems found at once (scenario validation reports every one).
public struct FlywheelErrors: Error, Sendable, CustomStringConvertible {
    public var errors: [FlywheelError]
    /// Warnings found alongside the errors (values that are accepted but wasted).
    public var warnings: [FlywheelError]
    public init(_ errors: [FlywheelError], warnings: [FlywheelError] = []) {
        self.errors = errors
        self.warnings = warnings
    }
    /// The errors, one a line (the warnings are printed apart: ``warningDescription``).
    public var description: String { errors.map { "error: \($0)" }.joined(separator: "\n") }
    /// The warnings, one a line (empty when there are none).
    public var warningDescription: String { warnings.map { "warning: \($0)" }.joined(separator: "\n") }
}
