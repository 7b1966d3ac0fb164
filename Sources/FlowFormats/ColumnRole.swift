import FlowCore

/// How a timestamp column is written.
public enum TimeFormat: Equatable, Sendable {
    /// Epoch time in a known unit, optional fraction.
    case epoch(EpochUnit)
    /// Text (ISO 8601, nfdump local time, slashed dates).
    case text
    /// Generic CSV: text when the value contains `-`, `/` or `:`, else an epoch number
    /// whose unit is the option's, or judged by its digit count (10/13/16).
    case auto
    /// JSON lines: a number is epoch time in the unit, a string is text (Zeek's `ts`,
    /// written either way depending on `json_timestamps`).
    case epochOrText(EpochUnit)

    /// True when a value in ISO 8601 text is read as text (every format but `.epoch`): the
    /// parser may then try `ISOTimestampFastPath` before choosing by the value's bytes, as
    /// such a value has the `-` that makes `.auto` and `.epochOrText` read it as text.
    var mayBeText: Bool {
        if case .epoch = self { return false }
        return true
    }
}

/// How a duration column is written.
public enum DurationFormat: Equatable, Sendable {
    /// Seconds with an optional fraction (`5.000`, Zeek `0.000131`).
    case seconds
    case millis
    /// Integer microseconds (CIC `Flow Duration`).
    case micros
}

/// What one input column means for the flow schema.
public enum ColumnRole: Equatable, Sendable {
    case ignore
    case start(TimeFormat)
    case end(TimeFormat)
    case duration(DurationFormat)
    case srcAddr, dstAddr, srcPort, dstPort, proto, tcpFlags, packets, bytes, revPackets, revBytes
    case inputIf, outputIf, srcAS, dstAS, tos, exporter, samplingRate, direction, label
    /// A CIC flag counter (`SYN Flag Cnt`): a count > 0 sets this TCP flag bit.
    case flagCount(UInt8)
    /// AWS `log-status` (OK / NODATA / SKIPDATA).
    case logStatus
    /// A second label column used for rows whose `label` column is empty (UNSW-NB15's
    /// `Label` 0/1 behind `attack_cat`, NF-* datasets' `Label` behind `Attack`).
    case labelFallback
    /// Bytes of both directions (CTU-13 `TotBytes`): rev_bytes = total − bytes.
    case totalBytes

    /// Schema-style name used in reject details.
    public var fieldName: String {
        switch self {
        case .ignore: return "ignored"
        case .start: return "start"
        case .end: return "end"
        case .duration: return "duration"
        case .srcAddr: return "src_addr"
        case .dstAddr: return "dst_addr"
        case .srcPort: return "src_port"
        case .dstPort: return "dst_port"
        case .proto: return "protocol"
        case .tcpFlags: return "tcp_flags"
        case .packets: return "packets"
        case .bytes: return "bytes"
        case .revPackets: return "rev_packets"
        case .revBytes: return "rev_bytes"
        case .inputIf: return "input_if"
        case .outputIf: return "output_if"
        case .srcAS: return "src_as"
        case .dstAS: return "dst_as"
        case .tos: return "tos"
        case .exporter: return "exporter"
        case .samplingRate: return "sampling_rate"
        case .direction: return "flow_direction"
        case .label: return "label"
        case .flagCount: return "tcp_flag_count"
        case .logStatus: return "log_status"
        case .labelFallback: return "label"
        case .totalBytes: return "total_bytes"
        }
    }

    /// A stable key to detect duplicate mappings (payloads ignored except flag bits).
    var key: String {
        if case .flagCount(let b) = self { return "flag\(b)" }
        if self == .labelFallback { return "label_fallback" }
        return fieldName
    }
}

/// Header-name tables per dialect.
enum ColumnNames {
    /// nfdump 1.7.0–1.7.4 CSV columns.
    static let nfdumpOld: [String: ColumnRole] = [
        "ts": .start(.text), "te": .end(.text), "td": .duration(.seconds), "sa": .srcAddr, "da": .dstAddr,
        "sp": .srcPort, "dp": .dstPort, "pr": .proto, "flg": .tcpFlags, "stos": .tos, "ipkt": .packets,
        "ibyt": .bytes, "opkt": .revPackets, "obyt": .revBytes, "in": .inputIf, "out": .outputIf,
        "sas": .srcAS, "das": .dstAS, "dir": .direction, "ra": .exporter,
    ]

    /// nfdump 1.7.5+ CSV header names (`csvHeader` of each format token).
    static let nfdumpNew: [String: ColumnRole] = [
        "firstSeen": .start(.text), "lastSeen": .end(.text), "duration": .duration(.seconds), "proto": .proto,
        "srcAddr": .srcAddr, "dstAddr": .dstAddr, "srcPort": .srcPort, "dstPort": .dstPort,
        "packets": .packets, "inPackets": .packets, "bytes": .bytes, "inBytes": .bytes,
        "outPackets": .revPackets, "outBytes": .revBytes, "flags": .tcpFlags, "tos": .tos, "srcTos": .tos,
        "input": .inputIf, "output": .outputIf, "srcAS": .srcAS, "dstAS": .dstAS, "direction": .direction,
        "routerIP": .exporter,
    ]

    /// nfdump csv-fast: epoch milliseconds.
    static let nfdumpFast: [String: ColumnRole] = [
        "firstSeen": .start(.epoch(.millis)), "lastSeen": .end(.epoch(.millis)), "proto": .proto,
        "srcAddr": .srcAddr, "srcPort": .srcPort, "dstAddr": .dstAddr, "dstPort": .dstPort, "srcAS": .srcAS,
        "dstAS": .dstAS, "input": .inputIf, "output": .outputIf, "flags": .tcpFlags, "srcTos": .tos,
        "packets": .packets, "bytes": .bytes,
    ]

    /// Zeek conn.log field names.
    static let zeek: [String: ColumnRole] = [
        "ts": .start(.epoch(.seconds)), "duration": .duration(.seconds), "id.orig_h": .srcAddr,
        "id.orig_p": .srcPort, "id.resp_h": .dstAddr, "id.resp_p": .dstPort, "proto": .proto,
        "orig_pkts": .packets, "orig_ip_bytes": .bytes, "resp_pkts": .revPackets, "resp_ip_bytes": .revBytes,
    ]

    /// AWS VPC flow log field names (v2–v5).
    static let awsVPC: [String: ColumnRole] = [
        "srcaddr": .srcAddr, "dstaddr": .dstAddr, "srcport": .srcPort, "dstport": .dstPort,
        "protocol": .proto, "packets": .packets, "bytes": .bytes, "start": .start(.epoch(.seconds)),
        "end": .end(.epoch(.seconds)), "tcp-flags": .tcpFlags, "flow-direction": .direction,
        "log-status": .logStatus,
    ]

    /// CICFlowMeter / CIC-IDS2017 / CSE-CIC-IDS2018, keyed by normalized name (see
    /// `normalize`).
    static let cic: [String: ColumnRole] = [
        "srcip": .srcAddr, "sourceip": .srcAddr, "dstip": .dstAddr, "destinationip": .dstAddr,
        "srcport": .srcPort, "sourceport": .srcPort, "dstport": .dstPort, "destinationport": .dstPort,
        "protocol": .proto, "timestamp": .start(.text), "flowduration": .duration(.micros),
        "totfwdpkts": .packets, "totalfwdpackets": .packets, "totbwdpkts": .revPackets,
        "totalbackwardpackets": .revPackets, "totlenfwdpkts": .bytes, "totallengthoffwdpackets": .bytes,
        "totlenbwdpkts": .revBytes, "totallengthofbwdpackets": .revBytes, "label": .label,
        "finflagcnt": .flagCount(0x01), "finflagcount": .flagCount(0x01),
        "synflagcnt": .flagCount(0x02), "synflagcount": .flagCount(0x02),
        "rstflagcnt": .flagCount(0x04), "rstflagcount": .flagCount(0x04),
        "pshflagcnt": .flagCount(0x08), "pshflagcount": .flagCount(0x08),
        "ackflagcnt": .flagCount(0x10), "ackflagcount": .flagCount(0x10),
        "urgflagcnt": .flagCount(0x20), "urgflagcount": .flagCount(0x20),
        "eceflagcnt": .flagCount(0x40), "eceflagcount": .flagCount(0x40),
        "cweflagcount": .flagCount(0x80), "cweflagcnt": .flagCount(0x80),
    ]

    /// Generic CSV aliases, keyed by normalized name.
    static let generic: [String: ColumnRole] = {
        var t: [String: ColumnRole] = [:]
        func add(_ role: ColumnRole, _ names: [String]) { for n in names { t[normalize(n)] = role } }
        add(.srcAddr, ["src_ip", "srcip", "srcaddr", "src", "source", "Source IP", "sa", "src_addr", "source_address",
                       "saddr", "id.orig_h", "src_address", "source_ip",
                       // IPFIX information elements; NetFlow v9 / nProbe / NF-* datasets.
                       "sourceIPv4Address", "sourceIPv6Address", "IPV4_SRC_ADDR", "IPV6_SRC_ADDR"])
        add(.dstAddr, ["dst_ip", "dstip", "dstaddr", "dst", "destination", "Destination IP", "da", "dst_addr",
                       "destination_address", "daddr", "id.resp_h", "dest_ip", "dst_address", "destination_ip",
                       "destinationIPv4Address", "destinationIPv6Address", "IPV4_DST_ADDR", "IPV6_DST_ADDR"])
        add(.srcPort, ["sport", "src_port", "srcport", "source_port", "sp", "id.orig_p", "Source Port",
                       "sourceTransportPort", "L4_SRC_PORT"])
        add(.dstPort, ["dport", "dst_port", "dstport", "destination_port", "dest_port", "dp", "id.resp_p",
                       "Destination Port", "destinationTransportPort", "L4_DST_PORT", "dsport"])
        add(.start(.auto), ["start", "ts", "timestamp", "first", "first_seen", "firstseen", "start_time", "stime",
                            "starttime", "time", "flow_start", "ts_start", "start_ts", "time_start", "first_switched",
                            "timestamp_start", "flow_start_time"])
        add(.end(.auto), ["end", "last", "te", "end_time", "last_seen", "lastseen", "ltime", "endtime", "flow_end",
                          "ts_end", "end_ts", "time_end", "last_switched", "timestamp_end", "flow_end_time", "lasttime"])
        // Names that carry their unit (IPFIX IEs 150–155; nProbe/NF-v3 FLOW_START_MILLISECONDS
        // normalizes to the same key as flowStartMilliseconds).
        add(.start(.epoch(.seconds)), ["flowStartSeconds"])
        add(.start(.epoch(.millis)), ["flowStartMilliseconds", "FLOW_START_MILLISECONDS"])
        add(.start(.epoch(.micros)), ["flowStartMicroseconds"])
        add(.end(.epoch(.seconds)), ["flowEndSeconds"])
        add(.end(.epoch(.millis)), ["flowEndMilliseconds", "FLOW_END_MILLISECONDS"])
        add(.end(.epoch(.micros)), ["flowEndMicroseconds"])
        add(.duration(.seconds), ["duration", "dur", "td", "duration_s", "duration_sec"])
        add(.duration(.millis), ["duration_ms", "dur_ms", "duration_msec", "FLOW_DURATION_MILLISECONDS",
                                 "flowDurationMilliseconds"])
        add(.duration(.micros), ["duration_us", "dur_us", "duration_usec", "flowDurationMicroseconds"])
        add(.proto, ["proto", "protocol", "pr", "ip_proto", "protocol_number", "protocolIdentifier"])
        add(.packets, ["packets", "pkts", "ipkt", "in_pkts", "packet_count", "npackets", "src_pkts", "orig_pkts",
                       "out_pkts_fwd", "fwd_packets", "packetDeltaCount", "packetTotalCount", "spkts", "srcpkts"])
        add(.bytes, ["bytes", "octets", "byts", "ibyt", "in_bytes", "byte_count", "nbytes", "src_bytes",
                     "orig_ip_bytes", "fwd_bytes", "octetDeltaCount", "octetTotalCount", "sbytes", "srcbytes"])
        add(.revPackets, ["rev_packets", "opkt", "out_pkts", "dst_pkts", "resp_pkts", "bwd_packets",
                          "reversePacketDeltaCount", "dpkts", "dstpkts"])
        add(.revBytes, ["rev_bytes", "obyt", "out_bytes", "dst_bytes", "resp_ip_bytes", "bwd_bytes",
                        "reverseOctetDeltaCount", "dbytes", "dstbytes"])
        add(.tcpFlags, ["tcp_flags", "flags", "flg", "tcpflags", "tcpControlBits"])
        add(.label, ["label", "class", "attack", "attack_cat", "category"])
        add(.inputIf, ["input_if", "in_if", "input", "in", "input_snmp", "ingress_interface", "ingressInterface"])
        add(.outputIf, ["output_if", "out_if", "output", "out", "output_snmp", "egress_interface", "egressInterface"])
        add(.srcAS, ["src_as", "sas", "srcas", "source_as", "bgpSourceAsNumber"])
        add(.dstAS, ["dst_as", "das", "dstas", "destination_as", "bgpDestinationAsNumber"])
        add(.tos, ["tos", "stos", "src_tos", "dscp_tos", "ipClassOfService"])
        add(.exporter, ["exporter", "ra", "router_ip", "exporter_ip", "sampler_address", "routerip"])
        add(.samplingRate, ["sampling_rate", "sampling", "sample_rate"])
        add(.direction, ["flow_direction", "direction", "dir"])
        return t
    }()

    /// Lowercase, with spaces, `_`, `-`, `.` and `/` removed: `" Total Fwd Packets"` and
    /// `total_fwd_packets` both become `totalfwdpackets`.
    static func normalize(_ name: String) -> String {
        var out = ""
        for ch in name.lowercased() where !(ch == " " || ch == "_" || ch == "-" || ch == "." || ch == "/") {
            out.append(ch)
        }
        return out
    }

    /// Epoch unit suggested by a column name suffix (`start_ms`, `ts_us`, `time_sec`).
    static func unitSuffix(_ name: String) -> EpochUnit? {
        let l = name.lowercased()
        for s in ["_ms", "_msec", "_millis", "(ms)"] where l.hasSuffix(s) { return .millis }
        for s in ["_us", "_usec", "_micros", "(us)"] where l.hasSuffix(s) { return .micros }
        for s in ["_s", "_sec", "_secs", "_seconds", "(s)"] where l.hasSuffix(s) { return .seconds }
        return nil
    }
}
