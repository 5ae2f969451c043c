import Foundation
import Testing
@testable import Streams

struct CSVReaderTests {
    /// Fields with delimiters, doubled quotes, line breaks and CRLF endings, written across many
    /// 64 KiB chunk boundaries, come back exactly as written.
    @Test(arguments: [CSVReader.chunkSize, 1, 2, 3, 7, 64])
    func recordsSurviveChunkBoundaries(chunk: Int) throws {
        let t = try TempFolder()
        var expected: [[String]] = [["id", "text", "value"]]
        var text = "id,text,value\r\n"
        var lines = 1
        var expectedLines: [Int] = [1]
        var state: UInt64 = 99
        func next() -> Int { state = state &* 6364136223846793005 &+ 1442695040888963407; return Int(state >> 40) }
        for i in 0..<12_000 {
            let kind = next() % 5
            let body: String
            let encoded: String
            switch kind {
            case 0: body = "plain\(i)"; encoded = body
            case 1: body = "a, b, \(i)"; encoded = "\"\(body)\""
            case 2: body = "say \"\(i)\""; encoded = "\"say \"\"\(i)\"\"\""
            case 3: body = "two\nlines \(i)"; encoded = "\"\(body)\""
            default: body = ""; encoded = next() % 2 == 0 ? "" : "\"\""
            }
            let value = String(next() % 100_000)
            expected.append([String(i), body, value])
            expectedLines.append(lines + 1)
            text += "\(i),\(encoded),\(value)\r\n"
            lines += 1 + (kind == 3 ? 1 : 0)
        }
        #expect(text.utf8.count > 3 * CSVReader.chunkSize)
        let path = try t.write("big.csv", text)
        let reader = try CSVReader(path: path, chunkSize: chunk)
        var record = ReplayRecord()
        var got: [[String]] = []
        var gotLines: [Int] = []
        while try reader.next(into: &record) {
            got.append((0..<record.count).map { fieldString(record, $0) })
            gotLines.append(record.line)
        }
        #expect(got == expected)
        #expect(gotLines == expectedLines)
    }

    @Test(arguments: [CSVReader.chunkSize, 1, 2])
    func loneCarriageReturnsAndMissingFinalNewline(chunk: Int) throws {
        let t = try TempFolder()
        let path = try t.write("cr.csv", "a,b\r1,2\r\r3,\"x\"")
        let reader = try CSVReader(path: path, chunkSize: chunk)
        var record = ReplayRecord()
        var got: [[String]] = []
        while try reader.next(into: &record) { got.append((0..<record.count).map { fieldString(record, $0) }) }
        #expect(got == [["a", "b"], ["1", "2"], ["3", "x"]])
    }
}

/// A field's exact bytes (untrimmed), as a string.
private func fieldString(_ r: ReplayRecord, _ i: Int) -> String {
    let start = i == 0 ? 0 : r.ends[i - 1]
    return String(decoding: r.bytes[start..<r.ends[i]], as: UTF8.self)
}
