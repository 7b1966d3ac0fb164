#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a regular file front to back with large POSIX `read`s, hashing the bytes (XXH64)
/// as they pass so the file's fingerprint is ready when the end is reached.
public final class FileByteSource: ByteSource {
    /// Largest single `read(2)`: big enough to amortise the system call, small enough that
    /// the bytes are still in cache when they are hashed.
    public static let readSize = 256 * 1024

    public let path: String
    /// Size of the file when it was opened.
    public let fileSize: Int64
    public private(set) var rawBytesConsumed: Int64 = 0
    private let descriptor: Int32
    private var hasher = XXH64()
    private var reachedEnd = false

    /// Opens `path` read-only (close-on-exec) and advises the kernel of sequential reading.
    /// Throws `cannotOpen` if it is missing, unreadable or not a regular file.
    public init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FlowIOError.cannotOpen(path: path, reason: errnoDescription()) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let reason = errnoDescription()
            close(fd)
            throw FlowIOError.cannotOpen(path: path, reason: reason)
        }
        guard isRegularFile(info) else {
            close(fd)
            throw FlowIOError.cannotOpen(path: path, reason: "not a regular file")
        }
        #if os(Linux)
        _ = posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL)
        #endif
        descriptor = fd
        fileSize = Int64(info.st_size)
    }

    deinit {
        close(descriptor)
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let base = buffer.baseAddress else { return 0 }
        var filled = 0
        while filled < buffer.count {
            let want = min(buffer.count - filled, Self.readSize)
            let got = systemRead(descriptor, base + filled, want)
            if got < 0 {
                if errno == EINTR { continue }
                throw FlowIOError.readFailed(
                    path: path, reason: "\(errnoDescription()) at byte offset \(rawBytesConsumed)")
            }
            if got == 0 {
                reachedEnd = true
                break
            }
            hasher.update(UnsafeRawBufferPointer(start: base + filled, count: got))
            filled += got
            rawBytesConsumed += Int64(got)
        }
        return filled
    }

    public var rawFingerprint: Fingerprint? {
        reachedEnd ? Fingerprint(xxh64: hasher.digest()) : nil
    }

    /// Up to `count` bytes from the start of the file, without moving the read position
    /// (and without counting or hashing them).
    public func peek(count: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let got = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress! + filled, count - filled, off_t(filled)) }
            if got < 0 {
                if errno == EINTR { continue }
                throw FlowIOError.readFailed(path: path, reason: errnoDescription())
            }
            if got == 0 { break }
            filled += got
        }
        return Array(bytes.prefix(filled))
    }
}

/// `read(2)`, named apart from `ByteSource.read(into:)`.
@inline(__always)
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(fd, buffer, count)
}
