/// Bulk construction of validity bitmaps, for readers that get a whole bitmap at once.
extension ValidityBitmap {
    /// A bitmap of `count` rows copied from Arrow bitmap bytes (LSB first). Only the first
    /// (count + 7) / 8 bytes are used (there must be at least that many); bits past `count`
    /// are cleared and the null count is computed.
    public init(bytes: UnsafeBufferPointer<UInt8>, count: Int) {
        let byteCount = (count + 7) / 8
        precondition(bytes.count >= byteCount, "ValidityBitmap: \(bytes.count) bytes cannot hold \(count) rows")
        self.init()
        let whole = count >> 3
        storage = Array(bytes.prefix(whole))
        if count & 7 != 0 { pending = bytes[whole] & UInt8(truncatingIfNeeded: (1 << (count & 7)) - 1) }
        materialized = true
        length = count
        var ones = pending.nonzeroBitCount
        for b in storage { ones += b.nonzeroBitCount }
        nulls = count - ones
    }

    /// A bitmap of `count` rows, all valid.
    public init(allValid count: Int) {
        self.init()
        length = count
    }

    /// Appends `count` rows whose validity is bit i of word i / 64 (`words` holds at least
    /// (count + 63) / 64 words; bits past `count` are ignored); `valid` of them are set.
    public mutating func append(words: UnsafeBufferPointer<UInt64>, count n: Int, valid v: Int) {
        guard n > 0 else { return }
        precondition(words.count >= (n + 63) >> 6, "ValidityBitmap: \(words.count) words cannot hold \(n) rows")
        if !materialized {
            if v == n && nulls == 0 { length += n; return }
            if v == 0 && nulls == length { length += n; nulls += n; return }
            materialize()
        }
        if length & 7 == 0 {
            // Whole bytes go straight to storage; the rest become the pending byte.
            let wholeBytes = n >> 3
            storage.reserveCapacity(storage.count + wholeBytes + 1)
            for b in 0..<wholeBytes {
                storage.append(UInt8(truncatingIfNeeded: words[b >> 3] >> UInt64(8 * (b & 7))))
            }
            if n & 7 != 0 {
                let last = UInt8(truncatingIfNeeded: words[wholeBytes >> 3] >> UInt64(8 * (wholeBytes & 7)))
                pending = last & UInt8(truncatingIfNeeded: (1 << (n & 7)) - 1)
            }
            length += n
            nulls += n - v
        } else {
            for i in 0..<n { appendMaterialized(words[i >> 6] >> UInt64(i & 63) & 1 == 1) }
        }
    }
}
