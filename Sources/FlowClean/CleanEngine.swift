import FlowArtifacts
import FlowColumnar
import FlowConfig
import FlowCore
import FlowDataset
import FlowIO
import Foundation

/// The clean stage: raw ingest Arrow files in, the day-partitioned flow dataset out.
///
/// Phase 1 reads the inputs in order; the record batches of a file are validated on
/// `threads` threads (`BatchCleaner`), rejects go to the quarantine in input order and
/// valid rows into a `DayStore`, which spills sorted per-day runs to a scratch folder when
/// the memory budget would be exceeded. Phase 2 takes the days in ascending order, merges
/// each day's runs in `RowOrder`, drops duplicates (`DedupeWindow`, carried across
/// consecutive days), normalizes and enriches the rows (`PartitionWriter`) into a staged
/// folder and swaps it in for `date=D` (`PartitionSwap`). The quarantine and the manifest
/// are written last, atomically, and kept in the run's record (`CleanRunRecord`) so the
/// next clean into the same dataset does not replace them.
public struct CleanEngine: Sendable {
    public let config: CleanConfig
    /// Recorded in the manifest (the command passes `floeVersion`).
    public let toolVersion: String

    /// Rows held in memory before spilling; nil derives it from the memory budget (tests
    /// set it small to exercise the spill path).
    var spillLimitRows: Int?
    /// Most rows of one validation job (a slice of a record batch); nil derives it from
    /// the memory budget (about 10 % of it in flight).
    var sliceRows: Int?
    /// Receives the input rows validated; its work (unit "rows") counts each input row
    /// twice, once when validated and once when merged into its day.
    public var progress: StageProgress?

    public init(config: CleanConfig, toolVersion: String) {
        self.config = config
        self.toolVersion = toolVersion
    }

    /// The Arrow files of the inputs. A folder written by floe-ingest gives exactly the files
    /// its `manifest.json` lists, in the manifest's order: a listed file that is missing is
    /// kept, so it is reported as a failed input, and a file the manifest does not list is
    /// never read (a directory listing could miss or add files; rows must not vanish with
    /// them). A folder without a manifest gives every `*.arrow` file in it, hidden ones
    /// included, sorted by name. A file gives itself; a path that does not exist is kept.
    public static func inputFiles(_ specs: [String]) throws -> [String] {
        var out: [String] = []
        let fm = FileManager.default
        for spec in specs {
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: spec, isDirectory: &isDir), isDir.boolValue else {
                out.append(spec)
                continue
            }
            let folder = spec.hasSuffix("/") && spec.count > 1 ? String(spec.dropLast()) : spec
            if let listed = try IngestOutputListing.read(folder: folder) {
                out += listed.map { folder + "/" + $0 }
            } else {
                let names = ((try? fm.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".arrow") }.sorted()
                out += names.map { folder + "/" + $0 }
            }
        }
        return out
    }

    /// Cleans `inputs` (RAW_DIR folders or Arrow files) into the dataset folder `output`.
    /// Unreadable inputs are reported in the manifest (`status: failed`) and the others are
    /// cleaned; check `manifest.failedInputs`. Throws on configuration, write and
    /// accounting failures. `now` overrides the wall clock for `future_skew` when the
    /// config has no `reference_time`.
    @discardableResult
    public func run(inputs: [String], output: String, now: Int64? = nil) throws -> CleanManifest {
        let problems = config.problems()
        if !problems.isEmpty {
            throw CleanError.invalidConfig(problems.map { ConfigDiagnostic(file: "configuration", line: 0, $0) })
        }
        let files = try CleanEngine.inputFiles(inputs)
        if files.isEmpty { throw CleanError.usage("no input Arrow files in \(inputs.joined(separator: ", ")); give RAW_DIR folders written by floe-ingest") }
        let fm = FileManager.default
        let claim = try Self.writing { try OutputFolderClaim(folder: output, stage: "floe-clean") }
        defer { withExtendedLifetime(claim) {} }
        PartitionSwap.recover(in: output)

        let reference = config.referenceTimeMillis ?? now ?? Int64(Date().timeIntervalSince1970 * 1000)
        let validator = RowValidator(config: config, referenceTime: reference)
        var manifest = CleanManifest(version: toolVersion, config: config, referenceTime: CivilTime.isoString(millis: reference))

        let scratch = output + "/.clean-scratch-\(getpid())"
        try? fm.removeItem(atPath: scratch)
        try Self.writing { try createFolder(scratch) }
        defer { try? fm.removeItem(atPath: scratch) }

        let budgetBytes = config.memoryBudgetMB << 20
        let stride = MemoryLayout<CleanRow>.stride
        let store = DayStore(scratchFolder: scratch, spillLimitRows: spillLimitRows ?? budgetBytes * 45 / 100 / stride, threads: config.threads)
        let quarantine = try AtomicFile(path: output + "/" + CleanManifest.quarantineFileName)
        // In flight: one group being validated, one queued, one being consumed.
        let group = max(1, config.threads * 2)
        let slice = sliceRows ?? min(65_536, max(1_024, budgetBytes / 10 / (3 * group * stride)))
        let sink = IntakeSink(store: store, quarantine: quarantine, inputs: files.count, maxQuarantineRows: config.maxQuarantineRows)
        let finisher = DayFinisher(config: config, store: store, output: output, files: files, progress: progress)
        defer { _ = try? finisher.finish() }
        // Days that can receive no more rows are written during phase 1 (in order), so
        // time-ordered inputs do not spill every day to disk.
        let completion = DayCompletion(files: files)
        let consumer = BackgroundConsumer<[IntakeItem]>(capacity: 1) { items in
            for item in items {
                if let outcome = item.outcome { try sink.take(outcome, input: item.input, rows: item.rows) }
                guard let completion, !item.doneBatches.isEmpty else { continue }
                for b in item.doneBatches { completion.batchDone(b) }
                for day in store.days {
                    guard completion.isReady(day) else { break }
                    try finisher.write(day: day, order: nil, labels: sink.labels.texts)
                }
            }
            try store.spillIfFull()
        }

        if let progress {
            progress.setTotal(2 * files.reduce(0) { $0 + Self.rowCount(path: $1) }, unit: "rows")
        }

        // Phase 1: validate and bucket by day.
        for (index, path) in files.enumerated() {
            var report = CleanInputReport(path: path)
            let batches = completion.map { c in c.batchOffset[index]..<(index + 1 < files.count ? c.batchOffset[index + 1] : c.batchCount) }
            do {
                try readInput(path: path, index: index, validator: validator, sliceRows: slice, batches: batches, consumer: consumer)
            } catch {
                report.status = "failed"
                report.error = "\(error)"
                // None of its rows was used: its batches are done.
                if let batches { consumer.push([IntakeItem(input: index, rows: 0, outcome: nil, doneBatches: batches)]) }
            }
            manifest.inputs.append(report)
        }
        try consumer.finish()
        store.releaseFreeChunks()
        for k in manifest.inputs.indices where manifest.inputs[k].status == "ok" {
            manifest.inputs[k].counts = sink.counts[k]
        }
        if let progress {
            // What phase 2 will merge: the rows accepted (rejects and failed files are done).
            let accepted = manifest.inputs.reduce(Int64(0)) { $0 + $1.counts.rowsIn - $1.counts.rowsRejected }
            progress.setTotal(progress.current.done + accepted - finisher.merged, unit: "rows")
        }
        let labels = sink.labels

        // Phase 2: the days not written during phase 1, in order.
        let days = store.days
        // Sort the days still in memory, in parallel, before merging them one by one.
        let memoryDays = days.filter { store.memory[$0] != nil }
        var orders = Dictionary(uniqueKeysWithValues: zip(memoryDays, store.sortAll(memoryDays)))
        for day in days {
            try finisher.write(day: day, order: orders.removeValue(forKey: day), labels: labels.texts)
        }
        manifest.partitions = try finisher.finish()
        let rowsOut = finisher.rowsOut, duplicates = finisher.duplicates
        manifest.spills = store.spills

        for k in manifest.inputs.indices where manifest.inputs[k].status == "ok" {
            manifest.inputs[k].counts.rowsOut = rowsOut[k]
            manifest.inputs[k].counts.duplicates = duplicates[k]
        }
        manifest.recomputeTotals()
        let unbalanced = manifest.inputs.filter { !$0.counts.isBalanced }
        if !unbalanced.isEmpty || !manifest.totals.counts.isBalanced {
            throw CleanError.accountingMismatch(unbalanced.map {
                "\($0.path): in \($0.counts.rowsIn), out \($0.counts.rowsOut), rejected \($0.counts.rowsRejected), duplicates \($0.counts.duplicates)"
            }.joined(separator: "; "))
        }
        progress?.flush()
        try quarantine.commit()
        try writeAtomically(path: output + "/" + CleanManifest.fileName, bytes: Array(try manifest.encoded()))
        try Self.writing {
            try CleanRunRecord.keep(files: [CleanManifest.quarantineFileName, CleanManifest.fileName], output: output, inputs: inputs)
        }
        return manifest
    }

    /// Runs a FlowIO write step, its write failure as this stage's error.
    static func writing<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch FlowIOError.writeFailed(let path, let reason) {
            throw CleanError.writeFailed(path: path, reason: reason)
        }
    }

    /// Rows in an Arrow file, from its batch headers (0 when it cannot be read).
    static func rowCount(path: String) -> Int64 {
        guard let reader = try? ArrowFileReader(path: path) else { return 0 }
        return (0..<reader.recordBatchCount).reduce(0) { $0 + Int64((try? reader.recordBatch(at: $1).rowCount) ?? 0) }
    }

    /// Phase 1 for one input file: checks the whole file (schema, every batch) before any
    /// of its rows is used, then validates slices in parallel and hands the outcomes, in
    /// order, to the consumer. Throws only for an unreadable file.
    private func readInput(path: String, index: Int, validator: RowValidator, sliceRows: Int, batches: Range<Int>?,
                           consumer: BackgroundConsumer<[IntakeItem]>) throws {
        let reader = try ArrowFileReader(path: path)
        try reader.checkFlowSchema()
        // Checking a view reads its offsets; drop those pages again at once, so checking a
        // large file does not make all of it resident (they are read again when used).
        // Batches are checked on `threads` threads; the first failure (lowest batch) wins.
        let checked = UnsafeSendableBox([Result<RawBatchView, Error>?](repeating: nil, count: reader.recordBatchCount))
        parallelFor(count: reader.recordBatchCount, threads: config.threads) { index in
            let result = Result { () throws -> RawBatchView in
                let view = try RawBatchView(reader: reader, index: index)
                view.releasePages()
                return view
            }
            checked.withLock { $0[index] = result }
        }
        let views = try checked.value.map { try $0!.get() }
        var sourceJSON: [UInt8] = []
        JSONText.appendString(path, to: &sourceJSON)
        let source = sourceJSON
        // Jobs: slices of at most `sliceRows` rows of a batch, so a huge batch neither
        // serializes the work nor holds more than a slice of rows in flight.
        var jobs: [(view: Int, rows: Range<Int>)] = []
        for (k, view) in views.enumerated() {
            var lo = 0
            repeat {
                let hi = min(view.rowCount, lo + sliceRows)
                jobs.append((k, lo..<hi))
                lo = hi
            } while lo < view.rowCount
        }
        let group = max(1, config.threads * 2)
        var first = 0
        while first < jobs.count {
            let count = min(group, jobs.count - first)
            let outcomes = UnsafeSendableBox([BatchOutcome?](repeating: nil, count: count))
            let slice = Array(jobs[first..<(first + count)])
            parallelFor(count: count, threads: config.threads) { k in
                let job = slice[k]
                let outcome = BatchCleaner.clean(views[job.view], rows: job.rows, input: UInt32(index), batch: job.view,
                                                 sourceJSON: source, validator: validator)
                if job.rows.upperBound == views[job.view].rowCount { views[job.view].releasePages() }
                outcomes.withLock { $0[k] = outcome }
            }
            let done = outcomes.value
            let rows = Int64(slice.reduce(0) { $0 + $1.rows.count })
            progress?.addRows(rows)
            progress?.addDone(rows)
            consumer.push((0..<count).map { k in
                // The last slice of a batch completes that batch (global number).
                let last = slice[k].rows.upperBound == views[slice[k].view].rowCount
                let global = batches.map { $0.lowerBound + slice[k].view }
                return IntakeItem(input: index, rows: slice[k].rows.count, outcome: done[k]!,
                                  doneBatches: last && global != nil ? global!..<(global! + 1) : 0..<0)
            })
            first += count
        }
    }
}

/// One validated slice for the intake consumer (nil outcome: only batches to mark done).
struct IntakeItem {
    let input: Int
    let rows: Int
    let outcome: BatchOutcome?
    /// Global batch numbers (`DayCompletion`) whose last slice this is.
    let doneBatches: Range<Int>
}

/// The serial end of phase 1: maps batch-local label ids into the run's label table (in
/// input order, so ids are deterministic), files rows into the day store, appends the
/// quarantine lines and counts. Runs on the consumer thread only.
final class IntakeSink: @unchecked Sendable {
    let store: DayStore
    private(set) var labels = LabelTable()
    private(set) var counts: [CleanCounts]
    /// One per input: its share of the quarantine.
    private let limiters: [QuarantineLimiter]

    init(store: DayStore, quarantine: AtomicFile, inputs: Int, maxQuarantineRows: Int) {
        self.store = store
        counts = [CleanCounts](repeating: CleanCounts(), count: inputs)
        limiters = (0..<inputs).map { _ in QuarantineLimiter(limit: maxQuarantineRows) { try quarantine.write($0) } }
    }

    func take(_ outcome: BatchOutcome, input: Int, rows: Int) throws {
        var outcome = outcome
        let map = outcome.labels.table.texts.map { labels.id(of: $0) }
        if map.enumerated().contains(where: { $0.offset != Int($0.element) }) {
            for i in outcome.rows.indices where outcome.rows[i].has(Present.label) {
                outcome.rows[i].label = map[Int(outcome.rows[i].label)]
            }
        }
        try outcome.rows.withUnsafeBufferPointer { try store.add($0) }
        try limiters[input].pass(outcome.quarantine)
        counts[input].rejectsNotQuarantined = limiters[input].dropped
        counts[input].rowsIn += Int64(rows)
        for rule in CleanRule.allCases where outcome.rejects[rule.index] > 0 {
            counts[input].rowsRejected += Int64(outcome.rejects[rule.index])
            counts[input].rejectsByRule[rule.rawValue, default: 0] += Int64(outcome.rejects[rule.index])
        }
    }
}
