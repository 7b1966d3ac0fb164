/// Column buffers shared by decoders, the Arrow writer and later stages. They grow by
/// appending and are reused between batches (`removeAll(keepingCapacity:)`), so hot loops
/// do not allocate per row.

/// A validity bitmap in Arrow's layout: bit i (least significant bit first) is 1 when row
/// i holds a value.
public struct ValidityBitmap: Sendable, Equatable {
    @usableFromInline var storage: [UInt8] = []
    @usableFromInline var length: Int = 0
    @usableFromInline var nulls: Int = 0

    /// The bitmap bytes (unused high bits of the last byte are zero).
    public var bytes: [UInt8] { storage }
    /// Number of rows described.
    public var count: Int { length }
    /// Number of null rows.
    public var nullCount: Int { nulls }

    public init() {}

    @inlinable
    public mutating func append(_ valid: Bool) {
        let bit = length & 7
        if bit == 0 { storage.append(0) }
        if valid {
            storage[storage.count - 1] |= UInt8(1) << UInt8(bit)
        } else {
            nulls += 1
        }
        length += 1
    }

    public subscript(i: Int) -> Bool { storage[i >> 3] & (UInt8(1) << UInt8(i & 7)) != 0 }

    public mutating func removeAll() {
        storage.removeAll(keepingCapacity: true)
        length = 0
        nulls = 0
    }
}

/// A column of fixed-width values that may be null. Null slots hold `T`'s zero value so
/// the value buffer stays dense, as Arrow requires.
public struct NullableColumn<T: Sendable & Equatable>: Sendable, Equatable {
    public var values: [T] = []
    public var validity = ValidityBitmap()
    @usableFromInline let zero: T

    public init(zero: T) { self.zero = zero }

    @inlinable
    public mutating func append(_ v: T?) {
        if let v {
            values.append(v)
            validity.append(true)
        } else {
            values.append(zero)
            validity.append(false)
        }
    }

    public subscript(i: Int) -> T? { validity[i] ? values[i] : nil }
    public var count: Int { values.count }
    /// True when no row holds a value (the column can be written as all-null).
    public var allNull: Bool { validity.nullCount == values.count }

    public mutating func removeAll() {
        values.removeAll(keepingCapacity: true)
        validity.removeAll()
    }
}

/// A column of byte strings (UTF-8 text) that may be null, in Arrow's utf8 layout:
/// `offsets[i]..<offsets[i+1]` index into `data`.
public struct StringColumn: Sendable, Equatable {
    public var offsets: [Int32] = [0]
    public var data: [UInt8] = []
    public var validity = ValidityBitmap()

    public init() {}

    public var count: Int { offsets.count - 1 }

    @inlinable
    public mutating func append(_ bytes: UnsafeBufferPointer<UInt8>?) {
        if let bytes {
            data.append(contentsOf: bytes)
            validity.append(true)
        } else {
            validity.append(false)
        }
        offsets.append(Int32(truncatingIfNeeded: data.count))
    }

    public mutating func append(_ string: String?) {
        if var s = string {
            s.withUTF8 { append($0) }
        } else {
            append(nil as UnsafeBufferPointer<UInt8>?)
        }
    }

    public subscript(i: Int) -> String? {
        guard validity[i] else { return nil }
        return String(decoding: data[Int(offsets[i])..<Int(offsets[i + 1])], as: UTF8.self)
    }

    public mutating func removeAll() {
        offsets.removeAll(keepingCapacity: true)
        offsets.append(0)
        data.removeAll(keepingCapacity: true)
        validity.removeAll()
    }
}
