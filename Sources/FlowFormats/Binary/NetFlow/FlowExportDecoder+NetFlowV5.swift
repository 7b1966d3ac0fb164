import FlowCore

/// NetFlow v5: a 24-byte header and 1–30 fixed 48-byte records (Cisco's published layout).
extension FlowExportDecoder {
    static let v5HeaderLength = 24
    static let v5RecordLength = 48

    mutating func decodeV5(_ p: UnsafeRawBufferPointer, exporter: IPAddress?, offset: Int64, into batch: FlowBatchBuilder) {
        guard p.count >= Self.v5HeaderLength else {
            reject(.badExportHeader, offset, 1, "NetFlow v5 header needs 24 bytes, datagram has \(p.count)")
            return
        }
        let count = Int(BinaryBytes.be16(p, 2))
        let needed = Self.v5HeaderLength + count * Self.v5RecordLength
        guard count >= 1, count <= 30, p.count >= needed else {
            reject(.badExportHeader, offset, min(max(count, 1), 30),
                   "NetFlow v5 header says \(count) records (\(needed) bytes) but the datagram has \(p.count) bytes")
            return
        }
        report.messages += 1
        let sysUptime = BinaryBytes.be32(p, 4)
        let secs = Int64(BinaryBytes.be32(p, 8))
        let nsecs = Int64(BinaryBytes.be32(p, 12))
        let sequence = BinaryBytes.be32(p, 16)
        let engine = UInt32(p[20]) << 8 | UInt32(p[21])
        let sampling = BinaryBytes.be16(p, 22) & 0x3FFF
        let exportMs = secs * 1000 + nsecs / 1_000_000
        let key = FlowDomainKey(exporter: exporter, domain: engine, version: 5)
        trackSequence(key, seq: sequence, next: sequence &+ UInt32(count), unit: .records, offset: offset)
        for i in 0..<count {
            let o = Self.v5HeaderLength + i * Self.v5RecordLength
            var r = FlowRecord()
            r.srcAddr = IPAddress(ipv4: BinaryBytes.be32(p, o))
            r.dstAddr = IPAddress(ipv4: BinaryBytes.be32(p, o + 4))
            r.inputInterface = UInt32(BinaryBytes.be16(p, o + 12))
            r.outputInterface = UInt32(BinaryBytes.be16(p, o + 14))
            r.packets = UInt64(BinaryBytes.be32(p, o + 16))
            r.bytes = UInt64(BinaryBytes.be32(p, o + 20))
            // FIRST/LAST are SysUptime ms; the difference modulo 2^32 is the age, so a FIRST
            // above the header's uptime is from before the counter wrapped.
            r.start = exportMs - Int64(sysUptime &- BinaryBytes.be32(p, o + 24))
            r.end = exportMs - Int64(sysUptime &- BinaryBytes.be32(p, o + 28))
            r.srcPort = BinaryBytes.be16(p, o + 32)
            r.dstPort = BinaryBytes.be16(p, o + 34)
            r.tcpFlags = p[o + 37]
            r.proto = p[o + 38]
            r.tos = p[o + 39]
            r.srcAS = UInt32(BinaryBytes.be16(p, o + 40))
            r.dstAS = UInt32(BinaryBytes.be16(p, o + 42))
            r.exporter = exporter
            r.samplingRate = sampling > 0 ? UInt32(sampling) : nil
            batch.append(r)
        }
        report.flows += count
    }
}
