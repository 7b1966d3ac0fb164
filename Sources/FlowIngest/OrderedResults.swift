import Foundation

/// Results of items done by worker threads for a consumer that takes them in order.
/// Each result is set with the bytes of memory it holds; workers claim the next index
/// (`claimNext`) only while the results finished but not yet taken hold less than
/// `budget` bytes, so memory stays bounded by bytes however many items there are and
/// however large each is. The item the consumer waits for can always be claimed: at most
/// `budget` plus one result per worker is ever held.
final class OrderedResults<T>: @unchecked Sendable {
    private let condition = NSCondition()
    private var slots: [(value: T, bytes: Int)?]
    private let budget: Int
    /// Bytes of the results set and not yet taken.
    private var held = 0
    private var peak = 0
    /// Next index to hand to a worker.
    private var cursor = 0
    /// Items the consumer has taken (they are taken in index order).
    private var taken = 0
    private var stopped = false

    init(count: Int, budget: Int) {
        slots = [(value: T, bytes: Int)?](repeating: nil, count: count)
        self.budget = max(1, budget)
    }

    /// The next unclaimed index, waiting while results not yet taken hold `budget` bytes or
    /// more (unless it is the very next one the consumer takes); nil when every index is
    /// claimed or after `stop()`.
    func claimNext() -> Int? {
        condition.lock()
        defer { condition.unlock() }
        while !stopped && cursor < slots.count && cursor > taken && held >= budget { condition.wait() }
        guard !stopped, cursor < slots.count else { return nil }
        cursor += 1
        return cursor - 1
    }

    /// Sets the result of `index`, which holds `bytes` bytes of memory until it is taken.
    func set(_ index: Int, _ value: T, bytes: Int) {
        condition.lock()
        slots[index] = (value, bytes)
        held += bytes
        peak = max(peak, held)
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
        let (value, bytes) = slots[index].take()!
        held -= bytes
        taken += 1
        condition.broadcast()
        return value
    }

    /// The most bytes results set and not yet taken have held at once.
    var peakHeldBytes: Int {
        condition.lock()
        defer { condition.unlock() }
        return peak
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
        return slots[taken...].compactMap { $0?.value }
    }
}

/// One file's quarantine lines, held until the file's turn to be written comes. Used by one
/// thread at a time.
final class QuarantineBuffer: @unchecked Sendable {
    var bytes: [UInt8] = []
}
