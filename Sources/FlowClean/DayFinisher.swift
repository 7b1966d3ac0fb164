import FlowCore
import FlowDataset
import FlowIO
import Foundation

/// Writes the days of a clean, in ascending order: per day, merges its sorted runs and
/// in-memory rows, dedupes (the window carries across consecutive days), enriches and
/// writes the partition into a staging folder, then hands it to a thread of its own
/// (`publisher`) for what waits mostly on the disk — the last batch, the file's fsync, the
/// coverage file, the folder syncs and the swap — while the next day merges. At most one
/// finished day waits for that thread, so memory stays bounded whatever the number of days;
/// partitions are published in day order. Used by one thread at a time: the intake
/// consumer for days completed during phase 1, then the calling thread in phase 2.
final class DayFinisher: @unchecked Sendable {
    let config: CleanConfig
    let store: DayStore
    let output: String
    let files: [String]
    let progress: StageProgress?
    private var window: DedupeWindow
    private var previousDay: Int64? = nil
    private(set) var rowsOut: [Int64]
    private(set) var duplicates: [Int64]
    /// Rows merged so far.
    private(set) var merged: Int64 = 0
    private var publisher: BackgroundConsumer<FinishedDay>!
    /// Written by the publisher thread only; read after `finish()`.
    private var published: [PartitionReport] = []
    private var publishFailure: Error?

    init(config: CleanConfig, store: DayStore, output: String, files: [String], progress: StageProgress?) {
        self.config = config
        self.store = store
        self.output = output
        self.files = files
        self.progress = progress
        window = DedupeWindow(key: config.dedupeKey, toleranceMillis: config.dedupeToleranceMillis)
        rowsOut = [Int64](repeating: 0, count: files.count)
        duplicates = [Int64](repeating: 0, count: files.count)
        // After a failure the later days' writers are only wound down (their threads end,
        // nothing more is swapped in); the first failure is thrown by `finish()`.
        publisher = BackgroundConsumer<FinishedDay>(capacity: 1) { [unowned self] finished in
            guard publishFailure == nil else { _ = try? finished.writer.finish(); return }
            do {
                let rows = Int64(try finished.writer.finish())
                try finished.coverage.write(day: finished.staged, inputs: files)
                PartitionSwap.syncFolder(finished.staged)
                try PartitionSwap.replace(target: output + "/" + finished.folder, with: finished.staged, parent: output)
                published.append(PartitionReport(date: CivilTime.dateString(day: finished.day),
                                                 path: finished.folder + "/" + DatasetLayout.partFile(0), rows: rows))
            } catch {
                publishFailure = error
            }
        }
    }

    /// Merges and writes `day` (every row of it must be in the store), its in-memory rows in
    /// `order` when already sorted. `labels` are the run's label texts so far (the day's rows
    /// use no later ones).
    func write(day: Int64, order: [UInt32]?, labels: [[UInt8]]) throws {
        if previousDay.map({ $0 + 1 != day }) ?? true { window.reset() }
        previousDay = day
        let (chunks, runs) = store.take(day: day)
        let stride = MemoryLayout<CleanRow>.stride
        var cursors: [RunCursor] = []
        let bufferRows = max(256, min(8192, (config.memoryBudgetMB << 20) / 8 / max(runs.count, 1) / stride))
        for run in runs { cursors.append(RunCursor(file: run, bufferRows: bufferRows)) }
        if !chunks.isEmpty { cursors.append(RunCursor(chunks: chunks, order: order ?? DayStore.sortOrder(chunks))) }
        var merger = try RunMerger(cursors)
        var coverage = CoverageSpans(inputs: files.count)

        let folder = DatasetLayout.partitionFolder(day: day)
        let staged = output + "/." + folder + ".tmp-\(getpid())"
        try? FileManager.default.removeItem(atPath: staged)
        try CleanEngine.writing { try createFolder(staged) }
        let writer = DayWriter(writer: try PartitionWriter(path: staged + "/" + DatasetLayout.partFile(0), rowsPerBatch: config.rowsPerBatch,
                                                           networks: config.internalNetworks, labels: labels))
        do {
            var count: Int64 = 0
            while let cursor = try merger.next() {
                cursor.withCurrent { row in
                    coverage.add(row)
                    let input = Int(row.pointee.input)
                    if config.dedupeEnabled && window.isDuplicate(row) {
                        duplicates[input] += 1
                    } else {
                        writer.append(row)
                        rowsOut[input] += 1
                    }
                }
                count += 1
                if count & 0xFFFF == 0 { progress?.addDone(0x10000) }
            }
            progress?.addDone(count & 0xFFFF)
            merged += count
        } catch {
            _ = try? writer.finish()
            throw error
        }
        publisher.push(FinishedDay(writer: writer, coverage: coverage, staged: staged, folder: folder, day: day))
    }

    /// Waits for every day to be published; returns their reports in day order, or throws
    /// the first failure.
    func finish() throws -> [PartitionReport] {
        try publisher.finish()
        if let publishFailure { throw publishFailure }
        return published
    }
}

/// A merged day handed to the publishing thread: its writer still to finish, its coverage
/// and its staging folder to swap in.
struct FinishedDay {
    let writer: DayWriter
    let coverage: CoverageSpans
    let staged: String
    let folder: String
    let day: Int64
}
