import ArgumentParser
import FlywheelCore
import Foundation
import Scenarios
import Workbench

/// `flywheel dataset`: inspect CSV files and SQLite tables for replay, and list, fetch and find known datasets in the data home.
struct DatasetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dataset",
        abstract: "Inspect a CSV file or SQLite table for replay, or list, fetch and find the known research datasets in the data home.",
        discussion: """
        The data home is the folder named by --data, else FLYWHEEL_DATA, else
        ~/.flywheel/data. A scenario's relative replay path is looked up there first.

        Examples:
          flywheel dataset describe data/orders.csv --label churned --tick 1d
          flywheel dataset describe elec2.csv --json
          flywheel dataset describe shop.sqlite --table orders --timestamp created_at
          flywheel dataset list
          flywheel dataset fetch --all --from /mnt/datasets
          flywheel dataset path elec2
        """,
        subcommands: [DatasetDescribeCommand.self, DatasetListCommand.self, DatasetFetchCommand.self, DatasetPathCommand.self])
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
          flywheel dataset describe elec2.csv --label class --tick 1d
          flywheel dataset describe sea-abrupt-noise20.csv --tick "500 rows" --json
          flywheel dataset describe elec2.sqlite --table elec2 --tick 1d
          flywheel dataset describe shop.db --query "SELECT * FROM orders"
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

    @Option(name: .customLong("timestamp-format"), help: "Format of --timestamp: iso8601, epoch_s, epoch_ms, epoch_d or a %-pattern.")
    var timestampFormat: String?

    @Option(name: .long, help: "Tick grouping: a span such as 1d, or a row count such as \"500 rows\" (default: guessed).")
    var tick: String?

    @Option(name: .long, help: "One-byte field delimiter of a CSV file.")
    var delimiter: String = ","

    @Flag(name: .long, help: "Print JSON instead of text.")
    var json = false

    @OptionGroup var queryTime: QueryTimeLimitOption

    func run() throws {
        try exitingOnError {
            let text = try queryTime.applying {
                try DatasetReport.describe(file: file, label: label, timestamp: timestamp,
                                           timestampFormat: timestampFormat, tick: tick, delimiter: delimiter,
                                           table: table, query: query, json: json)
            }
            print(text, terminator: "")
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
        try exitingOnError {
            print(try DataHome.locate(name))
        }
    }
}

struct DatasetListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "Show the known research datasets, where they come from, what to cite, and whether the data home holds each, verified.",
        discussion: """
        A dataset is "verified" when the data home holds its file with the SHA-256
        Flywheel pins for it.

        Examples:
          flywheel dataset list
          flywheel dataset list --data ../shared/datasets --json
        """)

    @OptionGroup var dataHome: DataHomeOption

    @Flag(name: .long, help: "Print one JSON document (data home, datasets) instead of text.")
    var json = false

    /// A dataset as `dataset list --json` prints it.
    struct Entry: Encodable {
        var name, about, file, status, sha256, source, cite: String
        var actualSHA256: String?
        enum CodingKeys: String, CodingKey {
            case name, about, file, status, sha256, source, cite, actualSHA256 = "actual_sha256"
        }
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            let fields: [(CodingKeys, String)] = [(.name, name), (.about, about), (.file, file), (.status, status),
                                                  (.sha256, sha256), (.source, source), (.cite, cite)]
            for (k, v) in fields { try c.encode(v, forKey: k) }
            try c.encode(actualSHA256, forKey: .actualSHA256)
        }
    }

    struct Report: Encodable {
        var dataHome: String
        var datasets: [Entry]
        enum CodingKeys: String, CodingKey { case dataHome = "data_home", datasets }
    }

    func run() throws {
        dataHome.apply()
        let directory = DataHome.directory()
        if json {
            try printJSON(Report(dataHome: directory, datasets: DataHome.known.map { d in
                var status = "absent", actual: String?
                switch DatasetFetch.status(of: d, in: directory) {
                case .absent: break
                case .verified: status = "verified"
                case .differs(let a): status = "differs"; actual = a
                }
                return Entry(name: d.name, about: d.about, file: d.file, status: status, sha256: d.sha256,
                             source: d.origin, cite: d.citation, actualSHA256: actual)
            }))
            return
        }
        print("data home: \(directory)")
        for d in DataHome.known {
            let status: String
            switch DatasetFetch.status(of: d, in: directory) {
            case .absent: status = "absent"
            case .verified: status = "present, verified"
            case .differs(let actual): status = "present, but its SHA-256 is \(actual), not the published file's"
            }
            print("\n  \(d.name) — \(d.about)")
            print("      file: \(d.file) (\(status))")
            print("      sha256: \(d.sha256)")
            print("      source: \(d.origin)")
            print("      cite: \(d.citation)")
        }
    }
}

struct DatasetFetchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fetch",
        abstract: "Copy known research datasets into the data home from a mirror, accepting only files with the pinned SHA-256.",
        discussion: """
        A mirror is a folder, or an http(s) address, holding the dataset files under
        their names in `flywheel dataset list` (elec2.csv, ...). Each file is checked
        against the SHA-256 Flywheel pins for it before it is written; it is written
        to a temporary file and renamed into place, so an interruption or a failed
        check leaves the data home as it was. A dataset already in the data home and
        verified is not copied again unless --force is given.

        Examples:
          flywheel dataset fetch elec2 --from /mnt/team/datasets
          flywheel dataset fetch --all --from https://data.example.org/flywheel/
          flywheel dataset fetch sea-abrupt-noise20 --from ../shared/datasets --force
        """)

    @Argument(help: "Dataset names (see `flywheel dataset list`).")
    var names: [String] = []

    @Flag(name: .long, help: "Fetch every known dataset.")
    var all = false

    @Option(name: .long, help: ArgumentHelp("Mirror: a folder, or an http(s) address, holding the dataset files.", valueName: "dir|url"))
    var from: String

    @Flag(name: .long, help: "Copy again even if the data home already holds the file.")
    var force = false

    @Option(name: .long, help: "Seconds an HTTP transfer may stall before it is abandoned.")
    var timeout: Double = 30

    @OptionGroup var dataHome: DataHomeOption

    func validate() throws {
        if names.isEmpty && !all { throw ValidationError("name a dataset, or pass --all") }
        if !names.isEmpty && all { throw ValidationError("give dataset names or --all, not both") }
        if !(timeout > 0) { throw ValidationError("--timeout must be positive") }
    }

    func run() throws {
        dataHome.apply()
        let directory = DataHome.directory()
        var failed = false
        do {
            let mirror = try DatasetFetch.Mirror(from)
            for name in all ? DataHome.known.map(\.name) : names {
                do {
                    let start = Date()
                    switch try DatasetFetch.fetch(name, from: mirror, into: directory, force: force, timeout: timeout) {
                    case .alreadyPresent(let path):
                        print("\(name): already in the data home and verified: \(path)")
                    case .fetched(let path, let source, let bytes):
                        let seconds = Date().timeIntervalSince(start)
                        print("\(name): fetched \(bytes) bytes from \(source) in \(String(format: "%.2f", seconds)) s, "
                              + "SHA-256 verified: \(path)")
                    }
                } catch let e as FlywheelError {
                    printError("error: \(name): \(e)")
                    failed = true
                }
            }
        } catch let e as FlywheelError {
            printError("error: \(e)")
            failed = true
        }
        if failed { throw ExitCode(1) }
    }
}
