import Foundation

/// State shared by a `ChunkReader` (consumer side), its producer thread and the chunks
/// it hands out. Every mutable field is guarded by `condition`; the buffers themselves are
/// owned by exactly one side at a time (free list → producer → ready queue → one `Chunk`
/// → free list), which is what makes the unchecked Sendable sound.
final class ChunkPipe: @unchecked Sendable {
    struct Filled {
        let slot: Int
        let count: Int
        let index: Int
        let offset: Int64
        let rawBytesConsumed: Int64
    }

    enum Ending {
        case finished(ChunkReader.Summary)
        case failed(any Error)
    }

    let buffers: [UnsafeMutableRawBufferPointer]
    private let condition = NSCondition()
    private var free: [Int]
    private var ready: [Filled] = []
    private var ending: Ending?
    private var cancelled = false
    private var heldByConsumer = 0
    private var producerRunning = true

    init(chunkSize: Int, chunkCount: Int) {
        buffers = (0..<chunkCount).map { _ in
            UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 64)
        }
        free = Array(0..<chunkCount)
        free.reserveCapacity(chunkCount)
        ready.reserveCapacity(chunkCount)
    }

    deinit {
        // Every Chunk holds the pipe, so no buffer is in use any more.
        for buffer in buffers { buffer.deallocate() }
    }

    // MARK: producer side

    /// Waits for a free buffer; nil once the reader was cancelled.
    func takeFreeSlot() -> Int? {
        condition.lock()
        defer { condition.unlock() }
        while free.isEmpty && !cancelled { condition.wait() }
        return cancelled ? nil : free.removeLast()
    }

    /// A free buffer if there is one, without waiting (for a producer on the consumer's
    /// own thread, which would wait forever); nil when none is free or after cancelling.
    func takeFreeSlotIfAny() -> Int? {
        condition.lock()
        defer { condition.unlock() }
        return cancelled || free.isEmpty ? nil : free.removeLast()
    }

    var isCancelled: Bool {
        condition.lock()
        defer { condition.unlock() }
        return cancelled
    }

    func publish(_ filled: Filled) {
        condition.lock()
        ready.append(filled)
        condition.broadcast()
        condition.unlock()
    }

    /// Gives back a slot the producer took but did not fill.
    func returnUnused(slot: Int) {
        condition.lock()
        free.append(slot)
        condition.unlock()
    }

    func finish(_ end: Ending) {
        condition.lock()
        ending = end
        condition.broadcast()
        condition.unlock()
    }

    func producerExited() {
        condition.lock()
        producerRunning = false
        condition.broadcast()
        condition.unlock()
    }

    // MARK: consumer side

    /// The next filled buffer in order, nil at the end, or the source's error once all
    /// chunks before it were taken.
    func takeReady() throws -> Filled? {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if !ready.isEmpty {
                heldByConsumer += 1
                return ready.removeFirst()
            }
            switch ending {
            case .finished?: return nil
            case .failed(let error)?: throw error
            case nil: break
            }
            if cancelled { return nil }
            if heldByConsumer == buffers.count {
                throw FlowIOError.allChunksHeld(count: buffers.count)
            }
            condition.wait()
        }
    }

    var summary: ChunkReader.Summary? {
        condition.lock()
        defer { condition.unlock() }
        if case .finished(let summary)? = ending, ready.isEmpty { return summary }
        return nil
    }

    /// Called when a chunk is released.
    func recycle(slot: Int) {
        condition.lock()
        free.append(slot)
        heldByConsumer -= 1
        condition.broadcast()
        condition.unlock()
    }

    /// Stops the producer and waits until its thread has left its loop.
    func cancelAndWait() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        while producerRunning { condition.wait() }
        condition.unlock()
    }
}
