import FlowCore

/// A data record being decoded: the flow fields plus the raw time and sampling values that
/// are resolved once the whole record is read.
struct FlowRecordScratch {
    var r = FlowRecord()
    var have: UInt64 = 0
    var firstSysUp: UInt32 = 0
    var lastSysUp: UInt32 = 0
    var startMs: Int64 = 0
    var endMs: Int64 = 0
    var startDeltaUs: UInt64 = 0
    var endDeltaUs: UInt64 = 0
    var packetsTotal: UInt64 = 0
    var bytesTotal: UInt64 = 0
    var sysInitMs: Int64 = 0
    var samplingInterval: UInt64 = 0
    var samplingPacketInterval: UInt64 = 0
    var samplingPacketSpace: UInt64 = 0
    var samplerID: UInt64 = 0

    @inline(__always)
    func has(_ t: FlowFieldTarget) -> Bool { have & (1 << UInt64(t.rawValue)) != 0 }

    /// Seconds between the NTP era (1900) and the Unix epoch.
    static let ntpToUnix: UInt64 = 2_208_988_800

    @inline(__always)
    static func ntpToMs(_ v: UInt64) -> Int64 {
        let secs = Int64(v >> 32) - Int64(ntpToUnix)
        let frac = Int64(((v & 0xFFFF_FFFF) * 1000) >> 32)
        return secs * 1000 + frac
    }

    /// Stores field `t` read from `p[o ..< o+len]`.
    @inline(__always)
    mutating func apply(_ t: FlowFieldTarget, _ p: UnsafeRawBufferPointer, _ o: Int, _ len: Int) {
        have |= 1 << UInt64(t.rawValue)
        switch t {
        case .skip: return
        case .srcAddr4: r.srcAddr = IPAddress(ipv4: BinaryBytes.be32(p, o))
        case .dstAddr4: r.dstAddr = IPAddress(ipv4: BinaryBytes.be32(p, o))
        case .srcAddr6: r.srcAddr = IPAddress(high: BinaryBytes.be64(p, o), low: BinaryBytes.be64(p, o + 8))
        case .dstAddr6: r.dstAddr = IPAddress(high: BinaryBytes.be64(p, o), low: BinaryBytes.be64(p, o + 8))
        default: break
        }
        let v = BinaryBytes.beUInt(p, o, len)
        switch t {
        case .srcPort: r.srcPort = UInt16(truncatingIfNeeded: v)
        case .dstPort: r.dstPort = UInt16(truncatingIfNeeded: v)
        case .proto: r.proto = UInt8(truncatingIfNeeded: v)
        case .tcpFlags: r.tcpFlags = UInt8(truncatingIfNeeded: v)
        case .tos: r.tos = UInt8(truncatingIfNeeded: v)
        case .icmpTypeCode: if r.dstPort == nil { r.dstPort = UInt16(truncatingIfNeeded: v) }
        case .packets: r.packets = v
        case .bytes: r.bytes = v
        case .packetsTotal: packetsTotal = v
        case .bytesTotal: bytesTotal = v
        case .revPackets: r.revPackets = v
        case .revBytes: r.revBytes = v
        case .input: r.inputInterface = UInt32(truncatingIfNeeded: v)
        case .output: r.outputInterface = UInt32(truncatingIfNeeded: v)
        case .srcAS: r.srcAS = UInt32(truncatingIfNeeded: v)
        case .dstAS: r.dstAS = UInt32(truncatingIfNeeded: v)
        case .direction: r.flowDirection = UInt8(truncatingIfNeeded: v)
        case .firstSysUp: firstSysUp = UInt32(truncatingIfNeeded: v)
        case .lastSysUp: lastSysUp = UInt32(truncatingIfNeeded: v)
        case .startSec: startMs = Int64(truncatingIfNeeded: v &* 1000)
        case .endSec: endMs = Int64(truncatingIfNeeded: v &* 1000)
        case .startMs: startMs = Int64(truncatingIfNeeded: v)
        case .endMs: endMs = Int64(truncatingIfNeeded: v)
        case .startNtpUs, .startNtpNs: startMs = Self.ntpToMs(v)
        case .endNtpUs, .endNtpNs: endMs = Self.ntpToMs(v)
        case .startDeltaUs: startDeltaUs = v
        case .endDeltaUs: endDeltaUs = v
        case .sysInitMs: sysInitMs = Int64(truncatingIfNeeded: v)
        case .samplingInterval: samplingInterval = v
        case .samplingPacketInterval: samplingPacketInterval = v
        case .samplingPacketSpace: samplingPacketSpace = v
        case .samplerID: samplerID = v
        default: break
        }
    }

    /// True when some start or end time comes from an absolute or export-relative IE.
    var hasAbsoluteStart: Bool {
        has(.startSec) || has(.startMs) || has(.startNtpUs) || has(.startNtpNs) || has(.startDeltaUs)
    }
    var hasAbsoluteEnd: Bool {
        has(.endSec) || has(.endMs) || has(.endNtpUs) || has(.endNtpNs) || has(.endDeltaUs)
    }

    /// The sampling rate an options record (or a data record carrying its own) states:
    /// samplingInterval (IE 34/50), or (packetInterval + packetSpace) / packetInterval
    /// (IEs 305/306, RFC 7270 / PSAMP).
    var statedSamplingRate: UInt32? {
        if has(.samplingInterval), samplingInterval > 0 { return UInt32(clamping: samplingInterval) }
        if has(.samplingPacketInterval), samplingPacketInterval > 0 {
            let space = has(.samplingPacketSpace) ? samplingPacketSpace : 0
            return UInt32(clamping: (samplingPacketInterval &+ space) / samplingPacketInterval)
        }
        return nil
    }

    /// Resolves start and end (Unix ms). `exportMs` is the message export time; for NetFlow
    /// v9 `sysUptime` is the header's uptime (ms) and SysUpTime fields are relative to it,
    /// modulo 2^32; for IPFIX they are relative to `sysInitMs` (IE 160). Records with no
    /// time field at all take the export time.
    @inline(__always)
    mutating func resolveTimes(exportMs: Int64, sysUptime: UInt32?, sysInit: Int64?) {
        if has(.startSec) || has(.startMs) || has(.startNtpUs) || has(.startNtpNs) {
            r.start = startMs
        } else if has(.startDeltaUs) {
            r.start = exportMs - Int64(startDeltaUs / 1000)
        } else if has(.firstSysUp) {
            if let up = sysUptime {
                r.start = exportMs - Int64(up &- firstSysUp)
            } else if let base = sysInit {
                r.start = base + Int64(firstSysUp)
            } else {
                r.start = exportMs
            }
        } else {
            r.start = exportMs
        }
        if has(.endSec) || has(.endMs) || has(.endNtpUs) || has(.endNtpNs) {
            r.end = endMs
        } else if has(.endDeltaUs) {
            r.end = exportMs - Int64(endDeltaUs / 1000)
        } else if has(.lastSysUp) {
            if let up = sysUptime {
                r.end = exportMs - Int64(up &- lastSysUp)
            } else if let base = sysInit {
                r.end = base + Int64(lastSysUp)
            } else {
                r.end = exportMs
            }
        } else {
            r.end = has(.firstSysUp) || hasAbsoluteStart ? r.start : exportMs
        }
        if !has(.packets), has(.packetsTotal) { r.packets = packetsTotal }
        if !has(.bytes), has(.bytesTotal) { r.bytes = bytesTotal }
    }
}
