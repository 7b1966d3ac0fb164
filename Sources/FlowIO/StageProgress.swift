import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What a stage process says about its own progress: rows handled so far and, when it
/// knows how much work there is, how much of it is done. `floe run` reads it to draw
/// rows/s and an ETA; it never interprets the stage's data itself.
public struct StageProgressSnapshot: Codable, Sendable, Equatable {
    /// Rows handled so far (written by floe-ingest, validated then merged by floe-clean).
    public var rows: Int64 = 0
    /// Units of work done, out of `total` (bytes for floe-ingest, rows for floe-clean).
    public var done: Int64 = 0
    /// Units of work in all; 0 when unknown.
    public var total: Int64 = 0
    /// What `done` and `total` count ("bytes", "rows").
    public var unit: String = ""

    public init(rows: Int64 = 0, done: Int64 = 0, total: Int64 = 0, unit: String = "") {
        self.rows = rows
        self.done = done
        self.total = total
        self.unit = unit
    }

    /// Share of the work done (0…1), or nil when the total is unknown.
    public var fraction: Double? {
        guard total > 0 else { return nil }
        return min(1, max(0, Double(done) / Double(total)))
    }

    /// Reads a progress file; nil when it is missing or not (yet) complete JSON.
    public static func read(path: String) -> StageProgressSnapshot? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try? JSONDecoder().decode(StageProgressSnapshot.self, from: data)
    }
}

/// Publishes a stage's progress to the file named by `FLOE_PROGRESS` (set by `floe run`
/// for each stage it spawns): one JSON object (`StageProgressSnapshot`), replaced by an
/// atomic rename at most every `interval` seconds, so a reader never sees half a line.
/// Without the variable there is no meter and the stage does no progress work at all.
/// Thread-safe: parser threads may add rows while the reading thread sets `done`.
public final class StageProgress: @unchecked Sendable {
    /// The environment variable that names the progress file.
    public static let environmentKey = "FLOE_PROGRESS"

    public let path: String
    private let interval: UInt64
    private let lock = NSLock()
    /// Serializes file writes (one temporary name per process).
    private let writeLock = NSLock()
    private var snapshot = StageProgressSnapshot()
    private var lastWrite: UInt64?

    /// A meter writing to `path`, at most every `interval` seconds.
    public init(path: String, interval: Double = 0.5) {
        self.path = path
        self.interval = UInt64(max(0, interval) * 1e9)
    }

    /// The meter the environment asks for, or nil.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> StageProgress? {
        guard let path = environment[environmentKey], !path.isEmpty else { return nil }
        return StageProgress(path: path)
    }

    /// Sets how much work there is, and in what unit.
    public func setTotal(_ total: Int64, unit: String) {
        update { $0.total = total; $0.unit = unit }
    }

    /// Adds to the rows handled.
    public func addRows(_ rows: Int64) {
        update { $0.rows += rows }
    }

    /// Sets the work done so far (never moves backwards).
    public func setDone(_ done: Int64) {
        update { $0.done = max($0.done, done) }
    }

    /// Adds to the work done.
    public func addDone(_ done: Int64) {
        update { $0.done += done }
    }

    /// What the meter holds now.
    public var current: StageProgressSnapshot {
        lock.lock()
        defer { lock.unlock() }
        return snapshot
    }

    /// Writes the current state now, whatever the interval.
    public func flush() {
        lock.lock()
        let value = snapshot
        lastWrite = DispatchTime.now().uptimeNanoseconds
        lock.unlock()
        write(value)
    }

    private func update(_ change: (inout StageProgressSnapshot) -> Void) {
        lock.lock()
        change(&snapshot)
        let now = DispatchTime.now().uptimeNanoseconds
        if let last = lastWrite, now &- last < interval { lock.unlock(); return }
        lastWrite = now
        let value = snapshot
        lock.unlock()
        write(value)
    }

    /// Best effort: a progress display must never fail a stage.
    private func write(_ value: StageProgressSnapshot) {
        guard let data = try? JSONEncoder().encode(value) else { return }
        writeLock.lock()
        defer { writeLock.unlock() }
        let temporary = path + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return }
        let written = data.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
        close(fd)
        if written == data.count { rename(temporary, path) } else { unlink(temporary) }
    }
}
