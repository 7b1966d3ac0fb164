import FlowCore

/// The fields of the nfcapd V3 extension elements floe reads, stored from the element body
/// at `e` into row `row` (nfdump's nfxV3.h layouts, host byte order).
enum NfcapdElement {
    /// EXgenericFlow (1): msecFirst, msecLast, msecReceived, inPackets, inBytes, srcPort,
    /// dstPort, proto, tcpFlags, fwdStatus, srcTos.
    @inline(__always)
    static func generic(_ r: UnsafeRawBufferPointer, _ e: Int, _ row: Int, _ batch: FlowBatchBuilder) {
        batch.setStart(row, Int64(truncatingIfNeeded: BinaryBytes.le64(r, e)))
        batch.setEnd(row, Int64(truncatingIfNeeded: BinaryBytes.le64(r, e + 8)))
        batch.setPackets(row, BinaryBytes.le64(r, e + 24))
        batch.setBytes(row, BinaryBytes.le64(r, e + 32))
        batch.setSourcePort(row, BinaryBytes.le16(r, e + 40))
        batch.setDestinationPort(row, BinaryBytes.le16(r, e + 42))
        batch.setProtocol(row, r[e + 44])
        batch.setTCPFlags(row, r[e + 45])
        batch.setTOS(row, r[e + 47])
    }

    /// EXipv4Flow (2).
    @inline(__always)
    static func ipv4(_ r: UnsafeRawBufferPointer, _ e: Int, _ row: Int, _ batch: FlowBatchBuilder) {
        batch.setSourceAddress(row, IPAddress(ipv4: BinaryBytes.le32(r, e)))
        batch.setDestinationAddress(row, IPAddress(ipv4: BinaryBytes.le32(r, e + 4)))
    }

    /// EXipv6Flow (3): two host-order 64-bit halves per address.
    @inline(__always)
    static func ipv6(_ r: UnsafeRawBufferPointer, _ e: Int, _ row: Int, _ batch: FlowBatchBuilder) {
        batch.setSourceAddress(row, IPAddress(high: BinaryBytes.le64(r, e), low: BinaryBytes.le64(r, e + 8)))
        batch.setDestinationAddress(row, IPAddress(high: BinaryBytes.le64(r, e + 16), low: BinaryBytes.le64(r, e + 24)))
    }

    /// EXflowMisc (4): input, output interface, …, direction at +10.
    @inline(__always)
    static func misc(_ r: UnsafeRawBufferPointer, _ e: Int, _ row: Int, _ batch: FlowBatchBuilder) {
        batch.setInputInterface(row, BinaryBytes.le32(r, e))
        batch.setOutputInterface(row, BinaryBytes.le32(r, e + 4))
        batch.setFlowDirection(row, r[e + 10])
    }

    /// EXcntFlow (5): flows, out packets, out bytes (the reverse direction of biflows).
    @inline(__always)
    static func counters(_ r: UnsafeRawBufferPointer, _ e: Int, _ row: Int, _ batch: FlowBatchBuilder) {
        batch.setReversePackets(row, BinaryBytes.le64(r, e + 8))
        batch.setReverseBytes(row, BinaryBytes.le64(r, e + 16))
    }

    /// EXasRouting (7): source and destination AS.
    @inline(__always)
    static func routing(_ r: UnsafeRawBufferPointer, _ e: Int, _ row: Int, _ batch: FlowBatchBuilder) {
        batch.setSourceAS(row, BinaryBytes.le32(r, e))
        batch.setDestinationAS(row, BinaryBytes.le32(r, e + 4))
    }

    /// EXipReceivedV4 (12) / EXipReceivedV6 (13): the address the exporter sent from.
    @inline(__always)
    static func received4(_ r: UnsafeRawBufferPointer, _ e: Int) -> IPAddress { IPAddress(ipv4: BinaryBytes.le32(r, e)) }
    @inline(__always)
    static func received6(_ r: UnsafeRawBufferPointer, _ e: Int) -> IPAddress {
        IPAddress(high: BinaryBytes.le64(r, e), low: BinaryBytes.le64(r, e + 8))
    }
}
