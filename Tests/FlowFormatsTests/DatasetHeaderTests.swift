import FlowCore
import Testing
@testable import FlowFormats

/// Headers as real tools and public datasets write them: each is recognised (or refused
/// with the exact missing piece named) and its first row decodes to the right record.
@Suite struct DatasetHeaderTests {
    /// Issue 18's plain CSV: eight of ten names were known only after this change.
    @Test func tsStartPlainCSV() throws {
        let d = try decode("""
            ts_start,ts_end,src_ip,dst_ip,src_port,dst_port,proto,packets,bytes,tcp_flags
            1704164645,1704164650,10.0.0.1,10.0.0.2,1234,80,6,5,600,27

            """, dialect: nil)
        #expect(d.parser.dialect == .genericCSV && d.rejects.isEmpty)
        let r = try #require(d.records.first)
        #expect(r.start == 1_704_164_645_000 && r.end == 1_704_164_650_000 && r.tcpFlags == 27 && r.dstPort == 80)
    }

    @Test(arguments: [
        "start_ts,end_ts,src_ip,dst_ip,proto,packets,bytes",
        "time_start,time_end,src_ip,dst_ip,proto,packets,bytes",
        "FIRST_SWITCHED,LAST_SWITCHED,IPV4_SRC_ADDR,IPV4_DST_ADDR,PROTOCOL,IN_PKTS,IN_BYTES",
        "first_switched,last_switched,src,dst,protocol,pkts,octets",
    ])
    func timeAliases(header: String) throws {
        let d = try decode(header + "\n1704164645,1704164650,10.0.0.1,10.0.0.2,17,1,60\n", dialect: nil)
        #expect(d.parser.dialect == .genericCSV && d.rejects.isEmpty, "\(d.details)")
        #expect(d.records.first?.end == 1_704_164_650_000)
    }

    @Test func ipfixInformationElementNames() throws {
        let d = try decode("""
            flowStartMilliseconds,flowEndMilliseconds,sourceIPv6Address,destinationIPv6Address,sourceTransportPort,destinationTransportPort,protocolIdentifier,octetDeltaCount,packetDeltaCount,tcpControlBits,ingressInterface,egressInterface,ipClassOfService
            1704164645123,1704164645999,2001:db8::1,2001:db8::2,443,51000,6,1500,3,24,7,9,32
            flowStartSeconds,flowEndSeconds,sourceIPv4Address,destinationIPv4Address,protocolIdentifier,octetDeltaCount,packetDeltaCount

            """.split(separator: "\n").prefix(2).joined(separator: "\n") + "\n", dialect: nil)
        #expect(d.parser.dialect == .genericCSV && d.rejects.isEmpty, "\(d.details)")
        let r = try #require(d.records.first)
        #expect(r.start == 1_704_164_645_123 && r.end == 1_704_164_645_999)
        #expect(r.bytes == 1500 && r.packets == 3 && r.tcpFlags == 24 && r.inputInterface == 7 && r.tos == 32)
        // Seconds by name, not by digit count: a 9-digit value (1973) is still seconds.
        let s = try decode("flowStartSeconds,flowEndSeconds,sourceIPv4Address,destinationIPv4Address,protocolIdentifier,octetDeltaCount,packetDeltaCount\n100000000,100000001,10.0.0.1,10.0.0.2,17,60,1\n", dialect: nil)
        #expect(s.records.first?.start == 100_000_000_000 && s.rejects.isEmpty)
    }

    /// NF-*-v3 (nProbe field names, 2024 release): times in ms, reverse counters, the
    /// `Attack` text as label; L7_PROTO (nDPI `7.178`) is not the IP protocol.
    @Test func nfV3NProbeNames() throws {
        let header = "FLOW_START_MILLISECONDS,FLOW_END_MILLISECONDS,IPV4_SRC_ADDR,L4_SRC_PORT,IPV4_DST_ADDR,L4_DST_PORT,PROTOCOL,L7_PROTO,IN_BYTES,IN_PKTS,OUT_BYTES,OUT_PKTS,TCP_FLAGS,CLIENT_TCP_FLAGS,SERVER_TCP_FLAGS,FLOW_DURATION_MILLISECONDS,Label,Attack"
        let d = try decode(header + """

            1424242190000,1424242190968,59.166.0.2,4894,149.171.126.3,53,17,5.126,146,2,178,2,0,0,0,968,0,Benign
            1424242191000,1424242191000,175.45.176.1,0,149.171.126.16,0,6,0.0,200,4,0,0,2,2,0,0,1,Exploits

            """, dialect: nil)
        #expect(d.parser.dialect == .genericCSV && d.rejects.isEmpty, "\(d.details)")
        let r = try #require(d.records.first)
        #expect(r.proto == 17 && r.bytes == 146 && r.packets == 2 && r.revBytes == 178 && r.revPackets == 2)
        #expect(r.start == 1_424_242_190_000 && r.end == 1_424_242_190_968)
        #expect(d.batch.label[0] == "Benign" && d.batch.label[1] == "Exploits")
    }

    /// NF-*-v1/v2 have a duration but no time: the error says exactly that.
    @Test func nfV1WithoutTimesNamesWhatIsMissing() {
        let header = "IPV4_SRC_ADDR,L4_SRC_PORT,IPV4_DST_ADDR,L4_DST_PORT,PROTOCOL,L7_PROTO,IN_BYTES,OUT_BYTES,IN_PKTS,OUT_PKTS,TCP_FLAGS,FLOW_DURATION_MILLISECONDS,Label,Attack"
        do {
            _ = try decode(header + "\n149.171.126.0,62073,59.166.0.5,56082,6,0.0,9672,416,11,8,25,15,0,Benign\n", dialect: nil)
            Issue.record("expected an error")
        } catch let e as FlowFormatsError {
            guard case .unknownFormat(_, let recognised, let missing, let note) = e else { Issue.record("\(e)"); return }
            #expect(missing == ["start"])
            #expect(recognised.contains("FLOW_DURATION_MILLISECONDS → duration") && recognised.contains("Attack → label"))
            #expect(note.contains("'FLOW_DURATION_MILLISECONDS' is a duration"))
            #expect(e.description.contains("--suggest-mapping"))
        } catch { Issue.record("\(error)") }
    }

    @Test func pmacctPrintCSV() throws {
        let d = try decode("""
            SRC_IP,DST_IP,SRC_PORT,DST_PORT,PROTOCOL,TIMESTAMP_START,TIMESTAMP_END,PACKETS,BYTES
            127.0.0.1,127.0.0.1,40000,18080,tcp,2026-12-06 05:06:37.693588,2026-12-06 05:06:38.000000,6,420
            ::1,::1,47586,18981,tcp,2026-12-06 05:30:37.600457,0000-00-00 00:00:00.000000,1,80
            ::1,::1,47586,18981,tcp,0000-00-00 00:00:00.000000,0000-00-00 00:00:00.000000,1,80

            """, dialect: nil)
        #expect(d.parser.dialect == .genericCSV && d.rejects == [.badTimestamp], "\(d.details)")
        let r = try #require(d.records.first)
        #expect(r.start == utc(2026, 12, 6, 5, 6, 37, ms: 693) && r.end == utc(2026, 12, 6, 5, 6, 38) && r.proto == 6 && r.bytes == 420)
        // pmacct's zero date for an end it did not track: the end is unknown (= start); a
        // zero start stays bad_timestamp.
        #expect(d.records.count == 2 && d.records[1].end == d.records[1].start)
    }

    /// CTU-13 `.binetflow`: Argus output with text times, hex ICMP ports, total packets and
    /// total bytes (rev_bytes = TotBytes − SrcBytes), the dataset's label.
    @Test func ctu13Binetflow() throws {
        let d = try decode(DialectHeaders.ctu13Binetflow + """

            2011/08/10 09:46:59.607825,1.026539,tcp,94.44.127.113,1577,   ->,147.32.84.59,6881,S_RA,0,0,4,276,156,flow=Background-Established-cmpgw-CVUT
            2011/08/10 09:47:00.054000,0.000000,icmp,147.32.84.165,0x0303,   ->,147.32.80.9,0x0f05,URP,0,,1,130,130,flow=From-Botnet-V42-ICMP
            2011/08/10 09:47:01.000000,,arp,147.32.84.1,,  who,147.32.84.2,,CON,,,2,120,60,flow=Background

            """, dialect: nil)
        #expect(d.parser.dialect == .argus && d.rejects.isEmpty, "\(d.details)")
        #expect(d.outcomes.contains(.skippedRecord(kind: "arp")))
        let r = try #require(d.records.first)
        #expect(r.start == utc(2011, 8, 10, 9, 46, 59, ms: 607) && r.end == r.start + 1026)
        #expect(r.packets == 4 && r.bytes == 156 && r.revBytes == 120 && r.revPackets == nil)
        #expect(d.batch.label[0] == "flow=Background-Established-cmpgw-CVUT")
        #expect(d.records[1].dstPort == 0x0303 && d.records[1].srcPort == nil && d.records[1].tos == 0)
    }

    /// CIC-IDS2017 TrafficLabelling: 85 columns with leading spaces, `Fwd Header Length`
    /// twice, Infinity/NaN in rate columns, `D/M/YYYY H:MM` times.
    @Test func cicIDS2017FullHeader() throws {
        let header = "Flow ID, Source IP, Source Port, Destination IP, Destination Port, Protocol, Timestamp, Flow Duration, Total Fwd Packets, Total Backward Packets,Total Length of Fwd Packets, Total Length of Bwd Packets, Fwd Packet Length Max, Fwd Packet Length Min, Fwd Packet Length Mean, Fwd Packet Length Std,Bwd Packet Length Max, Bwd Packet Length Min, Bwd Packet Length Mean, Bwd Packet Length Std,Flow Bytes/s, Flow Packets/s, Flow IAT Mean, Flow IAT Std, Flow IAT Max, Flow IAT Min,Fwd IAT Total, Fwd IAT Mean, Fwd IAT Std, Fwd IAT Max, Fwd IAT Min,Bwd IAT Total, Bwd IAT Mean, Bwd IAT Std, Bwd IAT Max, Bwd IAT Min,Fwd PSH Flags, Bwd PSH Flags, Fwd URG Flags, Bwd URG Flags, Fwd Header Length, Bwd Header Length,Fwd Packets/s, Bwd Packets/s, Min Packet Length, Max Packet Length, Packet Length Mean, Packet Length Std, Packet Length Variance,FIN Flag Count, SYN Flag Count, RST Flag Count, PSH Flag Count, ACK Flag Count, URG Flag Count, CWE Flag Count, ECE Flag Count, Down/Up Ratio, Average Packet Size, Avg Fwd Segment Size, Avg Bwd Segment Size, Fwd Header Length,Fwd Avg Bytes/Bulk, Fwd Avg Packets/Bulk, Fwd Avg Bulk Rate, Bwd Avg Bytes/Bulk, Bwd Avg Packets/Bulk,Bwd Avg Bulk Rate,Subflow Fwd Packets, Subflow Fwd Bytes, Subflow Bwd Packets, Subflow Bwd Bytes,Init_Win_bytes_forward, Init_Win_bytes_backward, act_data_pkt_fwd, min_seg_size_forward,Active Mean, Active Std, Active Max, Active Min,Idle Mean, Idle Std, Idle Max, Idle Min, Label"
        let names = header.split(separator: ",", omittingEmptySubsequences: false)
        #expect(names.count == 85)
        var row = [String](repeating: "0", count: 85)
        row[0] = "192.168.10.5-104.16.207.165-54865-443-6"
        row[1] = "192.168.10.5"; row[2] = "54865"; row[3] = "104.16.207.165"; row[4] = "443"; row[5] = "6"
        row[6] = "3/7/2017 8:55"; row[7] = "3"; row[8] = "2"; row[9] = "0"; row[10] = "12"
        row[20] = "Infinity"; row[21] = "NaN"; row[53] = "1"; row[84] = "BENIGN"
        let text = header + "\n" + row.joined(separator: ",") + "\n"
        let d = try decode(text, dialect: nil, options: ParserOptions(dateOrder: .dayFirst))
        #expect(d.parser.dialect == .cicFlowMeter && d.rejects.isEmpty, "\(d.details)")
        let r = try #require(d.records.first)
        #expect(r.start == utc(2017, 7, 3, 8, 55) && r.packets == 2 && r.bytes == 12 && r.tcpFlags == 0x10)
        #expect(d.batch.label[0] == "BENIGN")
    }

    /// The Python `cicflowmeter` writes `flow_duration` as a float with binary noise.
    @Test func cicFractionalMicroseconds() throws {
        let header = "src_ip,dst_ip,src_port,dst_port,protocol,timestamp,flow_duration,tot_fwd_pkts,tot_bwd_pkts,totlen_fwd_pkts,totlen_bwd_pkts"
        let d = try decode(header + """

            127.0.0.1,127.0.0.1,40000,80,6,2026-12-06 05:06:37,1021.9999999999999,3,2,100,50
            127.0.0.1,127.0.0.1,40001,80,6,2026-12-06 05:06:37,1999.5,3,2,100,50
            127.0.0.1,127.0.0.1,40002,80,6,2026-12-06 05:06:37,2500000,3,2,100,50
            127.0.0.1,127.0.0.1,40003,80,6,2026-12-06 05:06:37,1e3,3,2,100,50
            127.0.0.1,127.0.0.1,40004,80,6,2026-12-06 05:06:37,-5.0,3,2,100,50

            """, dialect: nil)
        #expect(d.parser.dialect == .cicFlowMeter)
        #expect(d.records.map { $0.end - $0.start } == [1, 2, 2500])
        #expect(d.rejects == [.badNumber, .badNumber])
    }

    @Test func unswNB15WithAndWithoutHeader() throws {
        let row1 = "59.166.0.0,1390,149.171.126.6,53,udp,CON,0.001055,132,164,31,29,0,0,dns,500473.9375,621800.9375,2,2,0,0,0,0,66,82,0,0,0,0,1421927414,1421927414,0.017,0.013,0,0,0,0,0,0,0,0,3,7,1,3,1,1,1,,0"
        let row2 = "175.45.176.3,0x000b,149.171.126.18,0x0000,icmp,ECO,0.000000,46,0,254,0,0,0,-,0,0,1,0,0,0,0,0,46,0,0,0,0,0,1421927415,1421927415,0,0,0,0,0,0,0,0,0,0,1,1,1,1,1,1,1, Reconnaissance ,1"
        let arp = "10.40.170.2,0,10.40.170.2,0,arp,INT,0,46,0,0,0,0,0,-,0,0,1,0,0,0,0,0,46,0,0,0,0,0,1421927416,1421927416,0,0,0,0,0,0,2,0,0,0,2,2,2,2,2,2,2,,0"
        let header = DialectHeaders.unswNB15Columns.joined(separator: ",")
        for (text, given) in [(header + "\n" + row1 + "\n" + row2 + "\n", nil as Dialect?),
                              (row1 + "\n" + row2 + "\n", .unswNB15), (row1 + "\n" + row2 + "\n", nil)] {
            let d = try decode(text + arp + "\n", dialect: given)
            #expect(d.parser.dialect == .unswNB15 && d.rejects.isEmpty, "\(d.details)")
            #expect(d.outcomes.last == .skippedRecord(kind: "arp"))
            #expect(d.records.count == 2)
            guard d.records.count == 2 else { continue }
            let r = d.records[0]
            #expect(r.start == 1_421_927_414_000 && r.packets == 2 && r.bytes == 132 && r.revBytes == 164 && r.revPackets == 2)
            #expect(d.batch.label[0] == "0" && d.batch.label[1] == "Reconnaissance")
            #expect(d.records[1].dstPort == 0x0b00 && d.records[1].srcPort == nil)
        }
    }

    /// Argus (and so UNSW-NB15, CTU-13) prints any IP protocol by name, in its own
    /// spellings; IANA keywords are read too. Ambiguous or number-less names stay rejected.
    @Test func argusAndIANAProtocolNames() {
        let known: [(String, UInt8)] = [("ospf", 89), ("sctp", 132), ("ipnip", 4), ("st2", 5), ("bbn-rcc", 10),
                                        ("3pc", 34), ("a/n", 107), ("ipv6-no", 59), ("ipv6-nonxt", 59),
                                        ("secure-vmtp", 82), ("ipx-n-ip", 111), ("zero", 114), ("ib", 253),
                                        ("IPv6-ICMP", 58), ("udplite", 136), ("rsvp", 46),
                                        ("rtp", 17), ("rtcp", 17), ("udt", 17)]
        for (name, number) in known { #expect(withBytes(name) { ByteParsing.proto($0) } == number, "\(name)") }
        for name in ["any", "unas", "arp", "BOGUS", "unknown_transport"] {
            #expect(withBytes(name) { ByteParsing.proto($0) } == nil, "\(name)")
        }
    }

    /// UNSW-NB15's training/test sets have neither addresses nor times.
    @Test func unswTrainingSetIsRefusedByName() {
        let header = "id,dur,proto,service,state,spkts,dpkts,sbytes,dbytes,rate,sttl,dttl,sload,dload,sloss,dloss,sinpkt,dinpkt,sjit,djit,swin,stcpb,dtcpb,dwin,tcprtt,synack,ackdat,smean,dmean,trans_depth,response_body_len,ct_srv_src,ct_state_ttl,ct_dst_ltm,ct_src_dport_ltm,ct_dst_sport_ltm,ct_dst_src_ltm,is_ftp_login,ct_ftp_cmd,ct_flw_http_mthd,ct_src_ltm,ct_srv_dst,is_sm_ips_ports,attack_cat,label"
        do {
            _ = try decode(header + "\n", dialect: nil)
            Issue.record("expected an error")
        } catch let e as FlowFormatsError {
            guard case .unknownFormat(_, _, let missing, let note) = e else { Issue.record("\(e)"); return }
            #expect(missing == ["start", "src_addr", "dst_addr"])
            #expect(note.contains("'dur' is a duration"))
        } catch { Issue.record("\(error)") }
    }

    /// Argus `ra -c ,` as the Debian tools print it: fractional epoch times, padded Dir,
    /// hex ICMP type/code, ICMPv6 in decimal, `man` records skipped.
    @Test func argusRaOutput() throws {
        let d = try decode(DialectHeaders.argus + """

            1796533600.685589,1796533600.684945,man,0,0,,0,0,0,0,0,0,STA
            1796533597.693588,1796533597.693854,tcp,127.0.0.1,60176,   ->,127.0.0.1,18380,1,1,74,54,RST
            1796533598.683063,1796533598.683079,icmp,127.0.0.1,0x0008,  <->,127.0.0.1,0x362a,1,1,98,98,ECO
            1796533598.619356,1796533598.619356,icmp,127.0.0.2,0x0303,   ->,127.0.0.1,0x4448,1,0,77,0,URP
            1796533599.159013,1796533599.582873,ipv6-icmp,::1,128,   ->,::1,0,6,0,708,0,ECO
            1796533601.739495,1796533600.684945,man,0,0,,15,1,0,48,0,0,STP

            """, dialect: nil)
        #expect(d.parser.dialect == .argus && d.rejects.isEmpty, "\(d.details)")
        #expect(d.outcomes.filter { $0 == .skippedRecord(kind: "man") }.count == 2)
        let r = d.records
        #expect(r.count == 4)
        guard r.count == 4 else { return }
        #expect(r[0].start == 1_796_533_597_693 && r[0].end == 1_796_533_597_693 && r[0].revPackets == 1 && r[0].revBytes == 54)
        #expect(r[1].dstPort == 0x0800 && r[1].srcPort == nil)  // echo request: type 8, code 0
        #expect(r[2].dstPort == 0x0303)  // port unreachable: type 3, code 3
        #expect(r[3].proto == 58 && r[3].dstPort == 0x8000 && r[3].packets == 6)
    }

    /// Without its title line (`ra -L -1`), ra output is read with --dialect argus in the
    /// documented field order; undetected it is an unknown format.
    @Test func argusWithoutTitleLine() throws {
        let row = "1796533597.693588,1796533597.693854,tcp,127.0.0.1,60176,   ->,127.0.0.1,18380,1,1,74,54,RST\n"
        let d = try decode(row + row, dialect: .argus)
        #expect(d.records.count == 2 && d.rejects.isEmpty && d.records[0].revBytes == 54)
        #expect(throws: FlowFormatsError.self) { try decode(row, dialect: nil) }
    }

    /// A mapping names only what differs; the rest is found by alias.
    @Test func partialMapping() throws {
        let m = try ColumnMapping(yaml: "start: Begin\nend: Finish\n")
        let d = try decode("""
            Begin,Finish,src_ip,dst_ip,src_port,dst_port,proto,packets,bytes,tcp_flags
            2024-01-02T03:04:05Z,2024-01-02T03:04:06Z,10.0.0.1,10.0.0.2,1,2,6,3,400,2

            """, dialect: nil, options: ParserOptions(mapping: m))
        #expect(d.rejects.isEmpty && d.records.first?.bytes == 400 && d.records.first?.tcpFlags == 2)
        #expect(d.records.first?.end == utc(2024, 1, 2, 3, 4, 6))
        // A mapped field wins over a column of the same field found by alias.
        let m2 = try ColumnMapping(yaml: "bytes: octets_total\n")
        let d2 = try decode("ts,src,dst,proto,packets,bytes,octets_total\n1704164645,10.0.0.1,10.0.0.2,6,1,5,9\n",
                            dialect: nil, options: ParserOptions(mapping: m2))
        #expect(d2.records.first?.bytes == 9)
    }

    @Test func suggestedMappingIsCompleteAndReadsBack() throws {
        let yaml = MappingSuggestion.yaml(headerLine: "When,From,To,proto,pkts,octets,ts_end,Weird", file: "x.csv")
        #expect(yaml.contains("# start: ???    # MISSING (required)"))
        #expect(yaml.contains("# src_addr: ???    # MISSING (required)"))
        #expect(yaml.contains("protocol: \"proto\"\n") && yaml.contains("end: \"ts_end\"\n"))
        #expect(yaml.contains("# Columns not used: When, From, To, Weird"))
        let m = try ColumnMapping(yaml: yaml)
        #expect(m.columns == ["protocol": "proto", "packets": "pkts", "bytes": "octets", "end": "ts_end"])
        // Filled in, it reads the file.
        let filled = yaml.replacingOccurrences(of: "# start: ???", with: "start: When")
            .replacingOccurrences(of: "# src_addr: ???", with: "src_addr: From")
            .replacingOccurrences(of: "# dst_addr: ???", with: "dst_addr: To")
        let d = try decode("When,From,To,proto,pkts,octets,ts_end,Weird\n1704164645,10.0.0.1,10.0.0.2,6,1,5,1704164646,x\n",
                           dialect: nil, options: ParserOptions(mapping: try ColumnMapping(yaml: filled)))
        #expect(d.rejects.isEmpty && d.records.first?.end == 1_704_164_646_000)
        // Units from names, and a known header says so.
        let ipfix = MappingSuggestion.yaml(headerLine: "flowStartMilliseconds,sourceIPv4Address,destinationIPv4Address,protocolIdentifier,packetDeltaCount,octetDeltaCount,FLOW_DURATION_MILLISECONDS", file: "f")
        #expect(ipfix.contains("time_unit: ms") && ipfix.contains("duration_unit: ms") && !ipfix.contains("MISSING (required)"))
        #expect(MappingSuggestion.yaml(headerLine: DialectHeaders.argus, file: "a").contains("dialect argus"))
        #expect(MappingSuggestion.firstLine(Array("\u{FEFF}a;b\r\nc\n".utf8)) == "a;b")
        #expect(MappingSuggestion.yaml(headerLine: "a;b", file: "s").contains("delimiter: \";\""))
    }
}
