import FlowCore
import FlowRandom

/// Zeek conn.log in its default TSV form (Zeek 3.x–7.x field set).
///
/// Values Zeek derives from packets that the flow schema does not hold are filled in
/// plausibly: `uid` is a stable hash of the record, `orig_bytes`/`resp_bytes` are the IP
/// bytes minus minimal header sizes, `conn_state` and `history` follow the TCP flags,
/// `service` is guessed from well-known ports, `local_orig`/`local_resp`/
/// `tunnel_parents` are unset. The decoder ignores all of these.
public struct ZeekConnEncoder: DialectEncoder {
    public var dialect: Dialect { .zeekConn }
    let offsets: UTCOffsetTable
    /// Time printed in `#open` (UTC ms), shown in the encoder's time zone.
    public let openMillis: Int64

    public init(timeZone: TimeZoneSpec = .utc, openMillis: Int64 = 0) {
        offsets = UTCOffsetTable(timeZone)
        self.openMillis = openMillis
    }

    func zeekTime(_ utc: Int64) -> String {
        var out: [UInt8] = []
        let local = utc + Int64(offsets.offsetSeconds(utcMillis: utc)) * 1000
        ByteWriter.civil(local, dateTimeSeparator: 0x2D, millis: false, to: &out)
        // Zeek writes %Y-%m-%d-%H-%M-%S.
        for i in out.indices where out[i] == 0x3A { out[i] = 0x2D }
        return String(decoding: out, as: UTF8.self)
    }

    public func header() -> [UInt8] {
        var s = "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tconn\n"
        s += "#open\t" + zeekTime(openMillis) + "\n"
        s += "#fields\t" + DialectHeaders.zeekConnFields.joined(separator: "\t") + "\n"
        s += "#types\t" + DialectHeaders.zeekConnTypes.joined(separator: "\t") + "\n"
        return Array(s.utf8)
    }

    static func mix(_ x: UInt64) -> UInt64 { SplitMix64.scramble(x) }

    /// A Zeek-like connection uid: `C` and 17 base-62 characters.
    static func uid(_ r: FlowRecord, to out: inout [UInt8]) {
        var h = mix(UInt64(bitPattern: r.start) ^ r.srcAddr.low)
        h = mix(h ^ r.dstAddr.low ^ r.srcAddr.high)
        h = mix(h ^ UInt64(r.srcPort ?? 0) << 16 ^ UInt64(r.dstPort ?? 0) ^ UInt64(r.proto) << 40 ^ r.bytes)
        var h2 = mix(h ^ r.packets)
        let digits: StaticString = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
        out.append(0x43)
        for i in 0..<17 {
            if i == 9 { h2 = mix(h2 ^ h) ; h = h2 }
            out.append(digits.utf8Start[Int(h % 62)])
            h /= 62
        }
    }

    static func payload(_ bytes: UInt64, _ packets: UInt64, proto: UInt8, v6: Bool) -> UInt64 {
        let ip: UInt64 = v6 ? 40 : 20
        let l4: UInt64 = proto == 6 ? 20 : proto == 17 ? 8 : proto == 1 || proto == 58 ? 8 : 0
        let hdr = (ip + l4) &* packets
        return bytes > hdr ? bytes - hdr : 0
    }

    public func encode(_ r: FlowRecord, label: UnsafeBufferPointer<UInt8>?, into out: inout [UInt8]) {
        let tab: UInt8 = 0x09
        ByteWriter.fixed(r.start &* 1000, digits: 6, to: &out); out.append(tab)
        ZeekConnEncoder.uid(r, to: &out); out.append(tab)
        let icmp = r.proto == 1 || r.proto == 58
        r.srcAddr.appendText(to: &out); out.append(tab)
        if icmp { ByteWriter.uint(UInt64((r.dstPort ?? 0) >> 8), to: &out) } else { ByteWriter.uint(UInt64(r.srcPort ?? 0), to: &out) }
        out.append(tab)
        r.dstAddr.appendText(to: &out); out.append(tab)
        if icmp { ByteWriter.uint(UInt64((r.dstPort ?? 0) & 0xFF), to: &out) } else { ByteWriter.uint(UInt64(r.dstPort ?? 0), to: &out) }
        out.append(tab)
        switch r.proto {
        case 6: ByteWriter.ascii("tcp\t", to: &out)
        case 17: ByteWriter.ascii("udp\t", to: &out)
        case 1, 58: ByteWriter.ascii("icmp\t", to: &out)
        default: ByteWriter.ascii("unknown_transport\t", to: &out)
        }
        if let service = ZeekConnEncoder.service(r) { ByteWriter.ascii(service, to: &out) } else { out.append(0x2D) }
        out.append(tab)
        ByteWriter.fixed((r.end &- r.start) &* 1000, digits: 6, to: &out); out.append(tab)
        let v6 = !r.srcAddr.isIPv4
        let revPackets = r.revPackets ?? 0, revBytes = r.revBytes ?? 0
        ByteWriter.uint(ZeekConnEncoder.payload(r.bytes, r.packets, proto: r.proto, v6: v6), to: &out); out.append(tab)
        ByteWriter.uint(ZeekConnEncoder.payload(revBytes, revPackets, proto: r.proto, v6: v6), to: &out); out.append(tab)
        ZeekConnEncoder.connState(r, to: &out)
        ByteWriter.ascii("\t-\t-\t0\t", to: &out)
        ZeekConnEncoder.history(r, to: &out)
        out.append(tab)
        ByteWriter.uint(r.packets, to: &out); out.append(tab)
        ByteWriter.uint(r.bytes, to: &out); out.append(tab)
        ByteWriter.uint(revPackets, to: &out); out.append(tab)
        ByteWriter.uint(revBytes, to: &out)
        ByteWriter.ascii("\t-\n", to: &out)
    }

    /// Zeek's `conn_state`, from the cumulative TCP flags (non-TCP: `SF` with a reply, else `S0`).
    static func connState(_ r: FlowRecord, to out: inout [UInt8]) {
        let f = r.tcpFlags ?? 0, revPackets = r.revPackets ?? 0
        guard r.proto == 6 else { ByteWriter.ascii(revPackets > 0 ? "SF" : "S0", to: &out); return }
        let syn = f & 0x02 != 0, fin = f & 0x01 != 0, rst = f & 0x04 != 0
        if rst { ByteWriter.ascii(revPackets > 0 ? "RSTO" : "REJ", to: &out) }
        else if syn && fin { ByteWriter.ascii("SF", to: &out) }
        else if syn && revPackets == 0 { ByteWriter.ascii("S0", to: &out) }
        else if syn { ByteWriter.ascii("S1", to: &out) }
        else { ByteWriter.ascii("OTH", to: &out) }
    }

    /// Zeek's `history` letters, from the cumulative TCP flags (non-TCP: `D`, `Dd` with a reply).
    static func history(_ r: FlowRecord, to out: inout [UInt8]) {
        let f = r.tcpFlags ?? 0, revPackets = r.revPackets ?? 0, revBytes = r.revBytes ?? 0
        guard r.proto == 6 else {
            out.append(0x44)
            if revPackets > 0 { out.append(0x64) }
            return
        }
        let syn = f & 0x02 != 0, fin = f & 0x01 != 0, rst = f & 0x04 != 0, ack = f & 0x10 != 0
        var any = false
        if syn { out.append(0x53); any = true }
        if syn && revPackets > 0 { out.append(0x68); any = true }
        if ack { out.append(0x41); any = true }
        if r.bytes > 0 && f & 0x08 != 0 { out.append(0x44); any = true }
        if revBytes > 0 && f & 0x08 != 0 { out.append(0x64); any = true }
        if fin { out.append(0x46); any = true }
        if rst { out.append(0x52); any = true }
        if !any { out.append(0x2D) }
    }

    /// Zeek's `service`, guessed from well-known ports; nil when none applies.
    static func service(_ r: FlowRecord) -> StaticString? {
        switch (r.proto, r.dstPort ?? 0) {
        case (17, 53), (6, 53): return "dns"
        case (6, 80), (6, 8080): return "http"
        case (6, 443): return "ssl"
        case (6, 22): return "ssh"
        case (17, 123): return "ntp"
        default: return nil
        }
    }

    public func trailer(_ info: DialectTrailerInfo) -> [UInt8] {
        Array(("#close\t" + zeekTime(max(info.lastMillis, openMillis)) + "\n").utf8)
    }
}
