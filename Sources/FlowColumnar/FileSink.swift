import CLinuxIO
import FlowIO
#if canImport(Glibc)
import Glibc
private let systemWrite = Glibc.write
#elseif canImport(Darwin)
import Darwin
private let systemWrite = Darwin.write
#endif

/// Sequential output to a file with POSIX write(2): small pieces are gathered in a 1 MiB
/// staging buffer, pieces of 64 KiB and more are written straight from the caller's memory.
///
/// Every 8 MiB written, writeback of those bytes is started without waiting
/// (sync_file_range on Linux): the disk works while floe computes, and the fsync that
/// publishing the file needs waits for the last few MiB instead of the whole file (Linux
/// otherwise starts writing only when a tenth of memory is dirty). Durability is still
/// the final fsync's.
final class FileSink {
    let path: String
    private var fd: Int32
    private let staging: UnsafeMutableRawPointer
    private let stagingCapacity = 1 << 20
    private var staged = 0
    /// Bytes written so far, staged ones included: the file offset of the next byte.
    private(set) var position = 0
    /// Bytes handed to write(2) so far.
    private var written = 0
    /// Bytes whose writeback has been started.
    private var writebackStarted = 0
    private static let writebackStep = 8 << 20

    /// Creates or truncates `path`.
    init(path: String) throws {
        self.path = path
        let flags = O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC
        var fd: Int32
        repeat { fd = open(path, flags, 0o644) } while fd < 0 && errno == EINTR
        if fd < 0 { throw ColumnarError.io(path: path, operation: "open", errno: errno) }
        self.fd = fd
        staging = UnsafeMutableRawPointer.allocate(byteCount: stagingCapacity, alignment: 16)
    }

    deinit {
        if fd >= 0 { _ = close(fd) }
        staging.deallocate()
    }

    var isOpen: Bool { fd >= 0 }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        let n = bytes.count
        if n == 0 { return }
        if n >= 64 << 10 {
            try flush()
            try writeAll(bytes)
        } else {
            if staged + n > stagingCapacity { try flush() }
            (staging + staged).copyMemory(from: bytes.baseAddress!, byteCount: n)
            staged += n
        }
        position += n
    }

    func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    func write<T: FixedWidthInteger>(littleEndian value: T) throws {
        var v = value.littleEndian
        try withUnsafeBytes(of: &v) { try write($0) }
    }

    /// Writes `count` zero bytes (padding and all-null buffers).
    func writeZeros(_ count: Int) throws {
        var left = count
        while left > 0 {
            if staged == stagingCapacity { try flush() }
            let n = min(left, stagingCapacity - staged)
            (staging + staged).initializeMemory(as: UInt8.self, repeating: 0, count: n)
            staged += n
            position += n
            left -= n
        }
    }

    func flush() throws {
        if staged == 0 { return }
        let n = staged
        staged = 0
        try writeAll(UnsafeRawBufferPointer(start: staging, count: n))
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) throws {
        guard fd >= 0 else { throw ColumnarError.misuse(path: path, detail: "write after the file was closed") }
        CrashPoint.willWrite(bytes.count)
        var done = 0
        while done < bytes.count {
            let r = systemWrite(fd, bytes.baseAddress! + done, bytes.count - done)
            if r < 0 {
                if errno == EINTR { continue }
                throw ColumnarError.io(path: path, operation: "write", errno: errno)
            }
            done += r
        }
        written += bytes.count
        if written - writebackStarted >= Self.writebackStep {
            // Advisory: a failure here changes nothing; the final fsync reports errors.
            _ = floe_start_writeback(fd, writebackStarted, written - writebackStarted)
            writebackStarted = written
        }
    }

    /// Flushes, fsyncs (unless `sync` is false) and closes the file.
    func closeFile(sync: Bool) throws {
        try flush()
        if sync && fsync(fd) != 0 { throw ColumnarError.io(path: path, operation: "fsync", errno: errno) }
        let r = close(fd)
        fd = -1
        if r != 0 { throw ColumnarError.io(path: path, operation: "close", errno: errno) }
    }

    /// Closes without flushing (after a failure).
    func abandon() {
        if fd >= 0 { _ = close(fd) }
        fd = -1
        staged = 0
    }
}
