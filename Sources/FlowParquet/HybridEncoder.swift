/// Parquet's RLE / bit-packing hybrid (Encodings.md): runs of at least eight equal values
/// as RLE runs, everything else in bit-packed groups of eight (LSB first). Used for
/// definition levels (bit width 1) and dictionary indices.
enum HybridEncoder {
    /// Encodes `values` (each < 2^bitWidth) without a length prefix.
    static func encode(_ values: [UInt32], bitWidth: Int) -> [UInt8] { encodeValues(values, bitWidth: bitWidth) }

    /// Encodes definition levels of a flat column (each 0 or 1: bit width 1).
    static func encode(levels: [UInt8]) -> [UInt8] { encodeValues(levels, bitWidth: 1) }

    private static func encodeValues<T: FixedWidthInteger & UnsignedInteger>(_ values: [T], bitWidth: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(values.count * bitWidth / 8 + 16)
        var pending: [UInt32] = []   // a multiple of 8 values waiting to be bit-packed
        var i = 0
        while i < values.count {
            let v = UInt32(values[i])
            var run = 1
            while i + run < values.count && UInt32(values[i + run]) == v { run += 1 }
            // A run only pays off (and may only start) at a group boundary of the pending
            // values; shorter runs join the bit-packed groups.
            if run >= 8 && pending.count % 8 == 0 {
                flushPacked(&pending, bitWidth: bitWidth, into: &out)
                varint(UInt64(run) << 1, into: &out)
                var value = v
                for _ in 0..<((bitWidth + 7) / 8) {
                    out.append(UInt8(value & 0xff))
                    value >>= 8
                }
                i += run
            } else {
                pending.append(v)
                i += 1
            }
        }
        if !pending.isEmpty {
            while pending.count % 8 != 0 { pending.append(0) }   // the last group may be padded
            flushPacked(&pending, bitWidth: bitWidth, into: &out)
        }
        return out
    }

    private static func flushPacked(_ pending: inout [UInt32], bitWidth: Int, into out: inout [UInt8]) {
        guard !pending.isEmpty else { return }
        precondition(pending.count % 8 == 0)
        varint(UInt64(pending.count / 8) << 1 | 1, into: &out)
        var accumulator: UInt64 = 0
        var bits = 0
        for v in pending {
            accumulator |= UInt64(v) << UInt64(bits)
            bits += bitWidth
            while bits >= 8 {
                out.append(UInt8(accumulator & 0xff))
                accumulator >>= 8
                bits -= 8
            }
        }
        if bits > 0 { out.append(UInt8(accumulator & 0xff)) }
        pending.removeAll(keepingCapacity: true)
    }

    static func varint(_ value: UInt64, into out: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            out.append(UInt8(v & 0x7f) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }

    /// Bits needed for values 0 ... maxValue (at least 1).
    static func bitWidth(forMax maxValue: Int) -> Int {
        max(1, Int.bitWidth - maxValue.leadingZeroBitCount)
    }
}
