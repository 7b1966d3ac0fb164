/// Column buffers shared by decoders, the Arrow writer and later stages. They grow by
/// appending and are reused between batches (`removeAll(keepingCapacity:)`), so hot loops
/// do not allocate per row.

/// A column of fixed-width values that may be null. Null slots hold `T`'s zero value so
/// the value buffer stays dense, as Arrow requires.
///
/// A column that has been null in every row so far (a field the dialect lacks) stores no
/// values: it counts its rows and `values` returns zeros, until the first value arrives.
public struct NullableColumn<T: Sendable & Equatable>: Sendable {
    /// The values, once any row has held one (empty before).
    @usableFromInline var storedValues: [T] = []
    /// Rows appended while every row was null and not stored yet (0 once any value came).
    @usableFromInline var unstoredNulls = 0
    public var validity = ValidityBitmap()
    @usableFromInline let zero: T

    public init(zero: T) { self.zero = zero }

    /// The value null slots hold.
    public var zeroValue: T { zero }

    /// The dense value buffer, one slot per row (`zero` in null rows).
    public var values: [T] {
        get { unstoredNulls == 0 ? storedValues : [T](repeating: zero, count: unstoredNulls) }
        set {
            storedValues = newValue
            unstoredNulls = 0
        }
        _modify {
            storeNulls()
            yield &storedValues
        }
    }

    @inlinable @inline(__always)
    public mutating func append(_ v: T?) {
        if let v {
            if unstoredNulls != 0 { storeNulls() }
            storedValues.append(v)
            validity.append(true)
        } else {
            if storedValues.isEmpty {
                unstoredNulls += 1
            } else {
                storedValues.append(zero)
            }
            validity.append(false)
        }
    }

    /// Appends rows in bulk: `values` holds one slot per row (zero in null rows) and
    /// `validBits` their validity, bit i of word i / 64 for row i; `validCount` rows hold a
    /// value.
    public mutating func append(values: UnsafeBufferPointer<T>, validBits: UnsafeBufferPointer<UInt64>, validCount: Int) {
        append(contentsOf: values, count: values.count, validBits: validBits, validCount: validCount)
    }

    /// `append(values:validBits:validCount:)` for `count` values of any sequence.
    @inlinable
    public mutating func append<S: Sequence>(contentsOf values: S, count: Int, validBits: UnsafeBufferPointer<UInt64>,
                                             validCount: Int) where S.Element == T {
        if validCount == 0 && storedValues.isEmpty {
            unstoredNulls += count
        } else {
            storeNulls()
            storedValues.append(contentsOf: values)
        }
        validity.append(words: validBits, count: count, valid: validCount)
    }

    /// Writes out the zeros of the all-null rows so far.
    @usableFromInline
    mutating func storeNulls() {
        guard unstoredNulls != 0 else { return }
        storedValues.append(contentsOf: repeatElement(zero, count: unstoredNulls))
        unstoredNulls = 0
    }

    /// Reserves room for `rows` rows in total.
    public mutating func reserveCapacity(_ rows: Int) {
        storedValues.reserveCapacity(rows)
        validity.reserveCapacity(rows)
    }

    public subscript(i: Int) -> T? { validity[i] ? storedValues[i] : nil }
    public var count: Int { storedValues.count + unstoredNulls }
    /// True when no row holds a value (the column can be written as all-null).
    public var allNull: Bool { validity.nullCount == count }

    public mutating func removeAll() {
        storedValues.removeAll(keepingCapacity: true)
        unstoredNulls = 0
        validity.removeAll()
    }
}

extension NullableColumn: Equatable {
    /// Equal when values, validity and zero are, however the columns were built.
    public static func == (a: NullableColumn, b: NullableColumn) -> Bool {
        guard a.count == b.count, a.zero == b.zero, a.validity == b.validity else { return false }
        if a.unstoredNulls != 0 && b.unstoredNulls != 0 { return true }
        return a.values == b.values
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

    /// Appends `n` null rows.
    public mutating func appendNulls(_ n: Int) {
        validity.appendNulls(n)
        repeatedOffsets += n
    }

    public mutating func append(_ string: String?) {
        if var s = string {
            s.withUTF8 { append($0) }
        } else {
            append(nil as UnsafeBufferPointer<UInt8>?)
        }
    }

    /// Appends rows `rows` of `other` (all of them by default).
    public mutating func append(contentsOf other: StringColumn, rows: Range<Int>? = nil) {
        let range = rows ?? 0..<other.count
        guard !range.isEmpty else { return }
        let offsets = other.offsets
        other.data.withUnsafeBufferPointer { data in
            for i in range {
                if other.validity[i] {
                    append(UnsafeBufferPointer(rebasing: data[Int(offsets[i])..<Int(offsets[i + 1])]))
                } else {
                    append(nil as UnsafeBufferPointer<UInt8>?)
                }
            }
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
