import FlowCore
import Foundation

/// Protocol names as nfdump prints them in `-o csv` of 1.7.0–1.7.4 (other numbers are
/// printed as numbers).
enum NfdumpProtocolNames {
    static func name(_ p: UInt8) -> StaticString? {
        switch p {
        case 1: return "ICMP"
        case 2: return "IGMP"
        case 4: return "IPIP"
        case 6: return "TCP"
        case 17: return "UDP"
        case 41: return "IPv6"
        case 47: return "GRE"
        case 50: return "ESP"
        case 51: return "AH"
        case 58: return "ICMP6"
        case 89: return "OSPF"
        case 103: return "PIM"
        case 132: return "SCTP"
        default: return nil
        }
    }
}

/// Shared nfdump output pieces.
enum NfdumpWriting {
    /// nfdump's `%dp`: `type.code` for ICMP/ICMPv6 (type*256+code in the port), else the port.
    static func dstPort(_ r: FlowRecord, to out: inout [UInt8]) {
        let p = r.dstPort ?? 0
        if r.proto == 1 || r.proto == 58 {
            ByteWriter.uint(UInt64(p >> 8), to: &out)
            out.append(0x2E)
            ByteWriter.uint(UInt64(p & 0xFF), to: &out)
        } else {
            ByteWriter.uint(UInt64(p), to: &out)
        }
    }

    /// Letters CEUAPRSF (1.7.5+ `FlagsString`), `.` for unset bits.
    static func flags8(_ f: UInt8, to out: inout [UInt8]) {
        let letters: StaticString = "CEUAPRSF"
        for i in 0..<8 { out.append(f & (0x80 >> UInt8(i)) != 0 ? letters.utf8Start[i] : 0x2E) }
    }

    /// Letters UAPRSF (nfdump ≤ 1.7.4); flags using ECE/CWR are printed as 0x hex.
    static func flags6(_ f: UInt8, to out: inout [UInt8]) {
        if f > 0x3F {
            ByteWriter.ascii("0x", to: &out)
            let hex: StaticString = "0123456789abcdef"
            out.append(hex.utf8Start[Int(f >> 4)])
            out.append(hex.utf8Start[Int(f & 0xF)])
            return
        }
        let letters: StaticString = "UAPRSF"
        for i in 0..<6 { out.append(f & (0x20 >> UInt8(i)) != 0 ? letters.utf8Start[i] : 0x2E) }
    }

    static func clamped(_ d: Double) -> UInt64 {
        d >= 18_446_744_073_709_551_615.0 ? .max : d <= 0 ? 0 : UInt64(d)
    }

    /// The Summary block that nfdump prints after `-o csv` records.
    static func summary(_ info: DialectTrailerInfo) -> [UInt8] {
        var out: [UInt8] = []
        ByteWriter.ascii("Summary\nflows,bytes,packets,avg_bps,avg_pps,avg_bpp\n", to: &out)
        let duration = Double(max(0, info.lastMillis - info.firstMillis)) / 1000.0
        var bps: UInt64 = 0, pps: UInt64 = 0, bpp: UInt64 = 0
        if duration > 0 {
            bps = clamped(Double(info.bytes) * 8 / duration)
            pps = clamped(Double(info.packets) / duration)
            bpp = info.packets > 0 ? info.bytes / info.packets : 0
        }
        for (i, v) in [info.flows, info.bytes, info.packets, bps, pps, bpp].enumerated() {
            if i > 0 { out.append(0x2C) }
            ByteWriter.uint(v, to: &out)
        }
        out.append(0x0A)
        return out
    }
}

/// nfdump 1.7.0–1.7.4 `-o csv` (48 columns, local time in seconds, Summary trailer).
public struct NfdumpCSVEncoder: DialectEncoder {
    public var dialect: Dialect { .nfdumpCSV }
    let offsets: UTCOffsetTable

    public init(timeZone: TimeZoneSpec = .utc) { offsets = UTCOffsetTable(timeZone) }

    public func header() -> [UInt8] { Array((DialectHeaders.nfdumpCSV + "\n").utf8) }

    func local(_ utc: Int64) -> Int64 { utc + Int64(offsets.offsetSeconds(utcMillis: utc)) * 1000 }

    public func encode(_ r: FlowRecord, label: UnsafeBufferPointer<UInt8>?, into out: inout [UInt8]) {
        let comma: UInt8 = 0x2C
        ByteWriter.civil(local(r.start), dateTimeSeparator: 0x20, millis: false, to: &out); out.append(comma)
        ByteWriter.civil(local(r.end), dateTimeSeparator: 0x20, millis: false, to: &out); out.append(comma)
        ByteWriter.fixed(r.end &- r.start, digits: 3, to: &out); out.append(comma)
        r.srcAddr.appendText(to: &out); out.append(comma)
        r.dstAddr.appendText(to: &out); out.append(comma)
        ByteWriter.uint(UInt64(r.srcPort ?? 0), to: &out); out.append(comma)
        NfdumpWriting.dstPort(r, to: &out); out.append(comma)
        if let n = NfdumpProtocolNames.name(r.proto) { ByteWriter.ascii(n, to: &out) } else { ByteWriter.uint(UInt64(r.proto), to: &out) }
        out.append(comma)
        NfdumpWriting.flags6(r.proto == 6 ? (r.tcpFlags ?? 0) : 0, to: &out); out.append(comma)
        ByteWriter.ascii("0,", to: &out)  // fwd
        ByteWriter.uint(UInt64(r.tos ?? 0), to: &out); out.append(comma)
        ByteWriter.uint(r.packets, to: &out); out.append(comma)
        ByteWriter.uint(r.bytes, to: &out); out.append(comma)
        ByteWriter.uint(r.revPackets ?? 0, to: &out); out.append(comma)
        ByteWriter.uint(r.revBytes ?? 0, to: &out); out.append(comma)
        ByteWriter.uint(UInt64(r.inputInterface ?? 0), to: &out); out.append(comma)
        ByteWriter.uint(UInt64(r.outputInterface ?? 0), to: &out); out.append(comma)
        ByteWriter.uint(UInt64(r.srcAS ?? 0), to: &out); out.append(comma)
        ByteWriter.uint(UInt64(r.dstAS ?? 0), to: &out); out.append(comma)
        ByteWriter.ascii("0,0,0,", to: &out)  // smk, dmk, dtos
        ByteWriter.uint(UInt64(r.flowDirection ?? 0), to: &out); out.append(comma)
        ByteWriter.ascii("0.0.0.0,0.0.0.0,0,0,00:00:00:00:00:00,00:00:00:00:00:00,00:00:00:00:00:00,00:00:00:00:00:00,", to: &out)
        ByteWriter.ascii("0-0-0,0-0-0,0-0-0,0-0-0,0-0-0,0-0-0,0-0-0,0-0-0,0-0-0,0-0-0,0.000,0.000,0.000,", to: &out)
        if let e = r.exporter { e.appendText(to: &out) } else { ByteWriter.ascii("0.0.0.0", to: &out) }
        ByteWriter.ascii(",0/0,1,", to: &out)  // eng, exid
        ByteWriter.civil(local(r.end), dateTimeSeparator: 0x20, millis: true, to: &out)  // tr
        out.append(0x0A)
    }

    public func trailer(_ info: DialectTrailerInfo) -> [UInt8] { NfdumpWriting.summary(info) }
}

/// nfdump 1.7.5+ `-o csv` (default format `%ts,%td,%pr,%sa,%sp,%da,%dp,%pkt,%byt,%fl`).
/// nfdump 1.7.5+ prints no Summary block in CSV mode.
public struct NfdumpCSVNewEncoder: DialectEncoder {
    public var dialect: Dialect { .nfdumpCSVNew }
    let offsets: UTCOffsetTable

    public init(timeZone: TimeZoneSpec = .utc) { offsets = UTCOffsetTable(timeZone) }

    public func header() -> [UInt8] { Array((DialectHeaders.nfdumpCSVNew + "\n").utf8) }

    public func encode(_ r: FlowRecord, label: UnsafeBufferPointer<UInt8>?, into out: inout [UInt8]) {
        let comma: UInt8 = 0x2C
        let local = r.start + Int64(offsets.offsetSeconds(utcMillis: r.start)) * 1000
        ByteWriter.civil(local, dateTimeSeparator: 0x20, millis: true, to: &out); out.append(comma)
        ByteWriter.fixed(r.end &- r.start, digits: 3, to: &out); out.append(comma)
        ByteWriter.uint(UInt64(r.proto), to: &out); out.append(comma)
        r.srcAddr.appendText(to: &out); out.append(comma)
        ByteWriter.uint(UInt64(r.srcPort ?? 0), to: &out); out.append(comma)
        r.dstAddr.appendText(to: &out); out.append(comma)
        NfdumpWriting.dstPort(r, to: &out); out.append(comma)
        ByteWriter.uint(r.packets, to: &out); out.append(comma)
        ByteWriter.uint(r.bytes, to: &out)
        ByteWriter.ascii(",1\n", to: &out)
    }

    public func trailer(_ info: DialectTrailerInfo) -> [UInt8] { [] }
}

/// A record counter shared by copies of an encoder (nfdump csv-fast's `cnt`).
final class RecordCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value: UInt64 = 0
    func next() -> UInt64 {
        lock.lock()
        defer { lock.unlock() }
        value += 1
        return value
    }
}

/// nfdump 1.7.5+ `-o csv-fast`: epoch milliseconds, numbers only, no trailer.
public struct NfdumpCSVFastEncoder: DialectEncoder {
    public var dialect: Dialect { .nfdumpCSVFast }
    let counter = RecordCounter()

    public init() {}

    public func header() -> [UInt8] { Array((DialectHeaders.nfdumpCSVFast + "\n").utf8) }

    public func encode(_ r: FlowRecord, label: UnsafeBufferPointer<UInt8>?, into out: inout [UInt8]) {
        let comma: UInt8 = 0x2C
        ByteWriter.uint(counter.next(), to: &out); out.append(comma)
        ByteWriter.ascii(r.srcAddr.isIPv4 ? "2," : "10,", to: &out)  // PF_INET / PF_INET6 (Linux)
        ByteWriter.int(r.start, to: &out); out.append(comma)
        ByteWriter.int(r.end, to: &out); out.append(comma)
        ByteWriter.uint(UInt64(r.proto), to: &out); out.append(comma)
        r.srcAddr.appendText(to: &out); out.append(comma)
        ByteWriter.uint(UInt64(r.srcPort ?? 0), to: &out); out.append(comma)
        r.dstAddr.appendText(to: &out); out.append(comma)
        ByteWriter.uint(UInt64(r.dstPort ?? 0), to: &out); out.append(comma)
        ByteWriter.uint(UInt64(r.srcAS ?? 0), to: &out); out.append(comma)
        ByteWriter.uint(UInt64(r.dstAS ?? 0), to: &out); out.append(comma)
        ByteWriter.uint(UInt64(r.inputInterface ?? 0), to: &out); out.append(comma)
        ByteWriter.uint(UInt64(r.outputInterface ?? 0), to: &out); out.append(comma)
        NfdumpWriting.flags8(r.proto == 6 ? (r.tcpFlags ?? 0) : 0, to: &out); out.append(comma)
        ByteWriter.uint(UInt64(r.tos ?? 0), to: &out); out.append(comma)
        ByteWriter.uint(r.packets, to: &out); out.append(comma)
        ByteWriter.uint(r.bytes, to: &out)
        out.append(0x0A)
    }

    public func trailer(_ info: DialectTrailerInfo) -> [UInt8] { [] }
}
