import FlowCore

/// Where the elements of one nfcapd V3 record layout sit. nfcapd writes the records of an
/// exporter with the same elements in the same order, so once a record has been decoded
/// element by element, following records with the same size and the same element headers
/// (type and length, at the same offsets) are read at these offsets, without walking and
/// dispatching on their elements. Only layouts in which every element floe reads appears
/// once (and one address family) are kept, so the order of the elements cannot matter.
struct NfcapdRecordLayout {
    /// Longest element list kept.
    static let maxElements = 12

    /// Record size (0: no layout yet) and element count.
    private(set) var size = 0
    private(set) var elements = 0
    /// Offset of each element header and its first four bytes (type, length).
    private var headerOffsets: [Int] = []
    private var headers: [UInt32] = []
    /// Offsets of the element bodies floe reads (-1: absent).
    private(set) var generic = -1, ipv4 = -1, ipv6 = -1, misc = -1, counters = -1, routing = -1
    private(set) var received4 = -1, received6 = -1

    /// True when `r` (announcing `elements` elements) has exactly this layout.
    @inline(__always)
    func matches(_ r: UnsafeRawBufferPointer, elements: Int) -> Bool {
        guard r.count == size, elements == self.elements else { return false }
        for k in 0..<headers.count where BinaryBytes.le32(r, headerOffsets[k]) != headers[k] { return false }
        return true
    }

    /// Records what a record decoded element by element looked like, the element headers
    /// at `offsets`; returns nil when the layout is not one to keep.
    static func of(_ r: UnsafeRawBufferPointer, elements: Int, offsets: [Int]) -> NfcapdRecordLayout? {
        guard offsets.count == elements, elements <= maxElements else { return nil }
        var l = NfcapdRecordLayout()
        l.size = r.count
        l.elements = elements
        l.headerOffsets = offsets
        for at in offsets {
            l.headers.append(BinaryBytes.le32(r, at))
            let type = BinaryBytes.le16(r, at), body = Int(BinaryBytes.le16(r, at + 2)) - 4
            func claim(_ slot: inout Int, _ minimum: Int) -> Bool {
                guard body >= minimum else { return true }  // too short: the decoder skips it too
                guard slot < 0 else { return false }
                slot = at + 4
                return true
            }
            let kept: Bool
            switch type {
            case 1: kept = claim(&l.generic, 48)
            case 2: kept = claim(&l.ipv4, 8)
            case 3: kept = claim(&l.ipv6, 32)
            case 4: kept = claim(&l.misc, 12)
            case 5: kept = claim(&l.counters, 24)
            case 7: kept = claim(&l.routing, 8)
            case 12: kept = claim(&l.received4, 4)
            case 13: kept = claim(&l.received6, 16)
            default: kept = true
            }
            if !kept { return nil }
        }
        guard l.generic >= 0, l.ipv4 < 0 || l.ipv6 < 0, l.received4 < 0 || l.received6 < 0 else { return nil }
        return l
    }
}
