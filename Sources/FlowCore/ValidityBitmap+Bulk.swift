/// Bulk construction of validity bitmaps, for readers that get a whole bitmap at once.
extension ValidityBitmap {
    /// A bitmap of `count` rows copied from Arrow bitmap bytes (LSB first). Only the first
    /// (count + 7) / 8 bytes are used (there must be at least that many); bits past `count`
    /// are cleared and the null count is computed.
    public init(bytes: UnsafeBufferPointer<UInt8>, count: Int) {
        let byteCount = (count + 7) / 8
        precondition(bytes.count >= byteCount, "ValidityBitmap: \(bytes.count) bytes cannot hold \(count) rows")
        self.init()
        storage = Array(bytes.prefix(byteCount))
        if count % 8 != 0 { storage[byteCount - 1] &= UInt8((1 << (count % 8)) - 1) }
        length = count
        var ones = 0
        for b in storage { ones += b.nonzeroBitCount }
        nulls = count - ones
    }

    /// A bitmap of `count` rows, all valid.
    public init(allValid count: Int) {
        self.init()
        let byteCount = (count + 7) / 8
        storage = [UInt8](repeating: 0xFF, count: byteCount)
        if count % 8 != 0 { storage[byteCount - 1] = UInt8((1 << (count % 8)) - 1) }
        length = count
    }
}
