import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A test hook for crash-consistency tests: when the environment sets
/// `FLOE_CRASH_AFTER_BYTES=N`, the process kills itself with SIGKILL as soon as its output
/// writers (`AtomicFile`, the Arrow file sink) have written N bytes in all, as a power cut or
/// `kill -9` would stop it mid-write. Unset (always, outside tests), it costs one load per
/// write call.
public enum CrashPoint {
    /// The environment variable read once at start-up.
    public static let variable = "FLOE_CRASH_AFTER_BYTES"

    private static let limit: Int64? = ProcessInfo.processInfo.environment[variable].flatMap { Int64($0) }
    private static let counter = Counter()

    /// Counts `n` bytes about to be written; dies when the limit is reached.
    @inline(__always)
    public static func willWrite(_ n: Int) {
        guard let limit else { return }
        if counter.add(Int64(n)) >= limit { kill(getpid(), SIGKILL) }
    }

    private final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var total: Int64 = 0

        func add(_ n: Int64) -> Int64 {
            lock.lock()
            defer { lock.unlock() }
            total += n
            return total
        }
    }
}
