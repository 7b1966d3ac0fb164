import CLinuxIO
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a file so that readers see either the old content or the complete new content,
/// never a partial file: bytes go to `.NAME.tmp-<pid>-<n>` in the same folder, which on
/// `commit()` is fsync'ed, renamed over `NAME`, and the folder fsync'ed.
///
/// On any failure, and on `abort()` or when dropped uncommitted, the temporary file is
/// removed, so nothing is left behind. Not for concurrent use from several threads.
public final class AtomicFile {
    public let path: String
    public let temporaryPath: String
    /// Bytes written so far.
    public private(set) var bytesWritten: Int64 = 0
    private var descriptor: Int32
    private var isOpen = true

    /// Creates the temporary file next to `path` (mode 0644 before the umask).
    public init(path: String) throws {
        self.path = path
        temporaryPath = try Self.temporaryPath(for: path)
        descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw FlowIOError.writeFailed(path: path, reason: "cannot create \(temporaryPath): \(errnoDescription())")
        }
    }

    deinit {
        if isOpen { abort() }
    }

    /// Appends bytes. On failure the temporary file is removed and the error thrown.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard isOpen else { throw FlowIOError.writeFailed(path: path, reason: "file already committed or aborted") }
        guard let base = bytes.baseAddress else { return }
        CrashPoint.willWrite(bytes.count)
        var done = 0
        while done < bytes.count {
            let written = systemWrite(descriptor, base + done, bytes.count - done)
            if written < 0 {
                if errno == EINTR { continue }
                try fail("\(errnoDescription()) writing \(temporaryPath)")
            }
            done += written
        }
        bytesWritten += Int64(done)
    }

    /// Appends a byte array.
    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    /// Flushes to disk and atomically replaces `path` with the new content.
    public func commit() throws {
        guard isOpen else { throw FlowIOError.writeFailed(path: path, reason: "file already committed or aborted") }
        if fsync(descriptor) != 0 { try fail("fsync of \(temporaryPath): \(errnoDescription())") }
        let closed = close(descriptor)
        descriptor = -1
        if closed != 0 { try fail("close of \(temporaryPath): \(errnoDescription())") }
        isOpen = false
        try Self.publish(temporaryPath, as: path)
    }

    /// Discards the new content and removes the temporary file. Safe to call more than once.
    public func abort() {
        guard isOpen else { return }
        isOpen = false
        if descriptor >= 0 { close(descriptor) }
        descriptor = -1
        unlink(temporaryPath)
    }

    private func fail(_ reason: String) throws -> Never {
        abort()
        throw FlowIOError.writeFailed(path: path, reason: reason)
    }

    /// A unique temporary name in the same folder as `path` (`.NAME.tmp-<pid>-<n>`), for
    /// writers that create their own file and publish it with `publish(_:as:)`.
    public static func temporaryPath(for path: String) throws -> String {
        let slash = path.lastIndex(of: "/")
        let folderPrefix = slash.map { String(path[...$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        guard !name.isEmpty else {
            throw FlowIOError.writeFailed(path: path, reason: "the path names a folder, not a file")
        }
        // Same folder as `path`, spelled the same way.
        return folderPrefix + ".\(name).tmp-\(getpid())-\(AtomicFileCounter.shared.next())"
    }

    /// Publishes a finished, already fsync'ed temporary file: renames it over `path` and
    /// fsyncs the folder. On failure the temporary file is removed.
    public static func publish(_ temporaryPath: String, as path: String) throws {
        if rename(temporaryPath, path) != 0 {
            let reason = errnoDescription()
            unlink(temporaryPath)
            throw FlowIOError.writeFailed(path: path, reason: "rename \(temporaryPath) to \(path): \(reason)")
        }
        try syncFolder(folder(of: path), forPath: path)
    }

    static func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let folder = String(path[..<slash])
        return folder.isEmpty ? "/" : folder
    }

    /// fsync of a folder, so a rename in it is durable.
    static func syncFolder(_ folder: String, forPath path: String) throws {
        let fd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else {
            throw FlowIOError.writeFailed(path: path, reason: "cannot open folder \(folder) to sync it: \(errnoDescription())")
        }
        defer { close(fd) }
        // Some filesystems refuse fsync on folders (EINVAL); the rename is done either way.
        if fsync(fd) != 0 && errno != EINVAL {
            throw FlowIOError.writeFailed(path: path, reason: "fsync of folder \(folder): \(errnoDescription())")
        }
    }
}

/// Writes `bytes` to `path` atomically (see `AtomicFile`).
public func writeAtomically(path: String, bytes: UnsafeRawBufferPointer) throws {
    let file = try AtomicFile(path: path)
    try file.write(bytes)
    try file.commit()
}

/// Writes `bytes` to `path` atomically (see `AtomicFile`).
public func writeAtomically(path: String, bytes: [UInt8]) throws {
    try bytes.withUnsafeBytes { try writeAtomically(path: path, bytes: $0) }
}

/// Process-wide counter making temporary names unique between threads.
private final class AtomicFileCounter: @unchecked Sendable {
    static let shared = AtomicFileCounter()
    private let lock = NSLock()
    private var value = 0

    func next() -> Int {
        lock.lock()
        defer { lock.unlock() }
        value += 1
        return value
    }
}

/// `write(2)`, named apart from `AtomicFile.write(_:)`.
@inline(__always)
private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, buffer, count)
}

extension AtomicFile {
    /// Publishes many finished but unsynced files at once: one `syncfs` of the folder's
    /// filesystem makes them all durable, then each temporary is renamed over its final path
    /// and the folder is fsync'ed once. Readers still see each file old or complete; a crash
    /// before the renames leaves only temporaries (removed by the next claim of the folder).
    /// Where a small file's own work takes less than its fsync, this is what keeps thousands
    /// of small inputs from waiting on two fsyncs each.
    public static func publishGroup(_ files: [(temporary: String, path: String)], in folder: String) throws {
        guard !files.isEmpty else { return }
        let fd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else {
            throw FlowIOError.writeFailed(path: folder, reason: "cannot open the folder to sync it: \(errnoDescription())")
        }
        defer { close(fd) }
        if floe_sync_file_system(fd) != 0 {
            let reason = errnoDescription()
            for file in files { unlink(file.temporary) }
            throw FlowIOError.writeFailed(path: folder, reason: "syncfs: \(reason)")
        }
        for (k, file) in files.enumerated() where rename(file.temporary, file.path) != 0 {
            let reason = errnoDescription()
            for rest in files[k...] { unlink(rest.temporary) }
            throw FlowIOError.writeFailed(path: file.path, reason: "rename \(file.temporary) to \(file.path): \(reason)")
        }
        try syncFolder(folder, forPath: folder)
    }
}
