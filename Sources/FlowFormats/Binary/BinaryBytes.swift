/// Wire-integer loads for the binary decoders. Callers check bounds first (every load
/// names an offset that the caller has proven to lie inside the buffer); these helpers only
/// do the unaligned load and the byte-order swap.
enum BinaryBytes {
    @inline(__always)
    static func be8(_ p: UnsafeRawBufferPointer, _ o: Int) -> UInt8 { p[o] }

    @inline(__always)
    static func be16(_ p: UnsafeRawBufferPointer, _ o: Int) -> UInt16 {
        UInt16(bigEndian: p.loadUnaligned(fromByteOffset: o, as: UInt16.self))
    }

    @inline(__always)
    static func be32(_ p: UnsafeRawBufferPointer, _ o: Int) -> UInt32 {
        UInt32(bigEndian: p.loadUnaligned(fromByteOffset: o, as: UInt32.self))
    }

    @inline(__always)
    static func be64(_ p: UnsafeRawBufferPointer, _ o: Int) -> UInt64 {
        UInt64(bigEndian: p.loadUnaligned(fromByteOffset: o, as: UInt64.self))
    }

    @inline(__always)
    static func le16(_ p: UnsafeRawBufferPointer, _ o: Int) -> UInt16 {
        UInt16(littleEndian: p.loadUnaligned(fromByteOffset: o, as: UInt16.self))
    }

    @inline(__always)
    static func le32(_ p: UnsafeRawBufferPointer, _ o: Int) -> UInt32 {
        UInt32(littleEndian: p.loadUnaligned(fromByteOffset: o, as: UInt32.self))
    }

    @inline(__always)
    static func le64(_ p: UnsafeRawBufferPointer, _ o: Int) -> UInt64 {
        UInt64(littleEndian: p.loadUnaligned(fromByteOffset: o, as: UInt64.self))
    }

    /// 16/32-bit loads in a byte order chosen at run time (pcap, pcapng).
    @inline(__always)
    static func u16(_ p: UnsafeRawBufferPointer, _ o: Int, bigEndian: Bool) -> UInt16 {
        bigEndian ? be16(p, o) : le16(p, o)
    }

    @inline(__always)
    static func u32(_ p: UnsafeRawBufferPointer, _ o: Int, bigEndian: Bool) -> UInt32 {
        bigEndian ? be32(p, o) : le32(p, o)
    }

    /// An unsigned big-endian integer of 1...8 bytes (IPFIX reduced-size encoding, RFC 7011
    /// §6.2); longer fields keep their last 8 bytes.
    @inline(__always)
    static func beUInt(_ p: UnsafeRawBufferPointer, _ o: Int, _ length: Int) -> UInt64 {
        switch length {
        case 1: return UInt64(p[o])
        case 2: return UInt64(be16(p, o))
        case 4: return UInt64(be32(p, o))
        case 8: return be64(p, o)
        default:
            var v: UInt64 = 0
            var i = length > 8 ? o + length - 8 : o
            let end = o + length
            while i < end { v = v << 8 | UInt64(p[i]); i += 1 }
            return v
        }
    }
}
