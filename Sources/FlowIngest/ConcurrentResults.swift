import Foundation

/// Slots filled by concurrent workers and read once they are all done, plus a shared
/// cursor handing out the next index to work on.
final class ConcurrentResults<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [T?]
    private var cursor = 0

    init(count: Int) { slots = [T?](repeating: nil, count: count) }

    func set(_ index: Int, _ value: T) {
        lock.lock()
        slots[index] = value
        lock.unlock()
    }

    /// The next unclaimed index below `limit`, or nil when all are claimed.
    func claimNext(below limit: Int) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard cursor < limit else { return nil }
        cursor += 1
        return cursor - 1
    }

    /// Every slot's value, in order (each must have been set).
    func values() -> [T] {
        lock.lock()
        defer { lock.unlock() }
        return slots.map { $0! }
    }
}

/// One file's quarantine lines, held until the file's turn to be written comes. Used by one
/// thread at a time.
final class QuarantineBuffer: @unchecked Sendable {
    var bytes: [UInt8] = []
}
