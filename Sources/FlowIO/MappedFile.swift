#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A whole file mapped read-only into memory; unmapped when the object goes away.
/// `bytes` is valid for the object's lifetime. If another process truncates the file while
/// it is mapped, touching the lost pages raises SIGBUS — map only files floe owns or that
/// are not being rewritten.
public final class MappedFile: @unchecked Sendable {
    public let path: String
    /// The file's content (empty for an empty file, which is not mapped).
    public let bytes: UnsafeRawBufferPointer

    public init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FlowIOError.cannotOpen(path: path, reason: errnoDescription()) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw FlowIOError.cannotOpen(path: path, reason: errnoDescription()) }
        guard isRegularFile(info) else { throw FlowIOError.cannotOpen(path: path, reason: "not a regular file") }
        let size = Int(info.st_size)
        guard size > 0 else {
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), address != MAP_FAILED else {
            throw FlowIOError.cannotOpen(path: path, reason: "mmap failed: \(errnoDescription())")
        }
        bytes = UnsafeRawBufferPointer(start: address, count: size)
    }

    deinit {
        if let base = bytes.baseAddress {
            munmap(UnsafeMutableRawPointer(mutating: base), bytes.count)
        }
    }
}
