import FlowArtifacts

/// The raw bytes quarantine lines quote for binary rejects (`raw_hex`): for a reject at
/// file offset `o`, the bytes of the chunk that was fed when it was rejected from `o` on,
/// at most `QuarantineEncoder.binaryRawLimit` of them and none past the chunk's end; no
/// bytes when `o` lies before that chunk (a unit carried over from an earlier one).
///
/// On the decoding thread the chunk itself is at hand (`window`). The nfcapd reader thread
/// (`NfcapdBlocksAhead`) has released its chunk by the time the blocks are decoded, so it
/// keeps these bytes for every unit that starts in the chunk (`keep`); overlapping ranges
/// share their bytes, so one chunk's quotes never hold more than the chunk.
struct RejectQuotes: Sendable {
    /// The bytes kept, range after range.
    private var bytes: [UInt8] = []
    /// The ranges kept, in file order: file offset of the first byte, where it is in `bytes`, length.
    private var ranges: [(offset: Int64, start: Int, count: Int)] = []

    /// The quote of a reject at `offset` out of `window`, the chunk whose first byte is at
    /// file offset `windowOffset` (nil when `offset` is outside it).
    static func quote(at offset: Int64, window: UnsafeRawBufferPointer, windowOffset: Int64) -> UnsafeRawBufferPointer? {
        guard offset >= windowOffset, offset - windowOffset < Int64(window.count) else { return nil }
        let at = Int(offset - windowOffset)
        return UnsafeRawBufferPointer(rebasing: window[at..<min(window.count, at + QuarantineEncoder.binaryRawLimit)])
    }

    /// Keeps what a reject of the unit at `offset` would quote from `window` (first byte at
    /// `windowOffset`), for `withLookup` once the window is gone.
    mutating func keep(unitAt offset: Int64, window: UnsafeRawBufferPointer, windowOffset: Int64) {
        guard let quote = Self.quote(at: offset, window: window, windowOffset: windowOffset) else { return }
        let end = offset + Int64(quote.count)
        if let last = ranges.last, last.offset + Int64(last.count) >= offset {
            let lastEnd = last.offset + Int64(last.count)
            guard end > lastEnd else { return }
            bytes.append(contentsOf: quote[Int(lastEnd - offset)...])
            ranges[ranges.count - 1].count = Int(end - last.offset)
            return
        }
        ranges.append((offset, bytes.count, quote.count))
        bytes.append(contentsOf: quote)
    }

    /// Calls `body` with a lookup of the kept quotes, valid while `body` runs.
    func withLookup<T>(_ body: (Lookup) throws -> T) rethrows -> T {
        try bytes.withUnsafeBytes { try body(Lookup(kept: $0, ranges: ranges)) }
    }

    /// The kept quotes of `RejectQuotes`, while its bytes are at hand.
    struct Lookup {
        let kept: UnsafeRawBufferPointer
        let ranges: [(offset: Int64, start: Int, count: Int)]

        /// The kept quote of a reject at `offset` (nil when none was kept).
        func quote(at offset: Int64) -> UnsafeRawBufferPointer? {
            // The last range starting at or before `offset`.
            var low = 0, high = ranges.count
            while low < high {
                let mid = (low + high) / 2
                if ranges[mid].offset <= offset { low = mid + 1 } else { high = mid }
            }
            guard low > 0 else { return nil }
            let r = ranges[low - 1]
            let skip = offset - r.offset
            guard skip < Int64(r.count) else { return nil }
            let from = r.start + Int(skip)
            return UnsafeRawBufferPointer(rebasing: kept[from..<min(r.start + r.count, from + QuarantineEncoder.binaryRawLimit)])
        }
    }
}
