import FlowCore
import Testing
@testable import FlowFormats

/// Zeek conn.log JSON and Suricata eve.json lines through `DialectParser`.
@Suite struct JSONDialectDecodeTests {
    let zeekLine = #"{"ts":1591367999.305988,"uid":"CMdzit1AMNsmfAIiQc","id.orig_h":"192.168.4.76","id.orig_p":36844,"id.resp_h":"192.168.4.1","id.resp_p":53,"proto":"udp","duration":0.06685185432434082,"orig_pkts":2,"orig_ip_bytes":118,"resp_pkts":2,"resp_ip_bytes":197}"#

    @Test func zeekJSONIsDetectedAndMappedLikeTheTSV() throws {
        let d = try decode(zeekLine + "\n", dialect: nil)
        #expect(d.parser.dialect == .zeekConnJSON)
        #expect(d.rejects.isEmpty)
        let r = try #require(d.records.first)
        #expect(r.start == 1_591_367_999_305 && r.end == 1_591_367_999_371)
        #expect(r.srcAddr == ip("192.168.4.76") && r.dstAddr == ip("192.168.4.1"))
        #expect(r.packets == 2 && r.bytes == 118 && r.revPackets == 2 && r.revBytes == 197)
    }

    /// Zeek with `Log::default_scope_sep="_"` or nested `id` objects names the tuple
    /// differently; both are read.
    @Test func zeekTupleSpellings() throws {
        let underscore = zeekLine.replacingOccurrences(of: "\"id.", with: "\"id_")
        let nested = #"{"ts":1.5e0,"uid":"C1","id":{"orig_h":"10.0.0.1","orig_p":1,"resp_h":"10.0.0.2","resp_p":2},"proto":"tcp","orig_pkts":1,"orig_ip_bytes":40}"#
        let u = try decode(underscore + "\n", dialect: nil)
        #expect(u.parser.dialect == .zeekConnJSON && u.batch.count == 1)
        let n = try decode(nested + "\n", dialect: .zeekConnJSON)
        #expect(n.rejects == [.badTimestamp], "exponent notation is not an epoch time: \(n.details)")
        let n2 = try decode(nested.replacingOccurrences(of: "1.5e0", with: "1591367999.5") + "\n", dialect: nil)
        #expect(n2.parser.dialect == .zeekConnJSON)
        #expect(n2.records.first?.srcPort == 1 && n2.records.first?.dstAddr == ip("10.0.0.2"))
    }

    @Test func badLinesAreCountedRejectsWithReasons() throws {
        let lines = [
            zeekLine,
            #"{"ts":1591367999.3,"id.orig_h":"10.0.0.1""#,
            zeekLine.replacingOccurrences(of: #""orig_pkts":2"#, with: #""orig_pkts":"2\u0030""#),
            zeekLine.replacingOccurrences(of: #""orig_pkts":2"#, with: #""orig_pkts":{"n":2}"#),
            zeekLine.replacingOccurrences(of: #""orig_pkts":2,"#, with: ""),
            zeekLine.replacingOccurrences(of: #""orig_pkts":2"#, with: #""orig_pkts":-2"#),
            "",
        ]
        let d = try decode(lines.joined(separator: "\n") + "\n", dialect: nil)
        #expect(d.rejects == [.badJSON, .badJSON, .badJSON, .missingField, .badNumber])
        #expect(d.details[0].contains("not one JSON object"))
        #expect(d.details[1].contains("escape"))
        #expect(d.details[2].contains("orig_pkts is a JSON object"))
        #expect(d.batch.count == 1)
    }

    @Test func unknownJSONIsNamed() {
        #expect(throws: FlowFormatsError.self) { try decode("{\"a\":1}\n", dialect: nil) }
        #expect(throws: FlowFormatsError.self) { try decode("{\"a\":1\n", dialect: nil) }
        #expect(throws: FlowFormatsError.self) { try decode("ts,uid\n", dialect: .suricataEve) }
    }

    @Test func suricataSkipsOtherEventsAndReadsFlowAndNetflow() throws {
        let text = """
        {"timestamp":"2026-11-29T10:57:06.581244+0000","event_type":"stats","stats":{"uptime":1}}
        {"timestamp":"2026-11-29T10:57:06.581244+0000","event_type":"flow","src_ip":"10.0.0.1","src_port":1,"dest_ip":"10.0.0.2","dest_port":443,"proto":"TCP","flow":{"pkts_toserver":3,"pkts_toclient":2,"bytes_toserver":180,"bytes_toclient":120,"start":"2026-11-29T10:57:00.000000+0000","end":"2026-11-29T10:57:01.5+0000"},"tcp":{"tcp_flags":"13"}}
        {"event_type":"alert","src_ip":"10.0.0.1","dest_ip":"10.0.0.2","proto":"TCP","alert":{"signature_id":1}}
        {"timestamp":"2026-11-29T10:57:06.581244+0000","event_type":"netflow","src_ip":"2001:db8::1","dest_ip":"2001:db8::2","proto":"IPv6-ICMP","icmp_type":128,"icmp_code":0,"netflow":{"pkts":1,"bytes":104,"start":"2026-11-29T10:57:00.000000+0000","end":"2026-11-29T10:57:00.000000+0000"}}
        {"src_ip":"10.0.0.1"}
        {"event_type":"flow","src_ip":"10.0.0.1","dest_ip":"10.0.0.2","proto":"TCP","flow":{"pkts_toserver":1,"pkts_toclient":0,"bytes_toserver":40,"bytes_toclient":0,"start":"2026-11-29T10:57:00Z"},"tcp":{"tcp_flags":"0x13"}}

        """
        let d = try decode(text, dialect: nil)
        #expect(d.parser.dialect == .suricataEve)
        #expect(d.outcomes.filter { if case .skippedRecord = $0 { true } else { false } }
            == [.skippedRecord(kind: "event_type stats"), .skippedRecord(kind: "event_type alert")])
        #expect(d.rejects == [.missingField, .badFlags])
        #expect(d.details[0].contains("event_type"))
        #expect(d.details[1].contains("hex byte"))
        #expect(d.batch.count == 2)
        let flow = d.records[0]
        #expect(flow.tcpFlags == 0x13 && flow.srcPort == 1 && flow.dstPort == 443 && flow.revBytes == 120)
        #expect(flow.end - flow.start == 1500)
        let netflow = d.records[1]
        #expect(netflow.proto == 58 && netflow.dstPort == 128 << 8 && netflow.srcPort == nil)
        #expect(netflow.revPackets == nil && netflow.bytes == 104)
    }
}
