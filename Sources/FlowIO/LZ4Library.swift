#if canImport(Glibc)
import Glibc
#endif

/// liblz4's block decoder, found at run time: `liblz4.so.1` is opened with `dlopen` the
/// first time an LZ4 block is decoded, never linked, so floe builds and runs without it.
/// The library is used only when `LZ4_decompress_safe` is found and it decodes known blocks
/// (literal runs, overlapping and long matches) to exactly the bytes floe's own decoder
/// gives, and refuses a block that points before the output start and one that does not
/// fit: a library that behaves otherwise is never used.
final class LZ4Library: @unchecked Sendable {
    /// The library's name as Debian's `liblz4-1` installs it.
    static let soname = "liblz4.so.1"
    /// The loaded and checked library, or nil.
    static let shared: LZ4Library? = load()

    typealias DecompressSafe = @convention(c) (UnsafePointer<CChar>?, UnsafeMutablePointer<CChar>?, Int32, Int32) -> Int32

    /// `LZ4_decompress_safe(src, dst, compressedSize, dstCapacity)`: the decoded size, or a
    /// negative number for a malformed block or one that does not fit.
    let decompressSafe: DecompressSafe

    private init(decompressSafe: DecompressSafe) {
        self.decompressSafe = decompressSafe
    }

    private static func load() -> LZ4Library? {
        guard let handle = dlopen(soname, RTLD_NOW | RTLD_LOCAL) else { return nil }
        guard let symbol = dlsym(handle, "LZ4_decompress_safe") else {
            dlclose(handle)
            return nil
        }
        // The handle stays open for the life of the process.
        let library = LZ4Library(decompressSafe: unsafeBitCast(symbol, to: DecompressSafe.self))
        return library.decodesKnownBlocks() ? library : nil
    }

    /// Decodes `block` into `out` (`limit` bytes of room); nil when liblz4 refuses it.
    func decode(_ block: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer, limit: Int) -> Int? {
        guard block.count <= Int(Int32.max), let src = block.baseAddress, let dst = out.baseAddress else { return nil }
        let n = decompressSafe(src.assumingMemoryBound(to: CChar.self), dst.assumingMemoryBound(to: CChar.self),
                               Int32(block.count), Int32(clamping: min(limit, out.count)))
        return n >= 0 ? Int(n) : nil
    }

    /// The self-check: every block of `LZ4Block.checkBlocks` decodes to floe's own output
    /// (and is refused where floe refuses it).
    private func decodesKnownBlocks() -> Bool {
        for (block, limit) in LZ4Block.checkBlocks {
            var mine = [UInt8](repeating: 0, count: limit + LZ4Block.slack)
            var theirs = [UInt8](repeating: 0, count: limit + LZ4Block.slack)
            let expected = block.withUnsafeBytes { b in
                mine.withUnsafeMutableBytes { try? LZ4Block.decodeInSwift(b, into: $0, limit: limit) }
            }
            let got = block.withUnsafeBytes { b in theirs.withUnsafeMutableBytes { decode(b, into: $0, limit: limit) } }
            guard got == expected else { return false }
            if let n = got, mine[0..<n] != theirs[0..<n] { return false }
        }
        return true
    }
}
