import ArgumentParser
import FlywheelCore
import Foundation
import Scenarios
import Workbench

struct OracleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "oracle",
        abstract: "Run a scenario with its hindsight-optimal schedule: the oracle's cost, trainings and every strategy's regret.",
        discussion: """
        The scenario names the strategy whose dataset policy the oracle optimises
        in its oracle: section, e.g. oracle: {strategy: every-7d, max_age: 60d}.
        For every replicate Flywheel trains a model at every tick on the data that
        strategy would have had then (T trainings) and evaluates it on every later
        tick up to max_age (T·H tick evaluations): the age matrix. Dynamic
        programming over it gives the schedule of least total cost (errors,
        labels, trainings, deployments) in hindsight. Writes everything `flywheel
        run` writes, plus oracle.csv, age-matrix.svg, the oracle on decay.svg and
        the report's section on the hindsight-optimal schedule; prints each
        strategy's regret to the oracle, paired on the same traffic.

        Examples:
          flywheel oracle scenarios/quickstart.yaml
          flywheel oracle scenarios/trigger-shootout.yaml --out /tmp/oracle --threads 2
        """)

    @Argument(help: ArgumentHelp("Scenario file (YAML; - for standard input) with an oracle: section. "
                                 + "Omit for the built-in quickstart."))
    var scenario: String?

    @Option(name: [.customShort("o"), .long], help: ArgumentHelp(
        "Output folder (default: results/<slug of the scenario name>); not - (the output is a folder).",
        valueName: "folder"))
    var out: String?

    @Option(name: .long, help: "Override the scenario's seed.")
    var seed: UInt64?

    @Option(name: .long, help: "Override the scenario's number of replicates.")
    var replicates: Int?

    @OptionGroup var execution: ExecutionOptions
    @OptionGroup var dataHome: DataHomeOption
    @OptionGroup var memory: MemoryLimitOption

    func validate() throws {
        if let replicates, let problem = ScenarioLoader.replicatesProblem(replicates) { throw ValidationError(problem) }
        try refuseStandardOutput(out, command: "oracle", writes: "everything `flywheel run` writes, and oracle.csv")
    }

    func run() throws {
        dataHome.apply()
        let loaded = try loadScenario(scenario, seed: seed, replicates: replicates, memoryLimit: memory.bytes,
                                      quiet: execution.quiet)
        guard loaded.plan.oracle != nil else {
            let named = scenario.map(CommandInput.name) ?? "the built-in quickstart"
            throw CommandFailure("\(named) has no oracle: section (add oracle: {strategy: NAME, max_age: 60d})",
                                 status: ExitStatus.invalidScenario)
        }
        let dir = try out ?? defaultFolder(loaded.name)
        let interrupt = InterruptCleanup.shared
        try exitingOnError {
            let outputs = try Workbench.run(loaded, outDirectory: dir, followSymlink: out != nil, threads: execution.threads,
                                            chunkBytes: execution.chunkBytes, staging: { interrupt.watch($0) })
            guard !execution.quiet, let oracle = outputs.oracle else { return }
            // Timing goes to standard error: standard output stays the same for the same scenario.
            printError("simulated in \(String(format: "%.2f", outputs.seconds)) s, of which the oracle "
                       + "\(String(format: "%.2f", outputs.oracleSeconds)) s")
            let costs = oracle.replicates.map(\.cost)
            let mean = costs.reduce(0, +) / Double(max(costs.count, 1))
            let trainings = oracle.replicates.map { "\($0.trainings.count)" }.joined(separator: ", ")
            print("\(loaded.name): oracle on the dataset policy of '\(oracle.strategy)' (max age \(oracle.maxAge) ticks): "
                  + "total cost " + String(format: "%.1f", mean) + ", trainings \(trainings) per replicate")
            let width = (oracle.regrets.map(\.strategy.count).max() ?? 0) + 2
            for g in oracle.regrets {
                print("  \(g.strategy.padding(toLength: width, withPad: " ", startingAt: 0)) regret "
                      + String(format: "%.1f", g.meanDifference) + "  [" + String(format: "%.1f", g.low) + ", "
                      + String(format: "%.1f", g.high) + "] (\(g.method))")
            }
            print("results: \(dir)/ (\(outputs.files.joined(separator: ", ")))")
        }
    }
}
