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
        let label: ArrowColumn = batch.label.count == 0 ? .allNull : .utf8(batch.label)
        // Order and count must match FlowSchema.fields.
        let columns: [ArrowColumn] = [
            .values(batch.start),
            .values(batch.end),
            .utf8(offsets: srcText.offsets, data: srcText.data),
            .utf8(offsets: dstText.offsets, data: dstText.data),
            nullable(batch.srcPort),
            nullable(batch.dstPort),
            .values(batch.proto),
            nullable(batch.tcpFlags),
            .values(batch.packets),
            .values(batch.bytes),
            nullable(batch.inputInterface),
            nullable(batch.outputInterface),
            nullable(batch.srcAS),
            nullable(batch.dstAS),
            nullable(batch.tos),
            exporter,
            nullable(batch.samplingRate),
            nullable(batch.flowDirection),
            nullable(batch.revPackets),
            nullable(batch.revBytes),
            label,
        ]
        try writer.write(rowCount: n, columns: columns)
    }

    /// Writes the footer, fsyncs (unless `sync` is false) and closes; see
    /// `ArrowFileWriter.finish(sync:)`.
    public func finish(sync: Bool = true) throws {
        try writer.finish(sync: sync)
    }
}

