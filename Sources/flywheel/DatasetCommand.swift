import ArgumentParser
import FlywheelCore
import Foundation
import Scenarios

/// `flywheel dataset`: inspect CSV files for replay and find known datasets in the data home.
struct DatasetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dataset",
        abstract: "Inspect a CSV file for replay, or find a known research dataset in the data home.",
        discussion: """
        The data home is the folder named by FLYWHEEL_DATA, else ~/.flywheel/data.
        A scenario's relative replay path is looked up there first. There is no
        download command: place the files there yourself.

        Examples:
          flywheel dataset describe data/orders.csv --label churned --tick 1d
          flywheel dataset describe elec2.csv --json
          flywheel dataset path elec2
        """,
        subcommands: [DatasetDescribeCommand.self, DatasetPathCommand.self])
}

struct DatasetDescribeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "describe",
        abstract: "Print a CSV file's inferred schema, rows, time span, class balance, events per tick and a scenario stream block.",
        discussion: """
        A relative FILE is looked up in the data home, then in the current
        directory.

        Examples:
          flywheel dataset describe elec2.csv --timestamp timestamp_reconstructed --label class --tick 1d
          flywheel dataset describe sea-abrupt-noise20.csv --tick "500 rows" --json
        """)

    @Argument(help: "CSV file (.csv or .csv.gz).")
    var file: String

    @Option(name: .long, help: "Label column (default: guessed: class, label or target, else the last column).")
    var label: String?

    @Option(name: .long, help: "Timestamp column (default: guessed: the first ISO 8601 column).")
    var timestamp: String?

    @Option(name: .customLong("timestamp-format"), help: "Format of --timestamp: iso8601, epoch_s, epoch_ms or a %-pattern.")
    var timestampFormat: String?

    @Option(name: .long, help: "Tick grouping: a span such as 1d, or a row count such as \"500 rows\" (default: guessed).")
    var tick: String?

    @Option(name: .long, help: "One-byte field delimiter.")
    var delimiter: String = ","

    @Flag(name: .long, help: "Print JSON instead of text.")
    var json = false

    func run() throws {
        do {
            print(try DatasetReport.describe(file: file, label: label, timestamp: timestamp, timestampFormat: timestampFormat,
                                             tick: tick, delimiter: delimiter, json: json), terminator: "")
        } catch let e as FlywheelError {
            printError("error: \(e)")
            throw ExitCode(1)
        }
    }
}

struct DatasetPathCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "path",
        abstract: "Print where a known dataset is in the data home (FLYWHEEL_DATA, default ~/.flywheel/data).",
        discussion: "Known datasets:\n" + DataHome.known.map { "  \($0.name): \($0.file)\n      \($0.about)" }
            .joined(separator: "\n") + "\n\nExamples:\n  flywheel dataset path elec2\n  flywheel dataset path elec2 --data ../shared/datasets")

    @Argument(help: "Dataset name, e.g. elec2.")
    var name: String

    @OptionGroup var dataHome: DataHomeOption

    func run() throws {
        dataHome.apply()
        do {
            print(try DataHome.locate(name))
        } catch let e as FlywheelError {
            printError("error: \(e)")
            throw ExitCode(1)
        }
    }
}
