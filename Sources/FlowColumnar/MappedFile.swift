#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A whole file mapped read-only with mmap(2), unmapped when released.
final class MappedFile: @unchecked Sendable {
    let path: String
    /// The file's bytes (empty for an empty file).
    let bytes: UnsafeRawBufferPointer
    private let mapping: UnsafeMutableRawPointer?

    init(path: String) throws {
        self.path = path
        var fd: Int32
        repeat { fd = open(path, O_RDONLY | O_CLOEXEC) } while fd < 0 && errno == EINTR
        if fd < 0 { throw ColumnarError.io(path: path, operation: "open", errno: errno) }
        defer { _ = close(fd) }
        var info = stat()
        if fstat(fd, &info) != 0 { throw ColumnarError.io(path: path, operation: "fstat", errno: errno) }
        let size = Int(info.st_size)
        if size == 0 {
            mapping = nil
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        let p = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0)
        if p == MAP_FAILED || p == nil { throw ColumnarError.io(path: path, operation: "mmap", errno: errno) }
        mapping = p
        bytes = UnsafeRawBufferPointer(start: p, count: size)
    }

    deinit {
        if let mapping { _ = munmap(mapping, bytes.count) }
    }
}
