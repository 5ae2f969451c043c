import Streams

extension ReplayOpener {
    /// CSV files and SQLite databases: a file starting with the SQLite header, or named
    /// `.sqlite`, `.sqlite3` or `.db`, is read as an SQLite database (``SQLiteRows``, with the
    /// mapping's `table:` or `query:`); any other file as CSV (``CSVRows``).
    public static let files = ReplayOpener { m -> any ReplayRows in
        try RegularFile.check(m.path, what: "a CSV file or an SQLite database")
        if SQLiteRows.claims(path: m.path) { return try SQLiteRows(mapping: m) }
        return try CSVRows(mapping: m)
    }
}

extension SQLiteRows {
    /// File name endings read as SQLite databases even before their header is checked.
    public static let extensions = ["sqlite", "sqlite3", "db"]

    /// True when `path` is to be read as an SQLite database: by its header, or by its name
    /// (then a file that is not one gets a clear error rather than being parsed as CSV).
    public static func claims(path: String) -> Bool {
        if SQLiteHeader.matches(path: path) { return true }
        guard let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return false }
        return extensions.contains(path[path.index(after: dot)...].lowercased())
    }
}
