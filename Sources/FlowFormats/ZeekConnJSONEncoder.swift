import FlowCore

/// Zeek conn.log as Zeek's JSON writer prints it (`LogAscii::use_json=T`): one object per
/// line, keys in record order, unset fields omitted (no `duration` for a single-instant
/// flow, no `service` when none is known), `ts` as epoch seconds with six decimals, or as
/// ISO 8601 text with `isoTimestamps` (`json_timestamps=JSON::TS_ISO8601`). The values
/// Zeek derives from packets are filled as `ZeekConnEncoder` fills them.
public struct ZeekConnJSONEncoder: DialectEncoder {
    public var dialect: Dialect { .zeekConnJSON }
    public let isoTimestamps: Bool

    public init(isoTimestamps: Bool = false) {
        self.isoTimestamps = isoTimestamps
    }

    public func header() -> [UInt8] { [] }

    public func encode(_ r: FlowRecord, label: UnsafeBufferPointer<UInt8>?, into out: inout [UInt8]) {
        let icmp = r.proto == 1 || r.proto == 58
        if isoTimestamps {
            ByteWriter.ascii("{\"ts\":\"", to: &out)
            ByteWriter.civil(r.start, dateTimeSeparator: 0x54, millis: true, to: &out)
            ByteWriter.ascii("000Z\"", to: &out)
        } else {
            ByteWriter.ascii("{\"ts\":", to: &out)
            ByteWriter.fixed(r.start &* 1000, digits: 6, to: &out)
        }
        ByteWriter.ascii(",\"uid\":\"", to: &out)
        ZeekConnEncoder.uid(r, to: &out)
        ByteWriter.ascii("\",\"id.orig_h\":\"", to: &out)
        r.srcAddr.appendText(to: &out)
        ByteWriter.ascii("\",\"id.orig_p\":", to: &out)
        ByteWriter.uint(UInt64(icmp ? (r.dstPort ?? 0) >> 8 : r.srcPort ?? 0), to: &out)
        ByteWriter.ascii(",\"id.resp_h\":\"", to: &out)
        r.dstAddr.appendText(to: &out)
        ByteWriter.ascii("\",\"id.resp_p\":", to: &out)
        ByteWriter.uint(UInt64(icmp ? (r.dstPort ?? 0) & 0xFF : r.dstPort ?? 0), to: &out)
        switch r.proto {
        case 6: ByteWriter.ascii(",\"proto\":\"tcp\"", to: &out)
        case 17: ByteWriter.ascii(",\"proto\":\"udp\"", to: &out)
        case 1, 58: ByteWriter.ascii(",\"proto\":\"icmp\"", to: &out)
        default: ByteWriter.ascii(",\"proto\":\"unknown_transport\"", to: &out)
        }
        if let service = ZeekConnEncoder.service(r) {
            ByteWriter.ascii(",\"service\":\"", to: &out)
            ByteWriter.ascii(service, to: &out)
            out.append(0x22)
        }
        let v6 = !r.srcAddr.isIPv4
        let revPackets = r.revPackets ?? 0, revBytes = r.revBytes ?? 0
        if r.end != r.start {
            ByteWriter.ascii(",\"duration\":", to: &out)
            ByteWriter.fixed((r.end &- r.start) &* 1000, digits: 6, to: &out)
            ByteWriter.ascii(",\"orig_bytes\":", to: &out)
            ByteWriter.uint(ZeekConnEncoder.payload(r.bytes, r.packets, proto: r.proto, v6: v6), to: &out)
            ByteWriter.ascii(",\"resp_bytes\":", to: &out)
            ByteWriter.uint(ZeekConnEncoder.payload(revBytes, revPackets, proto: r.proto, v6: v6), to: &out)
        }
        ByteWriter.ascii(",\"conn_state\":\"", to: &out)
        ZeekConnEncoder.connState(r, to: &out)
        ByteWriter.ascii("\",\"missed_bytes\":0,\"history\":\"", to: &out)
        ZeekConnEncoder.history(r, to: &out)
        ByteWriter.ascii("\",\"orig_pkts\":", to: &out)
        ByteWriter.uint(r.packets, to: &out)
        ByteWriter.ascii(",\"orig_ip_bytes\":", to: &out)
        ByteWriter.uint(r.bytes, to: &out)
        ByteWriter.ascii(",\"resp_pkts\":", to: &out)
        ByteWriter.uint(revPackets, to: &out)
        ByteWriter.ascii(",\"resp_ip_bytes\":", to: &out)
        ByteWriter.uint(revBytes, to: &out)
        ByteWriter.ascii("}\n", to: &out)
    }

    public func trailer(_ info: DialectTrailerInfo) -> [UInt8] { [] }
}
