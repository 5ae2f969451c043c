import FlywheelCore
import Testing
@testable import Streams

private func parse(_ format: TimestampFormat, _ text: String) throws -> Int64? {
    let p = try TimestampParser(format)
    return Array(text.utf8).withUnsafeBufferPointer { p.parse($0) }
}

struct TimestampFormatTests {
    @Test(arguments: ["2024-01-31", "2024/01/31", "2024-01-31T12:30", "2024-01-31 12:30:15", "2024-01-31T12:30:15Z",
                      "2024-01-31T12:30:15+02:00", "1996-05-07T00:30", "2000-02-29T23:59:59-05:30"])
    func isoAgreesWithTheCoreParser(text: String) throws {
        #expect(try parse(.iso8601, text) == ISOTime.parse(Substring(text)))
        #expect(try parse(.iso8601, text) != nil)
    }

    @Test(arguments: ["2023-02-29", "2024-04-31", "2024-00-10", "24-01-01", "2024-01-01T25:00", "2024-01-01x", ""])
    func isoRejectsImpossibleDates(text: String) throws {
        #expect(try parse(.iso8601, text) == nil)
    }

    @Test func epochFormats() throws {
        #expect(try parse(.epochSeconds, "1704067200") == 1_704_067_200)
        #expect(try parse(.epochSeconds, "1704067200.75") == 1_704_067_200)
        #expect(try parse(.epochMilliseconds, "1704067200999") == 1_704_067_200)
        #expect(try parse(.epochMilliseconds, "-1") == -1)
        #expect(try parse(.epochSeconds, "soon") == nil)
    }

    @Test func patterns() throws {
        let jan31 = ISOTime.parse("2024-01-31T12:30")!
        #expect(try parse(.pattern("%d.%m.%Y %H:%M"), "31.01.2024 12:30") == jan31)
        #expect(try parse(.pattern("%m/%d/%y"), "1/31/24") == ISOTime.parse("2024-01-31"))
        #expect(throws: FlywheelError.self) { try TimestampParser(.pattern("%m/%d/%y %I")) }
        #expect(try parse(.pattern("%d-%b-%Y %H:%M:%S"), "31-JAN-2024 12:30:00") == jan31)
        #expect(try parse(.pattern("%Y%j"), "2024031") == ISOTime.parse("2024-01-31"))
        #expect(try parse(.pattern("%m/%d/%Y %H:%M %p"), "1/31/2024 12:30 PM") == jan31)
        #expect(try parse(.pattern("%m/%d/%Y %H:%M %p"), "1/31/2024 12:30 AM") == jan31 - 12 * 3600)
        #expect(try parse(.pattern("%Y-%m-%dT%H:%M:%S.%f%z"), "2024-01-31T14:30:00.123+0200") == jan31)
        #expect(try parse(.pattern("%y"), "69") == ISOTime.parse("1969-01-01"))
        #expect(try parse(.pattern("%Y-%m-%d"), "2023-02-29") == nil)
        #expect(throws: FlywheelError.self) { try TimestampParser(.pattern("%H:%M")) }
    }

    @Test func scenarioSpellings() {
        #expect(TimestampFormat(parsing: "epoch_ms") == .epochMilliseconds)
        #expect(TimestampFormat(parsing: "%d/%m/%Y")?.description == "%d/%m/%Y")
        #expect(TimestampFormat(parsing: "weekly") == nil)
        #expect(TickGrouping(parsing: "1d") == .span(Span(seconds: 86_400)))
        #expect(TickGrouping(parsing: "500 rows") == .rows(500))
        #expect(TickGrouping(parsing: "250") == .rows(250))
        #expect(TickGrouping(parsing: "-3") == nil)
        #expect(TickGrouping.rows(500).description == "500 rows")
    }

    @Test(arguments: [("0.056443", 0.056443), ("-12.5e-3", -0.0125), ("1e300", 1e300), ("12345678901234567890", 12345678901234567890.0),
                      (".5", 0.5), ("7.", 7.0), ("+3", 3.0), ("0.1", 0.1), ("123456.789012345", 123456.789012345)])
    func numbersParseExactly(text: String, value: Double) {
        #expect(Array(text.utf8).withUnsafeBufferPointer { FieldParse.double($0) } == value)
        #expect(Array(text.utf8).withUnsafeBufferPointer { FieldParse.double($0) } == Double(text))
    }

    @Test(arguments: ["", "-", ".", "1.2.3", "abc", "1,5", "0x"])
    func nonNumbersAreRejected(text: String) {
        #expect(Array(text.utf8).withUnsafeBufferPointer { FieldParse.double($0) } == nil)
    }
}
