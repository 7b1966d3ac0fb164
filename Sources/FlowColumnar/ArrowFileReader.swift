import FlowCore
import FlowIO

/// Reads an Apache Arrow IPC file (Feather v2) through a read-only memory mapping. Opening
/// checks both magics and the footer, and parses the schema and the record batch blocks;
/// each record batch's metadata is parsed and range-checked when it is asked for, and its
/// columns are then viewed in place (no copy). Views stay valid while the reader lives.
///
/// Reads flat schemas of Int, FloatingPoint, Bool, Utf8, Binary, Timestamp and Null columns
/// (other flat types are listed as `.other` but cannot be viewed); rejects compressed
/// bodies, dictionaries, nested types and big-endian files with `ColumnarError.unsupported`.
public final class ArrowFileReader: @unchecked Sendable {
    public var path: String { file.path }
    /// The columns, in file order.
    public let fields: [ArrowField]
    /// The schema's custom metadata, in file order.
    public let metadata: [(key: String, value: String)]
    let file: MappedFile
    /// Offset of the footer flatbuffer: record batch messages must end before it.
    let footerStart: Int
    let blocks: [(offset: Int, metaDataLength: Int, bodyLength: Int)]

    /// Number of record batches in the file (may be zero).
    public var recordBatchCount: Int { blocks.count }

    /// Value of the custom metadata `key`, if present.
    public func metadataValue(_ key: String) -> String? {
        metadata.first(where: { $0.key == key })?.value
    }

    public init(path: String) throws {
        file = try MappedFile(path: path)
        let bytes = file.bytes
        let size = bytes.count
        let magic = ArrowFormat.magic
        // magic + padding, footer length, trailing magic.
        guard size >= 8 + 4 + magic.count else {
            throw ColumnarError.notArrowFile(path: path, offset: 0,
                                             detail: "file has \(size) bytes, fewer than the 18 of the smallest Arrow file")
        }
        guard bytes.prefix(magic.count).elementsEqual(magic) else {
            throw ColumnarError.notArrowFile(path: path, offset: 0, detail: "missing ARROW1 magic")
        }
        guard bytes.suffix(magic.count).elementsEqual(magic) else {
            throw ColumnarError.notArrowFile(path: path, offset: size - magic.count,
                                             detail: "missing trailing ARROW1 magic; the file is truncated or still being written")
        }
        let lengthAt = size - magic.count - 4
        let footerLength = Int(Int32(littleEndian: bytes.loadUnaligned(fromByteOffset: lengthAt, as: Int32.self)))
        guard footerLength > 0, footerLength <= lengthAt - 8 else {
            throw ColumnarError.corrupt(path: path, offset: lengthAt,
                                        detail: "footer length \(footerLength) does not fit in the \(size)-byte file")
        }
        footerStart = lengthAt - footerLength
        let view = FlatBufferView(bytes: UnsafeRawBufferPointer(rebasing: bytes[footerStart..<lengthAt]),
                                  fileOffset: footerStart, path: path)
        let footer = try view.rootTable("footer")
        let version = try footer.scalar(ArrowFormat.FooterSlot.version, default: Int16(0))
        guard version >= 3 else {
            throw ColumnarError.unsupported(path: path, offset: footerStart,
                                            detail: "metadata version V\(version + 1) (floe reads V4 and V5)")
        }
        guard let schema = try footer.table(ArrowFormat.FooterSlot.schema, "footer schema") else {
            throw ColumnarError.corrupt(path: path, offset: footerStart, detail: "footer has no schema")
        }
        (fields, metadata) = try ArrowSchemaDecoding.decode(schema)
        if let dictionaries = try footer.vector(ArrowFormat.FooterSlot.dictionaries, elementSize: ArrowFormat.blockSize,
                                                "footer dictionaries"), dictionaries.count > 0 {
            throw ColumnarError.unsupported(path: path, offset: footerStart + dictionaries.start,
                                            detail: "\(dictionaries.count) dictionary batches")
        }
        var blocks: [(offset: Int, metaDataLength: Int, bodyLength: Int)] = []
        if let vector = try footer.vector(ArrowFormat.FooterSlot.recordBatches, elementSize: ArrowFormat.blockSize,
                                          "footer record batches") {
            blocks.reserveCapacity(vector.count)
            for i in 0..<vector.count {
                let offset = Int(try vector.scalar(i, byteOffset: 0, as: Int64.self))
                let metaDataLength = Int(try vector.scalar(i, byteOffset: 8, as: Int32.self))
                let bodyLength = Int(try vector.scalar(i, byteOffset: 16, as: Int64.self))
                let room = footerStart - offset
                guard offset >= 8, offset < footerStart, metaDataLength >= 8, metaDataLength <= room,
                      bodyLength >= 0, bodyLength <= room - metaDataLength else {
                    throw ColumnarError.corrupt(
                        path: path, offset: footerStart + vector.elementPosition(i),
                        detail: "record batch \(i) block (offset \(offset), metadata \(metaDataLength), body \(bodyLength)) lies outside the data section ending at \(footerStart)")
                }
                blocks.append((offset, metaDataLength, bodyLength))
            }
        }
        self.blocks = blocks
    }

    /// Record batch `index` (0 ..< recordBatchCount), its metadata parsed and checked.
    public func recordBatch(at index: Int) throws -> ArrowRecordBatch {
        guard index >= 0 && index < blocks.count else {
            throw ColumnarError.misuse(path: path, detail: "record batch \(index) requested, the file has \(blocks.count)")
        }
        return try ArrowRecordBatch(reader: self, index: index, block: blocks[index])
    }

    /// Index of the column named `name`.
    public func columnIndex(named name: String) -> Int? {
        fields.firstIndex(where: { $0.name == name })
    }
}
