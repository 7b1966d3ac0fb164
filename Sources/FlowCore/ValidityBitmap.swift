/// A validity bitmap in Arrow's layout: bit i (least significant bit first) is 1 when row
/// i holds a value.
///
/// Appending is the per-row hot path of every decoder, so the bitmap is built lazily: while
/// every row so far is valid (or every row is null) it is only a pair of counters; the
/// first row that breaks the run materialises the bytes. Once materialised, bits collect in
/// `pending` and a byte is appended every 8 rows. `bytes` assembles the Arrow bytes on
/// access (without copying when the rows fill whole bytes).
public struct ValidityBitmap: Sendable {
    /// Complete bytes (rows `0 ..< length & ~7`); only meaningful when `materialized`.
    @usableFromInline var storage: [UInt8] = []
    /// Bits of the incomplete last byte (rows `length & ~7 ..< length`) when `materialized`.
    @usableFromInline var pending: UInt8 = 0
    /// False while the rows are uniform: all valid when `nulls == 0`, all null otherwise.
    @usableFromInline var materialized = false
    @usableFromInline var length: Int = 0
    @usableFromInline var nulls: Int = 0

    /// The bitmap bytes, (count + 7) / 8 of them (unused high bits of the last byte are zero).
    public var bytes: [UInt8] {
        if materialized {
            if length & 7 == 0 { return storage }
            var out = storage
            out.append(pending)
            return out
        }
        let byteCount = (length + 7) >> 3
        if nulls != 0 || byteCount == 0 { return [UInt8](repeating: 0, count: byteCount) }
        var out = [UInt8](repeating: 0xFF, count: byteCount)
        if length & 7 != 0 { out[byteCount - 1] = UInt8(truncatingIfNeeded: (1 << (length & 7)) - 1) }
        return out
    }

    /// Number of rows described.
    public var count: Int { length }
    /// Number of null rows.
    public var nullCount: Int { nulls }

    public init() {}

    /// Appends one row's validity.
    @inlinable @inline(__always)
    public mutating func append(_ valid: Bool) {
        if !materialized && nulls == (valid ? 0 : length) {
            // The run of uniform rows continues.
            length += 1
            nulls += valid ? 0 : 1
            return
        }
        appendMaterialized(valid)
    }

    /// Appends `n` null rows (a counter while every row so far is null).
    public mutating func appendNulls(_ n: Int) {
        if !materialized && nulls == length {
            length += n
            nulls += n
            return
        }
        for _ in 0..<n { append(false) }
    }

    @inlinable
    mutating func appendMaterialized(_ valid: Bool) {
        if !materialized { materialize() }
        pending |= (valid ? 1 : 0) << UInt8(truncatingIfNeeded: length & 7)
        nulls += valid ? 0 : 1
        length += 1
        if length & 7 == 0 {
            storage.append(pending)
            pending = 0
        }
    }

    /// Turns the uniform run into explicit bytes.
    @usableFromInline
    mutating func materialize() {
        let fill: UInt8 = nulls == 0 ? 0xFF : 0
        storage.removeAll(keepingCapacity: true)
        storage.append(contentsOf: repeatElement(fill, count: length >> 3))
        pending = fill & UInt8(truncatingIfNeeded: (1 << (length & 7)) - 1)
        materialized = true
    }

    /// Whether row `i` holds a value.
    public subscript(i: Int) -> Bool {
        precondition(i >= 0 && i < length, "ValidityBitmap: row \(i) out of range 0..<\(length)")
        if !materialized { return nulls == 0 }
        let byte = i >> 3 < storage.count ? storage[i >> 3] : pending
        return byte & (UInt8(1) << UInt8(i & 7)) != 0
    }

    /// Reserves room for `rows` rows in total.
    public mutating func reserveCapacity(_ rows: Int) {
        storage.reserveCapacity((rows + 7) >> 3)
    }

    /// Empties the bitmap, keeping its capacity.
    public mutating func removeAll() {
        storage.removeAll(keepingCapacity: true)
        pending = 0
        materialized = false
        length = 0
        nulls = 0
    }
}

extension ValidityBitmap: Equatable {
    /// Equal when the same rows are valid, however the bitmaps were built.
    public static func == (a: ValidityBitmap, b: ValidityBitmap) -> Bool {
        guard a.length == b.length, a.nulls == b.nulls else { return false }
        if a.nulls == 0 || a.nulls == a.length { return true }
        return a.bytes == b.bytes
    }
}
