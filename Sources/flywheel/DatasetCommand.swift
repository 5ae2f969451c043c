import ArgumentParser
import FlywheelCore
import Foundation
import Scenarios

/// `flywheel dataset`: inspect CSV files and SQLite tables for replay and find known datasets in the data home.
struct DatasetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dataset",
        abstract: "Inspect a CSV file or SQLite table for replay, or find a known research dataset in the data home.",
        discussion: """
        The data home is the folder named by FLYWHEEL_DATA, else ~/.flywheel/data.
        A scenario's relative replay path is looked up there first. There is no
        download command: place the files there yourself.

        Examples:
          flywheel dataset describe data/orders.csv --label churned --tick 1d
          flywheel dataset describe elec2.csv --json
          flywheel dataset describe shop.sqlite --table orders --timestamp created_at --timestamp-format epoch_s
          flywheel dataset path elec2
        """,
        subcommands: [DatasetDescribeCommand.self, DatasetPathCommand.self])
}

struct DatasetDescribeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "describe",
        abstract: "Print a CSV file's or SQLite table's inferred schema, rows, time span, class balance, events per tick and a scenario stream block.",
        discussion: """
        A relative FILE is looked up in the data home, then in the current
        directory. An SQLite database (by its header, or a .sqlite, .sqlite3 or
        .db name) is described from --table or --query.

        Examples:
          flywheel dataset describe elec2.csv --timestamp timestamp_reconstructed --label class --tick 1d
          flywheel dataset describe sea-abrupt-noise20.csv --tick "500 rows" --json
          flywheel dataset describe elec2.sqlite --table elec2 --tick 1d
          flywheel dataset describe shop.db --query "SELECT * FROM orders WHERE region = 'EU'"
        """)

    @Argument(help: "CSV file (.csv or .csv.gz) or SQLite database.")
    var file: String

    @Option(name: .long, help: "SQLite table to describe.")
    var table: String?

    @Option(name: .long, help: "Instead of --table: a single SELECT over the SQLite database.")
    var query: String?

    @Option(name: .long, help: "Label column (default: guessed: class, label or target, else the last column).")
    var label: String?

    @Option(name: .long, help: "Timestamp column (default: guessed: the first ISO 8601 column).")
    var timestamp: String?

    @Option(name: .customLong("timestamp-format"), help: "Format of --timestamp: iso8601, epoch_s, epoch_ms or a %-pattern.")
    var timestampFormat: String?

    @Option(name: .long, help: "Tick grouping: a span such as 1d, or a row count such as \"500 rows\" (default: guessed).")
    var tick: String?

    @Option(name: .long, help: "One-byte field delimiter of a CSV file.")
    var delimiter: String = ","

    @Flag(name: .long, help: "Print JSON instead of text.")
    var json = false

    func run() throws {
        do {
            print(try DatasetReport.describe(file: file, label: label, timestamp: timestamp, timestampFormat: timestampFormat,
                                             tick: tick, delimiter: delimiter, table: table, query: query, json: json), terminator: "")
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
