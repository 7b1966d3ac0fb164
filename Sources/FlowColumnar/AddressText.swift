import FlowCore

/// Reusable utf8 buffers (Arrow offsets + data) holding one address column as canonical
/// text. IPv4 addresses, the common case, are formatted here through a table of octet
/// texts straight into the buffer; IPv6 addresses go through `IPAddress.appendText`.
/// Output is byte-identical to `IPAddress.appendText` for every address.
public struct AddressText: Sendable {
    public private(set) var offsets: [Int32] = [0]
    public private(set) var data: [UInt8] = []
    private var scratch: [UInt8] = []

    public init() {}

    /// The filled text as an Arrow utf8 column with `validity`.
    public func column(validity: ValidityBitmap? = nil) -> ArrowColumn {
        .utf8(offsets: offsets, data: data, validity: validity)
    }

    /// For each octet value: its decimal digits in the low bytes (little endian) and the
    /// digit count in the top byte.
    private static let octetTable: [UInt32] = (0..<256).map { v in
        let digits = Array(String(v).utf8)
        var word = UInt32(digits.count) << 24
        for (i, d) in digits.enumerated() { word |= UInt32(d) << (8 * UInt32(i)) }
        return word
    }

    /// Fills the buffers from `addresses`; rows whose `validity` bit is clear get empty text.
    public mutating func fill(_ addresses: [IPAddress], validity: ValidityBitmap?) {
        addresses.withUnsafeBufferPointer { fill($0, validity: validity) }
    }

    /// `fill(_:validity:)` from addresses in place (a `FlowBatchBuilder`'s rows).
    public mutating func fill(_ addrs: UnsafeBufferPointer<IPAddress>, validity: ValidityBitmap?) {
        let n = addrs.count
        var worstCase = 16
        for a in addrs { worstCase += a.isIPv4 ? 16 : 40 }
        offsets.removeAll(keepingCapacity: true)
        offsets.append(contentsOf: repeatElement(0, count: n + 1))
        // Room for the worst case; bytes left from the last fill are overwritten, so only
        // growth is zero-filled.
        if data.count < worstCase {
            data.append(contentsOf: repeatElement(0, count: worstCase - data.count))
        } else {
            data.removeLast(data.count - worstCase)
        }
        var scratch = self.scratch
        let bitmap = validity?.bytes ?? []
        let checkValidity = validity != nil
        let used = Self.octetTable.withUnsafeBufferPointer { table in
            bitmap.withUnsafeBufferPointer { bits in
                offsets.withUnsafeMutableBufferPointer { offs in
                    data.withUnsafeMutableBytes { out in
                        let base = out.baseAddress!
                        var pos = 0
                        for i in 0..<n {
                            let mask: UInt8 = 1 << UInt8(truncatingIfNeeded: i & 7)
                            let valid: Bool = !checkValidity || (bits[i >> 3] & mask) != 0
                            if valid {
                                let a = addrs[i]
                                if a.isIPv4 {
                                    let v = UInt32(truncatingIfNeeded: a.low)
                                    for k in 0..<4 {
                                        let word = table[Int((v >> (24 - 8 * UInt32(k))) & 0xFF)]
                                        if k > 0 {
                                            base.storeBytes(of: UInt8(ascii: "."), toByteOffset: pos, as: UInt8.self)
                                            pos += 1
                                        }
                                        // Stores 4 bytes, keeps 1-3: the worst case leaves room.
                                        base.storeBytes(of: word.littleEndian, toByteOffset: pos, as: UInt32.self)
                                        pos += Int(word >> 24)
                                    }
                                } else {
                                    scratch.removeAll(keepingCapacity: true)
                                    a.appendText(to: &scratch)
                                    scratch.withUnsafeBytes { (base + pos).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
                                    pos += scratch.count
                                }
                            }
                            offs[i + 1] = Int32(truncatingIfNeeded: pos)
                        }
                        return pos
                    }
                }
            }
        }
        data.removeLast(data.count - used)
        self.scratch = scratch
    }
}
