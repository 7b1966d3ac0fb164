import FlowCore

/// The body layout of one record batch: every column checked against its field and the
/// row count, its buffers listed in Arrow order with offsets relative to the body start
/// (each padded to 8 bytes), plus the FieldNode and Buffer structs of the metadata.
struct RecordBatchPlan {
    enum Source {
        /// The first `length` bytes of an array the caller handed in.
        case bytes(any ArrowFixedWidthStorage)
        case zeros
    }

    struct PlannedBuffer {
        let offset: Int
        let length: Int
        let source: Source
    }

    private(set) var buffers: [PlannedBuffer] = []
    private(set) var nodeBytes: [UInt8] = []
    private(set) var bufferBytes: [UInt8] = []
    private(set) var nodeCount = 0
    private(set) var bodyLength = 0

    init(path: String, fields: [SchemaField], arrowFields: [ArrowField], rowCount: Int, columns: [ArrowColumn]) throws {
        guard rowCount >= 0 else {
            throw ColumnarError.misuse(path: path, detail: "row count \(rowCount) is negative")
        }
        guard columns.count == fields.count else {
            throw ColumnarError.misuse(path: path, detail: "record batch has \(columns.count) columns, the schema has \(fields.count) fields")
        }
        for (i, column) in columns.enumerated() {
            try addColumn(column, field: fields[i], type: arrowFields[i].type, rowCount: rowCount, path: path)
        }
    }

    private mutating func addBuffer(length: Int, source: Source) {
        buffers.append(PlannedBuffer(offset: bodyLength, length: length, source: source))
        appendLittleEndian(Int64(bodyLength), to: &bufferBytes)
        appendLittleEndian(Int64(length), to: &bufferBytes)
        bodyLength += ArrowFormat.padded(length)
    }

    private mutating func addColumn(_ column: ArrowColumn, field: SchemaField, type: ArrowType,
                                    rowCount n: Int, path: String) throws {
        func invalid(_ detail: String) -> ColumnarError {
            .invalidColumn(path: path, column: field.name, detail: detail)
        }
        let bitmapBytes = (n + 7) / 8
        var nullCount = 0
        if case .allNull = column.payload {
            nullCount = n
        } else if let validity = column.validity {
            guard validity.count == n else {
                throw invalid("validity bitmap has \(validity.count) rows, the batch has \(n)")
            }
            nullCount = validity.nullCount
        }
        if nullCount > 0 && !field.nullable {
            throw invalid("\(nullCount) null rows in a field that is not nullable")
        }

        // Check the payload before recording anything for this column.
        switch column.payload {
        case let .fixedWidth(values):
            guard values.represents(type) else {
                throw invalid("values of \(values.elementWidth)-byte type do not match field type \(type)")
            }
            guard values.elementCount == n else {
                throw invalid("has \(values.elementCount) values, the batch has \(n) rows")
            }
        case let .bools(values):
            guard type == .bool else { throw invalid("bool values for a field of type \(type)") }
            guard values.count == n else { throw invalid("has \(values.count) values, the batch has \(n) rows") }
        case let .utf8(offsets, data):
            guard type == .utf8 else { throw invalid("utf8 values for a field of type \(type)") }
            guard offsets.count == n + 1 else {
                throw invalid("has \(offsets.count) offsets, a batch of \(n) rows needs \(n + 1)")
            }
            guard data.count <= Int(Int32.max) else {
                throw invalid("has \(data.count) bytes of text, more than int32 offsets can address; write smaller batches")
            }
            try offsets.withUnsafeBufferPointer { o in
                guard o[0] >= 0 else { throw invalid("first offset \(o[0]) is negative") }
                var previous = o[0]
                for i in 1..<o.count {
                    let next = o[i]
                    if next < previous { throw invalid("offset \(i) (\(next)) is below offset \(i - 1) (\(previous))") }
                    previous = next
                }
                guard Int(previous) <= data.count else {
                    throw invalid("last offset \(previous) is past the \(data.count) bytes of text")
                }
            }
        case .allNull:
            break
        }

        appendLittleEndian(Int64(n), to: &nodeBytes)
        appendLittleEndian(Int64(nullCount), to: &nodeBytes)
        nodeCount += 1

        // Validity: omitted (length 0) when there are no nulls.
        if nullCount == 0 {
            addBuffer(length: 0, source: .zeros)
        } else if case .allNull = column.payload {
            addBuffer(length: bitmapBytes, source: .zeros)
        } else if let validity = column.validity {
            addBuffer(length: bitmapBytes, source: .bytes(validity.bytes))
        }

        switch column.payload {
        case let .fixedWidth(values):
            addBuffer(length: n * values.elementWidth, source: .bytes(values))
        case let .bools(values):
            var packed = [UInt8](repeating: 0, count: bitmapBytes)
            for i in 0..<n where values[i] { packed[i >> 3] |= UInt8(1) << UInt8(i & 7) }
            addBuffer(length: bitmapBytes, source: .bytes(packed))
        case let .utf8(offsets, data):
            addBuffer(length: 4 * (n + 1), source: .bytes(offsets))
            addBuffer(length: Int(offsets[n]), source: .bytes(data))
        case .allNull:
            switch type {
            case .bool:
                addBuffer(length: bitmapBytes, source: .zeros)
            case .utf8, .binary:
                addBuffer(length: 4 * (n + 1), source: .zeros)
                addBuffer(length: 0, source: .zeros)
            case .null:
                break
            default:
                addBuffer(length: n * (type.byteWidth ?? 0), source: .zeros)
            }
        }
    }
}
