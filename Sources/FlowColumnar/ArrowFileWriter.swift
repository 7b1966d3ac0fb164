import FlowCore

/// Writes an Apache Arrow IPC file (Feather v2): `ARROW1\0\0`, the schema message, one
/// record batch message per `write`, the end-of-stream marker, the footer (schema and
/// record batch blocks), the footer size and `ARROW1`. Record batches use metadata
/// version V5, little endian, no compression, every body buffer padded to 8 bytes, and no
/// validity buffer for columns without nulls.
///
/// The writer creates or truncates `path` and writes it in place; callers wanting an atomic
/// file write to a temporary path and rename after `finish()`. A writer dropped without
/// `finish()` closes the file, leaving it incomplete.
public final class ArrowFileWriter {
    public let path: String
    public let fields: [SchemaField]
    private let arrowFields: [ArrowField]
    private let metadata: [(key: String, value: String)]
    private let sink: FileSink
    private var builder = FlatBufferBuilder(capacity: 4096)
    private var blocks: [(offset: Int, metaDataLength: Int, bodyLength: Int)] = []
    private var finished = false
    private var failed = false

    /// Rows written so far.
    public private(set) var rowsWritten = 0
    /// Record batches written so far.
    public var batchesWritten: Int { blocks.count }

    /// Creates (or truncates) `path` and writes the file header and schema message.
    public init(path: String, fields: [SchemaField], metadata: [(key: String, value: String)] = []) throws {
        self.path = path
        self.fields = fields
        self.arrowFields = fields.map(ArrowField.init)
        self.metadata = metadata
        self.sink = try FileSink(path: path)
        do {
            try sink.write(ArrowFormat.magic + [0, 0])
            let root = ArrowSchemaEncoding.encode(&builder, fields: arrowFields, metadata: metadata)
            _ = try writeMessage(headerType: ArrowFormat.MessageHeader.schema, header: root, bodyLength: 0)
        } catch {
            sink.abandon()
            throw error
        }
    }

    /// Writes one record batch of `rowCount` rows; `columns` are in `fields` order. Every
    /// column is checked before any byte is written, so a rejected batch leaves the file
    /// as it was.
    public func write(rowCount: Int, columns: [ArrowColumn]) throws {
        try checkUsable()
        let plan = try RecordBatchPlan(path: path, fields: fields, arrowFields: arrowFields,
                                       rowCount: rowCount, columns: columns)
        do {
            builder.reset()
            let nodes = builder.createVector(structBytes: plan.nodeBytes, count: plan.nodeCount,
                                             structSize: ArrowFormat.fieldNodeSize, alignment: 8)
            let buffers = builder.createVector(structBytes: plan.bufferBytes, count: plan.buffers.count,
                                               structSize: ArrowFormat.bufferSize, alignment: 8)
            builder.startTable()
            builder.add(slot: ArrowFormat.RecordBatchSlot.length, Int64(rowCount))
            builder.add(slot: ArrowFormat.RecordBatchSlot.nodes, nodes)
            builder.add(slot: ArrowFormat.RecordBatchSlot.buffers, buffers)
            let header = builder.endTable()
            let offset = sink.position
            let metaDataLength = try writeMessage(headerType: ArrowFormat.MessageHeader.recordBatch,
                                                  header: header, bodyLength: plan.bodyLength)
            for buffer in plan.buffers {
                switch buffer.source {
                case let .bytes(storage):
                    try storage.withRawBytes { raw in
                        try sink.write(UnsafeRawBufferPointer(rebasing: raw[0..<buffer.length]))
                    }
                case .zeros:
                    try sink.writeZeros(buffer.length)
                }
                try sink.writeZeros(ArrowFormat.padded(buffer.length) - buffer.length)
            }
            blocks.append((offset, metaDataLength, plan.bodyLength))
            rowsWritten += rowCount
        } catch {
            failed = true
            sink.abandon()
            throw error
        }
    }

    /// Writes the end-of-stream marker, the footer and the trailing magic, then fsyncs and
    /// closes the file. With `sync` false the fsync is left to the caller, who makes many
    /// files durable at once (`syncFileSystem(of:)`) before publishing any of them.
    public func finish(sync: Bool = true) throws {
        try checkUsable()
        finished = true
        do {
            try sink.write(littleEndian: ArrowFormat.continuation)
            try sink.write(littleEndian: UInt32(0))
            builder.reset()
            let schema = ArrowSchemaEncoding.encode(&builder, fields: arrowFields, metadata: metadata)
            let dictionaries = builder.createVector(structBytes: [], count: 0,
                                                    structSize: ArrowFormat.blockSize, alignment: 8)
            var blockBytes: [UInt8] = []
            blockBytes.reserveCapacity(blocks.count * ArrowFormat.blockSize)
            for block in blocks {
                appendLittleEndian(Int64(block.offset), to: &blockBytes)
                appendLittleEndian(Int32(block.metaDataLength), to: &blockBytes)
                appendLittleEndian(Int32(0), to: &blockBytes)  // struct padding
                appendLittleEndian(Int64(block.bodyLength), to: &blockBytes)
            }
            let recordBatches = builder.createVector(structBytes: blockBytes, count: blocks.count,
                                                     structSize: ArrowFormat.blockSize, alignment: 8)
            builder.startTable()
            builder.add(slot: ArrowFormat.FooterSlot.version, ArrowFormat.metadataVersionV5)
            builder.add(slot: ArrowFormat.FooterSlot.schema, schema)
            builder.add(slot: ArrowFormat.FooterSlot.dictionaries, dictionaries)
            builder.add(slot: ArrowFormat.FooterSlot.recordBatches, recordBatches)
            let footer = builder.finish(root: builder.endTable())
            try sink.write(footer)
            try sink.write(littleEndian: Int32(footer.count))
            try sink.write(ArrowFormat.magic)
            try sink.closeFile(sync: sync)
        } catch {
            failed = true
            sink.abandon()
            throw error
        }
    }

    private func checkUsable() throws {
        if finished { throw ColumnarError.misuse(path: path, detail: "the Arrow writer is already finished") }
        if failed { throw ColumnarError.misuse(path: path, detail: "the Arrow writer failed earlier; discard this file") }
    }

    /// Writes an encapsulated message with an empty body: continuation marker, metadata
    /// length, the Message flatbuffer and padding to 8 bytes. Returns the bytes written
    /// (the Block's metaDataLength).
    private func writeMessage(headerType: UInt8, header: FlatBufferOffset, bodyLength: Int) throws -> Int {
        builder.startTable()
        builder.add(slot: ArrowFormat.MessageSlot.bodyLength, Int64(bodyLength))
        builder.add(slot: ArrowFormat.MessageSlot.version, ArrowFormat.metadataVersionV5)
        builder.addUnion(slot: ArrowFormat.MessageSlot.headerType, type: headerType, value: header)
        let message = builder.finish(root: builder.endTable())
        let padded = ArrowFormat.padded(message.count)
        try sink.write(littleEndian: ArrowFormat.continuation)
        try sink.write(littleEndian: Int32(padded))
        try sink.write(message)
        try sink.writeZeros(padded - message.count)
        return 8 + padded
    }
}

func appendLittleEndian<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
    var v = value.littleEndian
    withUnsafeBytes(of: &v) { bytes.append(contentsOf: $0) }
}
