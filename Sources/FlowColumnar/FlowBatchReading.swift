import FlowCore

extension ArrowFileReader {
    /// Throws `ColumnarError.schemaMismatch` unless the file's columns are exactly
    /// `FlowSchema.fields` (names, order, Arrow types, nullability).
    public func checkFlowSchema() throws {
        let expected = FlowSchema.fields.map(ArrowField.init)
        guard fields.count == expected.count else {
            throw ColumnarError.schemaMismatch(path: path, detail: "file has \(fields.count) columns, FlowSchema has \(expected.count)")
        }
        for (i, (got, want)) in zip(fields, expected).enumerated() where got != want {
            throw ColumnarError.schemaMismatch(
                path: path,
                detail: "column \(i) is '\(got.name)' \(got.type)\(got.nullable ? "" : " not null"), FlowSchema has '\(want.name)' \(want.type)\(want.nullable ? "" : " not null")")
        }
    }

    /// Decodes record batch `index` of a file written with `FlowSchema` into a FlowBatch
    /// (addresses parsed back with `IPAddress.parse`).
    public func readFlowBatch(at index: Int) throws -> FlowBatch {
        try checkFlowSchema()
        let rb = try recordBatch(at: index)
        var column = 0
        func nextColumn() -> Int { defer { column += 1 }; return column }

        func required<T: ArrowFixedWidthValue>(_ type: T.Type) throws -> [T] {
            let c = nextColumn()
            guard try rb.nullCount(column: c) == 0, (try rb.validity(column: c)?.zeroCount ?? 0) == 0 else {
                throw ColumnarError.corrupt(path: path, offset: rb.messageOffset,
                                            detail: "record batch \(index): non-nullable column '\(fields[c].name)' has nulls")
            }
            return Array(try rb.values(column: c, as: T.self))
        }
        func optional<T: ArrowFixedWidthValue>(_ zero: T) throws -> NullableColumn<T> {
            let c = nextColumn()
            var out = NullableColumn<T>(zero: zero)
            let values = try rb.values(column: c, as: T.self)
            if let bitmap = try rb.validity(column: c) {
                out.validity = ValidityBitmap(bytes: bitmap.bytes, count: rb.rowCount)
                // Null slots hold unspecified bytes in foreign files: store the zero value.
                out.values = Array(values)
                for i in 0..<rb.rowCount where !bitmap[i] { out.values[i] = zero }
            } else {
                out.validity = ValidityBitmap(allValid: rb.rowCount)
                out.values = Array(values)
            }
            return out
        }
        func addresses(nullable: Bool) throws -> (values: [IPAddress], validity: ValidityBitmap) {
            let c = nextColumn()
            let text = try rb.utf8(column: c)
            let bitmap = try rb.validity(column: c)
            if !nullable, try rb.nullCount(column: c) > 0 || (bitmap?.zeroCount ?? 0) > 0 {
                throw ColumnarError.corrupt(path: path, offset: rb.messageOffset,
                                            detail: "record batch \(index): non-nullable column '\(fields[c].name)' has nulls")
            }
            var values = [IPAddress](repeating: .zero, count: rb.rowCount)
            for i in 0..<rb.rowCount {
                if let bitmap, !bitmap[i] { continue }
                guard let address = IPAddress.parse(text[i]) else {
                    throw ColumnarError.corrupt(path: path, offset: fileOffset(of: text.data.buffer.baseAddress) + Int(text.offsets[i]),
                                                detail: "record batch \(index), row \(i): '\(fields[c].name)' is not an IP address: \"\(text.string(at: i))\"")
                }
                values[i] = address
            }
            let validity = bitmap.map { ValidityBitmap(bytes: $0.bytes, count: rb.rowCount) }
                ?? ValidityBitmap(allValid: rb.rowCount)
            return (values, validity)
        }

        var batch = FlowBatch()
        batch.start = try required(Int64.self)
        batch.end = try required(Int64.self)
        batch.srcAddr = try addresses(nullable: false).values
        batch.dstAddr = try addresses(nullable: false).values
        batch.srcPort = try optional(UInt16(0))
        batch.dstPort = try optional(UInt16(0))
        batch.proto = try required(UInt8.self)
        batch.tcpFlags = try optional(UInt8(0))
        batch.packets = try required(UInt64.self)
        batch.bytes = try required(UInt64.self)
        batch.inputInterface = try optional(UInt32(0))
        batch.outputInterface = try optional(UInt32(0))
        batch.srcAS = try optional(UInt32(0))
        batch.dstAS = try optional(UInt32(0))
        batch.tos = try optional(UInt8(0))
        let exporter = try addresses(nullable: true)
        batch.exporter.values = exporter.values
        batch.exporter.validity = exporter.validity
        batch.samplingRate = try optional(UInt32(0))
        batch.flowDirection = try optional(UInt8(0))
        batch.revPackets = try optional(UInt64(0))
        batch.revBytes = try optional(UInt64(0))
        batch.label = try labels(rb, column: nextColumn())
        return batch
    }

    /// File offset of a pointer into the mapping (0 for nil).
    func fileOffset(of pointer: UnsafePointer<UInt8>?) -> Int {
        guard let pointer, let base = file.bytes.baseAddress else { return 0 }
        return UnsafeRawPointer(pointer) - base
    }

    private func labels(_ rb: ArrowRecordBatch, column: Int) throws -> StringColumn {
        let text = try rb.utf8(column: column)
        var out = StringColumn()
        let n = rb.rowCount
        if n == 0 { return out }
        let base = text.offsets[0]
        out.offsets = text.offsets.map { $0 - base }
        out.data = Array(text.data[Int(base)..<Int(text.offsets[n])])
        if let bitmap = try rb.validity(column: column) {
            out.validity = ValidityBitmap(bytes: bitmap.bytes, count: n)
            // Keep FlowCore's invariant that null rows have empty text.
            if (0..<n).contains(where: { !bitmap[$0] && text.offsets[$0] != text.offsets[$0 + 1] }) {
                var compact = StringColumn()
                for i in 0..<n { compact.append(bitmap[i] ? text.string(at: i) : nil) }
                return compact
            }
        } else {
            out.validity = ValidityBitmap(allValid: n)
        }
        return out
    }
}
