/// Column buffers shared by decoders, the Arrow writer and later stages. They grow by
/// appending and are reused between batches (`removeAll(keepingCapacity:)`), so hot loops
/// do not allocate per row.

/// A column of fixed-width values that may be null. Null slots hold `T`'s zero value so
/// the value buffer stays dense, as Arrow requires.
public struct NullableColumn<T: Sendable & Equatable>: Sendable, Equatable {
    public var values: [T] = []
    public var validity = ValidityBitmap()
    @usableFromInline let zero: T

    public init(zero: T) { self.zero = zero }

    @inlinable @inline(__always)
    public mutating func append(_ v: T?) {
        values.append(v ?? zero)
        validity.append(v != nil)
    }

    /// Reserves room for `rows` rows in total.
    public mutating func reserveCapacity(_ rows: Int) {
        values.reserveCapacity(rows)
        validity.reserveCapacity(rows)
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
///
/// Rows without bytes (null or empty) repeat the previous offset; a trailing run of them is
/// only counted (`repeatedOffsets`) and written out when a non-empty row follows or when
/// `offsets` is read, so a column of nulls (most dialects have no label) costs a counter
/// per row.
public struct StringColumn: Sendable {
    /// Offsets up to the start of the trailing run of repeated offsets.
    @usableFromInline var storedOffsets: [Int32] = [0]
    /// Rows at the end whose offset equals `storedOffsets.last` but is not stored yet.
    @usableFromInline var repeatedOffsets = 0
    public var data: [UInt8] = []
    public var validity = ValidityBitmap()

    public init() {}

    /// The count + 1 Arrow offsets.
    public var offsets: [Int32] {
        get {
            if repeatedOffsets == 0 { return storedOffsets }
            var out = storedOffsets
            out.append(contentsOf: repeatElement(storedOffsets[storedOffsets.count - 1], count: repeatedOffsets))
            return out
        }
        set {
            storedOffsets = newValue
            repeatedOffsets = 0
        }
        _modify {
            storeRepeatedOffsets()
            yield &storedOffsets
        }
    }

    public var count: Int { storedOffsets.count - 1 + repeatedOffsets }

    @inlinable
    public mutating func append(_ bytes: UnsafeBufferPointer<UInt8>?) {
        if let bytes {
            validity.append(true)
            if bytes.isEmpty {
                repeatedOffsets += 1
            } else {
                if repeatedOffsets != 0 { storeRepeatedOffsets() }
                data.append(contentsOf: bytes)
                storedOffsets.append(Int32(truncatingIfNeeded: data.count))
            }
        } else {
            validity.append(false)
            repeatedOffsets += 1
        }
    }

    public mutating func append(_ string: String?) {
        if var s = string {
            s.withUTF8 { append($0) }
        } else {
            append(nil as UnsafeBufferPointer<UInt8>?)
        }
    }

    @usableFromInline
    mutating func storeRepeatedOffsets() {
        guard repeatedOffsets != 0 else { return }
        storedOffsets.append(contentsOf: repeatElement(storedOffsets[storedOffsets.count - 1], count: repeatedOffsets))
        repeatedOffsets = 0
    }

    public subscript(i: Int) -> String? {
        guard validity[i] else { return nil }
        let stored = storedOffsets.count - 1
        if i >= stored { return "" }  // inside the trailing run: no bytes
        return String(decoding: data[Int(storedOffsets[i])..<Int(storedOffsets[i + 1])], as: UTF8.self)
    }

    /// Reserves room for `rows` rows and `bytes` bytes of text in total.
    public mutating func reserveCapacity(_ rows: Int, bytes: Int = 0) {
        storedOffsets.reserveCapacity(rows + 1)
        data.reserveCapacity(bytes)
        validity.reserveCapacity(rows)
    }

    public mutating func removeAll() {
        storedOffsets.removeAll(keepingCapacity: true)
        storedOffsets.append(0)
        repeatedOffsets = 0
        data.removeAll(keepingCapacity: true)
        validity.removeAll()
    }
}

extension StringColumn: Equatable {
    /// Equal when offsets, bytes and validity are, however the columns were built.
    public static func == (a: StringColumn, b: StringColumn) -> Bool {
        a.count == b.count && a.data == b.data && a.validity == b.validity && a.offsets == b.offsets
    }
}
