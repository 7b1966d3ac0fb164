import FlowCore

/// A reader of a stream of self-delimiting units (capture records, nfcapd blocks) that is
/// fed chunks of any size: whole units are decoded in place, and at most one unfinished
/// unit is carried over to the next chunk.
protocol UnitStreamReader {
    /// Where decoded units go (a batch builder, or the next stage of a reader).
    associatedtype UnitSink
    /// The start of an unfinished unit carried between chunks.
    var carry: [UInt8] { get set }
    /// Stream offset of the first byte not yet consumed (`carry` starts here).
    var offset: Int64 { get set }
    /// Length of the unit at the start of `p`, or nil when more bytes are needed to tell.
    func unitLength(_ p: UnsafeRawBufferPointer) throws -> Int?
    /// How many more bytes to gather before asking `unitLength` again, when `have` bytes
    /// of a unit whose length is not known yet are carried.
    func moreBytesToProbe(have: Int) -> Int
    /// Decodes one whole unit.
    mutating func processUnit(_ p: UnsafeRawBufferPointer, into sink: UnitSink) throws
}

extension UnitStreamReader {
    /// Completes the carried unit from `chunk`, decodes every whole unit of it, and keeps a
    /// trailing partial unit for the next call.
    mutating func feedUnits(_ chunk: UnsafeRawBufferPointer, into sink: UnitSink) throws {
        var rest = chunk
        while !carry.isEmpty && !rest.isEmpty {
            let have = carry.count
            let need = try carry.withUnsafeBytes { try unitLength($0) }
            let want = need.map { $0 - have } ?? moreBytesToProbe(have: have)
            let take = min(max(want, 1), rest.count)
            carry.append(contentsOf: UnsafeRawBufferPointer(rebasing: rest[0..<take]))
            rest = UnsafeRawBufferPointer(rebasing: rest[take...])
            if let n = need, carry.count >= n {
                // The unit leaves `carry` while it decodes (the reader is mutated) and its
                // buffer comes back empty, so the carry keeps its pages from chunk to chunk.
                var unit: [UInt8] = []
                swap(&unit, &carry)
                defer { unit.removeAll(keepingCapacity: true); carry = unit }
                try unit.withUnsafeBytes { try processUnit($0, into: sink) }
                offset += Int64(n)
            }
        }
        while !rest.isEmpty {
            guard let n = try unitLength(rest), n <= rest.count else {
                carry.append(contentsOf: rest)
                return
            }
            try processUnit(UnsafeRawBufferPointer(rebasing: rest[0..<n]), into: sink)
            offset += Int64(n)
            rest = UnsafeRawBufferPointer(rebasing: rest[n...])
        }
    }
}
