import Analysis
import FlywheelCore
import Foundation

extension MarkdownReport {
    /// "Strategies under test": one row per strategy, one column per role, each cell the
    /// component and every parameter value it used. Empty without settings.
    static func strategiesSection(_ record: RunRecord, _ settings: [StrategySetting]) -> String {
        guard !settings.isEmpty else { return "" }
        let roles = StrategySetting.roles.filter { role in settings.contains { $0.role == role } }
        var out = "## Strategies under test\n\n"
        out += "Each strategy's components as the run used them, every parameter with its value (defaults filled in; "
        let clock = record.manifest.clock
        out +=
            clock.rowsPerTick == nil
            ? "durations written in the unit of the \(clock.tick) tick).\n\n"
            : "durations in ticks of \(clock.tickText)).\n\n"
        out += "| strategy | " + roles.joined(separator: " | ") + " |\n"
        out += "|---|" + String(repeating: "---|", count: roles.count) + "\n"
        for name in record.strategies {
            let cells = roles.map { role -> String in
                guard let s = settings.first(where: { $0.strategy == name && $0.role == role }) else { return "–" }
                let params = s.parameters.isEmpty ? "" : " " + s.parametersText
                return cell("`\(s.component)`" + params)
            }
            out += "| `\(name)` | " + cells.joined(separator: " | ") + " |\n"
        }
        return out + "\n"
    }

    /// A table cell: `|` escaped.
    static func cell(_ s: String) -> String { s.replacingOccurrences(of: "|", with: "\\|") }
}
