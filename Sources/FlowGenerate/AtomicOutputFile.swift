import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a file so that it appears whole or not at all: bytes go to a temporary file in
/// the same folder, which is flushed to disk and renamed over the destination on
/// `commit()`. `abandon()` (or a failure) removes the temporary file.
///
/// Private to the generator until FlowIO offers a shared atomic writer.
final class AtomicOutputFile {
    let path: String
    let temporaryPath: String
    private var fd: Int32

    init(path: String) throws {
        self.path = path
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        temporaryPath = folder + "/." + url.lastPathComponent + ".tmp-\(getpid())"
        fd = open(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        if fd < 0 {
            throw GenerateError.outputFailed(path: path, reason: "cannot create \(temporaryPath): \(String(cString: strerror(errno)))")
        }
    }

    deinit { abandon() }

    /// Appends `bytes` to the temporary file.
    func append(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return }
            var offset = 0
            while offset < raw.count {
                let n = write(fd, base + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw GenerateError.outputFailed(path: path, reason: String(cString: strerror(errno)))
                }
                offset += n
            }
        }
    }

    /// Flushes, closes and renames the temporary file over `path`.
    func commit() throws {
        guard fd >= 0 else { throw GenerateError.outputFailed(path: path, reason: "already closed") }
        if fsync(fd) != 0 {
            let reason = String(cString: strerror(errno))
            abandon()
            throw GenerateError.outputFailed(path: path, reason: "fsync failed: \(reason)")
        }
        close(fd)
        fd = -1
        if rename(temporaryPath, path) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(temporaryPath)
            throw GenerateError.outputFailed(path: path, reason: "rename failed: \(reason)")
        }
    }

    /// Closes and removes the temporary file (no effect after `commit()`).
    func abandon() {
        if fd >= 0 {
            close(fd)
            fd = -1
            unlink(temporaryPath)
        }
    }

    /// Writes `bytes` to `path` atomically in one go.
    static func store(_ bytes: [UInt8], at path: String) throws {
        let file = try AtomicOutputFile(path: path)
        try file.append(bytes)
        try file.commit()
    }
}
