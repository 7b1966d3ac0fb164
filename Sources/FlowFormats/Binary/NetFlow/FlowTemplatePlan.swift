import FlowCore

/// What a template field feeds. NetFlow v9 field types 1–127 and IPFIX information
/// elements share numbers (RFC 7012 kept v9's), so one table serves both.
enum FlowFieldTarget: UInt8, Sendable {
    case skip
    case srcAddr4, dstAddr4, srcAddr6, dstAddr6
    case srcPort, dstPort, proto, tcpFlags, tos, icmpTypeCode
    case packets, bytes, packetsTotal, bytesTotal, revPackets, revBytes
    case input, output, srcAS, dstAS, direction
    case firstSysUp, lastSysUp
    case startSec, endSec, startMs, endMs, startNtpUs, endNtpUs, startNtpNs, endNtpNs
    case startDeltaUs, endDeltaUs
    case sysInitMs
    case samplingInterval, samplingPacketInterval, samplingPacketSpace, samplerID

    /// The target of information element `ie` of `enterprise` (0 = IANA) at `length` bytes;
    /// `.skip` when floe's schema has no place for it or the length does not fit.
    static func of(ie: UInt16, enterprise: UInt32, length: Int) -> FlowFieldTarget {
        if enterprise == 29305 {  // RFC 5103 reverse information elements
            switch ie {
            case 1: return isInt(length) ? .revBytes : .skip
            case 2: return isInt(length) ? .revPackets : .skip
            default: return .skip
            }
        }
        guard enterprise == 0 else { return .skip }
        let t: FlowFieldTarget
        switch ie {
        case 8: return length == 4 ? .srcAddr4 : .skip
        case 12: return length == 4 ? .dstAddr4 : .skip
        case 27: return length == 16 ? .srcAddr6 : .skip
        case 28: return length == 16 ? .dstAddr6 : .skip
        case 7: t = .srcPort
        case 11: t = .dstPort
        case 4: t = .proto
        case 6: t = .tcpFlags
        case 5: t = .tos
        case 32, 139: t = .icmpTypeCode
        case 2: t = .packets
        case 1: t = .bytes
        case 86: t = .packetsTotal
        case 85: t = .bytesTotal
        case 10: t = .input
        case 14: t = .output
        case 16: t = .srcAS
        case 17: t = .dstAS
        case 61: t = .direction
        case 22: t = .firstSysUp
        case 21: t = .lastSysUp
        case 150: t = .startSec
        case 151: t = .endSec
        case 152: t = .startMs
        case 153: t = .endMs
        case 154: return length == 8 ? .startNtpUs : .skip
        case 155: return length == 8 ? .endNtpUs : .skip
        case 156: return length == 8 ? .startNtpNs : .skip
        case 157: return length == 8 ? .endNtpNs : .skip
        case 158: t = .startDeltaUs
        case 159: t = .endDeltaUs
        case 160: t = .sysInitMs
        case 34, 50: t = .samplingInterval  // v9 SAMPLING_INTERVAL, FLOW_SAMPLER_RANDOM_INTERVAL
        case 305: t = .samplingPacketInterval
        case 306: t = .samplingPacketSpace
        case 48, 302: t = .samplerID  // v9 FLOW_SAMPLER_ID, IPFIX selectorId
        default: return .skip
        }
        return isInt(length) ? t : .skip
    }

    @inline(__always)
    static func isInt(_ length: Int) -> Bool { length >= 1 && length <= 8 }
}

/// One field of a compiled template: where it is (for fixed-length templates), how long,
/// and what it feeds. `length` 0xFFFF marks an IPFIX variable-length field.
struct FlowFieldOp: Sendable, Equatable {
    var offset: Int32
    var length: UInt16
    var target: FlowFieldTarget
}

/// A template compiled once into a field plan, so that data records decode with one pass
/// over a small array and no allocation.
struct FlowTemplatePlan: Sendable, Equatable {
    /// Fields in wire order. For fixed-length templates, `.skip` fields are left out and
    /// offsets are precomputed; for variable-length ones every field is kept.
    var ops: [FlowFieldOp]
    /// Record length when no field is variable, else nil.
    var fixedLength: Int?
    /// Smallest possible record length (variable fields count their 1-byte length prefix).
    var minLength: Int
    /// Options template (its data records configure the exporter; they are not flows).
    var isOptions: Bool
    /// The raw definition, to tell a refresh from a replacement.
    var signature: [UInt32]
    /// One bit per `FlowFieldTarget` some field feeds (`FlowRecordScratch.have` of every
    /// record of a fixed-length template).
    var targetMask: UInt64

    /// Compiles field specifiers (ie, enterprise, length).
    init(fields: [(ie: UInt16, enterprise: UInt32, length: UInt16)], isOptions: Bool) {
        var ops: [FlowFieldOp] = []
        ops.reserveCapacity(fields.count)
        var offset = 0
        var variable = false
        var minLength = 0
        var signature: [UInt32] = []
        signature.reserveCapacity(fields.count * 2)
        for f in fields {
            signature.append(UInt32(f.ie) << 16 | UInt32(f.length))
            signature.append(f.enterprise)
            let target: FlowFieldTarget = f.length == 0xFFFF ? .skip : .of(ie: f.ie, enterprise: f.enterprise, length: Int(f.length))
            if f.length == 0xFFFF {
                variable = true
                minLength += 1
            } else {
                minLength += Int(f.length)
            }
            ops.append(FlowFieldOp(offset: Int32(truncatingIfNeeded: offset), length: f.length, target: target))
            offset += f.length == 0xFFFF ? 0 : Int(f.length)
        }
        if !variable { ops.removeAll { $0.target == .skip } }
        self.ops = ops
        self.fixedLength = variable ? nil : offset
        self.minLength = minLength
        self.isOptions = isOptions
        self.signature = signature
        targetMask = ops.reduce(0) { $0 | FlowRecordScratch.bit($1.target) }
    }

    /// The builder columns a fixed-length data set of this template fills for every record
    /// straight from its fields (`decodeFixedDataSet`), so they need not be zeroed first.
    /// Times, destination ports and totals go through each record's scratch: not listed.
    var filledColumns: FlowBatchBuilder.FilledColumns {
        typealias T = FlowFieldTarget
        func has(_ t: T) -> Bool { targetMask & FlowRecordScratch.bit(t) != 0 }
        var f: FlowBatchBuilder.FilledColumns = []
        if (has(T.srcAddr4) || has(T.srcAddr6)) && (has(T.dstAddr4) || has(T.dstAddr6)) { f.insert(.addresses) }
        if has(T.proto) { f.insert(.protocol) }
        if has(T.packets) && has(T.bytes) { f.insert(.counters) }
        if has(T.tcpFlags) { f.insert(.tcpFlags) }
        if has(T.tos) { f.insert(.tos) }
        if has(T.input) && has(T.output) { f.insert(.interfaces) }
        if has(T.direction) { f.insert(.direction) }
        if has(T.srcAS) && has(T.dstAS) { f.insert(.asNumbers) }
        if has(T.revPackets) && has(T.revBytes) { f.insert(.reverseCounters) }
        return f
    }
}
