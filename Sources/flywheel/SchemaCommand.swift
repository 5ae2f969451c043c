import ArgumentParser
import FlywheelCore
import Foundation
import Scenarios
import Storage

/// `flywheel schema`: the JSON Schema of scenario files, for editors.
struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print the JSON Schema (draft 2020-12) of scenario files, for editors that complete and check YAML.",
        discussion: """
            The schema is generated from the registries the loader reads (every
            component name as an enum, every parameter with its type and default),
            so it lists exactly what this version accepts. It checks structure; the
            loader still checks values against each other (`flywheel validate`).
            VS Code's YAML extension reads it from a first line such as
              # yaml-language-server: $schema=flywheel-scenario.schema.json
            (a path relative to the scenario file, or an absolute one). Writes to
            standard output, or with -o FILE to a file (-o - is standard output).

            Examples:
              flywheel schema -o flywheel-scenario.schema.json
              flywheel schema | jq '.properties | keys'
            """)

    @Option(
        name: [.customShort("o"), .long],
        help: ArgumentHelp(
            "File to write (default, or -: standard output).",
            valueName: "file"))
    var output: String?

    func run() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        var data = try encoder.encode(ScenarioSchema.document)
        data.append(contentsOf: Array("\n".utf8))
        guard let output, output != "-" else {
            FileHandle.standardOutput.write(data)
            return
        }
        try exitingOnError {
            let file = try AtomicFile(output)
            do {
                try file.write(String(decoding: data, as: UTF8.self))
                try file.commit()
            } catch {
                file.abandon()
                throw error
            }
        }
    }
}
