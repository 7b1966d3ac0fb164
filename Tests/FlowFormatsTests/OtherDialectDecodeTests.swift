import FlowCore
import Testing
@testable import FlowFormats

@Suite struct ZeekDecodeTests {
    static let header = """
    #separator \\x09
    #set_separator\t,
    #empty_field\t(empty)
    #unset_field\t-
    #path\tconn
    #open\t2019-03-04-11-53-16
    #fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\torig_bytes\tresp_bytes\tconn_state\tlocal_orig\tlocal_resp\tmissed_bytes\thistory\torig_pkts\torig_ip_bytes\tresp_pkts\tresp_ip_bytes\ttunnel_parents
    #types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\tcount\tstring\tbool\tbool\tcount\tstring\tcount\tcount\tcount\tcount\tset[string]

    """

    @Test func connLogWithUnsetAndEmptyFields() throws {
        let text = Self.header + """
        1258531221.486539\tCz8F3O3rmUNrd0OxS5\t192.168.1.102\t68\t192.168.1.1\t67\tudp\tdhcp\t0.163820\t301\t300\tSF\t-\t-\t0\tDd\t1\t329\t1\t328\t(empty)
        1258535653.078339\tC0qmvb1aI9R9RVGzLk\t192.168.1.104\t1191\t65.54.95.64\t80\ttcp\thttp\t-\t-\t-\tS0\t-\t-\t0\tS\t1\t48\t-\t-\t(empty)
        1258535660.000000\tCabc\t2001:db8::1\t128\t2001:db8::2\t0\ticmp\t-\t1.5\t64\t64\tSF\t-\t-\t0\t-\t1\t104\t1\t104\t-
        1258535661.000000\tCdef\t10.0.0.1\t1234\t10.0.0.2\t80\ttcp\t-\t-\t-\t-\tS0\t-\t-\t0\tS\t-\t-\t0\t0\t-
        #close\t2019-03-04-11-53-17

        """
        let d = try decode(text, dialect: nil)
        #expect(d.parser.dialect == .zeekConn)
        #expect(d.rejects == [.missingField])
        let r = d.records
        #expect(r.count == 3)
        #expect(r[0].start == 1_258_531_221_486)
        #expect(r[0].end == 1_258_531_221_486 + 163)
        #expect(r[0].packets == 1 && r[0].bytes == 329 && r[0].revPackets == 1 && r[0].revBytes == 328)
        #expect(r[0].srcPort == 68 && r[0].dstPort == 67 && r[0].proto == 17)
        #expect(r[0].tcpFlags == nil)  // conn_state is not turned into flags
        #expect(r[1].end == r[1].start)  // duration unset
        #expect(r[1].revPackets == nil)
        #expect(r[2].proto == 58)  // Zeek's "icmp" over IPv6 is ICMPv6
        #expect(r[2].dstPort == 128 << 8 && r[2].srcPort == nil)
        #expect(d.outcomes.last == .skipped)
    }

    @Test func fieldsAreReadByNameInAnyOrder() throws {
        let text = "#separator \\x09\n#fields\tid.resp_p\tproto\tresp_ip_bytes\tts\torig_ip_bytes\tid.orig_h\tid.resp_h\torig_pkts\n"
            + "443\ttcp\t900\t1700000000.25\t1500\t10.0.0.1\t10.0.0.2\t7\n"
        let d = try decode(text, dialect: .zeekConn)
        let r = try #require(d.records.first)
        #expect(r.dstPort == 443 && r.srcPort == nil && r.bytes == 1500 && r.packets == 7 && r.revBytes == 900)
        #expect(r.start == 1_700_000_000_250)
    }

    @Test func zeekWithoutHeaderIsAnError() {
        #expect(throws: FlowFormatsError.self) { try decode("1\t2\t3\n", dialect: .zeekConn) }
    }
}

@Suite struct AWSVPCDecodeTests {
    static let text = """
    version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status
    2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK
    2 123456789010 eni-1235b8ca123456789 172.31.9.69 172.31.9.12 49761 3389 6 20 4249 1418530010 1418530070 REJECT OK
    2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA
    2 123456789010 eni-11111111aaaaaaaaa - - - - - - - 1431280876 1431280934 - SKIPDATA
    2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530070 1418530010 ACCEPT OK

    """

    @Test func defaultFormatWithNoDataAndSkipData() throws {
        let d = try decode(Self.text, dialect: nil)
        #expect(d.parser.dialect == .awsVPC)
        #expect(d.rejects == [.noData, .skipData])
        let r = d.records
        #expect(r.count == 3)
        #expect(r[2].end < r[2].start)  // kept as read; floe-clean's end_before_start rejects it
        #expect(r[0].srcAddr == ip("172.31.16.139") && r[0].dstPort == 22 && r[0].proto == 6)
        #expect(r[0].start == 1_418_530_010_000 && r[0].end == 1_418_530_070_000)
        #expect(r[0].packets == 20 && r[0].bytes == 4249)
    }

    @Test func customFieldOrderAndHeaderless() throws {
        let custom = "srcaddr dstaddr start end protocol bytes packets tcp-flags flow-direction\n"
            + "10.0.0.1 10.0.0.2 1700000000 1700000060 6 900 3 19 egress\n"
        let c = try decode(custom, dialect: nil)
        #expect(c.records.first?.tcpFlags == 19 && c.records.first?.flowDirection == 1)
        #expect(c.records.first?.srcPort == nil)
        let headerless = "2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK\n"
        let h = try decode(headerless, dialect: .awsVPC)
        #expect(h.batch.count == 1)
    }
}

@Suite struct CICDecodeTests {
    static let header2017 = "Flow ID, Source IP, Source Port, Destination IP, Destination Port, Protocol, Timestamp, Flow Duration, Total Fwd Packets, Total Backward Packets,Total Length of Fwd Packets, Total Length of Bwd Packets, Flow Bytes/s, Flow Packets/s, FIN Flag Count, SYN Flag Count, ACK Flag Count, Fwd Header Length, Fwd Header Length, Label"

    @Test func cicIDS2017WithQuirks() throws {
        let text = [
            Self.header2017,
            "192.168.10.5-104.16.207.165-54865-443-6,104.16.207.165,443,192.168.10.5,54865,6,7/7/2017 8:59,3,2,0,12,0,4000000,666666.6667,0,0,1,40,40,BENIGN",
            "192.168.10.5-8.8.8.8-1-53-17,192.168.10.5,1,8.8.8.8,53,17,7/7/2017 8:59,0,1,0,0,0,NaN,Infinity,0,0,0,8,8,BENIGN",
            "a,172.16.0.1,4444,192.168.10.50,22,6,5/7/2017 9:10,1000000,3,3,100,200,300,6,0,1,1,60,60,SSH-Patator",
            "a,172.16.0.1,4444,192.168.10.50,22,6,7/7/2017 9:10,1000000,NaN,3,100,200,300,6,0,1,1,60,60,DDoS",
            "a,172.16.0.1,4444,192.168.10.50,22,6,7/7/2017 9:10,-1,3,3,100,200,300,6,0,1,1,60,60,DDoS",
            "a,172.16.0.1,4444,192.168.10.50,80,6,7/7/2017 9:10,1500,3,3,100,200,300,6,1,1,1,60,60,\"Web Attack, XSS\"",
        ].joined(separator: "\n") + "\n"
        let d = try decode(text, dialect: nil)
        #expect(d.parser.dialect == .cicFlowMeter)
        #expect(d.rejects == [.ambiguousTimestamp, .badNumber, .badNumber])
        #expect(d.details[1] == "packets 'NaN': not a finite number")
        let r = d.records
        #expect(r.count == 3)
        #expect(r[0].start == utc(2017, 7, 7, 8, 59) && r[0].end == r[0].start)  // 3 µs
        #expect(r[0].tcpFlags == 0x10)
        #expect(r[1].tcpFlags == nil && r[1].proto == 17)
        #expect(r[2].end - r[2].start == 1)
        #expect(r[2].tcpFlags == 0x13)
        #expect(d.batch.label[0] == "BENIGN")
        #expect(d.batch.label[2] == "Web Attack, XSS")
        // With an explicit order the day-first date is read.
        let o = try decode(text, dialect: .cicFlowMeter, options: ParserOptions(dateOrder: .dayFirst))
        #expect(o.rejects == [.badNumber, .badNumber])
        #expect(o.records[2].start == utc(2017, 7, 5, 9, 10))
    }

    @Test func cse2018WithoutAddressesIsRefused() {
        let header = "Dst Port,Protocol,Timestamp,Flow Duration,Tot Fwd Pkts,Tot Bwd Pkts,TotLen Fwd Pkts,TotLen Bwd Pkts,Label"
        #expect(throws: FlowFormatsError.missingColumns(dialect: .cicFlowMeter, columns: ["src_addr", "dst_addr"])) {
            try decode(header + "\n443,6,28/02/2018 08:22:16,102429,6,7,708,3718,Benign\n", dialect: nil)
        }
    }
}

@Suite struct GenericCSVDecodeTests {
    @Test func aliasesAndUnitSuffixes() throws {
        let text = """
        Source IP,Destination IP,sport,dport,protocol,start_ms,end_ms,pkts,octets,tcp_flags,label
        10.0.0.1,10.0.0.2,1234,80,TCP,1704164645123,1704164646123,3,180,0x12,normal
        10.0.0.1,10.0.0.2,,53,udp,1704164645123,1704164646123,1,60,,
        10.0.0.1,10.0.0.2,1234,80,tcp,2024-01-02T03:04:05Z,1704164646123,3,180,,x

        """
        let d = try decode(text, dialect: nil)
        #expect(d.parser.dialect == .genericCSV)
        #expect(d.rejects == [.badTimestamp])
        #expect(d.records[0].start == 1_704_164_645_123 && d.records[0].tcpFlags == 0x12)
        #expect(d.records[1].srcPort == nil && d.records[1].tcpFlags == nil)
        #expect(d.batch.label[0] == "normal" && d.batch.label[1] == nil)
    }

    @Test func epochUnitByDigitsOrRejected() throws {
        let text = "src,dst,proto,ts,duration,packets,bytes\n"
            + "10.0.0.1,10.0.0.2,6,1704164645,1.5,1,40\n"
            + "10.0.0.1,10.0.0.2,6,170416464512,1.5,1,40\n"
            + "10.0.0.1,10.0.0.2,6,2024-01-02 03:04:05.5,0.25,1,40\n"
        let d = try decode(text, dialect: .genericCSV)
        #expect(d.rejects == [.ambiguousTimestamp])
        #expect(d.records[0].start == 1_704_164_645_000 && d.records[0].end == 1_704_164_646_500)
        #expect(d.records[1].start == utc(2024, 1, 2, 3, 4, 5, ms: 500))
        let forced = try decode(text, dialect: .genericCSV, options: ParserOptions(epochUnit: .millis))
        #expect(forced.rejects.isEmpty)
    }

    @Test func mappingFile() throws {
        let yaml = """
        start: When
        duration: Secs
        src_addr: From
        dst_addr: To
        protocol: P
        packets: N
        bytes: Size
        label: Verdict
        time_format: iso
        timezone: "+02:00"
        delimiter: ";"
        """
        let m = try ColumnMapping(yaml: yaml)
        let text = "When;From;To;P;N;Size;Secs;Verdict;Other\n2024-01-02 05:00:00;10.0.0.1;::1;6;2;100;2.5;bad;zzz\n"
        let d = try decode(text, dialect: nil, options: ParserOptions(mapping: m))
        #expect(d.parser.dialect == .genericCSV)
        let r = try #require(d.records.first)
        #expect(r.start == utc(2024, 1, 2, 3) && r.end == utc(2024, 1, 2, 3, 0, 2, ms: 500))
        #expect(d.batch.label[0] == "bad")
        let json = #"{"start": "t", "src_addr": "s", "dst_addr": "d", "protocol": "p", "packets": "n", "bytes": "b", "time_unit": "ms"}"#
        #expect(try ColumnMapping(yaml: json).timeFormat == .epoch(.millis))
        #expect(throws: FlowFormatsError.self) { try ColumnMapping(yaml: yaml + "\nsrc_ip: x") }
        // A partial mapping is valid; a required field neither mapped nor found by alias is
        // refused when the header is read, by name.
        let partial = try ColumnMapping(yaml: "start: t\n")
        #expect(throws: FlowFormatsError.missingColumns(dialect: .genericCSV, columns: ["src_addr", "dst_addr"])) {
            try decode("t,x,proto,packets,bytes\n1,2,6,1,1\n", dialect: nil, options: ParserOptions(mapping: partial))
        }
        // A mapped column missing from the header is an error.
        #expect(throws: FlowFormatsError.self) {
            try decode("When;From\n", dialect: nil, options: ParserOptions(mapping: m))
        }
    }
}
