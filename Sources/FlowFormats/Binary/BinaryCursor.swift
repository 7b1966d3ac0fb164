/// A bounds-checked reader over the bytes of one unit (a file header, an nfcapd record, a
/// template set) for the binary decoders' code outside the per-record hot loops: every
/// read checks that its bytes lie inside the buffer and gives nil when they do not, so a
/// short or lying record cannot be read past its end. The proven per-record loops keep
/// `BinaryBytes`' unchecked loads, whose callers prove their bounds once per record.
struct BinaryCursor {
    let bytes: UnsafeRawBufferPointer
    /// Offset of the next sequential read.
    private(set) var position: Int

    init(_ bytes: UnsafeRawBufferPointer, at position: Int = 0) {
        self.bytes = bytes
        self.position = position
    }

    /// Bytes from `position` to the end.
    var remaining: Int { max(bytes.count - position, 0) }

    /// Whether `count` bytes from `offset` lie inside the buffer.
    @inline(__always)
    func contains(_ offset: Int, _ count: Int) -> Bool {
        offset >= 0 && count >= 0 && offset <= bytes.count - count
    }

    // Reads at an offset (the position does not move).
    func u8(at o: Int) -> UInt8? { contains(o, 1) ? bytes[o] : nil }
    func le16(at o: Int) -> UInt16? { contains(o, 2) ? BinaryBytes.le16(bytes, o) : nil }
    func le32(at o: Int) -> UInt32? { contains(o, 4) ? BinaryBytes.le32(bytes, o) : nil }
    func le64(at o: Int) -> UInt64? { contains(o, 8) ? BinaryBytes.le64(bytes, o) : nil }
    func be16(at o: Int) -> UInt16? { contains(o, 2) ? BinaryBytes.be16(bytes, o) : nil }
    func be32(at o: Int) -> UInt32? { contains(o, 4) ? BinaryBytes.be32(bytes, o) : nil }

    // Sequential reads: the position moves past what was read (not when nil).
    mutating func le32() -> UInt32? { advance(4, le32(at: position)) }
    mutating func le64() -> UInt64? { advance(8, le64(at: position)) }
    mutating func be16() -> UInt16? { advance(2, be16(at: position)) }
    mutating func be32() -> UInt32? { advance(4, be32(at: position)) }

    /// Skips `count` bytes; false (and no move) when fewer remain.
    @discardableResult
    mutating func skip(_ count: Int) -> Bool {
        guard contains(position, count) else { return false }
        position += count
        return true
    }

    private mutating func advance<T>(_ count: Int, _ value: T?) -> T? {
        if value != nil { position += count }
        return value
    }
}
