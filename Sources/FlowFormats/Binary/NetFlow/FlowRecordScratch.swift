import FlowCore

/// A data record being decoded: its flow fields go straight into the builder's open row
/// `row`; the raw time, counter-total and sampling values wait here until the whole record
/// is read (`resolveTimes`).
struct FlowRecordScratch {
    let row: Int
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

    init(row: Int) {
        self.row = row
    }

    @inline(__always)
    static func bit(_ t: FlowFieldTarget) -> UInt64 { 1 << UInt64(t.rawValue) }

    @inline(__always)
    func has(_ t: FlowFieldTarget) -> Bool { have & Self.bit(t) != 0 }

    /// Seconds between the NTP era (1900) and the Unix epoch.
    static let ntpToUnix: UInt64 = 2_208_988_800

    @inline(__always)
    static func ntpToMs(_ v: UInt64) -> Int64 {
        let secs = Int64(v >> 32) - Int64(ntpToUnix)
        let frac = Int64(((v & 0xFFFF_FFFF) * 1000) >> 32)
        return secs * 1000 + frac
    }

    /// Stores field `t` read from `p[o ..< o+len]`: straight into the row when it has a
    /// column of its own (`FlowFieldTarget.fill`), else here until the record is resolved.
    @inline(__always)
    mutating func apply(_ t: FlowFieldTarget, _ p: UnsafeRawBufferPointer, _ o: Int, _ len: Int, into b: FlowBatchBuilder) {
        let before = have
        have |= Self.bit(t)
        if t == .skip || t.fill(b, row, 1, p, length: len, at: { _ in o }) { return }
        let v = BinaryBytes.beUInt(p, o, len)
        switch t {
        case .dstPort: b.setDestinationPort(row, UInt16(truncatingIfNeeded: v))
        case .icmpTypeCode:
            // The ICMP type/code stands in for the destination port unless a port (or an
            // earlier type/code field) came first; a port field later replaces it.
            if before & (Self.bit(.dstPort) | Self.bit(.icmpTypeCode)) == 0 {
                b.setDestinationPort(row, UInt16(truncatingIfNeeded: v))
            }
        case .packetsTotal: packetsTotal = v
        case .bytesTotal: bytesTotal = v
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

    /// Resolves start and end (Unix ms) and stores them in the row. `exportMs` is the
    /// message export time; for NetFlow v9 `sysUptime` is the header's uptime (ms) and
    /// SysUpTime fields are relative to it, modulo 2^32; for IPFIX they are relative to
    /// `sysInitMs` (IE 160). Records with no time field at all take the export time.
    /// Total counters (IEs 85/86) stand in for missing delta counters.
    @inline(__always)
    func resolveTimes(exportMs: Int64, sysUptime: UInt32?, sysInit: Int64?, into b: FlowBatchBuilder) {
        let start: Int64
        if has(.startSec) || has(.startMs) || has(.startNtpUs) || has(.startNtpNs) {
            start = startMs
        } else if has(.startDeltaUs) {
            start = exportMs - Int64(startDeltaUs / 1000)
        } else if has(.firstSysUp) {
            if let up = sysUptime {
                start = exportMs - Int64(up &- firstSysUp)
            } else if let base = sysInit {
                start = base + Int64(firstSysUp)
            } else {
                start = exportMs
            }
        } else {
            start = exportMs
        }
        let end: Int64
        if has(.endSec) || has(.endMs) || has(.endNtpUs) || has(.endNtpNs) {
            end = endMs
        } else if has(.endDeltaUs) {
            end = exportMs - Int64(endDeltaUs / 1000)
        } else if has(.lastSysUp) {
            if let up = sysUptime {
                end = exportMs - Int64(up &- lastSysUp)
            } else if let base = sysInit {
                end = base + Int64(lastSysUp)
            } else {
                end = exportMs
            }
        } else {
            end = has(.firstSysUp) || hasAbsoluteStart ? start : exportMs
        }
        b.setStart(row, start)
        b.setEnd(row, end)
        if !has(.packets), has(.packetsTotal) { b.setPackets(row, packetsTotal) }
        if !has(.bytes), has(.bytesTotal) { b.setBytes(row, bytesTotal) }
    }
}
