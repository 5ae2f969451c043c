import FlywheelCore
import Yams

/// The scenario reader's cursor: a ``ConfigValue`` on the YAML read into ``ConfigNode``s.
typealias YAMLValue = ConfigValue

extension ConfigNode {
    /// The YAML node as a configuration tree, keeping each node's line and column and the tag as
    /// written (aliases are resolved by the composer; one left over reads as the text `*`).
    init(_ node: Yams.Node) {
        func mark(_ m: Yams.Mark?) -> ConfigNode.Mark? { m.map { ConfigNode.Mark(line: $0.line, column: $0.column) } }
        switch node {
        case .scalar(let s):
            self = .scalar(Scalar(s.string, tag: s.tag.rawValue, plain: s.style == .plain, mark: mark(s.mark)))
        case .mapping(let m):
            self = .mapping(m.map { (key: ConfigNode($0.key), value: ConfigNode($0.value)) }, tag: m.tag.rawValue, mark: mark(m.mark))
        case .sequence(let s):
            self = .sequence(s.map(ConfigNode.init), tag: s.tag.rawValue, mark: mark(s.mark))
        case .alias:
            self = .scalar(Scalar("*"))
        }
    }
}
