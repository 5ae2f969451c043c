import Testing
@testable import FlywheelCore

@Test(arguments: [("7d", Int64(604_800)), ("12h", 43_200), ("30m", 1_800), ("2w", 1_209_600), ("45s", 45), ("1.5d", 129_600)])
func spanParsesUnits(text: String, seconds: Int64) {
    #expect(Span(parsing: text)?.seconds == seconds)
}

@Test(arguments: ["7x", "", "d", "-3d", "0d", "abc"])
func spanRejectsNonDurations(text: String) {
    #expect(Span(parsing: text) == nil)
}

@Test func spanRendersShortestExactUnit() {
    #expect(Span(seconds: 86_400).description == "1d")
    #expect(Span(seconds: 90_000).description == "25h")
    #expect(Span(seconds: 1_209_600).description == "2w")
}

@Test func durationSpecConvertsToTicks() {
    #expect(DurationSpec(parsing: "7d")?.ticks(per: Span(seconds: 86_400)) == 7)
    #expect(DurationSpec(parsing: "12")?.ticks(per: Span(seconds: 86_400)) == 12)
    #expect(DurationSpec(parsing: "12h")?.ticks(per: Span(seconds: 86_400)) == 0.5)
}

@Test func isoTimeRoundTripsKnownDates() {
    #expect(ISOTime.format(0) == "1970-01-01T00:00:00Z")
    #expect(ISOTime.format(1_704_067_200) == "2024-01-01T00:00:00Z")
    #expect(ISOTime.format(951_782_400) == "2000-02-29T00:00:00Z")
    #expect(ISOTime.parse("2024-01-01") == 1_704_067_200)
    #expect(ISOTime.parse("1996-05-07T00:30") == 831_429_000)
    #expect(ISOTime.parse("2012/01/01") == 1_325_376_000)
    #expect(ISOTime.parse("2024-01-01T02:00:00+02:00") == 1_704_067_200)
    #expect(ISOTime.parse("2024-13-01") == nil)
    #expect(ISOTime.parse("yesterday") == nil)
}

@Test func derivedSeedsDependOnlyOnSeedAndPath() {
    let a = RandomStream.derive(42, ["replicate", "0", "traffic"])
    #expect(a == RandomStream.derive(42, ["replicate", "0", "traffic"]))
    #expect(a != RandomStream.derive(42, ["replicate", "1", "traffic"]))
    #expect(a != RandomStream.derive(43, ["replicate", "0", "traffic"]))
    #expect(RandomStream.derive(1, ["ab", "c"]) != RandomStream.derive(1, ["a", "bc"]))
    let r1 = RandomStream(seed: a), r2 = RandomStream(seed: a)
    for _ in 0..<100 { #expect(r1.uniform() == r2.uniform()) }
}

/// One ISO 8601 parser serves scenario dates and replayed timestamps: it knows each month's
/// length and the Gregorian leap years (divisible by 4, except centuries not divisible by 400).
@Test(arguments: [("2024-02-29", true), ("2023-02-29", false), ("2024-02-30", false), ("2000-02-29", true),
                  ("1900-02-29", false), ("2024-04-31", false), ("2024-12-31T23:59:59Z", true), ("2024-01-31T12:30.", false)])
func isoDatesExistOnlyWhenTheMonthHasTheDay(text: String, valid: Bool) {
    #expect((ISOTime.parse(Substring(text)) != nil) == valid)
    #expect((Array(text.utf8).withUnsafeBufferPointer { ISOTime.parse($0) } != nil) == valid)
}

@Test func aLeapDayIsTheDayAfterFebruaryTheTwentyEighth() {
    #expect(ISOTime.parse("2024-02-29")! - ISOTime.parse("2024-02-28")! == 86_400)
    #expect(ISOTime.parse("2024-03-01")! - ISOTime.parse("2024-02-29")! == 86_400)
    #expect(ISOTime.format(ISOTime.parse("2000-02-29T06:00:00Z")!) == "2000-02-29T06:00:00Z")
}
