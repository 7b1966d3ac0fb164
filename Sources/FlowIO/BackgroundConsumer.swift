import Foundation

/// A bounded hand-off between two threads (one producer, one consumer).
public final class BlockQueue<Element>: @unchecked Sendable {
    private let condition = NSCondition()
    private var blocks: [Element] = []
    private var closed = false
    private let capacity: Int

    /// A queue that holds at most `capacity` blocks.
    public init(capacity: Int) { self.capacity = capacity }

    /// Waits for room, then queues `block`. Once the queue is closed it no longer waits: a
    /// producer blocked on a full queue is released and its block is still queued (one past
    /// the capacity; `pop` hands out what is queued before it reports the end).
    public func push(_ block: consuming Element) {
        condition.lock()
        while blocks.count >= capacity && !closed { condition.wait() }
        blocks.append(block)
        condition.broadcast()
        condition.unlock()
    }

    /// No more blocks will come.
    public func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    /// Whether `close()` was called (a producer that sees it can stop early).
    public var isClosed: Bool {
        condition.lock()
        defer { condition.unlock() }
        return closed
    }

    /// The next block, or nil once closed and drained.
    public func pop() -> Element? {
        condition.lock()
        defer { condition.unlock() }
        while blocks.isEmpty && !closed { condition.wait() }
        if blocks.isEmpty { return nil }
        let block = blocks.removeFirst()
        condition.broadcast()
        return block
    }
}

/// Runs `body` on its own thread for every pushed item, in push order, so a serial step
/// (clean's day store and quarantine, ingest's Arrow writing of binary inputs) overlaps
/// with the work that produces the items. The first error stops the work (later items are
/// dropped unseen); `finish()` rethrows it.
public final class BackgroundConsumer<Item>: @unchecked Sendable {
    private let queue: BlockQueue<Item>
    private let done = DispatchSemaphore(value: 0)
    private let body: (consuming Item) throws -> Void
    private var failure: Error?

    /// Starts the thread; at most `capacity` items wait for it.
    public init(capacity: Int, body: @escaping (consuming Item) throws -> Void) {
        queue = BlockQueue(capacity: capacity)
        self.body = body
        let thread = Thread { [self] in
            while let item = queue.pop() {
                guard failure == nil else { continue }
                do { try self.body(consume item) } catch { failure = error }
            }
            done.signal()
        }
        thread.start()
    }

    /// Queues `item` (waits while `capacity` items are queued).
    public func push(_ item: consuming Item) { queue.push(item) }

    /// Waits until every pushed item is consumed; rethrows the first error. Call it from
    /// the pushing thread; calling it again (an error path after a failed finish) only
    /// rethrows.
    public func finish() throws {
        if !finished {
            queue.close()
            done.wait()
            finished = true
        }
        if let failure { throw failure }
    }

    /// Set once the consuming thread has ended.
    private var finished = false
}
