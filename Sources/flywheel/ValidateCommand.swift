import ArgumentParser
import FlywheelCore
import Foundation
import Scenarios

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check scenario files and report every problem with file, line, key and a suggestion.",
        discussion: """
        Exits 0 when every file is valid, 2 otherwise.

        Examples:
          flywheel validate scenarios/quickstart.yaml
          flywheel validate scenarios/*.yaml
        """)

    @Argument(help: "Scenario files.")
    var files: [String]

    @OptionGroup var dataHome: DataHomeOption

    func run() throws {
        dataHome.apply()
        var bad = 0
        for file in files {
            do {
                let s = try ScenarioLoader.load(path: file)
                print("\(file): ok (\(s.name): \(s.plan.strategies.count) strategies, \(s.plan.manifest.clock.ticks) ticks, \(s.plan.manifest.replicates) replicates)")
            } catch let e as FlywheelErrors {
                bad += 1
                print(e.description)
                print("\(file): \(e.errors.count) problem\(e.errors.count == 1 ? "" : "s")")
            }
        }
        if bad > 0 { throw ExitCode(2) }
    }
}
