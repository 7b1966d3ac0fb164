/// One record batch of an `ArrowFileReader`, with its metadata checked against the file:
/// every buffer lies inside the message body, every column has the batch's row count.
/// Column accessors return views into the mapped file; each view holds the mapping (a
/// retained reference), so no view can outlive the bytes it reads.
public struct ArrowRecordBatch {
    public let reader: ArrowFileReader
    public let index: Int
    /// File offset of the batch's message (its Block offset).
    public let messageOffset: Int
    /// Number of rows.
    public let rowCount: Int
    /// Per column: null count (FieldNode.null_count) and index of its first buffer.
    private let nullCounts: [Int]
    let firstBuffer: [Int]
    /// Per buffer: absolute file offset and length.
    let buffers: [(offset: Int, length: Int)]

    public var fields: [ArrowField] { reader.fields }
    private var path: String { reader.path }

    init(reader: ArrowFileReader, index: Int, block: (offset: Int, metaDataLength: Int, bodyLength: Int)) throws {
        self.reader = reader
        self.index = index
        self.messageOffset = block.offset
        let path = reader.path
        let bytes = reader.file.bytes
        let start = block.offset
        let end = start + block.metaDataLength
        func corrupt(_ at: Int, _ detail: String) -> ColumnarError {
            .corrupt(path: path, offset: at, detail: "record batch \(index): \(detail)")
        }
        // Encapsulated message: 0xFFFFFFFF, int32 length, Message flatbuffer, padding.
        // (Files from before Arrow 0.15 have the length alone.)
        var flatStart = start + 4
        var metaLength = Int(Int32(littleEndian: bytes.loadUnaligned(fromByteOffset: start, as: Int32.self)))
        if metaLength == -1 {
            metaLength = Int(Int32(littleEndian: bytes.loadUnaligned(fromByteOffset: start + 4, as: Int32.self)))
            flatStart = start + 8
        }
        guard metaLength > 0, metaLength <= end - flatStart else {
            throw corrupt(start, "message metadata length \(metaLength) does not fit its \(block.metaDataLength)-byte block")
        }
        let view = FlatBufferView(bytes: UnsafeRawBufferPointer(rebasing: bytes[flatStart..<(flatStart + metaLength)]),
                                  fileOffset: flatStart, path: path)
        let message = try view.rootTable("record batch \(index) message")
        let headerType = try message.scalar(ArrowFormat.MessageSlot.headerType, default: UInt8(0))
        guard headerType == ArrowFormat.MessageHeader.recordBatch else {
            throw corrupt(flatStart, "message header type is \(headerType), not RecordBatch (3)")
        }
        let bodyLength = Int(try message.scalar(ArrowFormat.MessageSlot.bodyLength, default: Int64(0)))
        guard bodyLength >= 0, bodyLength <= reader.footerStart - end else {
            throw corrupt(flatStart, "body length \(bodyLength) runs past the data section")
        }
        guard let batch = try message.table(ArrowFormat.MessageSlot.header, "record batch \(index) header") else {
            throw corrupt(flatStart, "message has no RecordBatch header")
        }
        if try batch.table(ArrowFormat.RecordBatchSlot.compression, "record batch \(index) compression") != nil {
            throw ColumnarError.unsupported(path: path, offset: flatStart, detail: "record batch \(index) has compressed buffers")
        }
        let length = Int(try batch.scalar(ArrowFormat.RecordBatchSlot.length, default: Int64(0)))
        // A row needs at least one bit of body in any column with buffers, so the body
        // bounds the row count (which keeps later size arithmetic far from overflow).
        let fields = reader.fields
        let rowLimit = fields.contains(where: { $0.type.bufferCount > 0 }) ? bodyLength * 8 : 1 << 40
        guard length >= 0, length <= rowLimit else {
            throw corrupt(flatStart, "row count \(length) is impossible for a \(bodyLength)-byte body")
        }
        rowCount = length
        guard let nodes = try batch.vector(ArrowFormat.RecordBatchSlot.nodes, elementSize: ArrowFormat.fieldNodeSize,
                                           "record batch \(index) nodes"), nodes.count == fields.count else {
            throw corrupt(flatStart, "field node count does not match the \(fields.count) schema fields")
        }
        let expectedBuffers = fields.reduce(0) { $0 + $1.type.bufferCount }
        guard let buffers = try batch.vector(ArrowFormat.RecordBatchSlot.buffers, elementSize: ArrowFormat.bufferSize,
                                             "record batch \(index) buffers"), buffers.count == expectedBuffers else {
            throw corrupt(flatStart, "buffer count does not match the \(expectedBuffers) the schema needs")
        }
        var nullCounts: [Int] = []
        var firstBuffer: [Int] = []
        var next = 0
        for i in 0..<nodes.count {
            let nodeLength = try nodes.scalar(i, byteOffset: 0, as: Int64.self)
            let nullCount = try nodes.scalar(i, byteOffset: 8, as: Int64.self)
            guard nodeLength == length, nullCount >= 0, nullCount <= nodeLength else {
                throw corrupt(flatStart + nodes.elementPosition(i),
                              "column '\(fields[i].name)' has length \(nodeLength) and \(nullCount) nulls in a batch of \(length) rows")
            }
            nullCounts.append(Int(nullCount))
            firstBuffer.append(next)
            next += fields[i].type.bufferCount
        }
        let bodyStart = end
        var located: [(offset: Int, length: Int)] = []
        located.reserveCapacity(buffers.count)
        for i in 0..<buffers.count {
            let offset = try buffers.scalar(i, byteOffset: 0, as: Int64.self)
            let bufferLength = try buffers.scalar(i, byteOffset: 8, as: Int64.self)
            guard offset >= 0, bufferLength >= 0, offset <= Int64(bodyLength), bufferLength <= Int64(bodyLength) - offset else {
                throw corrupt(flatStart + buffers.elementPosition(i),
                              "buffer \(i) (offset \(offset), length \(bufferLength)) lies outside the \(bodyLength)-byte body at \(bodyStart)")
            }
            located.append((bodyStart + Int(offset), Int(bufferLength)))
        }
        self.nullCounts = nullCounts
        self.firstBuffer = firstBuffer
        self.buffers = located
    }

    // MARK: Column views

    /// Number of null rows of `column` (from its FieldNode).
    public func nullCount(column: Int) throws -> Int {
        try checkColumn(column)
        return nullCounts[column]
    }

    /// The validity bitmap of `column`, or nil when the file omits it (no nulls).
    /// Columns of type `.null` have no bitmap and every row null.
    public func validity(column: Int) throws -> ArrowBitmapView? {
        try checkColumn(column)
        if fields[column].type.bufferCount == 0 { return nil }
        let buffer = buffers[firstBuffer[column]]
        if buffer.length == 0 {
            if nullCounts[column] > 0 {
                throw corruptColumn(column, at: buffer.offset, "\(nullCounts[column]) nulls but no validity bitmap")
            }
            return nil
        }
        return try bitmap(column, buffer: buffer)
    }

    /// The values of a fixed-width `column` (integers, floats, timestamps as Int64).
    /// Null rows hold unspecified values: consult `validity(column:)`.
    public func values<T: ArrowFixedWidthValue>(column: Int, as type: T.Type) throws -> ArrowValues<T> {
        try checkColumn(column)
        let field = fields[column]
        guard T.represents(field.type) else {
            throw ColumnarError.schemaMismatch(path: path, detail: "column '\(field.name)' is \(field.type), not \(T.self)")
        }
        let buffer = buffers[firstBuffer[column] + 1]
        let needed = rowCount * MemoryLayout<T>.stride
        guard buffer.length >= needed else {
            throw corruptColumn(column, at: buffer.offset, "value buffer has \(buffer.length) bytes, \(rowCount) rows need \(needed)")
        }
        return ArrowValues(owner: reader.file, buffer: try typed(buffer.offset, count: rowCount, as: T.self, column: column))
    }

    /// The bit-packed values of a bool `column`.
    public func bools(column: Int) throws -> ArrowBitmapView {
        try checkColumn(column)
        guard fields[column].type == .bool else {
            throw ColumnarError.schemaMismatch(path: path, detail: "column '\(fields[column].name)' is \(fields[column].type), not bool")
        }
        return try bitmap(column, buffer: buffers[firstBuffer[column] + 1])
    }

    /// The offsets and bytes of a utf8 (or binary) `column`. The offsets are checked to be
    /// non-decreasing and inside the data, so the view's accessors cannot go out of range.
    public func utf8(column: Int) throws -> ArrowUTF8View {
        try checkColumn(column)
        let field = fields[column]
        guard field.type == .utf8 || field.type == .binary else {
            throw ColumnarError.schemaMismatch(path: path, detail: "column '\(field.name)' is \(field.type), not utf8")
        }
        let offsetsBuffer = buffers[firstBuffer[column] + 1]
        let dataBuffer = buffers[firstBuffer[column] + 2]
        let data = UnsafeBufferPointer(rebasing: bufferBytes(dataBuffer))
        if rowCount == 0 {
            return ArrowUTF8View(owner: reader.file, offsets: UnsafeBufferPointer(start: nil, count: 0), data: data)
        }
        let needed = 4 * (rowCount + 1)
        guard offsetsBuffer.length >= needed else {
            throw corruptColumn(column, at: offsetsBuffer.offset, "offset buffer has \(offsetsBuffer.length) bytes, \(rowCount) rows need \(needed)")
        }
        let offsets = try typed(offsetsBuffer.offset, count: rowCount + 1, as: Int32.self, column: column)
        var previous = offsets[0]
        guard previous >= 0 else { throw corruptColumn(column, at: offsetsBuffer.offset, "first offset \(previous) is negative") }
        for i in 1...rowCount {
            let next = offsets[i]
            guard next >= previous else {
                throw corruptColumn(column, at: offsetsBuffer.offset + 4 * i, "offset \(i) (\(next)) is below offset \(i - 1) (\(previous))")
            }
            previous = next
        }
        guard Int(previous) <= data.count else {
            throw corruptColumn(column, at: offsetsBuffer.offset + 4 * rowCount,
                                "last offset \(previous) is past the \(data.count) bytes of data")
        }
        return ArrowUTF8View(owner: reader.file, offsets: offsets, data: data)
    }

    // MARK: Helpers

    private func checkColumn(_ column: Int) throws {
        guard column >= 0 && column < fields.count else {
            throw ColumnarError.misuse(path: path, detail: "column \(column) requested, the file has \(fields.count)")
        }
        if case .other = fields[column].type {
            throw ColumnarError.unsupported(path: path, offset: messageOffset,
                                            detail: "column '\(fields[column].name)' has \(fields[column].type), which floe does not view")
        }
    }

    private func corruptColumn(_ column: Int, at offset: Int, _ detail: String) -> ColumnarError {
        .corrupt(path: path, offset: offset, detail: "record batch \(index), column '\(fields[column].name)': \(detail)")
    }

    private func bufferBytes(_ buffer: (offset: Int, length: Int)) -> Slice<UnsafeBufferPointer<UInt8>> {
        let all = reader.file.bytes.bindMemory(to: UInt8.self)
        return all[buffer.offset..<(buffer.offset + buffer.length)]
    }

    private func bitmap(_ column: Int, buffer: (offset: Int, length: Int)) throws -> ArrowBitmapView {
        let needed = (rowCount + 7) / 8
        guard buffer.length >= needed else {
            throw corruptColumn(column, at: buffer.offset, "bitmap has \(buffer.length) bytes, \(rowCount) rows need \(needed)")
        }
        let bytes = UnsafeBufferPointer(rebasing: bufferBytes((buffer.offset, needed)))
        return ArrowBitmapView(owner: reader.file, bytes: bytes, count: rowCount)
    }

    private func typed<T>(_ offset: Int, count: Int, as type: T.Type, column: Int) throws -> UnsafeBufferPointer<T> {
        guard let base = reader.file.bytes.baseAddress, count > 0 else {
            return UnsafeBufferPointer(start: nil, count: 0)
        }
        let p = base + offset
        guard Int(bitPattern: p) % MemoryLayout<T>.alignment == 0 else {
            throw ColumnarError.unsupported(path: path, offset: offset,
                                            detail: "column '\(fields[column].name)' buffer is not aligned to \(MemoryLayout<T>.alignment) bytes")
        }
        return UnsafeBufferPointer(start: p.bindMemory(to: T.self, capacity: count), count: count)
    }
}
