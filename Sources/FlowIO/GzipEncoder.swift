import CZlib
import FlowCore

/// Compresses whole buffers into complete gzip members (RFC 1952). Independent members
/// concatenate into a valid multi-member gzip file, which is how the generator compresses
/// on several cores at once.
public struct GzipEncoder: Sendable {
    /// zlib compression level, 1 (fastest) to 9 (smallest).
    public let level: Int32

    public init(level: Int32 = 1) {
        self.level = level
    }

    /// Returns one complete gzip member holding `input`.
    public func member(_ input: UnsafeRawBufferPointer) throws -> [UInt8] {
        var stream = z_stream()
        // windowBits 15 + 16: gzip wrapper; memLevel 8 is zlib's default.
        guard floe_deflateInit2(&stream, level, 15 + 16, 8) == Z_OK else {
            throw FlowIOError.compression("deflateInit2 failed")
        }
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, uLong(input.count)))
        var out = [UInt8](repeating: 0, count: bound)
        let produced: Int = try out.withUnsafeMutableBufferPointer { dst in
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
            stream.avail_in = uInt(input.count)
            stream.next_out = dst.baseAddress
            stream.avail_out = uInt(dst.count)
            let rc = deflate(&stream, Z_FINISH)
            guard rc == Z_STREAM_END else { throw FlowIOError.compression("deflate returned \(rc)") }
            return dst.count - Int(stream.avail_out)
        }
        out.removeSubrange(produced...)
        return out
    }

    /// Convenience for byte arrays.
    public func member(_ input: [UInt8]) throws -> [UInt8] {
        try input.withUnsafeBytes { try member($0) }
    }
}
