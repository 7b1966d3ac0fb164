import FlowCore

/// Column names and value conventions of Argus `ra` CSV output and the datasets made with
/// Argus (CTU-13 binetflow, UNSW-NB15). See docs/dialects.md, "argus" and "unsw-nb15".
extension ColumnNames {
    /// Argus `ra -c ,` titles (keyed by normalized name, see `normalize`), for the fields
    /// `stime ltime dur proto saddr sport dir daddr dport spkts dpkts pkts sbytes dbytes bytes
    /// stos state` and CTU-13's binetflow header.
    static let argus: [String: ColumnRole] = [
        "starttime": .start(.auto), "lasttime": .end(.auto), "dur": .duration(.seconds), "proto": .proto,
        "srcaddr": .srcAddr, "dstaddr": .dstAddr, "sport": .srcPort, "dport": .dstPort,
        "srcpkts": .packets, "dstpkts": .revPackets, "srcbytes": .bytes, "dstbytes": .revBytes,
        "totpkts": .packets, "totbytes": .totalBytes, "stos": .tos, "label": .label,
    ]

    /// UNSW-NB15 CSV columns (UNSW-NB15_features.csv), keyed by normalized name.
    static let unswNB15: [String: ColumnRole] = [
        "srcip": .srcAddr, "sport": .srcPort, "dstip": .dstAddr, "dsport": .dstPort, "proto": .proto,
        "dur": .duration(.seconds), "sbytes": .bytes, "dbytes": .revBytes, "spkts": .packets, "dpkts": .revPackets,
        "stime": .start(.epoch(.seconds)), "ltime": .end(.epoch(.seconds)), "attackcat": .label, "label": .labelFallback,
    ]
}

/// Value conventions shared by the Argus-made dialects.
enum ArgusValues {
    /// Protocol names of Argus records that are not IP flows: `man` management records
    /// (start/status/stop of the monitor, addresses 0) and non-IP link-layer records. They
    /// are counted as skipped, never written or rejected.
    static let nonFlowProtocols = ["man", "arp", "rarp", "llc", "ipx/sp"]

    /// The non-flow kind named by a protocol field, or nil for a flow.
    static func nonFlowKind(_ f: UnsafeBufferPointer<UInt8>) -> String? {
        guard f.count >= 3, f.count <= 6 else { return nil }
        for name in nonFlowProtocols where ByteParsing.equalsLowercaseString(f, name) { return name }
        return nil
    }

    /// A `0x`-prefixed hexadecimal port (`0x0008`, `0xc0a8`), as Argus prints ICMP type/code
    /// and ports it does not decode. Nil when `f` is not that form or exceeds 0xFFFF.
    static func hexPort(_ f: UnsafeBufferPointer<UInt8>) -> UInt16? {
        guard f.count > 2, f.count <= 6, f[0] == 0x30, f[1] == 0x78 || f[1] == 0x58 else { return nil }
        var v: UInt32 = 0
        for k in 2..<f.count {
            guard let h = ByteParsing.hex(f[k]) else { return nil }
            v = v << 4 | UInt32(h)
        }
        return UInt16(v)
    }

    /// ICMP type and code as floe stores them (`type << 8 | code` in dst_port, as nfdump and
    /// the NetFlow/IPFIX readers do) from Argus's source "port". Argus 3.0.8 prints an IPv4
    /// ICMP flow's source port as `0x` hex of the two header bytes read little-endian: low
    /// byte the type, high byte the code (`0x0008` echo request, `0x0303` port unreachable);
    /// its destination "port" is the echo identifier and is dropped. ICMPv6 flows carry the
    /// type in decimal in the source port and the code in the destination port.
    static func icmpTypeCode(srcPort: UInt16, srcWasHex: Bool, dstPort: UInt16?) -> UInt16 {
        if srcWasHex { return (srcPort & 0xFF) << 8 | srcPort >> 8 }
        let code = dstPort.map { $0 <= 255 ? $0 : 0 } ?? 0
        return (srcPort & 0xFF) << 8 | code
    }
}
