import ArgumentParser
import FlywheelCore
import Foundation
import Scenarios
import Streams

/// `flywheel dataset`: inspect CSV files for replay and find known datasets in the data home.
struct DatasetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dataset",
        abstract: "Inspect a CSV file for replay, or find a known research dataset in the data home.",
        discussion: """
        The data home is the folder named by FLYWHEEL_DATA, else ~/.flywheel/data. A scenario's
        relative replay path is looked up there first. There is no download command: place the
        files there yourself.

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
        A relative FILE is looked up in the data home, then in the current directory.

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
        var grouping: TickGrouping?
        if let tick {
            guard let g = TickGrouping(parsing: tick) else { throw ValidationError("--tick \(tick) is neither a span such as 1d nor a row count such as \"500 rows\"") }
            grouping = g
        }
        var format: TimestampFormat?
        if let timestampFormat {
            guard let f = TimestampFormat(parsing: timestampFormat) else { throw ValidationError("--timestamp-format \(timestampFormat) is not a timestamp format") }
            format = f
        }
        let (found, tried) = DataHome.resolve(file, scenarioDirectory: nil)
        guard let path = found else {
            printError("error: cannot find '\(file)'; looked in \(tried.joined(separator: ", "))")
            throw ExitCode(1)
        }
        let d: DatasetDescription
        do {
            d = try DatasetInspector.describe(path: path, label: label, timestamp: timestamp, timestampFormat: format,
                                              tick: grouping, delimiter: delimiter)
        } catch let e as FlywheelError {
            printError("error: \(e)")
            throw ExitCode(1)
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            var out = DatasetJSON(d)
            out.yaml = suggestedYAML(d)
            print(String(decoding: try encoder.encode(out), as: UTF8.self))
        } else {
            print(d.summary, terminator: "")
            print("\nsuggested scenario stream (add clock: {ticks: N} to replay only the first N ticks):\n")
            print(suggestedYAML(d), terminator: "")
        }
    }
}

/// The JSON form of a ``DatasetDescription``.
extension DatasetDescribeCommand {
    /// The suggested stream block, with the path as given when it was relative (a scenario
    /// resolves it against the data home, the scenario's folder and the current directory).
    func suggestedYAML(_ d: DatasetDescription) -> String {
        guard !file.hasPrefix("/"), !file.hasPrefix("~") else { return d.yaml }
        var m = d.mapping
        m.path = file
        return DatasetInspector.yaml(m)
    }
}

struct DatasetJSON: Encodable {
    struct Column: Encodable {
        var name: String, kind: String, missing: Int, distinct: Int, distinctCapped: Bool
        var minimum: Double?, maximum: Double?
    }
    struct ClassShare: Encodable { var name: String, count: Int }
    struct Ticks: Encodable { var grouping: String, ticks: Int, empty: Int, minimum: Int, maximum: Int, mean: Double }

    var path: String
    var rows: Int
    var columns: [Column]
    var timestamp: String?
    var timestampFormat: String?
    var firstTime: String?
    var lastTime: String?
    var firstOutOfOrderLine: Int?
    var label: String
    var labelKind: String
    var classBalance: [ClassShare]
    var eventsPerTick: Ticks
    var notes: [String]
    var yaml: String

    init(_ d: DatasetDescription) {
        path = d.path
        rows = d.rows
        columns = d.columns.map {
            Column(name: $0.name, kind: $0.kind.rawValue, missing: $0.missing, distinct: $0.distinct, distinctCapped: $0.distinctCapped,
                   minimum: $0.minimum, maximum: $0.maximum)
        }
        timestamp = d.timestampColumn
        timestampFormat = d.timestampColumn == nil ? nil : d.timestampFormat?.description
        firstTime = d.firstTime.map(ISOTime.format)
        lastTime = d.lastTime.map(ISOTime.format)
        firstOutOfOrderLine = d.firstOutOfOrderLine
        label = d.labelColumn
        labelKind = d.labelKind.rawValue
        classBalance = d.classBalance.map { ClassShare(name: $0.name, count: $0.count) }
        let e = d.eventsPerTick
        eventsPerTick = Ticks(grouping: d.tick.description, ticks: e.ticks, empty: e.empty, minimum: e.minimum, maximum: e.maximum, mean: e.mean)
        notes = d.notes
        yaml = d.yaml
    }
}

struct DatasetPathCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "path",
        abstract: "Print where a known dataset is in the data home (FLYWHEEL_DATA, default ~/.flywheel/data).",
        discussion: "Known datasets:\n" + DataHome.known.map { "  \($0.name.padding(toLength: 26, withPad: " ", startingAt: 0)) \($0.file): \($0.about)" }
            .joined(separator: "\n"))

    @Argument(help: "Dataset name, e.g. elec2.")
    var name: String

    func run() throws {
        do {
            print(try DataHome.locate(name))
        } catch let e as FlywheelError {
            printError("error: \(e)")
            throw ExitCode(1)
        }
    }
}
