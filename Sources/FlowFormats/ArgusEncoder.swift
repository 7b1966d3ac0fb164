import FlowCore

/// Argus `ra -n -u -c , -s stime ltime proto saddr sport dir daddr dport spkts dpkts sbytes
/// dbytes state` output (argus-clients 3.0.8): the title line, then one line per flow with
/// epoch-second times to the microsecond, lowercase protocol names, the padded `   ->`
/// direction and reverse counters 0 when absent. ICMP type/code are written as Argus does
/// (`ArgusValues.icmpTypeCode`). Carries no flags, tos, interfaces, AS, exporter or label.
public struct ArgusEncoder: DialectEncoder {
    public var dialect: Dialect { .argus }

    public init() {}

    public func header() -> [UInt8] { Array((DialectHeaders.argus + "\n").utf8) }

    public func encode(_ r: FlowRecord, label: UnsafeBufferPointer<UInt8>?, into out: inout [UInt8]) {
        let comma: UInt8 = 0x2C
        ByteWriter.fixed(r.start * 1000, digits: 6, to: &out); out.append(comma)
        ByteWriter.fixed(r.end * 1000, digits: 6, to: &out); out.append(comma)
        Self.protoName(r.proto, to: &out); out.append(comma)
        r.srcAddr.appendText(to: &out); out.append(comma)
        Self.ports(r, to: &out, between: { ByteWriter.ascii("   ->,", to: &$0); r.dstAddr.appendText(to: &$0) })
        out.append(comma)
        ByteWriter.uint(r.packets, to: &out); out.append(comma)
        ByteWriter.uint(r.revPackets ?? 0, to: &out); out.append(comma)
        ByteWriter.uint(r.bytes, to: &out); out.append(comma)
        ByteWriter.uint(r.revBytes ?? 0, to: &out)
        ByteWriter.ascii(",CON\n", to: &out)
    }

    /// `tcp`, `udp`, `icmp`, `ipv6-icmp`, else the number (as ra prints unknown protocols).
    static func protoName(_ p: UInt8, to out: inout [UInt8]) {
        switch p {
        case 6: ByteWriter.ascii("tcp", to: &out)
        case 17: ByteWriter.ascii("udp", to: &out)
        case 1: ByteWriter.ascii("icmp", to: &out)
        case 58: ByteWriter.ascii("ipv6-icmp", to: &out)
        default: ByteWriter.uint(UInt64(p), to: &out)
        }
    }

    /// Source port, `between` (what stands between the ports), destination port. ICMP:
    /// `0x` hex of code<<8|type then `0x0000` (IPv4), decimal type then code (ICMPv6).
    static func ports(_ r: FlowRecord, to out: inout [UInt8], between: (inout [UInt8]) -> Void) {
        let comma: UInt8 = 0x2C
        if (r.proto == 1 || r.proto == 58), let tc = r.dstPort {
            if r.proto == 1 {
                hex4((tc & 0xFF) << 8 | tc >> 8, to: &out); out.append(comma)
                between(&out); out.append(comma)
                ByteWriter.ascii("0x0000", to: &out)
            } else {
                ByteWriter.uint(UInt64(tc >> 8), to: &out); out.append(comma)
                between(&out); out.append(comma)
                ByteWriter.uint(UInt64(tc & 0xFF), to: &out)
            }
            return
        }
        if let p = r.srcPort { ByteWriter.uint(UInt64(p), to: &out) }
        out.append(comma)
        between(&out); out.append(comma)
        if let p = r.dstPort { ByteWriter.uint(UInt64(p), to: &out) }
    }

    static func hex4(_ v: UInt16, to out: inout [UInt8]) {
        let digits: StaticString = "0123456789abcdef"
        ByteWriter.ascii("0x", to: &out)
        for shift in stride(from: 12, through: 0, by: -4) { out.append(digits.utf8Start[Int((v >> UInt16(shift)) & 0xF)]) }
    }

    public func trailer(_ info: DialectTrailerInfo) -> [UInt8] { [] }
}
