import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A stage's exclusive hold on the folder it writes.
///
/// floe-ingest, floe-clean, floe-train, floe-score and floe-report each claim their output
/// folder before they write anything: the folder is created if missing, an exclusive
/// `flock` is taken on `FOLDER/.floe-writer.lock` (released by the kernel when the process
/// ends, however it ends), and the temporary files that writers killed earlier left behind
/// are removed (`AtomicFile.removeStaleTemporaries(in:)`). Two writers of one folder never
/// overlap, whoever starts them: a second one waits for the first (saying so on standard
/// error) — the days of a parallel backfill clean into one dataset one after the other.
///
/// The lock file holds the holder's pid and stage name, for the waiting message. The claim
/// lasts until the object is released (keep it in a local for the whole run).
public final class OutputFolderClaim {
    /// The name of the lock file inside a claimed folder (hidden; readers skip it).
    public static let lockFileName = ".floe-writer.lock"

    public let folder: String
    private let descriptor: Int32

    /// Claims `folder` for `stage` (e.g. "floe-clean"). With `wait` false, a folder held by
    /// another process throws `FlowIOError.folderBusy` instead of waiting. `notice` receives
    /// the one line said while waiting.
    public init(folder: String, stage: String, wait: Bool = true,
                notice: (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }) throws {
        try createFolder(folder)
        let path = folder + "/" + Self.lockFileName
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw FlowIOError.writeFailed(path: path, reason: "cannot create the writer lock: \(errnoDescription())")
        }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let holder = Self.holder(fd)
            guard wait else {
                close(fd)
                throw FlowIOError.folderBusy(path: folder, holder: holder)
            }
            notice("\(stage): waiting for \(folder): \(holder.isEmpty ? "another floe stage" : holder) is writing it")
            var rc: Int32
            repeat { rc = flock(fd, LOCK_EX) } while rc != 0 && errno == EINTR
            if rc != 0 {
                let reason = errnoDescription()
                close(fd)
                throw FlowIOError.writeFailed(path: path, reason: "cannot lock: \(reason)")
            }
        }
        let text = Array("\(stage) pid \(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = text.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        self.folder = folder
        descriptor = fd
        AtomicFile.removeStaleTemporaries(in: folder)
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }

    /// Who holds the lock, as written in the lock file ("floe-clean pid 123"), or "".
    private static func holder(_ fd: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 128)
        let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard n > 0 else { return "" }
        return String(decoding: buffer[0..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

extension AtomicFile {
    /// Removes the temporary files (`.NAME.tmp-<pid>-<n>`) that writers other than this
    /// process left in `folder` and in its dataset days (`date=…` subfolders): the leftovers
    /// of a stage killed mid-write. Call it only while holding the folder's
    /// `OutputFolderClaim`, so no other writer's file in progress can be among them. Other
    /// subfolders are left alone: they may be another stage's output folder, with its own claim.
    public static func removeStaleTemporaries(in folder: String) {
        let me = getpid()
        let fm = FileManager.default
        func sweep(_ dir: String, descend: Bool) {
            guard let names = try? fm.contentsOfDirectory(atPath: dir) else { return }
            for name in names {
                let path = dir + "/" + name
                guard let info = lstatPath(path) else { continue }
                if isDirectory(info) {
                    if descend && name.hasPrefix("date=") { sweep(path, descend: false) }
                } else if let pid = temporaryWriterPID(name), pid != me {
                    unlink(path)
                }
            }
        }
        sweep(folder, descend: true)
    }

    /// The writer pid in a temporary name made by `temporaryPath(for:)`, or nil when `name`
    /// is not such a name.
    static func temporaryWriterPID(_ name: String) -> Int32? {
        guard name.hasPrefix("."), let marker = name.range(of: ".tmp-", options: .backwards) else { return nil }
        let parts = name[marker.upperBound...].split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, let pid = Int32(parts[0]), pid > 0, Int(parts[1]) != nil else { return nil }
        return pid
    }
}
