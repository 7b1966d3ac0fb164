import FlowCore

/// Suricata `eve.json` flow events as Suricata 6–7 write them: `event_type` `flow`, the
/// 5-tuple (ICMP as `icmp_type`/`icmp_code`), `proto` by name, a `flow` object with to-server
/// (forward) and to-client (reverse, 0 when there was no reply) counters and start/end
/// times (`2026-11-29T10:57:06.581000+0000`), and for TCP a `tcp` object with the
/// cumulative flags as bare hex (`"1b"`). Every `everyAlert`-th record is followed by an
/// `alert` event for the same flow (0: none), so generated files mix event types as real
/// ones do (two lines for one record: opt-in, for tests; the generator keeps one line per
/// record); decoders skip those lines.
public struct SuricataEveEncoder: DialectEncoder {
    public var dialect: Dialect { .suricataEve }
    public let everyAlert: Int

    public init(everyAlert: Int = 0) {
        self.everyAlert = everyAlert
    }

    public func header() -> [UInt8] { [] }

    static func time(_ millis: Int64, to out: inout [UInt8]) {
        out.append(0x22)
        ByteWriter.civil(millis, dateTimeSeparator: 0x54, millis: true, to: &out)
        ByteWriter.ascii("000+0000\"", to: &out)
    }

    /// `"timestamp"` … `"proto"` members shared by flow and alert events.
    static func tuple(_ r: FlowRecord, eventType: StaticString, to out: inout [UInt8]) {
        ByteWriter.ascii("{\"timestamp\":", to: &out)
        time(r.end, to: &out)
        ByteWriter.ascii(",\"flow_id\":", to: &out)
        var uid: [UInt8] = []
        ZeekConnEncoder.uid(r, to: &uid)
        ByteWriter.uint(ZeekConnEncoder.mix(uid.reduce(0) { $0 &* 31 &+ UInt64($1) }) >> 14, to: &out)
        ByteWriter.ascii(",\"in_iface\":\"eth0\",\"event_type\":\"", to: &out)
        ByteWriter.ascii(eventType, to: &out)
        ByteWriter.ascii("\",\"src_ip\":\"", to: &out)
        r.srcAddr.appendText(to: &out)
        out.append(0x22)
        let icmp = r.proto == 1 || r.proto == 58
        if !icmp, let p = r.srcPort { ByteWriter.ascii(",\"src_port\":", to: &out); ByteWriter.uint(UInt64(p), to: &out) }
        ByteWriter.ascii(",\"dest_ip\":\"", to: &out)
        r.dstAddr.appendText(to: &out)
        out.append(0x22)
        if !icmp, let p = r.dstPort { ByteWriter.ascii(",\"dest_port\":", to: &out); ByteWriter.uint(UInt64(p), to: &out) }
        switch r.proto {
        case 6: ByteWriter.ascii(",\"proto\":\"TCP\"", to: &out)
        case 17: ByteWriter.ascii(",\"proto\":\"UDP\"", to: &out)
        case 1: ByteWriter.ascii(",\"proto\":\"ICMP\"", to: &out)
        case 58: ByteWriter.ascii(",\"proto\":\"IPv6-ICMP\"", to: &out)
        default: ByteWriter.ascii(",\"proto\":\"", to: &out); ByteWriter.uint(UInt64(r.proto), to: &out); out.append(0x22)
        }
        if icmp, let p = r.dstPort {
            ByteWriter.ascii(",\"icmp_type\":", to: &out)
            ByteWriter.uint(UInt64(p >> 8), to: &out)
            ByteWriter.ascii(",\"icmp_code\":", to: &out)
            ByteWriter.uint(UInt64(p & 0xFF), to: &out)
        }
    }

    public func encode(_ r: FlowRecord, label: UnsafeBufferPointer<UInt8>?, into out: inout [UInt8]) {
        SuricataEveEncoder.tuple(r, eventType: "flow", to: &out)
        if let service = ZeekConnEncoder.service(r) {
            ByteWriter.ascii(",\"app_proto\":\"", to: &out)
            let name = "\(service)"
            ByteWriter.string(name == "ssl" ? "tls" : name, to: &out)
            out.append(0x22)
        }
        ByteWriter.ascii(",\"flow\":{\"pkts_toserver\":", to: &out)
        ByteWriter.uint(r.packets, to: &out)
        ByteWriter.ascii(",\"pkts_toclient\":", to: &out)
        ByteWriter.uint(r.revPackets ?? 0, to: &out)
        ByteWriter.ascii(",\"bytes_toserver\":", to: &out)
        ByteWriter.uint(r.bytes, to: &out)
        ByteWriter.ascii(",\"bytes_toclient\":", to: &out)
        ByteWriter.uint(r.revBytes ?? 0, to: &out)
        ByteWriter.ascii(",\"start\":", to: &out)
        SuricataEveEncoder.time(r.start, to: &out)
        ByteWriter.ascii(",\"end\":", to: &out)
        SuricataEveEncoder.time(r.end, to: &out)
        ByteWriter.ascii(",\"age\":", to: &out)
        ByteWriter.uint(UInt64(max(0, r.end - r.start) / 1000), to: &out)
        ByteWriter.ascii(",\"state\":\"closed\",\"reason\":\"timeout\",\"alerted\":false}", to: &out)
        if r.proto == 6 {
            let hex: StaticString = "0123456789abcdef"
            let f = r.tcpFlags ?? 0
            ByteWriter.ascii(",\"tcp\":{\"tcp_flags\":\"", to: &out)
            out.append(hex.utf8Start[Int(f >> 4)])
            out.append(hex.utf8Start[Int(f & 0x0F)])
            ByteWriter.ascii("\"}", to: &out)
        }
        ByteWriter.ascii("}\n", to: &out)
        if everyAlert > 0, (r.packets &+ UInt64(bitPattern: r.start)) % UInt64(everyAlert) == 0 {
            SuricataEveEncoder.tuple(r, eventType: "alert", to: &out)
            ByteWriter.ascii(",\"alert\":{\"action\":\"allowed\",\"gid\":1,\"signature_id\":2100498,\"rev\":7,\"signature\":\"GPL ATTACK_RESPONSE id check returned root\",\"severity\":2}}\n", to: &out)
        }
    }

    public func trailer(_ info: DialectTrailerInfo) -> [UInt8] { [] }
}
