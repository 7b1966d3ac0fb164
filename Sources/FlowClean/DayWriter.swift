import Foundation

/// A bounded hand-off between two threads (one producer, one consumer).
final class BlockQueue<Element>: @unchecked Sendable {
    private let condition = NSCondition()
    private var blocks: [Element] = []
    private var closed = false
    private let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    /// Waits for room, then queues `block`.
    func push(_ block: Element) {
        condition.lock()
        while blocks.count >= capacity && !closed { condition.wait() }
        blocks.append(block)
        condition.broadcast()
        condition.unlock()
    }

    /// No more blocks will come.
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    /// The next block, or nil once closed and drained.
    func pop() -> Element? {
        condition.lock()
        defer { condition.unlock() }
        while blocks.isEmpty && !closed { condition.wait() }
        if blocks.isEmpty { return nil }
        let block = blocks.removeFirst()
        condition.broadcast()
        return block
    }
}

/// Runs a `PartitionWriter` on its own thread, fed with blocks of rows, so that merging and
/// deduplicating (the caller's thread) and encoding and writing overlap on two cores.
final class DayWriter: @unchecked Sendable {
    private let writer: PartitionWriter
    private let queue = BlockQueue<[CleanRow]>(capacity: 3)
    private let finished = DispatchSemaphore(value: 0)
    private var failure: Error?
    private var block: [CleanRow] = []
    private let blockRows: Int

    init(writer: PartitionWriter, blockRows: Int) {
        self.writer = writer
        self.blockRows = blockRows
        block.reserveCapacity(blockRows)
        let thread = Thread { [self] in self.drain() }
        thread.stackSize = 1 << 20
        thread.start()
    }

    private func drain() {
        while let rows = queue.pop() {
            guard failure == nil else { continue }  // keep draining so the producer never blocks
            do {
                try rows.withUnsafeBufferPointer { try writer.append($0) }
            } catch {
                failure = error
            }
        }
        if failure == nil {
            do { try writer.finish() } catch { failure = error }
        }
        finished.signal()
    }

    /// Queues one row (called from one thread only).
    @inline(__always)
    func append(_ r: CleanRow) {
        block.append(r)
        if block.count == blockRows {
            queue.push(block)
            block = []
            block.reserveCapacity(blockRows)
        }
    }

    /// Flushes, waits for the writer thread, finishes the file; returns the rows written.
    func finish() throws -> Int {
        if !block.isEmpty { queue.push(block) }
        block = []
        queue.close()
        finished.wait()
        if let failure { throw failure }
        return writer.writer.rowsWritten
    }
}

/// Runs `body` on its own thread for every pushed item, in push order, so a serial step
/// (appending to the day store, writing the quarantine) overlaps with the parallel work
/// that produces the items. The first error stops the work; `finish()` rethrows it.
final class BackgroundConsumer<Item>: @unchecked Sendable {
    private let queue: BlockQueue<Item>
    private let done = DispatchSemaphore(value: 0)
    private let body: (Item) throws -> Void
    private var failure: Error?

    init(capacity: Int, body: @escaping (Item) throws -> Void) {
        queue = BlockQueue(capacity: capacity)
        self.body = body
        let thread = Thread { [self] in
            while let item = queue.pop() {
                guard failure == nil else { continue }
                do { try self.body(item) } catch { failure = error }
            }
            done.signal()
        }
        thread.start()
    }

    func push(_ item: Item) { queue.push(item) }

    /// Waits until every pushed item is consumed; rethrows the first error.
    func finish() throws {
        queue.close()
        done.wait()
        if let failure { throw failure }
    }
}
