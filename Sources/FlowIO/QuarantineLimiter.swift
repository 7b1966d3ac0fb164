/// Keeps one input's share of a quarantine file (floe-ingest's, floe-clean's) bounded: the first `limit` reject lines (in
/// input order) pass through whole; later ones are only counted (`dropped`), by reason in
/// the manifest as before. So a file of ten million bad lines costs a bounded quarantine
/// and flat memory, and the manifest says how many rejects were not kept.
///
/// Reject lines arrive as byte runs of whole JSON lines (a raw newline only ever ends a
/// line: newlines inside values are escaped). Used on the writing thread only.
public final class QuarantineLimiter {
    public let limit: Int
    public private(set) var kept = 0
    /// Reject lines counted but not written.
    public private(set) var dropped: Int64 = 0
    private let sink: ([UInt8]) throws -> Void

    public init(limit: Int, sink: @escaping ([UInt8]) throws -> Void) {
        self.limit = max(0, limit)
        self.sink = sink
    }

    /// Passes on the lines of `bytes` that still fit, counts the rest.
    public func pass(_ bytes: [UInt8]) throws {
        guard !bytes.isEmpty else { return }
        let room = limit - kept
        var lines = 0
        var cut = bytes.count
        for (i, b) in bytes.enumerated() where b == 0x0A {
            lines += 1
            if lines == room { cut = i + 1 }
        }
        if lines <= room {
            kept += lines
            try sink(bytes)
        } else {
            kept = limit
            dropped += Int64(lines - max(room, 0))
            if room > 0 { try sink(Array(bytes[0..<cut])) }
        }
    }
}
