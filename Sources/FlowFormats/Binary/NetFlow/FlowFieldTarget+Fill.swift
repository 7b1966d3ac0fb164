import FlowCore

extension FlowFieldTarget {
    /// Stores this field of `n` records in rows `first..<first+n` when it goes straight to a
    /// column, and returns true; returns false for fields that wait in the record's
    /// `FlowRecordScratch` (times, destination port and ICMP type/code, totals, sampling,
    /// options fields, skipped ones). Record k's field is `p[at(k) ..< at(k)+len]`. The
    /// record-by-record path calls it with n = 1, fixed-length sets with the whole set.
    @inline(__always)
    func fill(_ batch: FlowBatchBuilder, _ first: Int, _ n: Int, _ p: UnsafeRawBufferPointer, length len: Int,
              at: (Int) -> Int) -> Bool {
        @inline(__always) func value(_ k: Int) -> UInt64 { BinaryBytes.beUInt(p, at(k), len) }
        @inline(__always) func v4(_ k: Int) -> IPAddress { IPAddress(ipv4: BinaryBytes.be32(p, at(k))) }
        @inline(__always) func v6(_ k: Int) -> IPAddress {
            IPAddress(high: BinaryBytes.be64(p, at(k)), low: BinaryBytes.be64(p, at(k) &+ 8))
        }
        switch self {
        case .srcAddr4: batch.fillSourceAddress(first, n, v4)
        case .dstAddr4: batch.fillDestinationAddress(first, n, v4)
        case .srcAddr6: batch.fillSourceAddress(first, n, v6)
        case .dstAddr6: batch.fillDestinationAddress(first, n, v6)
        case .srcPort: batch.fillSourcePort(first, n) { UInt16(truncatingIfNeeded: value($0)) }
        case .proto: batch.fillProtocol(first, n) { UInt8(truncatingIfNeeded: value($0)) }
        case .tcpFlags: batch.fillTCPFlags(first, n) { UInt8(truncatingIfNeeded: value($0)) }
        case .tos: batch.fillTOS(first, n) { UInt8(truncatingIfNeeded: value($0)) }
        case .packets: batch.fillPackets(first, n, value)
        case .bytes: batch.fillBytes(first, n, value)
        case .revPackets: batch.fillReversePackets(first, n, value)
        case .revBytes: batch.fillReverseBytes(first, n, value)
        case .input: batch.fillInputInterface(first, n) { UInt32(truncatingIfNeeded: value($0)) }
        case .output: batch.fillOutputInterface(first, n) { UInt32(truncatingIfNeeded: value($0)) }
        case .srcAS: batch.fillSourceAS(first, n) { UInt32(truncatingIfNeeded: value($0)) }
        case .dstAS: batch.fillDestinationAS(first, n) { UInt32(truncatingIfNeeded: value($0)) }
        case .direction: batch.fillFlowDirection(first, n) { UInt8(truncatingIfNeeded: value($0)) }
        default: return false
        }
        return true
    }
}
