import FlowCore
import Testing
@testable import FlowFormats

@Suite struct NfdumpDecodeTests {
    static let header = DialectHeaders.nfdumpCSV
    static let tail48 = "0,0,0.0.0.0,0.0.0.0,0,0,00:00:00:00:00:00,00:00:00:00:00:00,00:00:00:00:00:00,00:00:00:00:00:00,0-0-0,0-0-0,0-0-0,0-0-0,0-0-0,0-0-0,0-0-0,0-0-0,0-0-0,0-0-0,0.000,0.000,0.000"
    /// A line as nfdump 1.7.x writes it (modelled on real output).
    static func line(ts: String = "2023-01-17 07:02:25", te: String = "2023-01-17 07:02:26", td: String = "0.421",
                     sa: String = "fe80::60df:46cb:1382:b255", da: String = "ff02::1:3", sp: String = "54347",
                     dp: String = "5355", pr: String = "UDP", flg: String = "......", ipkt: String = "2",
                     ibyt: String = "158", opkt: String = "0", obyt: String = "0", ra: String = "10.101.44.1") -> String {
        "\(ts),\(te),\(td),\(sa),\(da),\(sp),\(dp),\(pr),\(flg),0,0,\(ipkt),\(ibyt),\(opkt),\(obyt),0,0,0,0,0,0,\(tail48),\(ra),0/0,1,2023-01-17 07:03:01.822"
    }

    @Test func realLookingOutputWithSummary() throws {
        let text = [
            Self.header,
            Self.line(),
            Self.line(ts: "2023-01-17 07:02:27", te: "2023-01-17 07:02:31", td: "4.120", sa: "192.168.1.10",
                      da: "10.0.0.1", sp: "51514", dp: "443", pr: "TCP", flg: ".AP.SF", ipkt: "10", ibyt: "1200",
                      opkt: "8", obyt: "64000", ra: "0.0.0.0"),
            Self.line(sa: "10.0.0.2", da: "10.0.0.3", sp: "0", dp: "8.0", pr: "ICMP"),
            "Summary",
            "flows,bytes,packets,avg_bps,avg_pps,avg_bpp",
            "3,65516,14,0,0,0",
        ].joined(separator: "\n") + "\n"
        let d = try decode(text, dialect: nil)
        #expect(d.parser.dialect == .nfdumpCSV)
        #expect(d.rejects.isEmpty, "\(d.details)")
        #expect(d.outcomes.filter { $0 == .record }.count == 3)
        let r = d.records
        #expect(r[0].start == utc(2023, 1, 17, 7, 2, 25))
        #expect(r[0].end == utc(2023, 1, 17, 7, 2, 26))
        #expect(r[0].srcAddr == ip("fe80::60df:46cb:1382:b255"))
        #expect(r[0].proto == 17)
        #expect(r[0].tcpFlags == nil)  // flags of non-TCP flows are not flags
        #expect(r[0].revPackets == nil && r[0].revBytes == nil)
        #expect(r[0].exporter == ip("10.101.44.1"))
        #expect(r[0].srcAS == nil && r[0].inputInterface == nil)
        #expect(r[0].tos == 0 && r[0].flowDirection == 0)
        #expect(r[1].tcpFlags == 0x1B && r[1].proto == 6)
        #expect(r[1].revPackets == 8 && r[1].revBytes == 64000)
        #expect(r[1].exporter == nil)
        #expect(r[2].dstPort == 0x0800 && r[2].proto == 1)
    }

    @Test func localTimeIsConvertedWithTheZoneOption() throws {
        let text = Self.header + "\n" + Self.line() + "\n"
        let d = try decode(text, dialect: .nfdumpCSV, options: ParserOptions(timeZone: try TimeZoneSpec(parsing: "Europe/Berlin")))
        #expect(d.records.first?.start == utc(2023, 1, 17, 6, 2, 25))
    }

    @Test func quirksAreRejectedWithNamedFields() throws {
        let lines = [
            Self.line(sa: "10.0.0.01"),
            Self.line(sp: "70000"),
            Self.line(ipkt: "1e3"),
            Self.line(ibyt: "-5"),
            Self.line(pr: "BOGUS"),
            Self.line(flg: "S....."),
            Self.line(ts: "2023-13-01 00:00:00"),
            Self.line(ts: "2023-01-17 07:02:27", te: "2023-01-17 07:02:26"),
            "1,2,3",
            Self.line(sa: ""),
        ]
        let d = try decode(([Self.header] + lines).joined(separator: "\n") + "\n", dialect: .nfdumpCSV)
        #expect(d.rejects == [.badAddress, .badPort, .badNumber, .badNumber, .badProtocol, .badFlags, .badTimestamp,
                              .fieldCount, .missingField])
        #expect(d.details[0] == "src_addr '10.0.0.01': leading zero")
        #expect(d.details[1].hasPrefix("src_port '70000'"))
        #expect(d.details[2] == "packets '1e3': exponent notation")
        #expect(d.details[7] == "expected 48 fields, found 3")
        // End before start parses as read: floe-clean's end_before_start rule rejects it.
        #expect(d.batch.count == 1)
        #expect(d.records.first.map { $0.end < $0.start } == true)
    }

    @Test func crlfBomAndInvalidUTF8() throws {
        var bytes: [UInt8] = [0xEF, 0xBB, 0xBF]
        bytes += Array((Self.header + "\r\n" + Self.line() + "\r\n").utf8)
        bytes += Array(Self.line().utf8).map { $0 == 0x55 ? 0x96 : $0 } + [0x0D, 0x0A]  // 'U' of UDP → 0x96
        bytes += Array(Self.line().utf8)  // no terminator: truncated stream
        let d = try decode(bytes, dialect: nil, chunk: 7)
        #expect(d.parser.dialect == .nfdumpCSV)
        #expect(d.outcomes.first == .skipped)
        #expect(d.batch.count == 1)
        #expect(d.rejects == [.invalidUTF8, .truncatedLine])
    }

    @Test func newCSVAndCSVFast() throws {
        let new = """
        firstSeen,duration,proto,srcAddr,srcPort,dstAddr,dstPort,packets,bytes,flows
        2024-05-06 10:11:12.345,5.000,6,192.168.0.1,443,2001:db8::7,51000,12,3456,1
        2024-05-06 10:11:13.000,0.000,1,10.0.0.1,0,10.0.0.2,3.1,1,56,1
        2024-05-06 10:11:13.000,0.000,17,10.0.0.1,53,10.0.0.2,53,1,56,1,extra

        """
        let d = try decode(new, dialect: nil)
        #expect(d.parser.dialect == .nfdumpCSVNew)
        #expect(d.records[0].start == utc(2024, 5, 6, 10, 11, 12, ms: 345))
        #expect(d.records[0].end == utc(2024, 5, 6, 10, 11, 17, ms: 345))
        #expect(d.records[0].dstAddr == ip("2001:db8::7"))
        #expect(d.records[0].tcpFlags == nil)
        #expect(d.records[1].dstPort == UInt16(3 * 256 + 1), "\(d.records[1])")
        #expect(d.rejects == [.fieldCount])

        let fast = """
        cnt,af,firstSeen,lastSeen,proto,srcAddr,srcPort,dstAddr,dstPort,srcAS,dstAS,input,output,flags,srcTos,packets,bytes
        1,2,1704164645123,1704164650123,6,10.1.1.1,1234,10.2.2.2,80,64500,0,3,4,...A..SF,0,5,600
        2,10,1704164645123,1704164645123,17,2001:db8::1,53,2001:db8::2,5353,0,0,0,0,........,32,1,80

        """
        let f = try decode(fast, dialect: nil)
        #expect(f.parser.dialect == .nfdumpCSVFast)
        #expect(f.rejects.isEmpty, "\(f.details)")
        #expect(f.records[0].end == 1_704_164_650_123)
        #expect(f.records[0].tcpFlags == 0x13)
        #expect(f.records[0].srcAS == 64500 && f.records[0].dstAS == nil)
        #expect(f.records[0].inputInterface == 3)
        #expect(f.records[1].tos == 32 && f.records[1].tcpFlags == nil)
    }

    @Test func unknownHeaderThrowsNamingTheLine() {
        #expect(throws: FlowFormatsError.unknownFormat(firstLine: "foo,bar,baz", recognised: [],
                                                      missing: HeaderSniff.requiredFields)) {
            try decode("foo,bar,baz\n1,2,3\n", dialect: nil)
        }
    }
}
