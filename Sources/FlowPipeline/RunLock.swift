import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The lock that keeps two runs off one state folder: a file created with `O_EXCL` holding
/// `pid host start-time`. A lock whose process is gone (same host, no such pid, or a pid
/// reused by a process that started later) is stale and taken over.
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
    public static func acquire(path: String, wait: Bool = false, pollSeconds: Double = 1,
                               onWait: (String) -> Void = { _ in }) throws -> RunLock {
        var announced = false
        while true {
            switch try attempt(path: path) {
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

    static func attempt(path: String) throws -> Attempt {
        for _ in 0..<5 {
            let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            if fd >= 0 {
                let text = LockHolder.current().text
                _ = text.withCString { write(fd, $0, strlen($0)) }
                fsync(fd)
                close(fd)
                return .acquired
            }
            guard errno == EEXIST else {
                throw PipelineError.io(path: path, reason: "cannot create the run lock: \(FileSystem.errorText())")
            }
            guard let text = FileSystem.readText(path) else { continue }   // released meanwhile
            guard let holder = LockHolder(text: text) else {
                // Being written right now, or garbage: garbage older than a minute is stale.
                if let st = FileSystem.status(path), Int64(Date().timeIntervalSince1970) * 1_000_000_000 - st.modifiedNanos > 60_000_000_000 {
                    takeOver(path: path, staleText: text)
                    continue
                }
                return .heldBy("unreadable lock file")
            }
            if holder.isAlive {
                return .heldBy(holder.description)
            }
            takeOver(path: path, staleText: text)
        }
        return .heldBy("lock keeps changing hands")
    }

    private static func takeOver(path: String, staleText: String) {
        let aside = path + ".stale-\(getpid())"
        guard rename(path, aside) == 0 else { return }
        if FileSystem.readText(aside) == staleText {
            unlink(aside)
        } else {
            // We moved a lock another runner had just taken: give it back.
            _ = link(aside, path)
            unlink(aside)
        }
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
