import FlowColumnar
import FlowCore

/// Writes one day's rows, already sorted and deduplicated, to an Arrow file under
/// `DatasetSchema.fields`: normalizes (canonical address text, scaled counters) and
/// enriches the rows, and writes a record batch every `rowsPerBatch` rows.
///
/// Rows arrive in blocks and are taken column by column (one pass over the block per
/// column, no per-row array bookkeeping); text columns (addresses, labels, direction,
/// service) are kept as numbers until the batch is written and rendered then. Column
/// buffers are reused from batch to batch.
final class PartitionWriter {
    let writer: ArrowFileWriter
    let rowsPerBatch: Int
    let networks: [NetworkPrefix]
    let labels: [[UInt8]]

    private var start: [Int64] = [], end: [Int64] = []
    private var src: [IPAddress] = [], dst: [IPAddress] = []
    private var srcPort = NullableColumn<UInt16>(zero: 0), dstPort = NullableColumn<UInt16>(zero: 0)
    private var proto: [UInt8] = [], tcpFlags = NullableColumn<UInt8>(zero: 0)
    private var packets: [UInt64] = [], bytes: [UInt64] = []
    private var inputIf = NullableColumn<UInt32>(zero: 0), outputIf = NullableColumn<UInt32>(zero: 0)
    private var srcAS = NullableColumn<UInt32>(zero: 0), dstAS = NullableColumn<UInt32>(zero: 0)
    private var tos = NullableColumn<UInt8>(zero: 0)
    private var exporter = NullableColumn<IPAddress>(zero: .zero)
    private var samplingRate = NullableColumn<UInt32>(zero: 0), flowDirection = NullableColumn<UInt8>(zero: 0)
    private var revPackets = NullableColumn<UInt64>(zero: 0), revBytes = NullableColumn<UInt64>(zero: 0)
    /// Label ids (valid when the row has a known label).
    private var label = NullableColumn<UInt32>(zero: 0)
    /// Index into `directionNames`.
    private var direction: [UInt8] = []
    private var servicePort = NullableColumn<UInt16>(zero: 0)
    /// `Services.names` id, or one of the `ServiceCode`s.
    private var service: [UInt16] = []
    private var duration: [Int64] = [], bps: [Double] = [], pps: [Double] = []
    private var bytesPerPacket = NullableColumn<Double>(zero: 0)
    private var hour: [UInt8] = [], weekday: [UInt8] = []
    private var packetsScaled: [UInt64] = [], bytesScaled: [UInt64] = []
    private var bidirectional: [Bool] = []
    private var count = 0

    /// Text rendered when a batch is written.
    private var srcText = AddressText(), dstText = AddressText(), exporterText = AddressText()
    private var labelText = TextColumn(), directionText = TextColumn(), serviceText = TextColumn()
    /// Validity words of one nullable column of the block being taken.
    private var bits: [UInt64] = []
    /// Service port per row of the block being taken (−1: none).
    private var blockPorts: [Int32] = []

    static let directionNames: [[UInt8]] = ["external", "inbound", "outbound", "internal"].map { Array($0.utf8) }
    /// `Services.names`, then "icmp" and "icmpv6".
    static let serviceNames: [[UInt8]] = Services.names + [Services.icmp, Services.icmpv6]

    /// Codes of `service` besides the name ids.
    enum ServiceCode {
        static let none: UInt16 = 0
        static let icmp: UInt16 = .max - 1
        static let icmpv6: UInt16 = .max
    }

    var rowsWritten: Int { writer.rowsWritten + count }

    init(path: String, rowsPerBatch: Int, networks: [NetworkPrefix], labels: [[UInt8]]) throws {
        writer = try ArrowFileWriter(path: path, fields: DatasetSchema.fields, metadata: [
            (key: FlowArrowWriter.schemaVersionKey, value: String(FlowSchema.version)),
            (key: DatasetSchema.versionKey, value: String(DatasetSchema.version)),
        ])
        self.rowsPerBatch = rowsPerBatch
        self.networks = networks
        self.labels = labels
    }

    /// Appends one row (tests and small inputs; blocks are the fast path).
    func append(_ r: CleanRow) throws {
        var one = r
        try withUnsafePointer(to: &one) { try append(UnsafeBufferPointer(start: $0, count: 1)) }
    }

    /// Rows taken at a time: their rows (136 KiB) stay in the core's L2 cache while some
    /// thirty columns are filled from them one after another. Whole 8,192-row blocks did
    /// not (1.1 MiB), and every column pass went out to L3.
    static let takeRows = 1_024

    /// Appends `rows` in order, writing a record batch whenever `rowsPerBatch` are held.
    func append(_ rows: UnsafeBufferPointer<CleanRow>) throws {
        var from = 0
        while from < rows.count {
            let n = min(rowsPerBatch - count, rows.count - from, Self.takeRows)
            take(UnsafeBufferPointer(rebasing: rows[from..<(from + n)]))
            count += n
            from += n
            if count == rowsPerBatch { try flush() }
        }
    }

    /// Appends every column of `rows` (which fit in the current batch).
    private func take(_ rows: UnsafeBufferPointer<CleanRow>) {
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
        let labelCount = labels.count
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

    private func flush() throws {
        guard count > 0 else { return }
        srcText.fill(src, validity: nil)
        dstText.fill(dst, validity: nil)
        exporterText.fill(exporter.values, validity: exporter.validity)
        let labelValues = label.values
        labelText.fill(count: count, names: labels) { label.validity[$0] ? Int(labelValues[$0]) : nil }
        directionText.fill(count: count, names: Self.directionNames) { Int(direction[$0]) }
        serviceText.fill(count: count, names: Self.serviceNames) { i in
            switch service[i] {
            case ServiceCode.none: return nil
            case ServiceCode.icmp: return Self.serviceNames.count - 2
            case ServiceCode.icmpv6: return Self.serviceNames.count - 1
            case let code: return Int(code)
            }
        }
        let columns: [ArrowColumn] = [
            .values(start), .values(end), srcText.column(), dstText.column(), .values(srcPort), .values(dstPort),
            .values(proto), .values(tcpFlags), .values(packets), .values(bytes), .values(inputIf), .values(outputIf),
            .values(srcAS), .values(dstAS), .values(tos), exporterText.column(validity: exporter.validity),
            .values(samplingRate), .values(flowDirection), .values(revPackets), .values(revBytes), labelText.column,
            directionText.column, .values(servicePort), serviceText.column, .values(duration), .values(bps), .values(pps),
            .values(bytesPerPacket), .values(hour), .values(weekday), .values(packetsScaled), .values(bytesScaled),
            .bools(bidirectional),
        ]
        try writer.write(rowCount: count, columns: columns)
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

    /// Writes the last batch and the footer; fsyncs and closes the file.
    func finish() throws {
        try flush()
        try writer.finish()
    }
}

/// A utf8 column being built: Arrow offsets, bytes and validity.
struct TextColumn {
    var offsets: [Int32] = [0]
    var data: [UInt8] = []
    var validity = ValidityBitmap()

    /// Replaces the rows with `count` rows, row i being `names[code(i)]`, or null when
    /// `code(i)` is nil. Sized once, written in place.
    mutating func fill(count: Int, names: [[UInt8]], code: (Int) -> Int?) {
        removeAll()
        var total = 0
        offsets.reserveCapacity(count + 1)
        for i in 0..<count {
            if let c = code(i) { total += names[c].count; validity.append(true) } else { validity.append(false) }
            offsets.append(Int32(truncatingIfNeeded: total))
        }
        data.append(contentsOf: repeatElement(0, count: total))
        offsets.withUnsafeBufferPointer { offs in
            data.withUnsafeMutableBufferPointer { out in
                for i in 0..<count where offs[i + 1] != offs[i] {
                    let name = names[code(i)!]
                    name.withUnsafeBufferPointer { src in
                        UnsafeMutableRawPointer(out.baseAddress! + Int(offs[i]))
                            .copyMemory(from: src.baseAddress!, byteCount: src.count)
                    }
                }
            }
        }
    }

    var column: ArrowColumn { .utf8(offsets: offsets, data: data, validity: validity) }

    mutating func removeAll() {
        offsets.removeAll(keepingCapacity: true)
        offsets.append(0)
        data.removeAll(keepingCapacity: true)
        validity.removeAll()
    }
}
