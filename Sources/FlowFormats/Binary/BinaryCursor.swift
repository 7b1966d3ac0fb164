/// A bounds-checked reader over the bytes of one unit (a file header, a capture record
/// header, an export message or set, a template, an nfcapd record) for the binary
/// decoders' code outside the per-record hot loops: every read checks that its bytes lie
/// inside the buffer. The `read…`/`take` calls move the position and throw a
/// `BinaryBoundsError` naming the input offset of the read that did not fit; the `…(at:)`
/// calls read at an offset and give nil. So a short or lying unit cannot be read past its
/// end. The proven per-record loops keep `BinaryBytes`' unchecked loads, whose callers
/// prove their bounds once per record.
struct BinaryCursor {
    let bytes: UnsafeRawBufferPointer
    /// Input offset of `bytes[0]`, for the offsets errors name.
    let origin: Int64
    /// Offset of the next sequential read.
    private(set) var position: Int

    init(_ bytes: UnsafeRawBufferPointer, at position: Int = 0, origin: Int64 = 0) {
        self.bytes = bytes
        self.position = position
        self.origin = origin
    }

    /// Bytes from `position` to the end.
    var remaining: Int { max(bytes.count - position, 0) }

    /// Input offset of `position`.
    var inputOffset: Int64 { origin + Int64(position) }

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
    func u16(at o: Int, bigEndian: Bool) -> UInt16? { contains(o, 2) ? BinaryBytes.u16(bytes, o, bigEndian: bigEndian) : nil }
    func u32(at o: Int, bigEndian: Bool) -> UInt32? { contains(o, 4) ? BinaryBytes.u32(bytes, o, bigEndian: bigEndian) : nil }

    // Sequential reads giving nil: the position moves past what was read (not when nil).
    mutating func le32() -> UInt32? { advance(4, le32(at: position)) }
    mutating func le64() -> UInt64? { advance(8, le64(at: position)) }
    mutating func be16() -> UInt16? { advance(2, be16(at: position)) }
    mutating func be32() -> UInt32? { advance(4, be32(at: position)) }

    // Checked sequential reads: the position moves past what was read, or the read throws
    // (and the position stays).
    mutating func readBE16() throws(BinaryBoundsError) -> UInt16 { try require(2); return advanced(2, BinaryBytes.be16(bytes, position)) }
    mutating func readBE32() throws(BinaryBoundsError) -> UInt32 { try require(4); return advanced(4, BinaryBytes.be32(bytes, position)) }
    mutating func readLE32() throws(BinaryBoundsError) -> UInt32 { try require(4); return advanced(4, BinaryBytes.le32(bytes, position)) }
    mutating func readU16(bigEndian: Bool) throws(BinaryBoundsError) -> UInt16 {
        try require(2)
        return advanced(2, BinaryBytes.u16(bytes, position, bigEndian: bigEndian))
    }
    mutating func readU32(bigEndian: Bool) throws(BinaryBoundsError) -> UInt32 {
        try require(4)
        return advanced(4, BinaryBytes.u32(bytes, position, bigEndian: bigEndian))
    }

    /// The next `count` bytes, the position moved past them.
    mutating func take(_ count: Int) throws(BinaryBoundsError) -> UnsafeRawBufferPointer {
        try require(count)
        defer { position += count }
        return UnsafeRawBufferPointer(rebasing: bytes[position..<(position + count)])
    }

    /// Skips `count` bytes; false (and no move) when fewer remain.
    @discardableResult
    mutating func skip(_ count: Int) -> Bool {
        guard contains(position, count) else { return false }
        position += count
        return true
    }

    /// Throws unless `count` bytes remain from the position.
    func require(_ count: Int) throws(BinaryBoundsError) {
        guard contains(position, count) else {
            throw BinaryBoundsError(offset: inputOffset, needed: count, available: remaining)
        }
    }

    private mutating func advance<T>(_ count: Int, _ value: T?) -> T? {
        if value != nil { position += count }
        return value
    }

    @inline(__always)
    private mutating func advanced<T>(_ count: Int, _ value: T) -> T {
        position += count
        return value
    }
}

/// A checked read of a `BinaryCursor` that did not fit its unit: the input offset of the
/// read, the bytes it needed and the bytes that were left. Decoders turn it into a
/// counted reject (or a `BinaryFormatError`) whose message says which structure was short.
struct BinaryBoundsError: Error, Sendable, Equatable {
    let offset: Int64
    let needed: Int
    let available: Int
}
