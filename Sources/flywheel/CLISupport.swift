import ArgumentParser
import Analysis
import FlywheelCore
import Foundation

/// The exit statuses of every `flywheel` command, as the root command's help documents them.
enum ExitStatus {
    static let ok: Int32 = 0
    /// A runtime error: a file that cannot be read or written, a run that fails.
    static let runtime: Int32 = 1
    /// A scenario with problems (each printed with file, line and key).
    static let invalidScenario: Int32 = 2
    /// A usage error: an unknown option, a missing argument, a value out of range (EX_USAGE).
    static let usage: Int32 = 64
    /// Ended by Ctrl-C (SIGINT) or SIGTERM; earlier results are untouched.
    static let interrupted: Int32 = 130

    /// The text of the root command's help that documents them.
    static let documentation = """
        Exit status (every command):
          0    success
          1    runtime error: a file cannot be read or written, a run fails
          2    invalid scenario: every problem is printed with file, line and key
          64   usage error: an unknown option, a missing or malformed argument
          130  interrupted by Ctrl-C or SIGTERM (earlier results are untouched)
        Errors and warnings go to standard error; standard output holds only
        results (with --json, one JSON document: see docs/cli-json.md).
        """
}

/// A failure the command describes in one sentence: printed on standard error as
/// `error: <message>`, then the process exits with `status`.
struct CommandFailure: Error, CustomStringConvertible {
    var message: String
    var status: Int32
    init(_ message: String, status: Int32 = ExitStatus.runtime) {
        self.message = message
        self.status = status
    }
    var description: String { message }
}

/// Input files of the commands: a path, or `-` for standard input.
enum CommandInput {
    /// How standard input is named in messages.
    static let standardInputName = "<stdin>"

    /// The name `path` has in messages (`<stdin>` for `-`).
    static func name(_ path: String) -> String { path == "-" ? standardInputName : path }

    /// Throws a ``CommandFailure`` naming the path unless it is a readable regular file (or `-`).
    static func checkReadable(_ path: String) throws {
        if path == "-" { return }
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw CommandFailure("\(path): no such file")
        }
        if isFolder.boolValue { throw CommandFailure("\(path): is a folder, not a file") }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw CommandFailure("\(path): cannot be read (permission denied)")
        }
    }

    /// The bytes of `path`, or everything on standard input for `-`.
    static func data(_ path: String) throws -> Data {
        try checkReadable(path)
        if path == "-" { return FileHandle.standardInput.readDataToEndOfFile() }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CommandFailure("\(path): cannot be read")
        }
        return data
    }

    /// A scenario's text and the name its messages give it; text that is not UTF-8 is an invalid
    /// scenario (exit status 2), an unreadable file a runtime error (1).
    static func scenarioText(_ path: String) throws -> (text: String, file: String) {
        let data = try data(path)
        guard let text = String(data: data, encoding: .utf8) else {
            throw FlywheelErrors([
                FlywheelError(
                    "the scenario file is not UTF-8 text",
                    at: SourceLocation(file: name(path), line: 1))
            ])
        }
        return (text, name(path))
    }

    /// Runs `body` with a path it can open: `path` itself, or for `-` a temporary copy of standard
    /// input (removed afterwards), whose name is replaced by `<stdin>` in the errors `body` throws.
    static func withFile<T>(_ path: String, _ body: (String) throws -> T) throws -> T {
        try checkReadable(path)
        guard path == "-" else { return try body(path) }
        let copy = FileManager.default.temporaryDirectory
            .appendingPathComponent("flywheel-stdin-\(getpid())-\(UUID().uuidString).csv").path
        guard FileManager.default.createFile(atPath: copy, contents: FileHandle.standardInput.readDataToEndOfFile())
        else {
            throw CommandFailure("cannot copy standard input to \(copy)")
        }
        defer { try? FileManager.default.removeItem(atPath: copy) }
        do {
            return try body(copy)
        } catch var e as FlywheelError {
            if e.location?.file == copy { e.location?.file = standardInputName }
            e.message = e.message.replacingOccurrences(of: copy, with: standardInputName)
            throw e
        }
    }
}

/// `--out -` refused where a command writes a folder: standard output holds one file.
func refuseStandardOutput(_ out: String?, command: String, writes: String) throws {
    guard out == "-" else { return }
    throw ValidationError(
        "--out -: `flywheel \(command)` writes a folder (\(writes)), which standard output cannot "
            + "hold; name a folder, and add --json for a summary on standard output")
}

/// Prints `value` as one JSON document on standard output: keys sorted, so that the same result
/// gives the same bytes.
func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}

/// A number for JSON: nil (written `null`) unless finite. (Not named `finite`: C's
/// `int finite(double)` would win the overload for a plain Double and write every number as 1.)
func finiteOrNil(_ v: Double?) -> Double? {
    guard let v, v.isFinite else { return nil }
    return v
}

/// A mean over replicates with its 95 % interval, as JSON: `{"mean", "half_width", "n"}`.
struct IntervalJSON: Encodable {
    var interval: Interval
    init(_ interval: Interval) { self.interval = interval }
    enum CodingKeys: String, CodingKey { case mean, halfWidth = "half_width", n }
    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(finiteOrNil(interval.mean), forKey: .mean)
        try c.encode(finiteOrNil(interval.halfWidth), forKey: .halfWidth)
        try c.encode(interval.n, forKey: .n)
    }
}

/// One problem of a scenario as JSON; absent parts are `null`, so every key is always present.
struct ProblemJSON: Encodable {
    var error: FlywheelError
    init(_ error: FlywheelError) { self.error = error }
    enum CodingKeys: String, CodingKey { case file, line, column, key, message, hint }
    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(error.location?.file, forKey: .file)
        try c.encode(error.location.map(\.line).flatMap { $0 > 0 ? $0 : nil }, forKey: .line)
        try c.encode(error.location.map(\.column).flatMap { $0 > 0 ? $0 : nil }, forKey: .column)
        try c.encode(error.keyPath.flatMap { $0.isEmpty ? nil : $0 }, forKey: .key)
        try c.encode(error.message, forKey: .message)
        try c.encode(error.hint, forKey: .hint)
    }
}

/// A progress line for a command that simulates: rewritten in place on a terminal; with
/// `--progress` and no terminal, printed as a line of its own at most every ``interval`` seconds
/// (CI logs). Thread-safe: workers report from their own threads.
final class ProgressLine: @unchecked Sendable {
    /// Seconds between two lines when standard error is not a terminal.
    static let interval: Double = 5
    let enabled: Bool
    let inPlace: Bool
    private let lock = NSLock()
    private var last: Date?
    private var shown = false

    init(quiet: Bool, forced: Bool) {
        inPlace = stderrIsTerminal
        enabled = !quiet && (inPlace || forced)
    }

    /// Shows `text` (the first call, then at most every ``interval`` seconds off a terminal).
    func show(_ text: @autoclosure () -> String) {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        if inPlace {
            FileHandle.standardError.write(Data("\r  \(text())".utf8))
            shown = true
            return
        }
        let now = Date()
        if let last, now.timeIntervalSince(last) < Self.interval { return }
        last = now
        FileHandle.standardError.write(Data("  \(text())\n".utf8))
    }

    /// Ends the line in place (a terminal only).
    func finish() {
        lock.lock()
        defer { lock.unlock() }
        if inPlace && shown { FileHandle.standardError.write(Data("\n".utf8)) }
        shown = false
    }
}
