import Foundation
import FlowIO

/// Writes one day's partition with two threads: the caller's thread (which merges and
/// deduplicates) also takes the rows into column sets (`PartitionColumns`: stored columns
/// and enrichment), and a thread of its own renders each full set's text columns, encodes
/// it and writes it (`PartitionWriter.write`). Three column sets circulate, so the caller
/// fills one while the writer works on another; the caller waits only when the writer is
/// two batches behind.
final class DayWriter: @unchecked Sendable {
    private let writer: PartitionWriter
    /// Full column sets, in order, for the writer thread.
    private let queue = BlockQueue<PartitionColumns>(capacity: 2)
    /// Written (empty) column sets, back from the writer thread.
    private let free = BlockQueue<PartitionColumns>(capacity: 3)
    private let finished = DispatchSemaphore(value: 0)
    private var failure: Error?
    /// Rows copied from the merge, taken into `current` when `blockRows` are held.
    private var block: [CleanRow] = []
    private let blockRows: Int
    private var current: PartitionColumns

    init(writer: PartitionWriter, blockRows: Int = PartitionWriter.takeRows) {
        self.writer = writer
        self.blockRows = max(1, blockRows)
        block.reserveCapacity(self.blockRows)
        current = writer.makeColumns()
        free.push(writer.makeColumns())
        free.push(writer.makeColumns())
        let thread = Thread { [self] in self.drain() }
        thread.stackSize = 1 << 20
        thread.start()
    }

    private func drain() {
        while let columns = queue.pop() {
            if failure == nil {  // after a failure keep draining so the caller never blocks
                do { try writer.write(columns) } catch { failure = error }
            }
            // `write` empties the set; one it failed on or skipped is emptied here.
            if columns.count > 0 { columns.removeAll() }
            free.push(columns)
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
        if block.count == blockRows { takeBlock() }
    }

    /// Takes the held rows into column sets, handing each full set to the writer thread.
    private func takeBlock() {
        block.withUnsafeBufferPointer { rows in
            PartitionWriter.take(rows, into: { current }, rowsPerBatch: writer.rowsPerBatch) { full in
                queue.push(full)
                current = free.pop() ?? writer.makeColumns()
            }
        }
        block.removeAll(keepingCapacity: true)
    }

    /// Flushes, waits for the writer thread, finishes the file; returns the rows written.
    func finish() throws -> Int {
        takeBlock()
        if current.count > 0 { queue.push(current) }
        queue.close()
        finished.wait()
        if let failure { throw failure }
        return writer.writer.rowsWritten
    }
}
