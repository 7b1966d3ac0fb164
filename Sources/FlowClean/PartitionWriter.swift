import FlowColumnar
import FlowCore

/// Writes one day's rows, already sorted and deduplicated, to an Arrow file under
/// `DatasetSchema.fields`: normalizes (canonical address text, scaled counters) and
/// enriches each row as it is appended, and writes a record batch every `rowsPerBatch`
/// rows. Column buffers are reused from batch to batch.
final class PartitionWriter {
    let writer: ArrowFileWriter
    let rowsPerBatch: Int
    let networks: [NetworkPrefix]
    let labels: [[UInt8]]

    private var start: [Int64] = [], end: [Int64] = []
    private var srcText = TextColumn(), dstText = TextColumn(), exporterText = TextColumn(), labelText = TextColumn()
    private var srcPort = NullableColumn<UInt16>(zero: 0), dstPort = NullableColumn<UInt16>(zero: 0)
    private var proto: [UInt8] = [], tcpFlags = NullableColumn<UInt8>(zero: 0)
    private var packets: [UInt64] = [], bytes: [UInt64] = []
    private var inputIf = NullableColumn<UInt32>(zero: 0), outputIf = NullableColumn<UInt32>(zero: 0)
    private var srcAS = NullableColumn<UInt32>(zero: 0), dstAS = NullableColumn<UInt32>(zero: 0)
    private var tos = NullableColumn<UInt8>(zero: 0)
    private var samplingRate = NullableColumn<UInt32>(zero: 0), flowDirection = NullableColumn<UInt8>(zero: 0)
    private var revPackets = NullableColumn<UInt64>(zero: 0), revBytes = NullableColumn<UInt64>(zero: 0)
    private var direction = TextColumn(), service = TextColumn()
    private var servicePort = NullableColumn<UInt16>(zero: 0)
    private var duration: [Int64] = [], bps: [Double] = [], pps: [Double] = []
    private var bytesPerPacket = NullableColumn<Double>(zero: 0)
    private var hour: [UInt8] = [], weekday: [UInt8] = []
    private var packetsScaled: [UInt64] = [], bytesScaled: [UInt64] = []
    private var bidirectional: [Bool] = []
    private var lastExporter: IPAddress? = nil
    private var lastExporterText: [UInt8] = []
    private var count = 0

    static let directionNames: [[UInt8]] = ["external", "inbound", "outbound", "internal"].map { Array($0.utf8) }

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

    @inline(__always)
    private func isInternal(_ a: IPAddress) -> Bool {
        for n in networks where n.contains(a) { return true }
        return false
    }

    func append(_ r: CleanRow) throws {
        start.append(r.start)
        end.append(r.end)
        srcText.appendAddress(r.src)
        dstText.appendAddress(r.dst)
        srcPort.append(r.has(Present.srcPort) ? r.srcPort : nil)
        dstPort.append(r.has(Present.dstPort) ? r.dstPort : nil)
        proto.append(r.proto)
        tcpFlags.append(r.has(Present.tcpFlags) ? r.tcpFlags : nil)
        packets.append(r.packets)
        bytes.append(r.bytes)
        inputIf.append(r.has(Present.inputIf) ? r.inputIf : nil)
        outputIf.append(r.has(Present.outputIf) ? r.outputIf : nil)
        srcAS.append(r.has(Present.srcAS) ? r.srcAS : nil)
        dstAS.append(r.has(Present.dstAS) ? r.dstAS : nil)
        tos.append(r.has(Present.tos) ? r.tos : nil)
        if r.has(Present.exporter) {
            if r.exporter != lastExporter {
                lastExporterText.removeAll(keepingCapacity: true)
                r.exporter.appendText(to: &lastExporterText)
                lastExporter = r.exporter
            }
            exporterText.append(lastExporterText)
        } else {
            exporterText.appendNull()
        }
        samplingRate.append(r.has(Present.samplingRate) ? r.samplingRate : nil)
        flowDirection.append(r.has(Present.flowDirection) ? r.flowDirection : nil)
        revPackets.append(r.has(Present.revPackets) ? r.revPackets : nil)
        revBytes.append(r.has(Present.revBytes) ? r.revBytes : nil)
        if r.has(Present.label), Int(r.label) < labels.count { labelText.append(labels[Int(r.label)]) } else { labelText.appendNull() }

        // Enrichment.
        let code = (isInternal(r.src) ? 2 : 0) | (isInternal(r.dst) ? 1 : 0)
        direction.append(Self.directionNames[code])
        if let port = Services.servicePort(r) {
            servicePort.append(port)
            let id = Services.nameID(proto: r.proto, port: port)
            if id != 0 { service.append(Services.names[id]) } else { service.appendNull() }
        } else {
            servicePort.append(nil)
            if r.proto == 1 { service.append(Services.icmp) } else if r.proto == 58 { service.append(Services.icmpv6) } else { service.appendNull() }
        }
        let d = r.end &- r.start
        duration.append(d)
        let rate = r.has(Present.samplingRate) && r.samplingRate > 1 ? UInt64(r.samplingRate) : 1
        let (ps, po) = r.packets.multipliedReportingOverflow(by: rate)
        let (bs, bo) = r.bytes.multipliedReportingOverflow(by: rate)
        let pScaled = po ? UInt64.max : ps, bScaled = bo ? UInt64.max : bs
        packetsScaled.append(pScaled)
        bytesScaled.append(bScaled)
        let seconds = Double(max(d, 1)) / 1000
        bps.append(Double(bScaled) * 8 / seconds)
        pps.append(Double(pScaled) / seconds)
        bytesPerPacket.append(r.packets > 0 ? Double(r.bytes) / Double(r.packets) : nil)
        let day = CivilTime.day(ofMillis: r.start)
        hour.append(UInt8((r.start - day * CivilTime.millisPerDay) / 3_600_000))
        // 1970-01-01 was a Thursday (ISO 4).
        let w = (day + 3) % 7
        weekday.append(UInt8((w < 0 ? w + 7 : w) + 1))
        bidirectional.append(r.has(Present.revPackets) || r.has(Present.revBytes))
        count += 1
        if count == rowsPerBatch { try flush() }
    }

    private func flush() throws {
        guard count > 0 else { return }
        let columns: [ArrowColumn] = [
            .values(start), .values(end), srcText.column, dstText.column, .values(srcPort), .values(dstPort),
            .values(proto), .values(tcpFlags), .values(packets), .values(bytes), .values(inputIf), .values(outputIf),
            .values(srcAS), .values(dstAS), .values(tos), exporterText.column, .values(samplingRate),
            .values(flowDirection), .values(revPackets), .values(revBytes), labelText.column,
            direction.column, .values(servicePort), service.column, .values(duration), .values(bps), .values(pps),
            .values(bytesPerPacket), .values(hour), .values(weekday), .values(packetsScaled), .values(bytesScaled),
            .bools(bidirectional),
        ]
        try writer.write(rowCount: count, columns: columns)
        count = 0
        start.removeAll(keepingCapacity: true); end.removeAll(keepingCapacity: true)
        srcText.removeAll(); dstText.removeAll(); exporterText.removeAll(); labelText.removeAll()
        srcPort.removeAll(); dstPort.removeAll(); proto.removeAll(keepingCapacity: true); tcpFlags.removeAll()
        packets.removeAll(keepingCapacity: true); bytes.removeAll(keepingCapacity: true)
        inputIf.removeAll(); outputIf.removeAll(); srcAS.removeAll(); dstAS.removeAll(); tos.removeAll()
        samplingRate.removeAll(); flowDirection.removeAll(); revPackets.removeAll(); revBytes.removeAll()
        direction.removeAll(); service.removeAll(); servicePort.removeAll()
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

    @inline(__always) mutating func append(_ bytes: [UInt8]) {
        data.append(contentsOf: bytes)
        offsets.append(Int32(truncatingIfNeeded: data.count))
        validity.append(true)
    }

    @inline(__always) mutating func appendAddress(_ a: IPAddress) {
        a.appendText(to: &data)
        offsets.append(Int32(truncatingIfNeeded: data.count))
        validity.append(true)
    }

    @inline(__always) mutating func appendNull() {
        offsets.append(Int32(truncatingIfNeeded: data.count))
        validity.append(false)
    }

    var column: ArrowColumn { .utf8(offsets: offsets, data: data, validity: validity) }

    mutating func removeAll() {
        offsets.removeAll(keepingCapacity: true)
        offsets.append(0)
        data.removeAll(keepingCapacity: true)
        validity.removeAll()
    }
}
