import ArgumentParser
import FlywheelCore
import Foundation
import Scenarios
import Workbench

struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Join the shard databases of one sweep and write the sweep's outputs.",
        discussion: """
        Each DB is a sweep.sqlite file or a folder holding one. All must come from
        the same sweep (scenario text, seed, replicates, version); a cell found in
        several must agree. OUT gets the merged sweep.sqlite and, when every cell
        is present, the sweep's CSVs, figures and report. With cells still
        missing, rerun `flywheel sweep SCENARIO --out OUT` to finish them. OUT is
        replaced only when Flywheel wrote it (or it is absent or empty), and it
        is locked while merge writes, as for `flywheel run`.

        Example:
          flywheel merge results/retrain-frequency shards/1 shards/2 shards/3
        """)

    @Argument(help: "Output folder.")
    var out: String

    @Argument(help: "Shard databases (sweep.sqlite files or folders).")
    var databases: [String]

    @Flag(name: .long, help: "Print nothing but errors.")
    var quiet = false

    func validate() throws {
        if databases.isEmpty { throw ValidationError("name at least one shard database") }
    }

    func run() throws {
        try exitingOnError {
            let interrupt = InterruptCleanup.shared
            defer { interrupt.watch(nil) }
            let outputs = try Workbench.mergeSweeps(databases, outDirectory: out, staging: { interrupt.watch($0) })
            if !quiet {
                print("merged \(databases.count) database\(databases.count == 1 ? "" : "s") into \(outputs.database)")
                if let a = outputs.analysis {
                    print("  recommended: \(a.recommended.strategy), total cost " + String(format: "%.1f", a.recommended.totalCost.mean))
                    print("results: \(outputs.directory)/ (\(outputs.files.joined(separator: ", ")))")
                }
            }
            if !outputs.missing.isEmpty {
                printError("error: \(outputs.missing.count) strategies have no results (first: \(outputs.missing[0])); merge the other shards, or run `flywheel sweep SCENARIO --out \(out)` to finish them")
                throw ExitCode(1)
            }
        }
    }
}
