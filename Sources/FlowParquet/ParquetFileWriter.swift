import FlowColumnar
import FlowIO

/// Writes one Parquet file (format 2 footer, data pages v1) from Arrow record batches of
/// floe files, atomically: a temporary file renamed into place by `finish()`. Holds one
/// row group in memory (encoded): a row group is written once it reaches `rowGroupRows`
/// rows.
public final class ParquetFileWriter {
    public struct Options: Sendable {
        public var compression: ParquetCompression = .gzip
        public var rowGroupRows = 1 << 20
        /// `created_by` in the footer.
        public var createdBy = "floe"
        public init() {}
    }

    public let path: String
    /// The Arrow columns the writer was made for.
    public let columnFields: [ArrowField]
    let columns: [ParquetColumn]
    let options: Options
    private let file: AtomicFile
    /// The run-time library of zstd or snappy compression.
    private let codec: RuntimeCodec?
    private var offset: Int64 = 0
    private var builders: [ColumnChunkBuilder]
    private var rowGroups: [(rows: Int64, bytes: Int64, compressed: Int64, offset: Int64, chunks: [(offset: Int64, meta: (inout ThriftCompactWriter) -> Void)])] = []
    public private(set) var rowCount: Int64 = 0

    public init(path: String, fields: [ArrowField], options: Options = Options()) throws {
        self.path = path
        self.options = options
        columnFields = fields
        var columns: [ParquetColumn] = []
        for field in fields { columns.append(try ParquetColumn(field)) }
        self.columns = columns
        builders = columns.map(ColumnChunkBuilder.init)
        codec = options.compression == .zstd || options.compression == .snappy ? try RuntimeCodec.load(options.compression) : nil
        file = try AtomicFile(path: path)
        try write(Array("PAR1".utf8))
    }

    private func write(_ bytes: [UInt8]) throws {
        try file.write(bytes)
        offset += Int64(bytes.count)
    }

    /// Appends every row of `batch` (its columns must be the writer's fields), writing a
    /// row group each time one reaches `rowGroupRows` rows.
    public func append(_ batch: ArrowRecordBatch) throws {
        var start = 0
        while start < batch.rowCount {
            let end = min(batch.rowCount, start + options.rowGroupRows - builders[0].rows)
            for (index, builder) in builders.enumerated() {
                try append(batch, rows: start..<end, column: index, to: builder)
            }
            if builders[0].rows >= options.rowGroupRows { try flushRowGroup() }
            start = end
        }
    }

    private func append(_ batch: ArrowRecordBatch, rows: Range<Int>, column index: Int, to builder: ColumnChunkBuilder) throws {
        let validity = try batch.validity(column: index)
        func valid(_ i: Int) -> Bool { validity?[i] ?? true }
        let column = builder.column
        func ints<T: ArrowFixedWidthValue & BinaryInteger>(_ type: T.Type) throws {
            let values = try batch.values(column: index, as: T.self)
            for i in rows {
                guard valid(i) else { builder.appendNull(); continue }
                guard let v = Int64(exactly: values[i]) else {
                    throw ParquetError.valueOutOfRange(column: column.name, value: "\(values[i])")
                }
                builder.append(int: v)
            }
        }
        switch column.source {
        case .timestamp, .int64: try ints(Int64.self)
        case .int8: try ints(Int8.self)
        case .int16: try ints(Int16.self)
        case .int32: try ints(Int32.self)
        case .uint8: try ints(UInt8.self)
        case .uint16: try ints(UInt16.self)
        case .uint32: try ints(UInt32.self)
        case .uint64: try ints(UInt64.self)
        case .float64:
            let values = try batch.values(column: index, as: Double.self)
            for i in rows {
                if valid(i) { builder.append(double: values[i]) } else { builder.appendNull() }
            }
        case .bool:
            let values = try batch.bools(column: index)
            for i in rows {
                if valid(i) { builder.append(bool: values[i]) } else { builder.appendNull() }
            }
        case .utf8:
            let text = try batch.utf8(column: index)
            for i in rows {
                if valid(i) { builder.append(bytes: text[i]) } else { builder.appendNull() }
            }
        }
    }

    private func flushRowGroup() throws {
        let rows = Int64(builders[0].rows)
        guard rows > 0 else { return }
        let start = offset
        var uncompressed: Int64 = 0
        var chunks: [(offset: Int64, meta: (inout ThriftCompactWriter) -> Void)] = []
        for builder in builders {
            let chunkOffset = offset
            let chunk = try builder.finish(at: chunkOffset, compression: options.compression, codec: codec)
            try write(chunk.bytes)
            uncompressed += chunk.uncompressedSize
            chunks.append((chunkOffset, chunk.writeMetadata))
        }
        rowGroups.append((rows, uncompressed, offset - start, start, chunks))
        rowCount += rows
        builders = columns.map(ColumnChunkBuilder.init)
    }

    /// Writes the last row group and the footer, then renames the file into place.
    public func finish(metadata: [(key: String, value: String)] = []) throws {
        do {
            try flushRowGroup()
            var w = ThriftCompactWriter()
            let columns = self.columns
            let rowGroups = self.rowGroups
            let total = rowCount
            let createdBy = options.createdBy
            w.structBody { m in
                m.i32(1, 2)
                m.listHeader(2, count: columns.count + 1, of: .structure)
                m.structBody { root in
                    root.string(4, "schema")
                    root.i32(5, Int32(columns.count))
                }
                for column in columns { m.structBody { column.writeSchemaElement(&$0) } }
                m.i64(3, total)
                m.structList(4, rowGroups) { g, group in
                    g.structList(1, group.chunks) { c, chunk in
                        c.i64(2, chunk.offset)
                        c.structure(3, chunk.meta)
                    }
                    g.i64(2, group.bytes)
                    g.i64(3, group.rows)
                    g.i64(5, group.offset)
                    g.i64(6, group.compressed)
                }
                if !metadata.isEmpty {
                    m.structList(5, metadata) { kv, item in
                        kv.string(1, item.key)
                        kv.string(2, item.value)
                    }
                }
                m.string(6, createdBy)
                // Min/max follow each column's type-defined order (signed for integers and
                // timestamps, unsigned bytewise for text); readers ignore min_value and
                // max_value without this.
                m.structList(7, columns) { order, _ in order.structure(1) { _ in } }
            }
            try write(w.bytes)
            var length = UInt32(w.bytes.count).littleEndian
            try write(withUnsafeBytes(of: &length) { Array($0) })
            try write(Array("PAR1".utf8))
            try file.commit()
        } catch {
            file.abort()
            throw error
        }
    }

    /// Drops the file being written (nothing appears at `path`).
    public func abort() { file.abort() }
}
