import FlowIO

// The views an `ArrowRecordBatch` hands out. Each holds the mapped file it reads (a
// retained reference to the `MappedFile`), so a view — or a copy of it kept in a struct,
// returned, or stored — keeps the mapping alive: no view can outlive the bytes it points
// into. Raw pointers are lent only inside a closure (`withUnsafeBufferPointer`); the row
// bytes of a utf8 view (`subscript`) are valid while that view lives.

/// The values of a fixed-width column (integers, floats, timestamps as Int64), read in
/// place from the mapped file. Null rows hold unspecified values: consult the batch's
/// `validity(column:)`.
public struct ArrowValues<Element>: RandomAccessCollection, @unchecked Sendable {
    /// Keeps the mapping alive while the view lives.
    @usableFromInline let owner: MappedFile?
    @usableFromInline let buffer: UnsafeBufferPointer<Element>

    @usableFromInline
    init(owner: MappedFile?, buffer: UnsafeBufferPointer<Element>) {
        self.owner = owner
        self.buffer = buffer
    }

    @inlinable public var startIndex: Int { 0 }
    @inlinable public var endIndex: Int { buffer.count }
    @inlinable public var count: Int { buffer.count }

    /// Value `i` (0 ..< count).
    @inlinable
    public subscript(i: Int) -> Element { buffer[i] }

    /// Lends the values' memory to `body`; the pointer must not escape it.
    @inlinable
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Element>) throws -> R) rethrows -> R {
        try withExtendedLifetime(owner) { try body(buffer) }
    }
}

/// A read-only view of an Arrow bitmap (validity or bool values), LSB first.
public struct ArrowBitmapView: @unchecked Sendable {
    /// Keeps the mapping alive while the view lives.
    @usableFromInline let owner: MappedFile?
    /// The bitmap bytes: exactly (count + 7) / 8.
    @usableFromInline let bytes: UnsafeBufferPointer<UInt8>
    /// Number of bits (rows).
    public let count: Int

    init(owner: MappedFile?, bytes: UnsafeBufferPointer<UInt8>, count: Int) {
        self.owner = owner
        self.bytes = bytes
        self.count = count
    }

    /// Bit `i` (0 ..< count).
    @inlinable
    public subscript(i: Int) -> Bool { bytes[i >> 3] & (UInt8(1) << UInt8(i & 7)) != 0 }

    /// Number of clear bits among the first `count`.
    public var zeroCount: Int {
        var ones = 0
        let full = count / 8
        for i in 0..<full { ones += bytes[i].nonzeroBitCount }
        if count % 8 != 0 { ones += (bytes[full] & UInt8((1 << (count % 8)) - 1)).nonzeroBitCount }
        return count - ones
    }

    /// Lends the bitmap bytes to `body`; the pointer must not escape it.
    @inlinable
    public func withUnsafeBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try withExtendedLifetime(owner) { try body(bytes) }
    }
}

/// A read-only view of a utf8 (or binary) column: value i is `data[offsets[i]..<offsets[i+1]]`.
/// Offsets are validated when the view is made.
public struct ArrowUTF8View: @unchecked Sendable {
    /// rowCount + 1 offsets into `data` (empty when the batch has no rows).
    public let offsets: ArrowValues<Int32>
    /// The text bytes of all rows.
    public let data: ArrowValues<UInt8>

    init(owner: MappedFile?, offsets: UnsafeBufferPointer<Int32>, data: UnsafeBufferPointer<UInt8>) {
        self.offsets = ArrowValues(owner: owner, buffer: offsets)
        self.data = ArrowValues(owner: owner, buffer: data)
    }

    /// Number of rows.
    @inlinable
    public var count: Int { Swift.max(offsets.count - 1, 0) }

    /// The bytes of row `i` (0 ..< count), valid while this view lives (use them, do not
    /// keep them: copy with `Array(view[i])` or `string(at:)` to keep).
    @inlinable
    public subscript(i: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: data.buffer[Int(offsets.buffer[i])..<Int(offsets.buffer[i + 1])])
    }

    /// Row `i` as a String (invalid UTF-8 is repaired with U+FFFD).
    public func string(at i: Int) -> String {
        withExtendedLifetime(data.owner) { String(decoding: self[i], as: UTF8.self) }
    }
}
