import FlowCore
@testable import FlowFormats

/// Builders of synthetic export messages and captures for tests.
struct WireWriter {
    var bytes: [UInt8] = []
    mutating func u8(_ v: UInt8) { bytes.append(v) }
    mutating func u16(_ v: UInt16) { bytes += [UInt8(v >> 8), UInt8(v & 0xFF)] }
    mutating func u32(_ v: UInt32) { u16(UInt16(v >> 16)); u16(UInt16(v & 0xFFFF)) }
    mutating func u64(_ v: UInt64) { u32(UInt32(v >> 32)); u32(UInt32(v & 0xFFFF_FFFF)) }
    mutating func le16(_ v: UInt16) { bytes += [UInt8(v & 0xFF), UInt8(v >> 8)] }
    mutating func le32(_ v: UInt32) { le16(UInt16(v & 0xFFFF)); le16(UInt16(v >> 16)) }
    mutating func le64(_ v: UInt64) { le32(UInt32(v & 0xFFFF_FFFF)); le32(UInt32(v >> 32)) }
    mutating func set16(_ at: Int, _ v: UInt16) { bytes[at] = UInt8(v >> 8); bytes[at + 1] = UInt8(v & 0xFF) }
}

enum SyntheticExport {
    /// An IPFIX message from sets (id, body).
    static func ipfix(sets: [(UInt16, [UInt8])], exportTime: UInt32 = 1_700_000_000, sequence: UInt32 = 0, domain: UInt32 = 1) -> [UInt8] {
        var w = WireWriter()
        w.u16(10); w.u16(0); w.u32(exportTime); w.u32(sequence); w.u32(domain)
        for (id, body) in sets { w.u16(id); w.u16(UInt16(4 + body.count)); w.bytes += body }
        w.set16(2, UInt16(w.bytes.count))
        return w.bytes
    }

    /// A NetFlow v9 message from FlowSets.
    static func v9(sets: [(UInt16, [UInt8])], uptime: UInt32, secs: UInt32 = 1_700_000_000, sequence: UInt32 = 0, count: UInt16 = 1) -> [UInt8] {
        var w = WireWriter()
        w.u16(9); w.u16(count); w.u32(uptime); w.u32(secs); w.u32(sequence); w.u32(0)
        for (id, body) in sets { w.u16(id); w.u16(UInt16(4 + body.count)); w.bytes += body }
        return w.bytes
    }

    /// Template record body: id, then (ie, length, enterprise?) specifiers.
    static func template(_ id: UInt16, _ fields: [(UInt16, UInt16, UInt32?)], scope: UInt16? = nil) -> [UInt8] {
        var w = WireWriter()
        w.u16(id); w.u16(UInt16(fields.count))
        if let s = scope { w.u16(s) }
        for (ie, len, pen) in fields {
            if let pen { w.u16(ie | 0x8000); w.u16(len); w.u32(pen) } else { w.u16(ie); w.u16(len) }
        }
        return w.bytes
    }

    /// One NetFlow v5 datagram with `records` records (header count can be overridden).
    static func v5(records: Int, count: UInt16? = nil, uptime: UInt32 = 100_000, first: UInt32 = 90_000, sequence: UInt32 = 0, sampling: UInt16 = 0) -> [UInt8] {
        var w = WireWriter()
        w.u16(5); w.u16(count ?? UInt16(records)); w.u32(uptime); w.u32(1_700_000_000); w.u32(500_000_000)
        w.u32(sequence); w.u8(0); w.u8(0); w.u16(sampling)
        for i in 0..<records {
            w.u32(0x0A00_0001); w.u32(0x0A00_0002 + UInt32(i)); w.u32(0)
            w.u16(3); w.u16(4); w.u32(10); w.u32(1500); w.u32(first); w.u32(uptime &- 10)
            w.u16(1234); w.u16(80); w.u8(0); w.u8(0x1B); w.u8(6); w.u8(0x20)
            w.u16(65001); w.u16(65002); w.u8(24); w.u8(16); w.u16(0)
        }
        return w.bytes
    }

    enum Link { case ethernet, vlan, qinq, sll, sll2, raw, null, loop }

    /// A frame carrying `payload` in UDP over IPv4 (or IPv6) from `source`.
    static func frame(_ payload: [UInt8], link: Link, ipv6: Bool = false, sourcePort: UInt16 = 40000, port: UInt16 = 2055) -> [UInt8] {
        var ip = WireWriter()
        var udp = WireWriter()
        udp.u16(sourcePort); udp.u16(port); udp.u16(UInt16(8 + payload.count)); udp.u16(0)
        udp.bytes += payload
        if ipv6 {
            ip.u32(0x6000_0000); ip.u16(UInt16(udp.bytes.count)); ip.u8(17); ip.u8(64)
            ip.u64(0x2001_0DB8_0000_0000); ip.u64(1); ip.u64(0x2001_0DB8_0000_0000); ip.u64(2)
        } else {
            ip.u8(0x45); ip.u8(0); ip.u16(UInt16(20 + udp.bytes.count)); ip.u16(7); ip.u16(0); ip.u8(64); ip.u8(17); ip.u16(0)
            ip.u32(0xC000_0201); ip.u32(0xC000_0202)
        }
        ip.bytes += udp.bytes
        let type: UInt16 = ipv6 ? 0x86DD : 0x0800
        var f = WireWriter()
        switch link {
        case .ethernet: f.bytes += [UInt8](repeating: 2, count: 12); f.u16(type)
        case .vlan: f.bytes += [UInt8](repeating: 2, count: 12); f.u16(0x8100); f.u16(5); f.u16(type)
        case .qinq: f.bytes += [UInt8](repeating: 2, count: 12); f.u16(0x88A8); f.u16(5); f.u16(0x8100); f.u16(6); f.u16(type)
        case .sll: f.u16(0); f.u16(1); f.u16(6); f.bytes += [UInt8](repeating: 0, count: 8); f.u16(type)
        case .sll2: f.u16(type); f.u16(0); f.u32(1); f.u16(1); f.u8(0); f.u8(6); f.bytes += [UInt8](repeating: 0, count: 8)
        case .raw: break
        case .null: f.le32(ipv6 ? 24 : 2)
        case .loop: f.u32(ipv6 ? 24 : 2)
        }
        return f.bytes + ip.bytes
    }

    static func linkType(_ l: Link) -> UInt32 {
        switch l {
        case .ethernet, .vlan, .qinq: return 1
        case .sll: return 113
        case .sll2: return 276
        case .raw: return 101
        case .null: return 0
        case .loop: return 108
        }
    }

    /// A pcap file (µs or ns magic, either byte order) of `frames`.
    static func pcap(_ frames: [[UInt8]], linkType: UInt32, bigEndian: Bool = false, nanos: Bool = false, snap: UInt32 = 65535, caplenOverride: UInt32? = nil) -> [UInt8] {
        var w = WireWriter()
        func u32(_ v: UInt32) { bigEndian ? w.u32(v) : w.le32(v) }
        func u16(_ v: UInt16) { bigEndian ? w.u16(v) : w.le16(v) }
        u32(nanos ? 0xA1B2_3C4D : 0xA1B2_C3D4); u16(2); u16(4); u32(0); u32(0); u32(snap); u32(linkType)
        for f in frames {
            u32(1_700_000_000); u32(0); u32(caplenOverride ?? UInt32(f.count)); u32(UInt32(f.count)); w.bytes += f
        }
        return w.bytes
    }

    /// A pcapng file: one section, one interface per entry of `linkTypes`, an EPB per frame
    /// (frame i on interface i % count) and an SPB for the first frame.
    static func pcapng(_ frames: [[UInt8]], linkTypes: [UInt32], bigEndian: Bool = false) -> [UInt8] {
        var w = WireWriter()
        func u32(_ v: UInt32) { bigEndian ? w.u32(v) : w.le32(v) }
        func u16(_ v: UInt16) { bigEndian ? w.u16(v) : w.le16(v) }
        func pad() { while w.bytes.count % 4 != 0 { w.u8(0) } }
        u32(0x0A0D_0D0A); u32(28); u32(0x1A2B_3C4D); u16(1); u16(0); u32(0xFFFF_FFFF); u32(0xFFFF_FFFF); u32(28)
        for lt in linkTypes { u32(1); u32(20); u16(UInt16(lt)); u16(0); u32(0); u32(20) }
        for (i, f) in frames.enumerated() {
            let padded = (f.count + 3) / 4 * 4
            let total = UInt32(32 + padded)
            u32(6); u32(total); u32(UInt32(i % linkTypes.count)); u32(0); u32(0); u32(UInt32(f.count)); u32(UInt32(f.count))
            w.bytes += f; pad(); u32(total)
        }
        if let f = frames.first, linkTypes.count == 1 {
            let total = UInt32(16 + (f.count + 3) / 4 * 4)
            u32(3); u32(total); u32(UInt32(f.count)); w.bytes += f; pad(); u32(total)
        }
        return w.bytes
    }
}
