/// One row of a replayed table: the bytes of its fields laid end to end and where each field
/// ends, with the row's position in its source. Reused from row to row (no allocation once its
/// buffers have grown to the longest row).
///
/// A CSV row is text only. A typed source (an SQLite table) also records how each cell was
/// stored (``Kind``): numbers are then used as they are, without a round trip through text, and
/// a NULL is told apart from an empty string in messages. Every cell still reads as text through
/// ``withField(_:_:)``, so classes, categories, slices and text timestamps decode the same way
/// whatever the source: an integer as its decimal digits, a real as its shortest round-trip
/// decimal form (formatted only when asked for), a NULL as an empty (missing) field.
public struct ReplayRecord {
    /// How a typed source stored a cell.
    public enum Kind: UInt8, Sendable {
        case text, integer, real, null
    }

    var bytes: [UInt8] = []
    /// `ends[i]` is the end offset of field `i` in `bytes`; field `i` starts at `ends[i - 1]` (or 0).
    var ends: [Int] = []
    /// The row's position in its source: the physical line on which a CSV record starts, or an
    /// SQLite row's rowid (its 1-based row number when it has none).
    public internal(set) var line: Int = 0
    /// Per field, how a typed source stored it; empty when every field is text (CSV).
    var kinds: [Kind] = []
    /// The value of each integer or real field of a typed row (0 for other fields).
    var numbers: [Double] = []

    var count: Int { ends.count }

    /// An empty row whose byte buffer starts with room for `bytes` bytes (it grows as needed).
    public init(reserving bytes: Int = 4096) {
        self.bytes.reserveCapacity(bytes)
        ends.reserveCapacity(64)
    }

    /// Empties the row for the row at `line`, keeping the buffers.
    public mutating func reset(line: Int) {
        bytes.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
        kinds.removeAll(keepingCapacity: true)
        numbers.removeAll(keepingCapacity: true)
        self.line = line
    }

    /// Appends a text (or blob) cell of a typed row.
    public mutating func appendText(_ text: UnsafeBufferPointer<UInt8>) {
        bytes.append(contentsOf: text)
        close(.text, 0)
    }

    /// Appends an integer cell of a typed row (its digits are written out for text use).
    public mutating func appendInteger(_ value: Int64) {
        var v = value.magnitude
        let start = bytes.count
        repeat {
            bytes.append(UInt8(48 + v % 10))
            v /= 10
        } while v > 0
        if value < 0 { bytes.append(45) }
        bytes[start...].reverse()
        close(.integer, Double(value))
    }

    /// Appends a real cell of a typed row.
    public mutating func appendReal(_ value: Double) {
        close(.real, value)
    }

    /// Appends a NULL cell of a typed row.
    public mutating func appendNull() {
        close(.null, 0)
    }

    private mutating func close(_ kind: Kind, _ number: Double) {
        ends.append(bytes.count)
        kinds.append(kind)
        numbers.append(number)
    }

    /// True when field `i` of a typed row is NULL.
    @inline(__always)
    func isNull(_ i: Int) -> Bool { !kinds.isEmpty && kinds[i] == .null }

    /// Calls `body` with field `i`'s bytes, leading and trailing spaces and tabs removed (a real
    /// cell's shortest decimal form; a NULL's empty field).
    @inline(__always)
    func withField<T>(_ i: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> T) rethrows -> T {
        if !kinds.isEmpty && kinds[i] == .real {
            var text = numbers[i].description
            return try text.withUTF8 { try body($0) }
        }
        let start = i == 0 ? 0 : ends[i - 1]
        let end = ends[i]
        return try bytes.withUnsafeBufferPointer { all in
            var a = start, b = end
            while a < b, all[a] == 32 || all[a] == 9 { a += 1 }
            while b > a, all[b - 1] == 32 || all[b - 1] == 9 { b -= 1 }
            return try body(UnsafeBufferPointer(rebasing: all[a..<b]))
        }
    }

    /// Field `i` as a number: NaN when the cell is missing (a NULL, or a missing-value token as
    /// ``FieldParse/isMissing(_:)`` knows them) or not finite (`inf`, `-Infinity`, `1e999`, an
    /// SQLite REAL holding ±∞: no model can learn from it), nil when it is text that is not a number.
    ///
    /// - Complexity: O(field length); no allocation.
    @inline(__always)
    func number(_ i: Int) -> Double? {
        if !kinds.isEmpty {
            switch kinds[i] {
            case .integer, .real: return numbers[i].isFinite ? numbers[i] : .nan
            case .null: return .nan
            case .text: break
            }
        }
        return withField(i) { f in
            if FieldParse.isMissing(f) { return .nan }
            return FieldParse.double(f).map { $0.isFinite ? $0 : .nan }
        }
    }

    /// Field `i` as a time in seconds since the epoch, or nil when it does not match the format
    /// (a stored number is used as it is by the epoch formats). A source that sorts its rows by
    /// time itself computes its sort key with this, so its order is the replay's.
    @inline(__always)
    public func time(_ i: Int, _ parser: TimestampParser) -> Int64? {
        if !kinds.isEmpty, kinds[i] == .integer || kinds[i] == .real, let t = parser.parse(number: numbers[i]) { return t }
        if isNull(i) { return nil }
        return withField(i) { parser.parse($0) }
    }

    /// Field `i` as a string (spaces trimmed); allocates, so not for the per-row path.
    func string(_ i: Int) -> String { withField(i) { String(decoding: $0, as: UTF8.self) } }

    /// Field `i` quoted for a message, or `NULL`.
    func quoted(_ i: Int) -> String { isNull(i) ? "NULL" : "'\(string(i))'" }
}
