import FlowCore

/// Writes `FlowBatch`es as record batches of an Arrow file under `FlowSchema.fields`
/// (same column order and names). Address columns are written as canonical text
/// (`IPAddress.appendText`) through scratch buffers reused from batch to batch; all other
/// columns are written straight from the batch's arrays.
public final class FlowArrowWriter {
    /// Metadata key holding `FlowSchema.version`, added unless the caller gives it.
    public static let schemaVersionKey = "floe:schema_version"

    public let writer: ArrowFileWriter
    private var srcText = AddressText()
    private var dstText = AddressText()
    private var exporterText = AddressText()

    public var path: String { writer.path }
    public var rowsWritten: Int { writer.rowsWritten }
    public var batchesWritten: Int { writer.batchesWritten }

    /// Creates (or truncates) `path`; see `ArrowFileWriter.init`.
    public init(path: String, metadata: [(key: String, value: String)] = []) throws {
        var metadata = metadata
        if !metadata.contains(where: { $0.key == Self.schemaVersionKey }) {
            metadata.insert((key: Self.schemaVersionKey, value: String(FlowSchema.version)), at: 0)
        }
        writer = try ArrowFileWriter(path: path, fields: FlowSchema.fields, metadata: metadata)
    }

    /// Writes `batch` as one record batch; an empty batch writes nothing. A nullable column
    /// the batch left empty is written as all null.
    public func write(_ batch: FlowBatch) throws {
        let n = batch.count
        if n == 0 { return }
        srcText.fill(batch.srcAddr, validity: nil)
        dstText.fill(batch.dstAddr, validity: nil)
        exporterText.fill(batch.exporter.values, validity: batch.exporter.validity)
        func nullable<T: ArrowFixedWidthValue>(_ c: NullableColumn<T>) -> ArrowColumn {
            c.count == 0 ? .allNull : .values(c)
        }
        let exporter: ArrowColumn = batch.exporter.count == 0
            ? .allNull
            : .utf8(offsets: exporterText.offsets, data: exporterText.data, validity: batch.exporter.validity)
        try write(rowCount: n, start: .values(batch.start), end: .values(batch.end), srcPort: nullable(batch.srcPort),
                  dstPort: nullable(batch.dstPort), proto: .values(batch.proto), tcpFlags: nullable(batch.tcpFlags),
                  packets: .values(batch.packets), bytes: .values(batch.bytes),
                  inputInterface: nullable(batch.inputInterface), outputInterface: nullable(batch.outputInterface),
                  srcAS: nullable(batch.srcAS), dstAS: nullable(batch.dstAS), tos: nullable(batch.tos), exporter: exporter,
                  samplingRate: nullable(batch.samplingRate), flowDirection: nullable(batch.flowDirection),
                  revPackets: nullable(batch.revPackets), revBytes: nullable(batch.revBytes), label: batch.label)
    }

    /// Writes a builder's rows in place as one record batch (no rows: nothing), the same
    /// bytes as `write(_:)` of the `FlowBatch` the builder would drain into, without that copy.
    public func write(_ rows: FlowBatchBuilder.Rows) throws {
        let n = rows.count
        if n == 0 { return }
        func nullable<T: ArrowFixedWidthValue>(_ c: FlowBatchBuilder.NullableRows<T>) -> ArrowColumn {
            .values(c.values, validity: validity(c))
        }
        // What draining gives the batch's column (`NullableColumn.append(values:validBits:validCount:)`).
        func validity<T>(_ c: FlowBatchBuilder.NullableRows<T>) -> ValidityBitmap {
            var bitmap = ValidityBitmap()
            bitmap.append(words: c.validityWords, count: n, valid: c.validCount)
            return bitmap
        }
        srcText.fill(rows.srcAddr, validity: nil)
        dstText.fill(rows.dstAddr, validity: nil)
        let exporterValidity = validity(rows.exporter)
        exporterText.fill(rows.exporter.values, validity: exporterValidity)
        try write(rowCount: n, start: .values(rows.start), end: .values(rows.end), srcPort: nullable(rows.srcPort),
                  dstPort: nullable(rows.dstPort), proto: .values(rows.proto), tcpFlags: nullable(rows.tcpFlags),
                  packets: .values(rows.packets), bytes: .values(rows.bytes),
                  inputInterface: nullable(rows.inputInterface), outputInterface: nullable(rows.outputInterface),
                  srcAS: nullable(rows.srcAS), dstAS: nullable(rows.dstAS), tos: nullable(rows.tos),
                  exporter: .utf8(offsets: exporterText.offsets, data: exporterText.data, validity: exporterValidity),
                  samplingRate: nullable(rows.samplingRate), flowDirection: nullable(rows.flowDirection),
                  revPackets: nullable(rows.revPackets), revBytes: nullable(rows.revBytes), label: rows.label)
    }

    /// The record batch in `FlowSchema.fields` order (the addresses from the filled texts).
    private func write(rowCount n: Int, start: ArrowColumn, end: ArrowColumn, srcPort: ArrowColumn, dstPort: ArrowColumn,
                       proto: ArrowColumn, tcpFlags: ArrowColumn, packets: ArrowColumn, bytes: ArrowColumn,
                       inputInterface: ArrowColumn, outputInterface: ArrowColumn, srcAS: ArrowColumn, dstAS: ArrowColumn,
                       tos: ArrowColumn, exporter: ArrowColumn, samplingRate: ArrowColumn, flowDirection: ArrowColumn,
                       revPackets: ArrowColumn, revBytes: ArrowColumn, label: StringColumn) throws {
        // Order and count must match FlowSchema.fields.
        let columns: [ArrowColumn] = [
            start, end,
            .utf8(offsets: srcText.offsets, data: srcText.data),
            .utf8(offsets: dstText.offsets, data: dstText.data),
            srcPort, dstPort, proto, tcpFlags, packets, bytes, inputInterface, outputInterface, srcAS, dstAS, tos,
            exporter, samplingRate, flowDirection, revPackets, revBytes,
            label.count == 0 ? .allNull : .utf8(label),
        ]
        try writer.write(rowCount: n, columns: columns)
    }

    /// Writes the footer, fsyncs (unless `sync` is false) and closes; see
    /// `ArrowFileWriter.finish(sync:)`.
    public func finish(sync: Bool = true) throws {
        try writer.finish(sync: sync)
    }
}

