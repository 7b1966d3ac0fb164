/// nfcapd files made for tests out of an uncompressed one (the committed nfcapd-none
/// fixture): its records regrouped into many small blocks, each LZ4-compressed by a small
/// greedy compressor (or left stored), so that tests can cross many block and chunk
/// boundaries and damage one block in the middle.
public enum NfcapdTestFile {
    /// One block: its header fields and payload.
    public struct Block {
        public var records: Int
        public var type: UInt16
        public var flags: UInt16
        public var payload: [UInt8]
    }

    /// The 40-byte file header and the blocks of an nfcapd file.
    public static func blocks(_ file: [UInt8]) -> (header: [UInt8], blocks: [Block]) {
        var blocks: [Block] = []
        var at = 40
        while at + 12 <= file.count {
            let size = le32(file, at + 4)
            blocks.append(Block(records: le32(file, at), type: UInt16(le16(file, at + 8)), flags: UInt16(le16(file, at + 10)),
                                payload: Array(file[(at + 12)..<min(file.count, at + 12 + size)])))
            at += 12 + size
        }
        return (Array(file[0..<40]), blocks)
    }

    /// The file of `header` and `blocks` (the header's compression byte set to `compression`).
    public static func file(header: [UInt8], blocks: [Block], compression: UInt8) -> [UInt8] {
        var out = header
        out[16] = compression
        for b in blocks {
            out += u32(b.records) + u32(b.payload.count) + [UInt8(b.type & 0xFF), UInt8(b.type >> 8)]
            out += [UInt8(b.flags & 0xFF), UInt8(b.flags >> 8)] + b.payload
        }
        return out
    }

    /// `file` (uncompressed, layout 2) rewritten with LZ4 blocks of at most `recordsPerBlock`
    /// records each, in the same order; every `storedEvery`-th block (when not 0) is left
    /// uncompressed with the block flag that says so.
    public static func lz4(_ file: [UInt8], recordsPerBlock: Int, storedEvery: Int = 0) -> [UInt8] {
        let (header, blocks) = blocks(file)
        var out: [Block] = []
        for block in blocks {
            var records: [[UInt8]] = []
            var at = 0
            while at + 4 <= block.payload.count, records.count < block.records {
                let size = le16(block.payload, at + 2)
                records.append(Array(block.payload[at..<(at + size)]))
                at += size
            }
            var start = 0
            while start < records.count {
                let group = records[start..<min(records.count, start + recordsPerBlock)]
                let payload = group.flatMap { $0 }
                let stored = storedEvery > 0 && (out.count + 1) % storedEvery == 0
                out.append(Block(records: group.count, type: block.type, flags: stored ? 1 : 0,
                                 payload: stored ? payload : lz4Compress(payload)))
                start += recordsPerBlock
            }
        }
        return Self.file(header: header, blocks: out, compression: 3)
    }

    /// An LZ4 block (no frame) of `data`: greedy matches found through a hash of 4 bytes,
    /// the last match ending at least 5 bytes before the end (the literals the format asks for).
    public static func lz4Compress(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var table = [Int](repeating: -1, count: 4096)
        var anchor = 0
        var i = 0
        func length(_ extra: Int) {
            var rest = extra
            while rest >= 255 { out.append(255); rest -= 255 }
            out.append(UInt8(rest))
        }
        func literals(_ to: Int, match: Int) {
            let lit = to - anchor
            out.append(UInt8(min(lit, 15) << 4 | min(max(match - 4, 0), 15)))
            if lit >= 15 { length(lit - 15) }
            out += data[anchor..<to]
        }
        while i + 12 <= data.count {
            let word = le32(data, i)
            let slot = Int((UInt32(truncatingIfNeeded: word) &* 2_654_435_761) >> 20)
            let candidate = table[slot]
            table[slot] = i
            guard candidate >= 0, i - candidate <= 65_535, le32(data, candidate) == word else {
                i += 1
                continue
            }
            var len = 4
            while i + len < data.count - 5, data[candidate + len] == data[i + len] { len += 1 }
            literals(i, match: len)
            let offset = i - candidate
            out += [UInt8(offset & 0xFF), UInt8(offset >> 8)]
            if len - 4 >= 15 { length(len - 19) }
            i += len
            anchor = i
        }
        literals(data.count, match: 0)
        return out
    }

    static func le16(_ b: [UInt8], _ at: Int) -> Int { Int(b[at]) | Int(b[at + 1]) << 8 }
    static func le32(_ b: [UInt8], _ at: Int) -> Int { le16(b, at) | le16(b, at + 2) << 16 }
    static func u32(_ v: Int) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
}
