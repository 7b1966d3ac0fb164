#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A temporary file of raw `CleanRow`s (one sorted run), written once and read back in
/// order through a small buffer. Lives in the run's scratch folder, removed with it.
final class SpillFile {
    let path: String
    private(set) var rowCount = 0
    private var fd: Int32

    init(path: String) throws {
        self.path = path
        fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw CleanError.writeFailed(path: path, reason: "cannot create spill file: errno \(errno)") }
    }

    deinit {
        if fd >= 0 { close(fd) }
        unlink(path)
    }

    /// Appends rows.
    func append(_ rows: UnsafeBufferPointer<CleanRow>) throws {
        let raw = UnsafeRawBufferPointer(rows)
        var done = 0
        while done < raw.count {
            let n = write(fd, raw.baseAddress! + done, raw.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw CleanError.writeFailed(path: path, reason: "writing spill file: errno \(errno)")
            }
            done += n
        }
        rowCount += rows.count
    }

    /// Reads up to `buffer.count` rows starting at row `first`; returns how many were read.
    func read(from first: Int, into buffer: UnsafeMutableBufferPointer<CleanRow>) throws -> Int {
        let want = min(buffer.count, rowCount - first)
        guard want > 0 else { return 0 }
        let stride = MemoryLayout<CleanRow>.stride
        let raw = UnsafeMutableRawBufferPointer(buffer)
        var done = 0
        let total = want * stride
        while done < total {
            let n = pread(fd, raw.baseAddress! + done, total - done, off_t(first * stride + done))
            if n < 0 {
                if errno == EINTR { continue }
                throw CleanError.writeFailed(path: path, reason: "reading spill file: errno \(errno)")
            }
            if n == 0 { throw CleanError.writeFailed(path: path, reason: "spill file is shorter than written") }
            done += n
        }
        return want
    }
}
