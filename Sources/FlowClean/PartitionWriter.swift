import FlowColumnar
import FlowCore
import FlowDataset

/// Writes one day's rows, already sorted and deduplicated, to an Arrow file under
/// `DatasetSchema.fields`: normalizes (canonical address text, scaled counters) and
/// enriches the rows, and writes a record batch every `rowsPerBatch` rows.
///
/// Rows are taken into `PartitionColumns` (column by column, text kept as numbers) and
/// rendered and written here a record batch at a time: `append` does both on the caller's
/// thread; `DayWriter` fills column sets on the merging thread and writes them on its own.
final class PartitionWriter {
    let writer: ArrowFileWriter
    let rowsPerBatch: Int
    let networks: [NetworkPrefix]
    let labels: [[UInt8]]

    /// Text rendered when a batch is written.
    private var srcText = AddressText(), dstText = AddressText(), exporterText = AddressText()
    private var labelText = TextColumn(), directionText = TextColumn(), serviceText = TextColumn()
    static let directionNames: [[UInt8]] = ["external", "inbound", "outbound", "internal"].map { Array($0.utf8) }
    /// `Services.names`, then "icmp" and "icmpv6".
    static let serviceNames: [[UInt8]] = Services.names + [Services.icmp, Services.icmpv6]

    var rowsWritten: Int { writer.rowsWritten + pending.count }

    /// The batch `append` fills.
    private let pending: PartitionColumns

    init(path: String, rowsPerBatch: Int, networks: [NetworkPrefix], labels: [[UInt8]]) throws {
        writer = try ArrowFileWriter(path: path, fields: DatasetSchema.fields, metadata: [
            (key: FlowArrowWriter.schemaVersionKey, value: String(FlowSchema.version)),
            (key: DatasetSchema.versionKey, value: String(DatasetSchema.version)),
        ])
        self.rowsPerBatch = rowsPerBatch
        self.networks = networks
        self.labels = labels
        pending = PartitionColumns(networks: networks, labelCount: labels.count)
    }

    /// An empty column set for this partition's batches.
    func makeColumns() -> PartitionColumns {
        PartitionColumns(networks: networks, labelCount: labels.count)
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
        try Self.take(rows, into: { pending }, rowsPerBatch: rowsPerBatch) { try write($0) }
    }

    /// Takes `rows` into the column set `current()` in pieces of at most `takeRows`, calling
    /// `full` with the set whenever it holds `rowsPerBatch` rows (`full` empties it or
    /// replaces it, so `current()` is asked again).
    static func take(_ rows: UnsafeBufferPointer<CleanRow>, into current: () -> PartitionColumns, rowsPerBatch: Int,
                     full: (PartitionColumns) throws -> Void) rethrows {
        var from = 0
        while from < rows.count {
            let columns = current()
            let n = min(rowsPerBatch - columns.count, rows.count - from, takeRows)
            columns.take(UnsafeBufferPointer(rebasing: rows[from..<(from + n)]))
            from += n
            if columns.count == rowsPerBatch { try full(columns) }
        }
    }

    /// Renders the text columns of `c`, writes it as one record batch and empties it.
    func write(_ c: PartitionColumns) throws {
        let count = c.count
        guard count > 0 else { return }
        srcText.fill(c.src, validity: nil)
        dstText.fill(c.dst, validity: nil)
        exporterText.fill(c.exporter.values, validity: c.exporter.validity)
        let labelValues = c.label.values, labelValidity = c.label.validity
        labelText.fill(count: count, names: labels) { labelValidity[$0] ? Int(labelValues[$0]) : nil }
        let direction = c.direction, service = c.service
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
            .values(c.start), .values(c.end), srcText.column(), dstText.column(), .values(c.srcPort), .values(c.dstPort),
            .values(c.proto), .values(c.tcpFlags), .values(c.packets), .values(c.bytes), .values(c.inputIf),
            .values(c.outputIf), .values(c.srcAS), .values(c.dstAS), .values(c.tos),
            exporterText.column(validity: c.exporter.validity), .values(c.samplingRate), .values(c.flowDirection),
            .values(c.revPackets), .values(c.revBytes), labelText.column, directionText.column, .values(c.servicePort),
            serviceText.column, .values(c.duration), .values(c.bps), .values(c.pps), .values(c.bytesPerPacket),
            .values(c.hour), .values(c.weekday), .values(c.packetsScaled), .values(c.bytesScaled),
            .bools(c.bidirectional),
        ]
        try writer.write(rowCount: count, columns: columns)
        c.removeAll()
    }

    /// Writes the last batch and the footer; fsyncs and closes the file.
    func finish() throws {
        try write(pending)
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
