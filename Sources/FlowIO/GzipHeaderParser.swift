import CZlib

/// Why a gzip member header was rejected, and at which index of the slice being parsed.
struct GzipHeaderProblem: Error {
    let reason: String
    let index: Int
}

/// Incremental parser of one RFC 1952 member header (ID1 ID2 CM FLG MTIME XFL OS, then
/// the optional FEXTRA, FNAME, FCOMMENT and FHCRC fields). It keeps only counters, so
/// headers of any length are parsed in bounded memory; names and comments are skipped.
struct GzipHeaderParser {
    private enum Step {
        /// Inside the 10 fixed bytes; the value is how many were seen.
        case fixed(Int)
        /// Inside the 2-byte little-endian XLEN.
        case extraLength(Int)
        case extra(remaining: Int)
        case name
        case comment
        /// Inside the 2-byte CRC16 of the header; the value is how many were seen.
        case headerCRC(Int)
        case done
    }

    private static let flagHeaderCRC: UInt8 = 0x02
    private static let flagExtra: UInt8 = 0x04
    private static let flagName: UInt8 = 0x08
    private static let flagComment: UInt8 = 0x10
    private static let reservedFlags: UInt8 = 0xE0

    private var step = Step.fixed(0)
    private var flags: UInt8 = 0
    private var extraLength = 0
    private var storedHeaderCRC: UInt16 = 0
    /// CRC-32 of the header bytes before FHCRC (its low 16 bits are the stored CRC16).
    private var crc: uLong = 0

    var isDone: Bool {
        if case .done = step { return true }
        return false
    }

    /// Consumes header bytes from the start of `bytes` and returns how many it used; stops
    /// at the end of the header (then `isDone`) or of the slice.
    mutating func consume(_ bytes: UnsafeBufferPointer<UInt8>) throws(GzipHeaderProblem) -> Int {
        var index = 0
        // Start of the run of bytes not yet added to `crc`.
        var hashedFrom = 0
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            switch step {
            case .fixed(let seen):
                switch seen {
                case 0 where byte != 0x1f, 1 where byte != 0x8b:
                    throw GzipHeaderProblem(reason: "not a gzip member (expected magic bytes 1f 8b)",
                                            index: index - seen)
                case 2 where byte != 8:
                    throw GzipHeaderProblem(reason: "unknown compression method \(byte) (only 8, deflate, exists)",
                                            index: index)
                case 3 where byte & Self.reservedFlags != 0:
                    throw GzipHeaderProblem(reason: "reserved header flag bits set", index: index)
                case 3:
                    flags = byte
                default:
                    break
                }
                index += 1
                step = seen == 9 ? afterFixed() : .fixed(seen + 1)
            case .extraLength(let seen):
                extraLength |= Int(byte) << (8 * seen)
                index += 1
                step = seen == 1 ? (extraLength > 0 ? .extra(remaining: extraLength) : afterExtra()) : .extraLength(1)
            case .extra(let remaining):
                let take = min(remaining, count - index)
                index += take
                step = take == remaining ? afterExtra() : .extra(remaining: remaining - take)
            case .name, .comment:
                // Skip to the terminating zero byte.
                var end = index
                while end < count && bytes[end] != 0 { end += 1 }
                if end < count {
                    index = end + 1
                    if case .name = step { step = afterName() } else { step = afterComment() }
                } else {
                    index = end
                }
            case .headerCRC(let seen):
                if seen == 0 {
                    crc = hashRun(bytes, from: hashedFrom, to: index)
                }
                hashedFrom = index + 1  // the CRC16 bytes themselves are not hashed
                storedHeaderCRC |= UInt16(byte) << (8 * UInt16(seen))
                index += 1
                if seen == 1 {
                    let computed = UInt16(truncatingIfNeeded: crc)
                    guard computed == storedHeaderCRC else {
                        throw GzipHeaderProblem(reason: "header CRC16 mismatch (stored \(storedHeaderCRC), "
                                                + "computed \(computed))", index: index - 2)
                    }
                    step = .done
                } else {
                    step = .headerCRC(1)
                }
            case .done:
                return index
            }
            if case .done = step { break }
        }
        // Hash the rest of this slice's header bytes (harmless once the header is done).
        crc = hashRun(bytes, from: hashedFrom, to: index)
        return index
    }

    private func hashRun(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> uLong {
        guard end > start, let base = bytes.baseAddress else { return crc }
        return crc32(crc, base + start, uInt(end - start))
    }

    private func afterFixed() -> Step {
        flags & Self.flagExtra != 0 ? .extraLength(0) : afterExtra()
    }

    private func afterExtra() -> Step {
        flags & Self.flagName != 0 ? .name : afterName()
    }

    private func afterName() -> Step {
        flags & Self.flagComment != 0 ? .comment : afterComment()
    }

    private func afterComment() -> Step {
        flags & Self.flagHeaderCRC != 0 ? .headerCRC(0) : .done
    }
}
