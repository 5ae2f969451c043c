import Foundation

/// One role of one strategy as the run configured it: the component and every parameter it used,
/// defaults filled in (the report's "Strategies under test" table and `run.sqlite`'s
/// `strategy_config`).
public struct StrategySetting: Hashable, Sendable {
    /// A parameter and its value as text (`every` = `7d`).
    public struct Parameter: Hashable, Sendable {
        public var name: String
        public var value: String
        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    public var strategy: String
    /// `trigger`, `dataset`, `model`, `labels`, `logging`, `gate`, `rollout` or `training`
    /// (``roles``).
    public var role: String
    /// The component's name in scenarios (`every`, `window`, `logistic_regression`…).
    public var component: String
    public var parameters: [Parameter]

    public init(strategy: String, role: String, component: String, parameters: [Parameter]) {
        self.strategy = strategy
        self.role = role
        self.component = component
        self.parameters = parameters
    }

    /// The roles, in the order the table shows them.
    public static let roles = ["trigger", "dataset", "model", "labels", "logging", "gate", "rollout", "training"]

    /// The canonical text of the parameters: `k=v, k=v` in the component's order (a value holds
    /// no `, ` outside brackets: nested lists use `; `).
    public var parametersText: String { parameters.map { "\($0.name)=\($0.value)" }.joined(separator: ", ") }

    /// The parameters of a canonical text (``parametersText``): split at `, ` outside brackets,
    /// each at its first `=`; nil when an entry has no `=`.
    public static func parameters(parsing text: String) -> [Parameter]? {
        guard !text.isEmpty else { return [] }
        var entries: [String] = [], current = "", depth = 0
        var chars = Array(text)[...]
        while let c = chars.first {
            chars = chars.dropFirst()
            if c == "(" || c == "[" || c == "{" { depth += 1 }
            if c == ")" || c == "]" || c == "}" { depth -= 1 }
            if c == ",", depth == 0, chars.first == " " {
                entries.append(current)
                current = ""
                chars = chars.dropFirst()
                continue
            }
            current.append(c)
        }
        entries.append(current)
        var out: [Parameter] = []
        for e in entries {
            guard let eq = e.firstIndex(of: "=") else { return nil }
            out.append(Parameter(String(e[..<eq]), String(e[e.index(after: eq)...])))
        }
        return out
    }

    /// The value of parameter `name`, if the component has it.
    public func value(_ name: String) -> String? { parameters.first { $0.name == name }?.value }
}
