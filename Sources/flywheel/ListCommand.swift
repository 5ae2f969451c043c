import ArgumentParser
import FlywheelCore
import Learners
import Scenarios

struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "Show the components a scenario can use, with their parameters and sources.",
        discussion: """
        Examples:
          flywheel list              # every family
          flywheel list trigger      # one family
        """)

    @Argument(help: "A family to show (e.g. generator, drift, trigger, model, detector).")
    var family: String?

    func run() throws {
        let all = Catalog.all
        let families = all.map(\.family).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        var chosen = all
        if let family {
            let f = family.hasSuffix("s") && !families.contains(family) ? String(family.dropLast()) : family
            chosen = all.filter { $0.family == f }
            if chosen.isEmpty { throw ValidationError("no family '\(family)'; families: \(families.joined(separator: ", "))") }
        }
        var last = ""
        for c in chosen {
            if c.family != last { print("\n\(c.family)"); last = c.family }
            print("  \(c.name) — \(c.summary)")
            if !c.reference.isEmpty { print("      source: \(c.reference)") }
            for p in c.parameters { print("      \(p.name) (default \(p.defaultValue)): \(p.doc)") }
            if c.family == "model", let unit = LearnerCatalog.workUnit(family: c.name) {
                print("      work measure (priced by costs.retrain_per_unit): \(unit)")
            }
        }
    }
}
