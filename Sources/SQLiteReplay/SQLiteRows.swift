import FlywheelCore
import Foundation
import GRDB
import GRDBSQLite
import Streams

/// The rows of an SQLite table, or of a single read-only `SELECT`, for ``TableReplay`` and
/// ``DatasetInspector``: streamed through a GRDB cursor in constant memory, never loaded whole.
///
/// **Cells.** Each cell keeps its SQLite storage class: INTEGER and REAL cells are numbers as
/// they are (a numeric feature, a regression label or an epoch timestamp uses the stored value);
/// TEXT (and BLOB) cells are read exactly as a CSV cell would be; NULL is a missing cell. See
/// ``ReplayRecord``.
///
/// **Order.** A table is read in rowid order (a `WITHOUT ROWID` table or a view in its scan
/// order), a query in the order it returns. With sorting asked for (`order: sort`), the rows come
/// `ORDER BY` the timestamp as the replay parses it (an SQL function running the same parser, so
/// the order is exactly the replay's), ties in table order: the sort happens in SQLite (in
/// temporary storage for a large table), not in memory.
///
/// **Positions.** Messages name a table row by its rowid (`rowid 17`), a row of a view, of a
/// `WITHOUT ROWID` table or of a query by its 1-based row number (`row 17`), and every message
/// starts with the file and the table (or `query`).
///
/// **Streaming.** A GRDB cursor is valid only within one database access, while a replay reads
/// its rows one tick at a time; so a reading thread steps the cursor inside a single read
/// transaction and hands the rows over in chunks of ``RowPipe/chunkRows`` (at most
/// ``RowPipe/depth`` chunks waiting), which bounds memory whatever the table's size. The thread
/// stops when the rows end, or when the rows are rewound, closed or released.
public final class SQLiteRows: ReplayRows {
    public let path: String
    /// The table replayed (nil for a query).
    public let table: String?
    /// The query replayed (nil for a table).
    public let query: String?
    public let columns: [String]
    public let sortsByTime: Bool
    public var columnOwner: String { table != nil ? "the table" : "the query" }
    public var noRowsMessage: String { table != nil ? "the table has no rows" : "the query returns no rows" }

    private let database: DatabaseQueue
    /// The statement the reading thread runs.
    private let sql: String
    /// Whether the statement's first column is the row's position (a rowid or row number).
    private let positioned: Bool
    /// Whether positions are rowids.
    private let rowids: Bool
    private var pipe: RowPipe?
    private var chunk: RowPipe.Chunk?
    private var index = 0
    private var ended = false

    /// The SQL function that sorts rows by time.
    static let timeFunctionName = "flywheel_replay_time"

    /// Seconds one pass over the rows may take before SQLite is interrupted (nil: no limit).
    /// `flywheel validate` and `flywheel dataset describe` bind it (`--query-time-limit`), so a
    /// query that never ends (a recursive CTE without a bound) is refused; a run has no limit.
    /// Read when the rows are opened: `SQLiteRows.$timeLimit.withValue(60) { try load() }`.
    @TaskLocal public static var timeLimit: Double?

    /// The limit this source was opened with, and the clock its progress handler checks.
    private let deadline: QueryDeadline

    /// Opens the database a mapping names, with its `table:` or `query:`; sorted by the
    /// timestamp column when the mapping asks for `order: sort`.
    public convenience init(mapping m: ReplayMapping) throws {
        guard m.delimiter == "," else {
            throw FlywheelError("\(m.path) is an SQLite database: 'delimiter' applies to CSV files only", key: "delimiter",
                                hint: "remove the delimiter key")
        }
        try self.init(path: m.path, table: m.table, query: m.query,
                      sortedBy: m.order == .sort ? m.timestamp.map { ($0, m.timestampFormat) } : nil)
    }

    /// Opens `path` read-only and checks the table (or query) and its columns.
    ///
    /// - Parameters:
    ///   - table: the table (or view) to read; names match as SQLite matches them (any case).
    ///   - query: instead of a table, a single read-only `SELECT` (or `WITH … SELECT`).
    ///   - sortedBy: a timestamp column and its format to sort the rows by.
    /// - Throws: ``FlywheelError`` naming the file (and table) for a missing file, a file that
    ///   is not an SQLite database, neither or both of table and query, a missing table (with
    ///   the tables there are), a query that is not a single SELECT or does not compile.
    public init(path: String, table: String? = nil, query: String? = nil,
                sortedBy time: (column: String, format: TimestampFormat)? = nil) throws {
        self.path = path
        self.table = table
        self.query = query
        func fail(_ message: String, key: String, hint: String? = nil) -> FlywheelError {
            let within = table.map { ", table '\($0)'" } ?? (query != nil ? ", query" : "")
            return FlywheelError("\(path)\(within): \(message)", key: key, hint: hint)
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw FlywheelError("no such file: \(path)", hint: "check the path; relative paths are taken from the working directory")
        }
        guard !isDirectory.boolValue else { throw FlywheelError("\(path) is a directory, not an SQLite database") }
        try RegularFile.check(path, what: "an SQLite database")
        guard SQLiteHeader.matches(path: path) else {
            throw FlywheelError("\(path) is not an SQLite database: it does not start with the SQLite header",
                                key: table != nil ? "table" : query != nil ? "query" : "path",
                                hint: "a file named .sqlite, .sqlite3 or .db is read as SQLite; give a CSV file another name")
        }

        let deadline = QueryDeadline(limit: SQLiteRows.timeLimit)
        self.deadline = deadline
        var configuration = Configuration()
        configuration.readonly = true
        configuration.label = "flywheel replay"
        if deadline.limit != nil {
            configuration.prepareDatabase { db in
                // Called every 10,000 virtual-machine steps; a non-zero return interrupts the statement.
                sqlite3_progress_handler(db.sqliteConnection, 10_000, { context in
                    Unmanaged<QueryDeadline>.fromOpaque(context!).takeUnretainedValue().expired ? 1 : 0
                }, Unmanaged.passUnretained(deadline).toOpaque())
            }
        }
        if let time {
            let parser = try TimestampParser(time.format)
            configuration.prepareDatabase { db in db.add(function: SQLiteRows.timeFunction(parser)) }
        }
        do {
            database = try DatabaseQueue(path: path, configuration: configuration)
        } catch {
            throw FlywheelError("\(path): cannot open the SQLite database: \(SQLiteRows.reason(error))")
        }

        struct Plan { var columns: [String], sql: String, positioned: Bool, rowids: Bool, sorted: Bool }
        let plan: Plan = try database.read { db in
            let tables: [String]
            do {
                tables = try String.fetchAll(db, sql: """
                    SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name
                    """)
            } catch {
                throw FlywheelError("\(path): cannot read the SQLite database: \(SQLiteRows.reason(error))")
            }
            let listed = tables.isEmpty ? "the database has no tables" : "the database has: \(tables.joined(separator: ", "))"
            switch (table, query) {
            case (nil, nil):
                throw FlywheelError("\(path) is an SQLite database: name the table to replay (table: NAME) or give a query (query: SELECT ...); \(listed)",
                                    key: "table", hint: tables.count == 1 ? "table: \(tables[0])" : nil)
            case (.some, .some):
                throw fail("give either a table or a query, not both", key: "query")
            case (let name?, nil):
                guard let found = tables.first(where: { $0 == name }) ?? tables.first(where: { $0.lowercased() == name.lowercased() }) else {
                    throw FlywheelError("\(path): table '\(name)' not found; \(listed)", key: "table",
                                        hint: nearest(name, in: tables).map { "did you mean '\($0)'?" })
                }
                let from = SQLiteRows.quote(found)
                let columns = try db.makeStatement(sql: "SELECT * FROM \(from)").columnNames
                let hasRowid = (try? db.makeStatement(sql: "SELECT rowid FROM \(from) LIMIT 0")) != nil
                guard let time, columns.contains(time.column) else {
                    return Plan(columns: columns, sql: hasRowid ? "SELECT rowid, * FROM \(from) ORDER BY rowid" : "SELECT * FROM \(from)",
                                positioned: hasRowid, rowids: hasRowid, sorted: false)
                }
                let key = "\(SQLiteRows.timeFunctionName)(\(SQLiteRows.quote(time.column)))"
                let sql = hasRowid ? "SELECT rowid, * FROM \(from) ORDER BY \(key), rowid"
                    : "SELECT * FROM (SELECT row_number() OVER () AS flywheel_row, * FROM \(from)) ORDER BY \(key), flywheel_row"
                return Plan(columns: columns, sql: sql, positioned: true, rowids: hasRowid, sorted: true)
            case (nil, let text?):
                try SQLiteRows.checkFirstKeyword(text, fail: fail)
                let statement: Statement
                do {
                    statement = try db.makeStatement(sql: text)
                } catch {
                    throw fail("the query must be a single SELECT that SQLite can run: \(SQLiteRows.reason(error))", key: "query")
                }
                guard statement.isReadonly else { throw fail("the query must be a single SELECT: it would change the database", key: "query") }
                let columns = statement.columnNames
                let body = statement.sql   // the one statement, without trailing blanks and semicolons
                guard let time, columns.contains(time.column) else {
                    return Plan(columns: columns, sql: body, positioned: false, rowids: false, sorted: false)
                }
                let key = "\(SQLiteRows.timeFunctionName)(\(SQLiteRows.quote(time.column)))"
                return Plan(columns: columns,
                            sql: "SELECT * FROM (SELECT row_number() OVER () AS flywheel_row, * FROM (\n\(body)\n)) ORDER BY \(key), flywheel_row",
                            positioned: true, rowids: false, sorted: true)
            }
        }
        do {
            try database.read { db in _ = try db.makeStatement(sql: plan.sql) }
        } catch {
            throw fail("cannot read the rows: \(SQLiteRows.reason(error))", key: query != nil ? "query" : "table")
        }
        columns = plan.columns
        sql = plan.sql
        positioned = plan.positioned
        rowids = plan.rowids
        sortsByTime = plan.sorted
    }

    deinit { pipe?.cancel() }

    public func next(into record: inout ReplayRecord) throws -> Bool {
        if ended { return false }
        if pipe == nil { pipe = start() }
        while true {
            if let chunk, index < chunk.count {
                swap(&record, &chunk.records[index])
                index += 1
                return true
            }
            chunk = try pipe!.take(recycling: chunk)
            index = 0
            if chunk == nil {
                ended = true
                return false
            }
        }
    }

    public func rewind() throws { close() }

    public func close() {
        pipe?.cancel()
        pipe = nil
        chunk = nil
        index = 0
        ended = false
    }

    public func position(_ line: Int) -> String { rowids ? "rowid \(line)" : "row \(line)" }

    public func error(_ message: String, row: Int?, key: String?, hint: String?) -> FlywheelError {
        FlywheelError("\(path), \(table.map { "table '\($0)'" } ?? "query"): \(message)", key: key, hint: hint)
    }

    /// Starts the reading thread: one read transaction stepping a cursor over the statement.
    private func start() -> RowPipe {
        let pipe = RowPipe()
        let (database, sql, positioned) = (self.database, self.sql, self.positioned)
        let place = "\(path), \(table.map { "table '\($0)'" } ?? "query")"
        let deadline = self.deadline
        deadline.restart()
        let key = query != nil ? "query" : "table"
        let thread = Thread {
            defer { pipe.exit() }
            do {
                try database.read { db in
                    let statement = try db.makeStatement(sql: sql)
                    let cursor = try Row.fetchCursor(statement)
                    let s = statement.sqliteStatement
                    let first: Int32 = positioned ? 1 : 0
                    let count = Int32(statement.columnCount)
                    var number = 0
                    guard var chunk = pipe.spare() else { return }
                    while try cursor.next() != nil {
                        number += 1
                        let line = positioned ? Int(sqlite3_column_int64(s, 0)) : number
                        SQLiteRows.read(s, columns: first..<count, line: line, into: &chunk.records[chunk.count])
                        chunk.count += 1
                        if chunk.count == RowPipe.chunkRows {
                            guard pipe.publish(chunk), let next = pipe.spare() else { return }
                            chunk = next
                        }
                    }
                    _ = pipe.publish(chunk)
                }
                pipe.finish(nil)
            } catch {
                let failure: FlywheelError
                if deadline.expired, let limit = deadline.limit {
                    let seconds = String(format: "%g", limit)
                    failure = FlywheelError("\(place): reading the rows took longer than \(seconds) s, "
                                            + "the time limit of validate and dataset describe", key: key,
                                            hint: "a query must end: bound a recursive query; "
                                                + "--query-time-limit SECONDS raises the limit")
                } else {
                    failure = FlywheelError("\(place): reading the SQLite database failed: \(SQLiteRows.reason(error))")
                }
                pipe.finish(failure)
            }
        }
        thread.name = "flywheel-sqlite-replay"
        thread.start()
        return pipe
    }

    /// Copies the current row's cells `columns` into `record`, keeping their storage classes.
    ///
    /// - Complexity: O(bytes of the row); no allocation once `record` has grown.
    private static func read(_ s: OpaquePointer, columns: Range<Int32>, line: Int, into record: inout ReplayRecord) {
        record.reset(line: line)
        for i in columns {
            switch sqlite3_column_type(s, i) {
            case SQLITE_INTEGER: record.appendInteger(sqlite3_column_int64(s, i))
            case SQLITE_FLOAT: record.appendReal(sqlite3_column_double(s, i))
            case SQLITE_NULL: record.appendNull()
            case SQLITE_BLOB:
                let bytes = sqlite3_column_blob(s, i)
                let n = Int(sqlite3_column_bytes(s, i))
                record.appendText(UnsafeBufferPointer(start: bytes?.assumingMemoryBound(to: UInt8.self), count: bytes == nil ? 0 : n))
            default:
                let text = sqlite3_column_text(s, i)
                let n = Int(sqlite3_column_bytes(s, i))
                record.appendText(UnsafeBufferPointer(start: text, count: text == nil ? 0 : n))
            }
        }
    }

    /// The SQL function giving a timestamp cell's time as the replay parses it (NULL when it
    /// does not parse, so such rows come first and the replay reports the first of them).
    static func timeFunction(_ parser: TimestampParser) -> DatabaseFunction {
        DatabaseFunction(timeFunctionName, argumentCount: 1, pure: true) { values in
            var cell = ReplayRecord(reserving: 64)
            switch values[0].storage {
            case .null: cell.appendNull()
            case .int64(let v): cell.appendInteger(v)
            case .double(let v): cell.appendReal(v)
            case .string(var text): text.withUTF8 { cell.appendText($0) }
            case .blob(let data): data.withUnsafeBytes { cell.appendText($0.bindMemory(to: UInt8.self)) }
            }
            return cell.time(0, parser)
        }
    }

    /// An SQL identifier in double quotes.
    static func quote(_ name: String) -> String { "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }

    /// SQLite's own words for a database error.
    static func reason(_ error: any Error) -> String {
        if let e = error as? DatabaseError { return e.message ?? "\(e.resultCode)" }
        if let e = error as? FlywheelError { return e.message }
        return "\(error)"
    }

    /// Checks that a query starts with SELECT or WITH, after blanks and comments (that it is a
    /// single statement that only reads is checked when it is prepared).
    static func checkFirstKeyword(_ text: String, fail: (String, String, String?) -> FlywheelError) throws {
        var rest = Substring(text)
        while true {
            rest = rest.drop { $0.isWhitespace }
            if rest.hasPrefix("--") { rest = rest.drop { $0 != "\n" }; continue }
            if rest.hasPrefix("/*"), let close = rest.range(of: "*/") { rest = rest[close.upperBound...]; continue }
            break
        }
        let keyword = rest.prefix { $0.isLetter }.uppercased()
        guard keyword == "SELECT" || keyword == "WITH" else {
            throw fail("the query must be a single SELECT; it starts with '\(rest.prefix(20))'", "query",
                       "write a SELECT statement, e.g. SELECT * FROM orders WHERE region = 'EU'")
        }
    }
}

/// Rows handed from the thread stepping an SQLite cursor to the replay reading them, in chunks
/// of ``chunkRows`` with at most ``depth`` chunks waiting. The records are recycled: once every
/// chunk has been used, passing rows allocates nothing.
///
/// `@unchecked Sendable`: the queues are guarded by `condition`, which the compiler cannot see,
/// and a chunk belongs to one side at a time (the producer fills it, hands it over under the
/// lock, and touches it again only once the consumer has handed it back).
final class RowPipe: @unchecked Sendable {
    /// A chunk of rows and how many of them are filled.
    final class Chunk {
        var records: [ReplayRecord]
        var count = 0
        init() { records = (0..<RowPipe.chunkRows).map { _ in ReplayRecord(reserving: 256) } }
    }

    static let chunkRows = 256
    static let depth = 2

    private let condition = NSCondition()
    private var filled: [Chunk] = []
    private var spares: [Chunk] = []
    private var finished = false
    private var failure: (any Error)?
    private var cancelled = false
    private var exited = false

    // The reading thread's side.

    /// An empty chunk to fill; nil once the pipe is cancelled.
    func spare() -> Chunk? {
        condition.lock()
        defer { condition.unlock() }
        return cancelled ? nil : spares.popLast() ?? Chunk()
    }

    /// Hands a filled chunk over, waiting while ``depth`` chunks wait; false once cancelled.
    func publish(_ chunk: Chunk) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while filled.count >= RowPipe.depth && !cancelled { condition.wait() }
        if cancelled { return false }
        filled.append(chunk)
        condition.broadcast()
        return true
    }

    /// No more chunks will come; `error` is what stopped the reading, if anything did.
    func finish(_ error: (any Error)?) {
        condition.lock()
        failure = error
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    /// The reading thread is done with the database.
    func exit() {
        condition.lock()
        exited = true
        condition.broadcast()
        condition.unlock()
    }

    // The replay's side.

    /// The next filled chunk, after giving back `used` for reuse; nil after the last one.
    ///
    /// - Throws: the error that stopped the reading, after every chunk read before it.
    func take(recycling used: Chunk?) throws -> Chunk? {
        condition.lock()
        defer { condition.unlock() }
        if let used {
            used.count = 0
            spares.append(used)
        }
        while filled.isEmpty && !finished { condition.wait() }
        if !filled.isEmpty {
            condition.broadcast()
            return filled.removeFirst()
        }
        if let failure { throw failure }
        return nil
    }

    /// Stops the reading thread and waits until it has left the database.
    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        while !exited { condition.wait() }
        condition.unlock()
    }
}

/// When one pass over an SQLite source must end, for its progress handler (see
/// ``SQLiteRows/timeLimit``). Restarted on the opening thread before the reading thread starts.
final class QueryDeadline: @unchecked Sendable {
    let limit: Double?
    private let lock = NSLock()
    private var end = Double.infinity

    init(limit: Double?) { self.limit = limit }

    func restart() {
        lock.lock()
        end = limit.map { ProcessInfo.processInfo.systemUptime + $0 } ?? .infinity
        lock.unlock()
    }

    var expired: Bool {
        lock.lock()
        defer { lock.unlock() }
        return ProcessInfo.processInfo.systemUptime > end
    }
}
