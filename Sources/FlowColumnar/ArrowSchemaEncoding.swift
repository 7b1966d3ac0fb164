/// Builds the Schema table (Schema.fbs) of a message or footer.
enum ArrowSchemaEncoding {
    static func encode(_ b: inout FlatBufferBuilder, fields: [ArrowField],
                       metadata: [(key: String, value: String)]) -> FlatBufferOffset {
        var fieldOffsets: [FlatBufferOffset] = []
        fieldOffsets.reserveCapacity(fields.count)
        for field in fields {
            let name = b.createString(field.name)
            let (typeID, type) = encodeType(&b, field.type)
            let children = b.createVector(offsets: [])
            b.startTable()
            b.add(slot: ArrowFormat.FieldSlot.name, name)
            b.add(slot: ArrowFormat.FieldSlot.nullable, field.nullable)
            b.addUnion(slot: ArrowFormat.FieldSlot.typeType, type: typeID, value: type)
            b.add(slot: ArrowFormat.FieldSlot.children, children)
            fieldOffsets.append(b.endTable())
        }
        let fieldVector = b.createVector(offsets: fieldOffsets)
        var pairs: [FlatBufferOffset] = []
        for (key, value) in metadata {
            let k = b.createString(key)
            let v = b.createString(value)
            b.startTable()
            b.add(slot: ArrowFormat.KeyValueSlot.key, k)
            b.add(slot: ArrowFormat.KeyValueSlot.value, v)
            pairs.append(b.endTable())
        }
        let metadataVector = metadata.isEmpty ? nil : b.createVector(offsets: pairs)
        b.startTable()
        b.add(slot: ArrowFormat.SchemaSlot.endianness, Int16(0))  // Little
        b.add(slot: ArrowFormat.SchemaSlot.fields, fieldVector)
        if let metadataVector { b.add(slot: ArrowFormat.SchemaSlot.customMetadata, metadataVector) }
        return b.endTable()
    }

    /// The Type union member for `type`: its union type id and table.
    private static func encodeType(_ b: inout FlatBufferBuilder, _ type: ArrowType) -> (UInt8, FlatBufferOffset) {
        switch type {
        case .null:
            b.startTable()
            return (ArrowFormat.TypeID.null, b.endTable())
        case let .int(bits, signed):
            b.startTable()
            b.add(slot: 0, Int32(bits))  // bitWidth
            b.add(slot: 1, signed)       // is_signed
            return (ArrowFormat.TypeID.int, b.endTable())
        case let .floatingPoint(bits):
            b.startTable()
            b.add(slot: 0, Int16(bits == 16 ? 0 : bits == 32 ? 1 : 2))  // precision
            return (ArrowFormat.TypeID.floatingPoint, b.endTable())
        case .bool:
            b.startTable()
            return (ArrowFormat.TypeID.bool, b.endTable())
        case .utf8:
            b.startTable()
            return (ArrowFormat.TypeID.utf8, b.endTable())
        case .binary:
            b.startTable()
            return (ArrowFormat.TypeID.binary, b.endTable())
        case let .timestamp(unit, timezone):
            let tz = timezone.map { b.createString($0) }
            b.startTable()
            b.add(slot: 0, unit.rawValue)  // unit
            if let tz { b.add(slot: 1, tz) }  // timezone
            return (ArrowFormat.TypeID.timestamp, b.endTable())
        case let .other(typeID, _):
            // Never produced from a SchemaField; written as an empty table of that type.
            b.startTable()
            return (typeID, b.endTable())
        }
    }
}

/// Reads the Schema table of a footer.
enum ArrowSchemaDecoding {
    static func decode(_ schema: FlatBufferTable) throws -> (fields: [ArrowField], metadata: [(key: String, value: String)]) {
        let view = schema.view
        let endianness = try schema.scalar(ArrowFormat.SchemaSlot.endianness, default: Int16(0))
        if endianness != 0 {
            throw ColumnarError.unsupported(path: view.path, offset: view.fileOffset + schema.position,
                                            detail: "big-endian data")
        }
        var fields: [ArrowField] = []
        if let vector = try schema.vector(ArrowFormat.SchemaSlot.fields, elementSize: 4, "schema fields") {
            fields.reserveCapacity(vector.count)
            for i in 0..<vector.count {
                fields.append(try decodeField(vector.table(i), index: i))
            }
        }
        var metadata: [(key: String, value: String)] = []
        if let vector = try schema.vector(ArrowFormat.SchemaSlot.customMetadata, elementSize: 4, "schema metadata") {
            for i in 0..<vector.count {
                let pair = try vector.table(i)
                metadata.append((key: try pair.string(ArrowFormat.KeyValueSlot.key, "metadata key") ?? "",
                                 value: try pair.string(ArrowFormat.KeyValueSlot.value, "metadata value") ?? ""))
            }
        }
        return (fields, metadata)
    }

    private static func decodeField(_ field: FlatBufferTable, index: Int) throws -> ArrowField {
        let view = field.view
        let at = view.fileOffset + field.position
        let name = try field.string(ArrowFormat.FieldSlot.name, "field \(index) name") ?? ""
        func unsupported(_ what: String) -> ColumnarError {
            .unsupported(path: view.path, offset: at, detail: "field '\(name)' \(what)")
        }
        func corrupt(_ what: String) -> ColumnarError {
            .corrupt(path: view.path, offset: at, detail: "field '\(name)' \(what)")
        }
        let nullable = try field.bool(ArrowFormat.FieldSlot.nullable, default: false)
        if try field.table(ArrowFormat.FieldSlot.dictionary, "field \(index) dictionary") != nil {
            throw unsupported("is dictionary-encoded")
        }
        if let children = try field.vector(ArrowFormat.FieldSlot.children, elementSize: 4, "field \(index) children"),
           children.count > 0 {
            throw unsupported("is a nested type with \(children.count) children")
        }
        let typeID = try field.scalar(ArrowFormat.FieldSlot.typeType, default: UInt8(0))
        let typeTable = try field.table(ArrowFormat.FieldSlot.type, "field \(index) type")
        let type: ArrowType
        switch typeID {
        case ArrowFormat.TypeID.null: type = .null
        case ArrowFormat.TypeID.bool: type = .bool
        case ArrowFormat.TypeID.utf8: type = .utf8
        case ArrowFormat.TypeID.binary: type = .binary
        case ArrowFormat.TypeID.int:
            guard let t = typeTable else { throw corrupt("has an Int type without its table") }
            let bits = try t.scalar(0, default: Int32(0))
            guard [8, 16, 32, 64].contains(bits) else { throw corrupt("has Int bit width \(bits)") }
            type = .int(bitWidth: Int(bits), signed: try t.bool(1, default: false))
        case ArrowFormat.TypeID.floatingPoint:
            guard let t = typeTable else { throw corrupt("has a FloatingPoint type without its table") }
            let precision = try t.scalar(0, default: Int16(0))
            guard (0...2).contains(precision) else { throw corrupt("has FloatingPoint precision \(precision)") }
            type = .floatingPoint(bitWidth: 16 << Int(precision))
        case ArrowFormat.TypeID.timestamp:
            guard let t = typeTable else { throw corrupt("has a Timestamp type without its table") }
            let raw = try t.scalar(0, default: Int16(0))
            guard let unit = ArrowTimeUnit(rawValue: raw) else { throw corrupt("has Timestamp unit \(raw)") }
            type = .timestamp(unit: unit, timezone: try t.string(1, "field \(index) timezone"))
        case ArrowFormat.TypeID.decimal, ArrowFormat.TypeID.date, ArrowFormat.TypeID.time,
             ArrowFormat.TypeID.interval, ArrowFormat.TypeID.fixedSizeBinary, ArrowFormat.TypeID.duration:
            type = .other(typeID: typeID, bufferCount: 2)
        case ArrowFormat.TypeID.largeBinary, ArrowFormat.TypeID.largeUtf8:
            type = .other(typeID: typeID, bufferCount: 3)
        default:
            throw unsupported("has Arrow type id \(typeID) (nested, view or unknown type)")
        }
        return ArrowField(name: name, type: type, nullable: nullable)
    }
}
