import Testing
@testable import FlowFormats

@Suite struct TimestampTests {
    func parse(_ s: String, tz: TimeZoneSpec = .utc, order: DateOrder? = nil, infer: Bool = false,
               overlap: DSTOverlapPolicy = .earliest) -> TimeParse {
        var conv = LocalTimeConverter(tz, overlapPolicy: overlap)
        return withBytes(s) { TimestampParsing.text($0, converter: &conv, dateOrder: order, inferSlashedOrder: infer) }
    }

    /// pmacct's zero date in its forms, and nothing else (a real date fails on its first byte).
    @Test func zeroDates() {
        for zero in ["0000-00-00 00:00:00", "0000-00-00T00:00:00.000", "0000-00-00 00:00:00.000000", "0000-00-00"] {
            #expect(withBytes(zero) { TimestampParsing.isZeroDate($0) }, "\(zero)")
        }
        for other in ["2026-11-01 00:00:00", "0000-00-01 00:00:00", "0000-00-00 00:00:01", "000", "1000-00-00", "0000-00-00Z1"] {
            #expect(!withBytes(other) { TimestampParsing.isZeroDate($0) }, "\(other)")
        }
    }

    @Test func isoForms() {
        let t = utc(2024, 1, 2, 3, 4, 5, ms: 123)
        #expect(parse("2024-01-02T03:04:05.123Z") == .ok(t))
        #expect(parse("2024-01-02 03:04:05.123") == .ok(t))
        #expect(parse("2024-01-02T04:04:05.123+01:00") == .ok(t))
        #expect(parse("2024-01-02T02:04:05.123456-0100") == .ok(t))
        #expect(parse("2024-01-02T05:04:05.123+02") == .ok(t))
        #expect(parse("2024-01-02 03:04:05") == .ok(t - 123))
        #expect(parse("2024/01/02 03:04:05.123456") == .ok(t))
        if case .bad = parse("2024-02-30 00:00:00") {} else { Issue.record("Feb 30 accepted") }
        if case .bad = parse("0000-00-00 00:00:00.000") {} else { Issue.record("zero time accepted") }
        if case .bad = parse("2024-01-02 24:00:00") {} else { Issue.record("hour 24 accepted") }
        if case .bad = parse("2024-01-02T03:04:05Zjunk") {} else { Issue.record("junk accepted") }
    }

    @Test func localTimeZones() throws {
        // Fixed offset: local 03:04:05 at +02:00 is 01:04:05 UTC.
        #expect(parse("2024-01-02 03:04:05", tz: try TimeZoneSpec(parsing: "+02:00")) == .ok(utc(2024, 1, 2, 1, 4, 5)))
        let berlin = try TimeZoneSpec(parsing: "Europe/Berlin")
        #expect(parse("2024-07-01 12:00:00", tz: berlin) == .ok(utc(2024, 7, 1, 10)))
        #expect(parse("2024-01-01 12:00:00", tz: berlin) == .ok(utc(2024, 1, 1, 11)))
        // DST gap: 2024-03-31 02:30 does not exist in Berlin.
        if case .bad(let why) = parse("2024-03-31 02:30:00", tz: berlin) { #expect(why.contains("gap")) } else {
            Issue.record("gap time accepted")
        }
        // DST overlap: 2024-10-27 02:30 happens twice; earliest is 00:30 UTC.
        #expect(parse("2024-10-27 02:30:00", tz: berlin) == .ok(utc(2024, 10, 27, 0, 30)))
        if case .ambiguous = parse("2024-10-27 02:30:00", tz: berlin, overlap: .reject) {} else {
            Issue.record("overlap not rejected")
        }
        #expect(throws: FlowFormatsError.self) { try TimeZoneSpec(parsing: "Mars/Olympus") }
        #expect(throws: FlowFormatsError.self) { try TimeZoneSpec(parsing: "+25:00") }
    }

    @Test func slashedDatesAreNotGuessed() {
        // Day-first and month-first both possible: ambiguous unless the order is set.
        if case .ambiguous = parse("03/02/2018 08:47:38", infer: true) {} else { Issue.record("03/02 guessed") }
        if case .ambiguous = parse("13/02/2018 08:47:38") {} else { Issue.record("generic slashed date accepted") }
        #expect(parse("03/02/2018 08:47:38", order: .dayFirst) == .ok(utc(2018, 2, 3, 8, 47, 38)))
        #expect(parse("03/02/2018 08:47:38", order: .monthFirst) == .ok(utc(2018, 3, 2, 8, 47, 38)))
        // With a known slashed convention, unambiguous values are accepted.
        #expect(parse("13/02/2018 08:47:38", infer: true) == .ok(utc(2018, 2, 13, 8, 47, 38)))
        #expect(parse("7/27/2017 9:05", infer: true) == .ok(utc(2017, 7, 27, 9, 5)))
        #expect(parse("7/7/2017 8:59", infer: true) == .ok(utc(2017, 7, 7, 8, 59)))
        #expect(parse("20/02/2018 08:34:07 PM", infer: true) == .ok(utc(2018, 2, 20, 20, 34, 7)))
        if case .bad = parse("31/02/2018 08:00", order: .dayFirst) {} else { Issue.record("31 Feb accepted") }
    }

    @Test func epochUnits() {
        #expect(withBytes("1418530010") { TimestampParsing.epoch($0, unit: .seconds) } == 1_418_530_010_000)
        #expect(withBytes("1704164645123") { TimestampParsing.epoch($0, unit: .millis) } == 1_704_164_645_123)
        #expect(withBytes("1704164645123456") { TimestampParsing.epoch($0, unit: .micros) } == 1_704_164_645_123)
        #expect(withBytes("1704164645.5") { TimestampParsing.epochUnitByDigits($0) } == .seconds)
        #expect(withBytes("1704164645123") { TimestampParsing.epochUnitByDigits($0) } == .millis)
        #expect(withBytes("17041646451") { TimestampParsing.epochUnitByDigits($0) } == nil)
    }
}
