import FlywheelCore
import Foundation

/// One numeric column of a CSV file, as `flywheel detect` and `flywheel distance` read it.
public enum NumericColumn {
    /// The values of `column` (a header name, or a 0-based index) of the CSV file at `path`, read
    /// by the streaming ``CSVReader`` (quoted fields, any line ending, a byte-order mark). The file
    /// has a header when a field of its first record is not a number; without `column` it must
    /// have a single column. A cell that is not a finite number is an error naming its line and
    /// column.
    public static func read(path: String, column: String?) throws -> [Double] {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue,
              FileManager.default.isReadableFile(atPath: path) else {
            throw FlywheelError("cannot read the file", at: SourceLocation(file: path, line: 0))
        }
        let reader = try CSVReader(path: path)
        defer { reader.close() }
        var record = ReplayRecord()
        guard try reader.next(into: &record) else { throw FlywheelError("the file is empty", at: SourceLocation(file: path, line: 1)) }
        func fields(_ r: ReplayRecord) -> [String] { (0..<r.count).map { r.string($0).trimmingCharacters(in: .whitespaces) } }
        let first = fields(record), firstLine = record.line
        let hasHeader = first.contains { Double($0) == nil }
        var index = 0
        if let column {
            if let i = first.firstIndex(of: column), hasHeader { index = i }
            else if let i = Int(column), i >= 0, i < first.count { index = i }
            else {
                throw FlywheelError("no column '\(column)'", at: SourceLocation(file: path, line: 1),
                                    hint: hasHeader ? "columns: \(first.joined(separator: ", "))" : "the file has no header: give a 0-based column number")
            }
        } else if first.count > 1 {
            throw FlywheelError("the file has \(first.count) columns", at: SourceLocation(file: path, line: 1), hint: "choose one with --column")
        }
        var values: [Double] = []
        func take(_ cells: [String], line: Int) throws {
            guard index < cells.count, let v = Double(cells[index]), v.isFinite else {
                throw FlywheelError("'\(index < cells.count ? cells[index] : "")' is not a finite number", at: SourceLocation(file: path, line: line),
                                    key: hasHeader ? first[index] : "column \(index)")
            }
            values.append(v)
        }
        if !hasHeader { try take(first, line: firstLine) }
        while try reader.next(into: &record) { try take(fields(record), line: record.line) }
        guard !values.isEmpty else { throw FlywheelError("no values", at: SourceLocation(file: path, line: 1)) }
        return values
    }
}
