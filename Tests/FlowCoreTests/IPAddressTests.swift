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

@Suite struct IPv6TextTests {
    @Test(arguments: [
        // Embedded IPv4 forms.
        ("::1.2.3.4", "::102:304"), ("::ffff:0.0.0.0", "0.0.0.0"), ("1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:102:304"),
        ("1::5:6:255.255.255.255", "1::5:6:ffff:ffff"), ("::FFFF:10.0.0.1", "10.0.0.1"),
        ("0:0:0:0:0:ffff:10.0.0.1", "10.0.0.1"), ("1::1.2.3.4", "1::102:304"),
        // Zero runs at either end, ties, single zero groups.
        ("0:0:0:0:0:0:0:1", "::1"), ("1:0:0:0:0:0:0:0", "1::"), ("0:0:1:0:0:0:0:0", "0:0:1::"),
        ("0:0:0:1:0:0:0:0", "0:0:0:1::"), ("0:0:0:1:0:0:0:2", "::1:0:0:0:2"), ("1:0:0:2:0:0:3:4", "1::2:0:0:3:4"),
        ("1:0:2:3:4:5:6:7", "1:0:2:3:4:5:6:7"), ("0:1:2:3:4:5:6:0", "0:1:2:3:4:5:6:0"),
        ("0:0:0:0:0:0:0:0", "::"), ("1::", "1::"), ("::2:3:4:5:6:7:8", "0:2:3:4:5:6:7:8"),
        ("1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0"),
        // Maximum lengths and digit forms.
        ("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"),
        ("0000:0000:0000:0000:0000:ffff:255.255.255.255", "255.255.255.255"),
        ("00ab:0c00:F00D:000f:1000:0100:0010:0001", "ab:c00:f00d:f:1000:100:10:1"),
        ("1234:5678:9abc:def0:ABCD:EF01:2345:6789", "1234:5678:9abc:def0:abcd:ef01:2345:6789"),
    ])
    func parsesAndPrintsCanonically(input: String, canonical: String) throws {
        let a = try #require(IPAddress(input))
        #expect(a.description == canonical)
        #expect(IPAddress(canonical) == a)
        var out: [UInt8] = [9]
        a.appendText(to: &out)
        #expect(out == [9] + Array(canonical.utf8))
    }

    @Test(arguments: [
        ":", "::1:", ":1", "1:::2", "1::2::", "::1::", "1:2:3:4:5:6:7:8:", ":1:2:3:4:5:6:7:8",
        "1:2:3:4:5:6:7:8::", "::1:2:3:4:5:6:7:8", "1:2:3:4::5:6:7:8", "00000::", "::00001",
        "1:2:3:4:5:6:7:8:1.2.3.4", "::1.2.3.4:5", "::1.2.3", "::1.2.3.256", "::01.2.3.4", "::1.2.3.4.",
        "1.2.3.4::", "::ffff:1a.2.3.4", "[::1]", "::1/64", "::1 ", " ::1", "fe80::1%1", "::g",
        "1:2:3:4:5:6:7:8:9:10:11:12:13:14:15:16:17:18:19:20", "1:2:3:4:5:6:1.2.3.4:1",
        "0000:0000:0000:0000:0000:ffff:255.255.255.255:", "1:2:3:4:5:6:7:1.2.3.4",
    ])
    func rejectsMalformed(input: String) {
        #expect(IPAddress(input) == nil)
    }

    @Test func roundTripsRandomAddresses() {
        var rng = SplitMix(state: 7)
        for i in 0..<5_000 {
            // Bias towards zero groups so every run position and length shows up.
            var groups = (0..<8).map { _ in rng.chance(0.5) ? UInt16(0) : UInt16(truncatingIfNeeded: rng.next() >> (i % 16)) }
            if i % 3 == 0 { groups[Int(rng.next() % 8)] = 0 }
            let a = IPAddress(high: groups[0..<4].reduce(0) { $0 << 16 | UInt64($1) },
                              low: groups[4..<8].reduce(0) { $0 << 16 | UInt64($1) })
            let text = a.description
            #expect(text.utf8.count <= IPAddress.maxTextLength)
            #expect(IPAddress(text) == a, "\(text)")
            // The uncompressed, zero-padded form parses to the same address.
            let long = groups.map { g in String(repeating: "0", count: 4 - String(g, radix: 16).count) + String(g, radix: 16) }
            #expect(IPAddress(long.joined(separator: ":")) == a)
            if !a.isIPv4 { #expect(text == Self.referenceRFC5952(groups)) }
        }
    }

    /// RFC 5952 written out the obvious way, for comparison.
    static func referenceRFC5952(_ g: [UInt16]) -> String {
        var best = (start: -1, len: 1)
        var k = 0
        while k < 8 {
            var e = k
            while e < 8 && g[e] == 0 { e += 1 }
            if e - k > best.len { best = (k, e - k) }
            k = max(e, k + 1)
        }
        let hex = g.map { String($0, radix: 16) }
        if best.start < 0 { return hex.joined(separator: ":") }
        return hex[0..<best.start].joined(separator: ":") + "::" + hex[(best.start + best.len)...].joined(separator: ":")
    }
}
