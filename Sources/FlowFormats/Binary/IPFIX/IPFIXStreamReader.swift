import FlowCore

/// Reads a bare sequence of IPFIX messages (an RFC 5655 IPFIX file, or a dumped TCP/SCTP
/// export stream), fed in chunks. The message header's length field frames each message;
/// records carry no exporter address (the stream has none).
public struct IPFIXStreamReader: Sendable {
    public var decoder: FlowExportDecoder
    var carry: [UInt8] = []
    var offset: Int64 = 0

    public init(options: BinaryDecodeOptions = BinaryDecodeOptions()) {
        decoder = FlowExportDecoder(options: options)
    }

    public var report: BinaryDecodeReport { decoder.report }
    public mutating func takeRejects() -> [BinaryReject] { decoder.takeRejects() }

    public mutating func feed(_ chunk: UnsafeRawBufferPointer, into batch: FlowBatchBuilder) throws {
        var rest = chunk
        while !carry.isEmpty && !rest.isEmpty {
            let need = carry.count >= 4 ? try carry.withUnsafeBytes { try messageLength($0) } : 4
            let take = min(max(need - carry.count, 1), rest.count)
            carry.append(contentsOf: UnsafeRawBufferPointer(rebasing: rest[0..<take]))
            rest = UnsafeRawBufferPointer(rebasing: rest[take...])
            if carry.count >= 4, carry.count == (try carry.withUnsafeBytes { try messageLength($0) }) {
                let unit = carry
                carry.removeAll(keepingCapacity: true)
                unit.withUnsafeBytes { decoder.decode(message: $0, exporter: nil, offset: offset, into: batch) }
                offset += Int64(unit.count)
            }
        }
        while rest.count >= 4 {
            let n = try messageLength(rest)
            guard n <= rest.count else { break }
            decoder.decode(message: UnsafeRawBufferPointer(rebasing: rest[0..<n]), exporter: nil, offset: offset, into: batch)
            offset += Int64(n)
            rest = UnsafeRawBufferPointer(rebasing: rest[n...])
        }
        carry.append(contentsOf: rest)
    }

    public mutating func finish(into batch: FlowBatchBuilder) throws {
        if !carry.isEmpty {
            decoder.reject(.badExportHeader, offset, 1, "IPFIX stream ends inside a message (\(carry.count) bytes of it present)")
            carry.removeAll()
        }
        decoder.finish()
    }

    func messageLength(_ p: UnsafeRawBufferPointer) throws -> Int {
        let version = BinaryBytes.be16(p, 0)
        let length = Int(BinaryBytes.be16(p, 2))
        guard version == 10, length >= 16 else {
            throw BinaryFormatError.corrupt(offset: offset, detail: "IPFIX stream: message header with version \(version), length \(length); the stream is corrupt from here")
        }
        return length
    }
}
