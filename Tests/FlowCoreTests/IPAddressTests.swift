import Testing
@testable import FlowCore

@Suite struct IPAddressTests {
    @Test(arguments: [
        ("10.0.0.1", "10.0.0.1"), ("0.0.0.0", "0.0.0.0"), ("255.255.255.255", "255.255.255.255"),
        ("::", "::"), ("::1", "::1"), ("2001:DB8::1", "2001:db8::1"),
        ("2001:0db8:0000:0000:0000:0000:0002:0001", "2001:db8::2:1"),
        ("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"),
        ("2001:0:0:1:0:0:0:1", "2001:0:0:1::1"), ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),
        ("fe80::", "fe80::"), ("::ffff:192.0.2.1", "192.0.2.1"), ("64:ff9b::192.0.2.33", "64:ff9b::c000:221"),
        ("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"), ("1::8", "1::8"), ("1:0:0:0:0:0:0:0", "1::"),
    ])
    func parsesAndPrintsCanonically(input: String, canonical: String) throws {
        let a = try #require(IPAddress(input))
        #expect(a.description == canonical)
        #expect(IPAddress(canonical) == a)
    }

    @Test(arguments: [
        "", "1.2.3", "1.2.3.4.5", "01.2.3.4", "1.2.3.04", "256.1.1.1", "1.2.3.-1", "1..2.3", " 1.2.3.4",
        "1.2.3.4 ", ":::", "1:2:3:4:5:6:7:8:9", "1::2::3", "12345::", "fe80::1%eth0", "g::1",
        "1:2:3:4:5:6:7", ":1::", "1:", "::1.2.3", "1:2:3:4:5:6:7:1.2.3.4",
    ])
    func rejectsMalformed(input: String) {
        #expect(IPAddress(input) == nil)
    }

    @Test func ipv4IsMapped() throws {
        let a = try #require(IPAddress("192.168.1.2"))
        #expect(a.isIPv4)
        #expect(a.ipv4 == 0xC0A8_0102)
        #expect(a == IPAddress(ipv4: 0xC0A8_0102))
        #expect(!(try #require(IPAddress("::1"))).isIPv4)
        #expect(IPAddress(ipv4: 0).isUnspecified)
        #expect(IPAddress.zero.isUnspecified)
    }

    @Test func ordersNumerically() throws {
        let a = try #require(IPAddress("10.0.0.2")), b = try #require(IPAddress("10.0.0.10"))
        #expect(a < b)
    }
}

@Suite struct CivilTimeTests {
    @Test func roundTripsDays() {
        for day in stride(from: Int64(-800_000), through: 800_000, by: 997) {
            let c = CivilTime.civilFromDays(day)
            #expect(CivilTime.daysFromCivil(year: c.year, month: c.month, day: c.day) == day)
        }
        #expect(CivilTime.daysFromCivil(year: 1970, month: 1, day: 1) == 0)
        #expect(CivilTime.daysFromCivil(year: 2000, month: 3, day: 1) == 11_017)
    }

    @Test func formatsISO() {
        #expect(CivilTime.isoString(millis: 0) == "1970-01-01T00:00:00.000Z")
        #expect(CivilTime.isoString(millis: 1_700_000_000_123) == "2023-11-14T22:13:20.123Z")
        #expect(CivilTime.isoString(millis: -1) == "1969-12-31T23:59:59.999Z")
        #expect(CivilTime.parseDate("2024-02-29") == CivilTime.daysFromCivil(year: 2024, month: 2, day: 29))
        #expect(CivilTime.parseDate("2023-02-29") == nil)
    }
}

@Suite struct ColumnTests {
    @Test func validityBitmapCountsNulls() {
        var c = NullableColumn<UInt16>(zero: 0)
        for i in 0..<20 { c.append(i % 3 == 0 ? nil : UInt16(i)) }
        #expect(c.validity.nullCount == 7)
        #expect(c[0] == nil && c[1] == 1 && c[19] == 19)
        #expect(c.validity.bytes.count == 3)
        var s = StringColumn()
        s.append("abc"); s.append(nil as String?); s.append("")
        #expect(s[0] == "abc" && s[1] == nil && s[2] == "")
        #expect(s.offsets == [0, 3, 3, 3])
    }

    @Test func batchRoundTripsRecords() {
        var b = FlowBatch()
        var r = FlowRecord()
        r.start = 5; r.end = 9; r.srcPort = 80; r.proto = 6; r.revBytes = 7
        b.append(r)
        #expect(b.record(at: 0) == r)
        b.removeAll()
        #expect(b.isEmpty)
    }
}
