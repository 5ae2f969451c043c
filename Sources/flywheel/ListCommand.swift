import ArgumentParser
import FlywheelCore
import Learners
import Scenarios

struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "Show a scenario's top-level keys and the components it can use, with their parameters and sources.",
        discussion: """
            Without a family, shows every top-level key of a scenario file (its
            meaning and the keys it takes), then every family of components. With
            --json, prints one JSON document instead (docs/cli-json.md).

            Examples:
              flywheel list              # every key and every family
              flywheel list keys         # the top-level keys of a scenario file
              flywheel list trigger      # one family
              flywheel list --json model
            """)

    @Argument(help: "A family to show (e.g. generator, drift, trigger, model, detector), or keys.")
    var family: String?

    @Flag(name: .long, help: "Print one JSON document (keys, components) instead of text.")
    var json = false

    /// A component as `list --json` prints it.
    struct Component: Encodable {
        struct Parameter: Encodable {
            var name: String
            var `default`: String
            var doc: String
        }
        var family: String
        var name: String
        var summary: String
        var reference: String
        var parameters: [Parameter]
        var workUnit: String?
        enum CodingKeys: String, CodingKey { case family, name, summary, reference, parameters, workUnit = "work_unit" }
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(family, forKey: .family)
            try c.encode(name, forKey: .name)
            try c.encode(summary, forKey: .summary)
            try c.encode(reference, forKey: .reference)
            try c.encode(parameters, forKey: .parameters)
            try c.encode(workUnit, forKey: .workUnit)
        }
    }

    /// A top-level key as `list --json` prints it.
    struct Key: Encodable {
        var key: String
        var meaning: String
        var subKeys: [String]
        var required: Bool
        enum CodingKeys: String, CodingKey { case key, meaning, subKeys = "sub_keys", required }
    }

    struct Report: Encodable {
        var keys: [Key]
        var components: [Component]
    }

    func run() throws {
        let all = Catalog.all
        let families = all.map(\.family).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        var chosen = all
        var showKeys = true
        if let family {
            if family == "keys" || family == "key" {
                chosen = []
            } else {
                showKeys = false
                let f = family.hasSuffix("s") && !families.contains(family) ? String(family.dropLast()) : family
                chosen = all.filter { $0.family == f }
                if chosen.isEmpty {
                    throw ValidationError("no family '\(family)'; families: keys, \(families.joined(separator: ", "))")
                }
            }
        }
        let keys = showKeys ? ScenarioLoader.topLevelKeyInfo : []
        if json {
            try printJSON(
                Report(
                    keys: keys.map {
                        Key(key: $0.key, meaning: $0.meaning, subKeys: $0.subKeys, required: $0.required)
                    },
                    components: chosen.map { c in
                        Component(
                            family: c.family, name: c.name, summary: c.summary, reference: c.reference,
                            parameters: c.parameters.map {
                                .init(name: $0.name, default: $0.defaultValue, doc: $0.doc)
                            },
                            workUnit: c.family == "model" ? LearnerCatalog.workUnit(family: c.name) : nil)
                    }))
            return
        }
        if showKeys {
            print("\nscenario keys")
            for k in keys {
                print("  \(k.key)\(k.required ? " (required)" : "") — \(k.meaning)")
                if !k.subKeys.isEmpty { print("      keys: \(k.subKeys.joined(separator: ", "))") }
            }
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
