import Foundation
import FlowIO

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
    func append(_ r: UnsafePointer<CleanRow>) {
        block.append(r.pointee)
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
