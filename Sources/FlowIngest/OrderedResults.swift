import Foundation

/// Results of items done by worker threads for a consumer that takes them in order.
/// Workers claim the next index (`claimNext`), at most `window` items ahead of the
/// consumer, so memory held by finished results stays bounded however many items there are.
final class OrderedResults<T>: @unchecked Sendable {
    private let condition = NSCondition()
    private var slots: [T?]
    private let window: Int
    /// Next index to hand to a worker.
    private var cursor = 0
    /// Items the consumer has taken (they are taken in index order).
    private var taken = 0
    private var stopped = false

    init(count: Int, window: Int) {
        slots = [T?](repeating: nil, count: count)
        self.window = max(1, window)
    }

    /// The next unclaimed index, waiting while the workers are `window` items ahead of the
    /// consumer; nil when every index is claimed or after `stop()`.
    func claimNext() -> Int? {
        condition.lock()
        defer { condition.unlock() }
        while !stopped && cursor < slots.count && cursor >= taken + window { condition.wait() }
        guard !stopped, cursor < slots.count else { return nil }
        cursor += 1
        return cursor - 1
    }

    func set(_ index: Int, _ value: T) {
        condition.lock()
        slots[index] = value
        condition.broadcast()
        condition.unlock()
    }

    /// Waits for the result of `index`, which must be the next one not yet taken, and hands
    /// it over (the slot is emptied).
    func take(_ index: Int) -> T {
        condition.lock()
        defer { condition.unlock() }
        precondition(index == taken, "OrderedResults: results are taken in order")
        while slots[index] == nil { condition.wait() }
        let value = slots[index].take()!
        taken += 1
        condition.broadcast()
        return value
    }

    /// Stops handing out indices (workers finish the item they hold and see nil).
    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }

    /// The results set but not taken, once the workers are done (after `stop()`).
    func untaken() -> [T] {
        condition.lock()
        defer { condition.unlock() }
        return slots[taken...].compactMap { $0 }
    }
}

/// One file's quarantine lines, held until the file's turn to be written comes. Used by one
/// thread at a time.
final class QuarantineBuffer: @unchecked Sendable {
    var bytes: [UInt8] = []
}
