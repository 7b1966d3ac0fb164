import FlowCore

/// `count` nfcapd V3 records of one layout that follow each other in a block, `stride`
/// bytes apart from `base`, going to the open rows `first..<first+count`. The caller has
/// checked that every record lies in the block and has the layout, so the layout's offsets
/// are inside each record and the loads need no checks.
struct NfcapdRun {
    let base: UnsafeRawPointer
    let stride: Int
    let first: Int
    let count: Int

    @inline(__always) func le16(_ k: Int, _ o: Int) -> UInt16 {
        UInt16(littleEndian: (base + (k &* stride &+ o)).loadUnaligned(as: UInt16.self))
    }
    @inline(__always) func le32(_ k: Int, _ o: Int) -> UInt32 {
        UInt32(littleEndian: (base + (k &* stride &+ o)).loadUnaligned(as: UInt32.self))
    }
    @inline(__always) func le64(_ k: Int, _ o: Int) -> UInt64 {
        UInt64(littleEndian: (base + (k &* stride &+ o)).loadUnaligned(as: UInt64.self))
    }
    @inline(__always) func u8(_ k: Int, _ o: Int) -> UInt8 { base.load(fromByteOffset: k &* stride &+ o, as: UInt8.self) }
}

/// The fields of the nfcapd V3 extension elements floe reads, stored column by column from
/// the element body at offset `e` of every record of a run (nfdump's nfxV3.h layouts, host
/// byte order).
enum NfcapdElement {
    /// EXgenericFlow (1): msecFirst, msecLast, msecReceived, inPackets, inBytes, srcPort,
    /// dstPort, proto, tcpFlags, fwdStatus, srcTos.
    @inline(__always)
    static func generic(_ run: NfcapdRun, _ e: Int, _ batch: FlowBatchBuilder) {
        let (f, n) = (run.first, run.count)
        batch.fillStart(f, n) { Int64(truncatingIfNeeded: run.le64($0, e)) }
        batch.fillEnd(f, n) { Int64(truncatingIfNeeded: run.le64($0, e + 8)) }
        batch.fillPackets(f, n) { run.le64($0, e + 24) }
        batch.fillBytes(f, n) { run.le64($0, e + 32) }
        batch.fillSourcePort(f, n) { run.le16($0, e + 40) }
        batch.fillDestinationPort(f, n) { run.le16($0, e + 42) }
        batch.fillProtocol(f, n) { run.u8($0, e + 44) }
        batch.fillTCPFlags(f, n) { run.u8($0, e + 45) }
        batch.fillTOS(f, n) { run.u8($0, e + 47) }
    }

    /// EXipv4Flow (2).
    @inline(__always)
    static func ipv4(_ run: NfcapdRun, _ e: Int, _ batch: FlowBatchBuilder) {
        batch.fillSourceAddress(run.first, run.count) { IPAddress(ipv4: run.le32($0, e)) }
        batch.fillDestinationAddress(run.first, run.count) { IPAddress(ipv4: run.le32($0, e + 4)) }
    }

    /// EXipv6Flow (3): two host-order 64-bit halves per address.
    @inline(__always)
    static func ipv6(_ run: NfcapdRun, _ e: Int, _ batch: FlowBatchBuilder) {
        batch.fillSourceAddress(run.first, run.count) { IPAddress(high: run.le64($0, e), low: run.le64($0, e + 8)) }
        batch.fillDestinationAddress(run.first, run.count) { IPAddress(high: run.le64($0, e + 16), low: run.le64($0, e + 24)) }
    }

    /// EXflowMisc (4): input, output interface, …, direction at +10.
    @inline(__always)
    static func misc(_ run: NfcapdRun, _ e: Int, _ batch: FlowBatchBuilder) {
        batch.fillInputInterface(run.first, run.count) { run.le32($0, e) }
        batch.fillOutputInterface(run.first, run.count) { run.le32($0, e + 4) }
        batch.fillFlowDirection(run.first, run.count) { run.u8($0, e + 10) }
    }

    /// EXcntFlow (5): flows, out packets, out bytes (the reverse direction of biflows).
    @inline(__always)
    static func counters(_ run: NfcapdRun, _ e: Int, _ batch: FlowBatchBuilder) {
        batch.fillReversePackets(run.first, run.count) { run.le64($0, e + 8) }
        batch.fillReverseBytes(run.first, run.count) { run.le64($0, e + 16) }
    }

    /// EXasRouting (7): source and destination AS.
    @inline(__always)
    static func routing(_ run: NfcapdRun, _ e: Int, _ batch: FlowBatchBuilder) {
        batch.fillSourceAS(run.first, run.count) { run.le32($0, e) }
        batch.fillDestinationAS(run.first, run.count) { run.le32($0, e + 4) }
    }

    /// EXipReceivedV4 (12) / EXipReceivedV6 (13): the address the exporter sent from.
    @inline(__always)
    static func received4(_ run: NfcapdRun, _ k: Int, _ e: Int) -> IPAddress { IPAddress(ipv4: run.le32(k, e)) }
    @inline(__always)
    static func received6(_ run: NfcapdRun, _ k: Int, _ e: Int) -> IPAddress {
        IPAddress(high: run.le64(k, e), low: run.le64(k, e + 8))
    }
}
