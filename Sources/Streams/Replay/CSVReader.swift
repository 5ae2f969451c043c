import FlywheelCore

/// A streaming RFC 4180 CSV tokenizer over a ``ByteSource``, reading fixed 64 KiB chunks.
///
/// - Fields are separated by a one-byte delimiter (`,` by default) and records by LF, CRLF or a
///   lone CR. A field that starts with `"` is quoted: it may contain delimiters, line breaks and
///   doubled quotes (`""` → `"`). A quote inside an unquoted field is kept literally.
/// - A UTF-8 byte-order mark at the start of the input is skipped; blank lines are skipped.
/// - A record longer than ``maxRecordBytes`` is an error (usually an unterminated quote), which
///   keeps memory bounded whatever the input.
///
/// Memory is constant: the read buffer plus the longest record.
final class CSVReader {
    static let chunkSize = 1 << 16
    static let maxRecordBytes = 1 << 20

    let path: String
    let delimiter: UInt8
    private let source: ByteSource
    private let buffer: UnsafeMutableRawBufferPointer
    private var pos = 0
    private var end = 0
    private var atStart = true
    private var skipLF = false
    private var eof = false
    /// The physical line the reader is on (1-based).
    private(set) var line = 1

    /// `chunkSize` is the read size (tests use tiny ones to put chunk boundaries everywhere; a
    /// byte-order mark is recognised when the first read holds at least 3 bytes).
    init(path: String, delimiter: UInt8 = 44, chunkSize: Int = CSVReader.chunkSize) throws {
        self.path = path
        self.delimiter = delimiter
        source = try ByteSource(path: path)
        buffer = .allocate(byteCount: max(1, chunkSize), alignment: 8)
    }

    deinit {
        source.close()
        buffer.deallocate()
    }

    func close() { source.close() }

    private func refill() throws -> Bool {
        if eof { return false }
        let n = try source.read(into: buffer)
        if n == 0 { eof = true; return false }
        pos = 0
        end = n
        if atStart {
            atStart = false
            if n >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF { pos = 3 }
        }
        return true
    }

    private enum State { case fieldStart, unquoted, quoted, quoteInQuoted }

    /// Reads the next non-blank record into `record`; returns false at the end of the input.
    ///
    /// Runs of ordinary bytes are located with a tight scan over the read buffer and copied into
    /// the record in one piece; the reader's state lives in locals while scanning.
    ///
    /// - Complexity: O(bytes of the record); allocation-free once `record` has grown.
    func next(into record: inout ReplayRecord) throws -> Bool {
        record.reset(line: line)
        var state = State.fieldStart
        let delim = delimiter
        let buf = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
        var p = pos, e = end, ln = line, skip = skipLF
        defer { pos = p; line = ln; skipLF = skip }
        while true {
            if p == e {
                pos = p
                if try !refill() {
                    switch state {
                    case .quoted:
                        throw FlywheelError("unterminated quoted field", at: SourceLocation(file: path, line: record.line),
                                            hint: "a field that starts with \" must end with \"")
                    case .fieldStart where record.ends.isEmpty:
                        return false
                    default:
                        record.ends.append(record.bytes.count)
                        return true
                    }
                }
                p = pos
                e = end
                continue
            }
            if skip {
                skip = false
                if buf[p] == 10 { p += 1; continue }
            }
            switch state {
            case .quoted:
                var q = p
                while q < e && buf[q] != 34 {
                    if buf[q] == 10 { ln += 1 }
                    q += 1
                }
                if q > p {
                    record.bytes.append(contentsOf: UnsafeBufferPointer(start: buf + p, count: q - p))
                    if record.bytes.count > CSVReader.maxRecordBytes { try tooLong(record) }
                }
                if q < e { state = .quoteInQuoted; p = q + 1 } else { p = q }
            case .quoteInQuoted:
                let c = buf[p]
                p += 1
                if c == 34 {
                    record.bytes.append(34)
                    state = .quoted
                } else if c == delim {
                    record.ends.append(record.bytes.count)
                    state = .fieldStart
                } else if c == 10 || c == 13 {
                    record.ends.append(record.bytes.count)
                    ln += 1
                    skip = c == 13
                    return true
                } else {
                    record.bytes.append(c)
                    state = .unquoted
                }
            case .fieldStart, .unquoted:
                var q = p
                while q < e {
                    let c = buf[q]
                    if c == delim || c == 10 || c == 13 || c == 34 { break }
                    q += 1
                }
                if q > p {
                    record.bytes.append(contentsOf: UnsafeBufferPointer(start: buf + p, count: q - p))
                    if record.bytes.count > CSVReader.maxRecordBytes { try tooLong(record) }
                    state = .unquoted
                }
                p = q
                if q == e { continue }
                let c = buf[q]
                p += 1
                if c == delim {
                    record.ends.append(record.bytes.count)
                    state = .fieldStart
                } else if c == 10 || c == 13 {
                    ln += 1
                    skip = c == 13
                    if state == .fieldStart && record.ends.isEmpty {
                        record.line = ln      // a blank line: skip it
                        continue
                    }
                    record.ends.append(record.bytes.count)
                    return true
                } else if state == .fieldStart {
                    state = .quoted          // c is a quote opening the field
                } else {
                    record.bytes.append(34)  // a quote inside an unquoted field is kept
                }
            }
        }
    }

    private func tooLong(_ record: ReplayRecord) throws -> Never {
        throw FlywheelError("record longer than \(CSVReader.maxRecordBytes) bytes", at: SourceLocation(file: path, line: record.line),
                            hint: "probably an unterminated quoted field")
    }
}
