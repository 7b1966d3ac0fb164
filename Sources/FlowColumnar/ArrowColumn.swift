import FlowCore

/// One column handed to `ArrowFileWriter.write(rowCount:columns:)`: the caller's own arrays
/// (no copy is made; fixed-width values are written straight from the array's memory) plus
/// an optional validity bitmap. With no bitmap, or one without nulls, every row is valid.
public struct ArrowColumn {
    enum Payload {
        case fixedWidth(any ArrowFixedWidthStorage)
        case bools([Bool])
        case utf8(offsets: [Int32], data: [UInt8])
        case allNull
    }

    let payload: Payload
    let validity: ValidityBitmap?

    /// Fixed-width values (integers, floats, timestamps as Int64 milliseconds).
    public static func values<T: ArrowFixedWidthValue>(_ values: [T], validity: ValidityBitmap? = nil) -> ArrowColumn {
        ArrowColumn(payload: .fixedWidth(values), validity: validity)
    }

    /// Fixed-width values read in place from memory the caller keeps valid until the
    /// write returns (a `FlowBatchBuilder`'s rows).
    public static func values<T: ArrowFixedWidthValue>(_ values: UnsafeBufferPointer<T>,
                                                       validity: ValidityBitmap? = nil) -> ArrowColumn {
        ArrowColumn(payload: .fixedWidth(values), validity: validity)
    }

    /// A nullable fixed-width column as FlowCore keeps it.
    public static func values<T: ArrowFixedWidthValue>(_ column: NullableColumn<T>) -> ArrowColumn {
        ArrowColumn(payload: .fixedWidth(column.values), validity: column.validity)
    }

    /// Booleans, bit-packed when written.
    public static func bools(_ values: [Bool], validity: ValidityBitmap? = nil) -> ArrowColumn {
        ArrowColumn(payload: .bools(values), validity: validity)
    }

    /// UTF-8 text in Arrow layout: `offsets` has rowCount + 1 entries starting at 0, value
    /// i is `data[offsets[i]..<offsets[i+1]]`.
    public static func utf8(offsets: [Int32], data: [UInt8], validity: ValidityBitmap? = nil) -> ArrowColumn {
        ArrowColumn(payload: .utf8(offsets: offsets, data: data), validity: validity)
    }

    /// A FlowCore string column.
    public static func utf8(_ column: StringColumn) -> ArrowColumn {
        ArrowColumn(payload: .utf8(offsets: column.offsets, data: column.data), validity: column.validity)
    }

    /// A column whose every row is null (any field type; the field must be nullable).
    public static var allNull: ArrowColumn { ArrowColumn(payload: .allNull, validity: nil) }
}

/// Type-erased access to the raw bytes of a `[T]` with `T: ArrowFixedWidthValue`.
protocol ArrowFixedWidthStorage {
    var elementCount: Int { get }
    var elementWidth: Int { get }
    func represents(_ type: ArrowType) -> Bool
    func withRawBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R
}

extension UnsafeBufferPointer: ArrowFixedWidthStorage where Element: ArrowFixedWidthValue {
    var elementCount: Int { count }
    var elementWidth: Int { MemoryLayout<Element>.stride }
    func represents(_ type: ArrowType) -> Bool { Element.represents(type) }
    func withRawBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(self))
    }
}

extension Array: ArrowFixedWidthStorage where Element: ArrowFixedWidthValue {
    var elementCount: Int { count }
    var elementWidth: Int { MemoryLayout<Element>.stride }
    func represents(_ type: ArrowType) -> Bool { Element.represents(type) }
    func withRawBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try withUnsafeBytes(body)
    }
}
