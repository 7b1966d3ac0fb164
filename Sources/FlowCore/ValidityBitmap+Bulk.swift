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
}
