import FlywheelCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a replay's rows come from: a table with named columns read one row at a time, in
/// constant memory. ``TableReplay`` decodes the rows (timestamps, labels, features, slices,
/// ticks) the same way whatever the source; ``DatasetInspector`` infers a schema from them.
///
/// Streams provides ``CSVRows``; the `SQLiteReplay` module provides rows of an SQLite table or
/// query. A ``ReplayOpener`` picks the source for a mapping's file.
public protocol ReplayRows: AnyObject {
    /// The column names, in order.
    var columns: [String] { get }
    /// True when the rows already come sorted by the mapping's timestamp (an SQL `ORDER BY`),
    /// so `order: sort` needs no external sort.
    var sortsByTime: Bool { get }
    /// What holds the columns, for messages: "the header", "the table", "the query".
    var columnOwner: String { get }
    /// The message for a source with columns but no rows.
    var noRowsMessage: String { get }

    /// Reads the next row into `record`, with ``ReplayRecord/line`` set to the row's position;
    /// false after the last row.
    ///
    /// - Throws: ``FlywheelError`` for a malformed row or a read error.
    func next(into record: inout ReplayRecord) throws -> Bool
    /// Starts again from the first row.
    func rewind() throws
    /// Releases the file until the next ``rewind()``.
    func close()
    /// A row position as messages name it: "line 12", "rowid 12", "row 12".
    func position(_ line: Int) -> String
    /// An error located in the source: at a row (`row` is its ``ReplayRecord/line``) or, when
    /// `row` is nil, in the source as a whole.
    func error(_ message: String, row: Int?, key: String?, hint: String?) -> FlywheelError
}

extension ReplayRows {
    func error(_ message: String, row: Int? = nil, key: String? = nil, hint: String? = nil) -> FlywheelError {
        error(message, row: row, key: key, hint: hint)
    }
}

/// Opens the rows of a mapping's file: ``csv`` for CSV files; the `SQLiteReplay` module adds an
/// opener that also reads SQLite databases (told apart by their header).
public struct ReplayOpener: Sendable {
    private let open: @Sendable (ReplayMapping) throws -> any ReplayRows

    public init(_ open: @escaping @Sendable (ReplayMapping) throws -> any ReplayRows) {
        self.open = open
    }

    /// The mapping's rows, positioned before the first row.
    public func rows(_ mapping: ReplayMapping) throws -> any ReplayRows { try open(mapping) }

    /// A replay of the mapping's rows (see ``TableReplay/init(rows:mapping:validateFirst:)``).
    public func replay(_ mapping: ReplayMapping, validateFirst: Bool = false) throws -> TableReplay {
        try TableReplay(rows: rows(mapping), mapping: mapping, validateFirst: validateFirst)
    }

    /// CSV files only (a `.gz` name decompressed on the fly).
    public static let csv = ReplayOpener { try CSVRows(mapping: $0) }
}

/// The rows of a CSV file after its header line (see ``CSVReader``).
public final class CSVRows: ReplayRows {
    public let path: String
    public let columns: [String]
    public var sortsByTime: Bool { false }
    public var columnOwner: String { "the header" }
    public var noRowsMessage: String { "the file has a header but no data rows" }
    private let delimiter: UInt8
    private let headerLine: Int
    private var reader: CSVReader?
    /// True while the reader stands just after the header (a rewind then has nothing to do).
    private var atFirstRow = true

    /// Opens the CSV file a mapping names and reads its header.
    ///
    /// - Throws: ``FlywheelError`` for `table:` or `query:` (they apply to SQLite databases), an
    ///   SQLite database, a bad delimiter, a missing or empty file.
    public convenience init(mapping m: ReplayMapping) throws {
        if m.table != nil || m.query != nil {
            throw FlywheelError("\(m.path) is not an SQLite database, so '\(m.table != nil ? "table" : "query")' does not apply",
                                key: m.table != nil ? "table" : "query",
                                hint: "give an SQLite database file, or remove the key to replay the file as CSV")
        }
        try self.init(path: m.path, delimiter: m.delimiter)
    }

    /// Opens `path` with a one-byte `delimiter` and reads its header.
    public init(path: String, delimiter: String = ",") throws {
        guard delimiter.utf8.count == 1, let d = delimiter.utf8.first, d != 34, d != 10, d != 13 else {
            throw FlywheelError("delimiter \"\(delimiter)\" must be one character other than a quote or a line break", key: "delimiter")
        }
        if SQLiteHeader.matches(path: path) {
            throw FlywheelError("\(path) is an SQLite database, not a CSV file", at: SourceLocation(file: path, line: 1),
                                hint: "open it through the SQLite replay (ReplayOpener.files) with table: or query:")
        }
        self.path = path
        self.delimiter = d
        let reader = try CSVReader(path: path, delimiter: d)
        var header = ReplayRecord()
        guard try reader.next(into: &header) else {
            throw FlywheelError("the file is empty: no header and no rows", at: SourceLocation(file: path, line: 1),
                                hint: "a replayed CSV needs a header line naming its columns")
        }
        columns = (0..<header.count).map { header.string($0) }
        headerLine = header.line
        self.reader = reader
    }

    public func next(into record: inout ReplayRecord) throws -> Bool {
        guard let reader else { return false }
        atFirstRow = false
        guard try reader.next(into: &record) else { return false }
        guard record.count == columns.count else {
            throw error("line \(record.line) has \(record.count) field\(record.count == 1 ? "" : "s") but the header has \(columns.count)",
                        row: record.line, hint: "a field containing the delimiter or a line break must be quoted")
        }
        return true
    }

    public func rewind() throws {
        if reader != nil && atFirstRow { return }
        reader?.close()
        let r = try CSVReader(path: path, delimiter: delimiter)
        var header = ReplayRecord()
        _ = try r.next(into: &header)
        reader = r
        atFirstRow = true
    }

    public func close() {
        reader?.close()
        reader = nil
    }

    public func position(_ line: Int) -> String { "line \(line)" }

    public func error(_ message: String, row: Int?, key: String?, hint: String?) -> FlywheelError {
        FlywheelError(message, at: SourceLocation(file: path, line: row ?? headerLine), key: key, hint: hint)
    }
}

/// Refuses what is not a regular file (a FIFO, a device, a socket, a directory) before it is
/// opened: opening a FIFO blocks until a writer comes, and a device never ends.
public enum RegularFile {
    /// - Throws: ``FlywheelError`` (key `path`) naming the file and what it is instead.
    public static func check(_ path: String, what: String) throws {
        var st = stat()
        guard stat(path, &st) == 0 else {
            throw FlywheelError("no such file: \(path)", key: "path",
                                hint: "check the path; relative paths are taken from the working directory")
        }
        let type = st.st_mode & S_IFMT
        guard type != S_IFREG else { return }
        let kind: String
        switch type {
        case S_IFDIR: kind = "a directory"
        case S_IFIFO: kind = "a FIFO (named pipe)"
        case S_IFCHR, S_IFBLK: kind = "a device"
        case S_IFSOCK: kind = "a socket"
        default: kind = "not a regular file"
        }
        throw FlywheelError("\(path) is \(kind), not \(what)", key: "path",
                            hint: "Flywheel replays regular files only: copy the data into a file first")
    }

    /// True when `path` is a regular file (following symbolic links).
    public static func isRegular(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && st.st_mode & S_IFMT == S_IFREG
    }
}

/// Recognises an SQLite database by the 16 bytes every one starts with.
public enum SQLiteHeader {
    /// `SQLite format 3` and a NUL.
    public static let magic: [UInt8] = Array("SQLite format 3".utf8) + [0]

    /// True when the file at `path` starts with the SQLite header (false when it cannot be read).
    public static func matches(path: String) -> Bool {
        guard RegularFile.isRegular(path) else { return false }
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return false }
        defer {
            #if canImport(Glibc)
            _ = Glibc.close(fd)
            #else
            _ = Darwin.close(fd)
            #endif
        }
        var head = [UInt8](repeating: 0, count: magic.count)
        let n = head.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        return n == magic.count && head == magic
    }
}
