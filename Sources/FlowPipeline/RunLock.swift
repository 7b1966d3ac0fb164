import FlowIO
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The lock that keeps two runs off one state folder: a file holding `pid host start-ticks
/// start-time`, created complete (temporary file, then `link`). A lock whose process is
/// gone (same host, no such pid, or a pid reused by a process that started later) is
/// stale and taken over at once, and so is a lock file that is empty or holds anything
/// else.
///
/// Races: taking over renames the stale file to a private name first, and only the runner
/// whose rename moved the stale content proceeds; one that moved a fresh lock by mistake
/// (another runner took over between its check and its rename) puts it back with `link`,
/// which cannot overwrite. Locks held from another host (shared folders) are never taken
/// over automatically.
public final class RunLock: @unchecked Sendable {
    public let path: String
    private var held = false

    private init(path: String) {
        self.path = path
    }

    /// Takes the lock or throws `PipelineError.locked` naming the holder. With `wait`,
    /// polls every `pollSeconds` until the holder finishes; `onWait` is called once.
    /// `onTakeOver` gets a one-line notice for each stale lock taken over.
    public static func acquire(path: String, wait: Bool = false, pollSeconds: Double = 1,
                               onWait: (String) -> Void = { _ in },
                               onTakeOver: (String) -> Void = { _ in }) throws -> RunLock {
        var announced = false
        while true {
            switch try attempt(path: path, onTakeOver: onTakeOver) {
            case .acquired:
                let lock = RunLock(path: path)
                lock.held = true
                return lock
            case .heldBy(let holder):
                guard wait else { throw PipelineError.locked(lockFile: path, holder: holder) }
                if !announced { onWait(holder); announced = true }
                usleep(UInt32(pollSeconds * 1_000_000))
            }
        }
    }

    /// Removes the lock file if this process still holds it.
    public func release() {
        guard held else { return }
        held = false
        if let text = FileSystem.readText(path), LockHolder(text: text)?.pid == getpid() {
            unlink(path)
        }
    }

    deinit { release() }

    enum Attempt { case acquired, heldBy(String) }

    static func attempt(path: String, onTakeOver: (String) -> Void) throws -> Attempt {
        let content = LockHolder.current().text
        for _ in 0..<5 {
            if try create(path: path, content: content) { return .acquired }
            guard let text = FileSystem.readText(path) else { continue }   // released meanwhile
            // A lock file only ever appears complete (`create`), so one that cannot be
            // read as a holder is no lock: a disk that filled up under an older floe, or
            // something else wrote it.
            let why: String
            if let holder = LockHolder(text: text) {
                if holder.isAlive { return .heldBy(holder.description) }
                why = "\(holder.description) is no longer running"
            } else {
                why = text.isEmpty ? "the file is empty" : "the file does not hold 'pid host start-ticks start-time'"
            }
            if takeOver(path: path, staleText: text) {
                onTakeOver("floe run: took over the stale lock \(path): \(why)")
            }
        }
        return .heldBy("lock keeps changing hands")
    }

    /// Creates the lock file with its whole content at once: written and fsync'ed under a
    /// temporary name, then `link(2)`ed to `path`, which fails if `path` exists. So no
    /// other runner ever sees an empty or half-written lock, and a write that fails (a
    /// full disk) leaves no lock file behind. False when `path` exists.
    static func create(path: String, content: String) throws -> Bool {
        let temporary: String
        do { temporary = try AtomicFile.temporaryPath(for: path) } catch {
            throw PipelineError.io(path: path, reason: "cannot create the run lock: \(error)")
        }
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw PipelineError.io(path: path, reason: "cannot create the run lock (\(temporary)): \(FileSystem.errorText())")
        }
        defer { unlink(temporary) }
        let bytes = Array(content.utf8)
        var done = 0
        var failure: Int32 = 0
        while done < bytes.count {
            let n = bytes[done...].withUnsafeBytes { write(fd, $0.baseAddress!, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { failure = n < 0 ? errno : ENOSPC; break }
            done += n
        }
        if failure == 0 && fsync(fd) != 0 { failure = errno }
        close(fd)
        if failure != 0 {
            throw PipelineError.io(path: path, reason: "cannot write the run lock: \(FileSystem.errorText(failure))")
        }
        if link(temporary, path) == 0 { return true }
        if errno == EEXIST { return false }
        throw PipelineError.io(path: path, reason: "cannot create the run lock: \(FileSystem.errorText())")
    }

    /// Removes a lock judged stale; true when the content removed was the one judged.
    private static func takeOver(path: String, staleText: String) -> Bool {
        let aside = path + ".stale-\(getpid())"
        guard rename(path, aside) == 0 else { return false }
        if FileSystem.readText(aside) == staleText {
            unlink(aside)
            return true
        }
        // We moved a lock another runner had just taken: give it back.
        _ = link(aside, path)
        unlink(aside)
        return false
    }
}

/// The content of a lock file: `pid host start-ticks started-at`.
struct LockHolder: CustomStringConvertible {
    let pid: Int32
    let host: String
    /// Process start time in clock ticks since boot (Linux /proc), 0 where unknown.
    let startTicks: UInt64
    let startedAt: String

    init?(text: String) {
        let fields = text.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
        guard fields.count >= 4, let pid = Int32(fields[0]), let ticks = UInt64(fields[2]) else { return nil }
        self.pid = pid
        self.host = fields[1]
        self.startTicks = ticks
        self.startedAt = fields[3]
    }

    init(pid: Int32, host: String, startTicks: UInt64, startedAt: String) {
        self.pid = pid
        self.host = host
        self.startTicks = startTicks
        self.startedAt = startedAt
    }

    static func current() -> LockHolder {
        let pid = getpid()
        return LockHolder(pid: pid, host: hostName(), startTicks: processStartTicks(pid) ?? 0,
                          startedAt: ISO8601DateFormatter().string(from: Date()))
    }

    var text: String { "\(pid) \(host) \(startTicks) \(startedAt)\n" }

    var description: String { "pid \(pid) on \(host), started \(startedAt)" }

    /// Alive unless provably gone; a lock from another host always counts as alive.
    var isAlive: Bool {
        guard host == LockHolder.hostName() else { return true }
        if kill(pid, 0) != 0 && errno == ESRCH { return false }
        if startTicks != 0, let now = LockHolder.processStartTicks(pid), now != startTicks { return false }
        return true
    }

    static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        gethostname(&buffer, buffer.count - 1)
        let name = buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        return name.isEmpty ? "localhost" : name.replacingOccurrences(of: " ", with: "_")
    }

    /// Field 22 of /proc/PID/stat (Linux); nil elsewhere.
    static func processStartTicks(_ pid: Int32) -> UInt64? {
        guard let stat = FileSystem.readText("/proc/\(pid)/stat"), let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // fields[0] is field 3 (state), so field 22 is fields[19].
        return fields.count > 19 ? UInt64(fields[19]) : nil
    }
}
