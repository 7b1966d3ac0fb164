#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// ZSTD and Snappy page compression from the system's shared libraries, loaded at run time
/// (`dlopen`), so floe builds and runs without them: `--compression zstd` or `snappy`
/// fails with a clear message where the library is missing, and gzip (zlib, always
/// linked) or none remain.
struct RuntimeCodec: @unchecked Sendable {
    private typealias ZstdBound = @convention(c) (Int) -> Int
    private typealias ZstdCompress = @convention(c) (UnsafeMutableRawPointer?, Int, UnsafeRawPointer?, Int, Int32) -> Int
    private typealias ZstdIsError = @convention(c) (Int) -> UInt32
    private typealias SnappyBound = @convention(c) (Int) -> Int
    private typealias SnappyCompress = @convention(c) (UnsafePointer<CChar>?, Int, UnsafeMutablePointer<CChar>?, UnsafeMutablePointer<Int>) -> Int32

    let name: String
    private let compressBody: ([UInt8]) throws(ParquetError) -> [UInt8]

    func compress(_ input: [UInt8]) throws(ParquetError) -> [UInt8] { try compressBody(input) }

    /// Loads `library` and its functions; throws `codecUnavailable` naming what is missing.
    static func load(_ compression: ParquetCompression, library: String? = nil) throws(ParquetError) -> RuntimeCodec {
        let file = library ?? (compression == .zstd ? "libzstd.so.1" : "libsnappy.so.1")
        guard let handle = dlopen(file, RTLD_NOW | RTLD_LOCAL) else {
            throw .codecUnavailable(codec: compression.rawValue, library: file, reason: dlerror().map { String(cString: $0) } ?? "not found")
        }
        func symbol<T>(_ name: String, as: T.Type) throws(ParquetError) -> T {
            guard let pointer = dlsym(handle, name) else {
                throw .codecUnavailable(codec: compression.rawValue, library: file, reason: "it has no \(name)")
            }
            return unsafeBitCast(pointer, to: T.self)
        }
        switch compression {
        case .zstd:
            let bound = try symbol("ZSTD_compressBound", as: ZstdBound.self)
            let compress = try symbol("ZSTD_compress", as: ZstdCompress.self)
            let isError = try symbol("ZSTD_isError", as: ZstdIsError.self)
            return RuntimeCodec(name: "zstd") { (input: [UInt8]) throws(ParquetError) -> [UInt8] in
                var out = [UInt8](repeating: 0, count: bound(input.count))
                let written = out.withUnsafeMutableBytes { dst in
                    input.withUnsafeBytes { src in compress(dst.baseAddress, dst.count, src.baseAddress, src.count, 3) }
                }
                if isError(written) != 0 { throw .io(path: file, reason: "ZSTD_compress failed (code \(written))") }
                out.removeSubrange(written...)
                return out
            }
        case .snappy:
            let bound = try symbol("snappy_max_compressed_length", as: SnappyBound.self)
            let compress = try symbol("snappy_compress", as: SnappyCompress.self)
            return RuntimeCodec(name: "snappy") { (input: [UInt8]) throws(ParquetError) -> [UInt8] in
                var out = [UInt8](repeating: 0, count: bound(input.count))
                var length = out.count
                let status = out.withUnsafeMutableBytes { dst in
                    input.withUnsafeBytes { src in
                        compress(src.baseAddress?.assumingMemoryBound(to: CChar.self), src.count,
                                 dst.baseAddress?.assumingMemoryBound(to: CChar.self), &length)
                    }
                }
                if status != 0 { throw .io(path: file, reason: "snappy_compress failed (status \(status))") }
                out.removeSubrange(length...)
                return out
            }
        case .none, .gzip:
            throw .codecUnavailable(codec: compression.rawValue, library: file, reason: "not a run-time codec")
        }
    }
}
