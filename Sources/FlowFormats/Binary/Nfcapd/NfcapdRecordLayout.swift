import FlowCore

/// Where the elements of an nfcapd V3 flow record sit: the offsets of the element bodies
/// floe reads, found by walking the record's element headers once. nfcapd writes the
/// records of an exporter with the same elements in the same order, so following records
/// of the same size whose element headers (type and length, at the same offsets) are the
/// same have the same layout, and runs of them decode column by column (`NfcapdRun`).
///
/// Elements are read as nfdump's nfxV3.h lays them out. When an element type appears twice,
/// the later one wins (so does the later of an IPv4 and an IPv6 address element); elements
/// too short for the fields floe reads, and element types floe does not read, are skipped.
struct NfcapdRecordLayout {
    /// Bytes of the V3 record header before the first element.
    static let headerLength = 12

    /// Record size (0: no layout yet) and announced element count.
    private(set) var size = 0
    private(set) var elements = 0
    /// The record's first four bytes (type 11, size), as one little-endian word.
    private var recordHeader: UInt32 = 0
    /// Offset of each element header and its first four bytes (type, length).
    private var headerOffsets: [Int] = []
    private var headers: [UInt32] = []
    /// Offsets of the element bodies floe reads (-1: absent).
    private(set) var generic = -1, ipv4 = -1, ipv6 = -1, misc = -1, counters = -1, routing = -1
    private(set) var received4 = -1, received6 = -1

    /// The columns a run of this layout fills (`NfcapdElement`).
    var filled: FlowBatchBuilder.FilledColumns {
        var f: FlowBatchBuilder.FilledColumns = [.times, .counters, .ports, .protocol, .tcpFlags, .tos]
        if ipv4 >= 0 || ipv6 >= 0 { f.insert(.addresses) }
        if misc >= 0 { f.formUnion([.interfaces, .direction]) }
        if counters >= 0 { f.insert(.reverseCounters) }
        if routing >= 0 { f.insert(.asNumbers) }
        return f
    }

    /// What keeps a record from having a layout: the reject detail.
    struct Unreadable: Error {
        let detail: String
    }

    /// True when the record at `at` in `b` (at least `size` bytes left) has exactly this layout.
    @inline(__always)
    func matches(_ b: UnsafeRawBufferPointer, at: Int) -> Bool {
        guard size != 0, BinaryBytes.le32(b, at) == recordHeader, Int(BinaryBytes.le16(b, at + 4)) == elements else {
            return false
        }
        for k in 0..<headers.count where BinaryBytes.le32(b, at + headerOffsets[k]) != headers[k] { return false }
        return true
    }

    /// The layout of V3 record `r` (its `size` bytes, type 11): the element walk, which
    /// stops early when fewer than four bytes are left for an element header.
    static func of(_ r: UnsafeRawBufferPointer) throws(Unreadable) -> NfcapdRecordLayout {
        guard r.count >= headerLength else { throw Unreadable(detail: "nfcapd V3 record of \(r.count) bytes") }
        var l = NfcapdRecordLayout()
        l.size = r.count
        l.elements = Int(BinaryBytes.le16(r, 4))
        l.recordHeader = BinaryBytes.le32(r, 0)
        var at = headerLength
        for _ in 0..<l.elements {
            guard r.count - at >= 4 else { break }
            let type = BinaryBytes.le16(r, at), length = Int(BinaryBytes.le16(r, at + 2))
            guard length >= 4, length <= r.count - at else {
                throw Unreadable(detail: "nfcapd element \(type) length \(length) runs past its record")
            }
            l.headerOffsets.append(at)
            l.headers.append(BinaryBytes.le32(r, at))
            let body = at + 4, have = length - 4
            switch type {
            case 1 where have >= 48: l.generic = body
            case 2 where have >= 8: l.ipv4 = body; l.ipv6 = -1
            case 3 where have >= 32: l.ipv6 = body; l.ipv4 = -1
            case 4 where have >= 12: l.misc = body
            case 5 where have >= 24: l.counters = body
            case 7 where have >= 8: l.routing = body
            case 12 where have >= 4: l.received4 = body; l.received6 = -1
            case 13 where have >= 16: l.received6 = body; l.received4 = -1
            default: break  // too short to read, or no field of ours
            }
            at += length
        }
        guard l.generic >= 0 else {
            throw Unreadable(detail: "nfcapd V3 record without its generic flow element (times, counters)")
        }
        return l
    }
}
