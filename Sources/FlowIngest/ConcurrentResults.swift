import Foundation

/// Slots filled by concurrent workers and read once they are all done; workers take the
/// next unfilled index from the same object.
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

    /// The next unclaimed index, or nil when every slot is claimed.
    func claimNext() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard cursor < slots.count else { return nil }
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
