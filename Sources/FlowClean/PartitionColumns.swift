import FlowCore

/// The columns of one record batch of a partition, filled from rows (`take`): the stored
/// columns plus the enrichment (direction, service, rates, hour, weekday, scaled counters),
/// with text columns kept as numbers (addresses, label ids, direction and service codes)
/// until `PartitionWriter.write` renders them. Rows are taken column by column, one pass
/// over the rows per column, through pointers (a row is never copied). Buffers are kept
/// from batch to batch (`removeAll`). One thread fills a set while another writes the
/// previous one (`DayWriter`).
final class PartitionColumns {
    let networks: [NetworkPrefix]
    /// Label ids at or past this are written as null.
    let labelCount: Int

    var start: [Int64] = [], end: [Int64] = []
    var src: [IPAddress] = [], dst: [IPAddress] = []
    var srcPort = NullableColumn<UInt16>(zero: 0), dstPort = NullableColumn<UInt16>(zero: 0)
    var proto: [UInt8] = [], tcpFlags = NullableColumn<UInt8>(zero: 0)
    var packets: [UInt64] = [], bytes: [UInt64] = []
    var inputIf = NullableColumn<UInt32>(zero: 0), outputIf = NullableColumn<UInt32>(zero: 0)
    var srcAS = NullableColumn<UInt32>(zero: 0), dstAS = NullableColumn<UInt32>(zero: 0)
    var tos = NullableColumn<UInt8>(zero: 0)
    var exporter = NullableColumn<IPAddress>(zero: .zero)
    var samplingRate = NullableColumn<UInt32>(zero: 0), flowDirection = NullableColumn<UInt8>(zero: 0)
    var revPackets = NullableColumn<UInt64>(zero: 0), revBytes = NullableColumn<UInt64>(zero: 0)
    /// Label ids (valid when the row has a known label).
    var label = NullableColumn<UInt32>(zero: 0)
    /// Index into `PartitionWriter.directionNames`.
    var direction: [UInt8] = []
    var servicePort = NullableColumn<UInt16>(zero: 0)
    /// `Services.names` id, or one of the `ServiceCode`s.
    var service: [UInt16] = []
    var duration: [Int64] = [], bps: [Double] = [], pps: [Double] = []
    var bytesPerPacket = NullableColumn<Double>(zero: 0)
    var hour: [UInt8] = [], weekday: [UInt8] = []
    var packetsScaled: [UInt64] = [], bytesScaled: [UInt64] = []
    var bidirectional: [Bool] = []
    private(set) var count = 0

    /// Validity words of one nullable column of the block being taken.
    private var bits: [UInt64] = []
    /// Service port per row of the block being taken (−1: none).
    private var blockPorts: [Int32] = []

    init(networks: [NetworkPrefix], labelCount: Int) {
        self.networks = networks
        self.labelCount = labelCount
    }

    /// Appends every column of `rows` (which fit in the current batch).
    func take(_ rows: UnsafeBufferPointer<CleanRow>) {
        fill(&start, rows) { $0.pointee.start }
        fill(&end, rows) { $0.pointee.end }
        fill(&src, rows) { $0.pointee.src }
        fill(&dst, rows) { $0.pointee.dst }
        nullable(&srcPort, rows, Present.srcPort) { $0.pointee.srcPort }
        nullable(&dstPort, rows, Present.dstPort) { $0.pointee.dstPort }
        fill(&proto, rows) { $0.pointee.proto }
        nullable(&tcpFlags, rows, Present.tcpFlags) { $0.pointee.tcpFlags }
        fill(&packets, rows) { $0.pointee.packets }
        fill(&bytes, rows) { $0.pointee.bytes }
        nullable(&inputIf, rows, Present.inputIf) { $0.pointee.inputIf }
        nullable(&outputIf, rows, Present.outputIf) { $0.pointee.outputIf }
        nullable(&srcAS, rows, Present.srcAS) { $0.pointee.srcAS }
        nullable(&dstAS, rows, Present.dstAS) { $0.pointee.dstAS }
        nullable(&tos, rows, Present.tos) { $0.pointee.tos }
        nullable(&exporter, rows, Present.exporter) { $0.pointee.exporter }
        nullable(&samplingRate, rows, Present.samplingRate) { $0.pointee.samplingRate }
        nullable(&flowDirection, rows, Present.flowDirection) { $0.pointee.flowDirection }
        nullable(&revPackets, rows, Present.revPackets) { $0.pointee.revPackets }
        nullable(&revBytes, rows, Present.revBytes) { $0.pointee.revBytes }
        nullable(&label, rows, { $0.pointee.has(Present.label) && Int($0.pointee.label) < labelCount }) { $0.pointee.label }

        // Enrichment.
        let nets = networks
        fill(&direction, rows) { r in
            var code: UInt8 = 0
            for n in nets where n.contains(r.pointee.src) { code |= 2; break }
            for n in nets where n.contains(r.pointee.dst) { code |= 1; break }
            return code
        }
        // The service port of each row, once (−1: none); both service columns read it.
        let tables = Services.tables
        blockPorts.removeAll(keepingCapacity: true)
        fill(&blockPorts, rows) { Services.servicePort($0, tables).map(Int32.init) ?? -1 }
        let base = rows.baseAddress!
        blockPorts.withUnsafeBufferPointer { ports in
            nullable(&servicePort, rows, { ports[$0 - base] >= 0 }) { UInt16(truncatingIfNeeded: ports[$0 - base]) }
            fill(&service, rows) { r -> UInt16 in
                let port = ports[r - base]
                if port >= 0 { return UInt16(Services.nameID(proto: r.pointee.proto, port: UInt16(port), tables)) }
                let p = r.pointee.proto
                return p == 1 ? ServiceCode.icmp : p == 58 ? ServiceCode.icmpv6 : ServiceCode.none
            }
        }
        fill(&duration, rows) { $0.pointee.end &- $0.pointee.start }
        fill(&packetsScaled, rows) { Self.scaled($0.pointee.packets, $0) }
        fill(&bytesScaled, rows) { Self.scaled($0.pointee.bytes, $0) }
        fill(&bps, rows) { Double(Self.scaled($0.pointee.bytes, $0)) * 8 / Self.seconds($0) }
        fill(&pps, rows) { Double(Self.scaled($0.pointee.packets, $0)) / Self.seconds($0) }
        nullable(&bytesPerPacket, rows, { $0.pointee.packets > 0 }) { r in
            r.pointee.packets > 0 ? Double(r.pointee.bytes) / Double(r.pointee.packets) : 0
        }
        fill(&hour, rows) { r in
            let t = r.pointee.start
            return UInt8((t - CivilTime.day(ofMillis: t) * CivilTime.millisPerDay) / 3_600_000)
        }
        fill(&weekday, rows) { r in
            // 1970-01-01 was a Thursday (ISO 4).
            let w = (CivilTime.day(ofMillis: r.pointee.start) + 3) % 7
            return UInt8((w < 0 ? w + 7 : w) + 1)
        }
        fill(&bidirectional, rows) { $0.pointee.has(Present.revPackets) || $0.pointee.has(Present.revBytes) }
        count += rows.count
    }

    /// A counter scaled by the row's sampling rate (saturating).
    @inline(__always)
    private static func scaled(_ v: UInt64, _ r: UnsafePointer<CleanRow>) -> UInt64 {
        let rate = r.pointee.has(Present.samplingRate) && r.pointee.samplingRate > 1 ? UInt64(r.pointee.samplingRate) : 1
        let (p, o) = v.multipliedReportingOverflow(by: rate)
        return o ? .max : p
    }

    /// The row's duration in seconds for rates (at least 1 ms).
    @inline(__always)
    private static func seconds(_ r: UnsafePointer<CleanRow>) -> Double {
        Double(max(r.pointee.end &- r.pointee.start, 1)) / 1000
    }

    /// Appends `value(row)` for every row, written in place: rows are read through pointers
    /// (a 144-byte row is never copied) and the array is grown once per block.
    @inline(__always)
    private func fill<T>(_ out: inout [T], _ rows: UnsafeBufferPointer<CleanRow>, _ value: (UnsafePointer<CleanRow>) -> T) {
        guard let base = rows.baseAddress, rows.count > 0 else { return }
        let old = out.count
        out.append(contentsOf: repeatElement(value(base), count: rows.count))
        out.withUnsafeMutableBufferPointer { buffer in
            for i in 1..<rows.count { buffer[old + i] = value(base + i) }
        }
    }

    @inline(__always)
    private func nullable<T>(_ column: inout NullableColumn<T>, _ rows: UnsafeBufferPointer<CleanRow>, _ bit: UInt16,
                             _ value: (UnsafePointer<CleanRow>) -> T) {
        nullable(&column, rows, { $0.pointee.has(bit) }, value)
    }

    /// Appends a nullable column: `value` where `isValid`, the zero slot elsewhere.
    @inline(__always)
    private func nullable<T>(_ column: inout NullableColumn<T>, _ rows: UnsafeBufferPointer<CleanRow>,
                             _ isValid: (UnsafePointer<CleanRow>) -> Bool, _ value: (UnsafePointer<CleanRow>) -> T) {
        guard let base = rows.baseAddress, rows.count > 0 else { return }
        let n = rows.count
        bits.removeAll(keepingCapacity: true)
        bits.append(contentsOf: repeatElement(0, count: (n + 63) >> 6))
        var valid = 0
        bits.withUnsafeMutableBufferPointer { words in
            for i in 0..<n where isValid(base + i) {
                words[i >> 6] |= 1 << UInt64(i & 63)
                valid += 1
            }
        }
        let zero = column.zeroValue
        bits.withUnsafeBufferPointer { words in
            if valid == 0 {
                column.append(contentsOf: repeatElement(zero, count: n), count: n, validBits: words, validCount: 0)
            } else {
                fill(&column.values, rows) { isValid($0) ? value($0) : zero }
                column.validity.append(words: words, count: n, valid: valid)
            }
        }
    }

    /// Empties every column, keeping the buffers.
    func removeAll() {
        count = 0
        start.removeAll(keepingCapacity: true); end.removeAll(keepingCapacity: true)
        src.removeAll(keepingCapacity: true); dst.removeAll(keepingCapacity: true)
        srcPort.removeAll(); dstPort.removeAll(); proto.removeAll(keepingCapacity: true); tcpFlags.removeAll()
        packets.removeAll(keepingCapacity: true); bytes.removeAll(keepingCapacity: true)
        inputIf.removeAll(); outputIf.removeAll(); srcAS.removeAll(); dstAS.removeAll(); tos.removeAll()
        exporter.removeAll(); samplingRate.removeAll(); flowDirection.removeAll(); revPackets.removeAll(); revBytes.removeAll()
        label.removeAll(); direction.removeAll(keepingCapacity: true); service.removeAll(keepingCapacity: true)
        servicePort.removeAll()
        duration.removeAll(keepingCapacity: true); bps.removeAll(keepingCapacity: true); pps.removeAll(keepingCapacity: true)
        bytesPerPacket.removeAll(); hour.removeAll(keepingCapacity: true); weekday.removeAll(keepingCapacity: true)
        packetsScaled.removeAll(keepingCapacity: true); bytesScaled.removeAll(keepingCapacity: true)
        bidirectional.removeAll(keepingCapacity: true)
    }
}

/// Codes of `PartitionColumns.service` besides the `Services.names` ids.
enum ServiceCode {
    static let none: UInt16 = 0
    static let icmp: UInt16 = .max - 1
    static let icmpv6: UInt16 = .max
}
