import FlowCore
import FlowIO
import Foundation

/// Runs an ingest: every input file into one Arrow file in the output folder, rejected
/// rows into `quarantine.jsonl`, and the accounting into `manifest.json` (all written
/// atomically). A file that fails is recorded and the others go on.
public struct IngestEngine {
    public let options: IngestOptions
    public let outputDirectory: String
    /// Called after each input with its report (progress display, logs).
    public var onInput: (@Sendable (InputReport) -> Void)?
    /// Receives rows written and input bytes read (total: the inputs' sizes on disk).
    public var progress: StageProgress?
    /// Small files two at a time (tests turn it off to compare with one at a time).
    var concurrentSmallFiles = true
    /// Tiny files in a run of at least this many are bundled (`bundleMinFiles`; tests
    /// change it).
    var bundleMinFiles = IngestEngine.bundleMinFiles
    /// Memory budget of results waiting for their turn (`lookAheadBytes`; tests lower it).
    var lookAheadBytes = IngestEngine.lookAheadBytes

    public init(options: IngestOptions, outputDirectory: String) {
        self.options = options
        self.outputDirectory = outputDirectory.hasSuffix("/") && outputDirectory.count > 1
            ? String(outputDirectory.dropLast()) : outputDirectory
    }

    /// Ingests the files named by `specs` (files, folders, globs). Throws only when the
    /// output itself cannot be written; input problems are in the manifest. A dry run
    /// (`IngestOptions.dryRun`) touches nothing in the output folder.
    public func run(inputs specs: [String]) throws -> IngestManifest {
        let started = DispatchTime.now()
        let dryRun = options.dryRun
        let claim = dryRun ? nil : try OutputFolderClaim(folder: outputDirectory, stage: "floe-ingest")
        defer { withExtendedLifetime(claim) {} }
        let previous = dryRun ? nil : try? IngestManifest.decode(Data(contentsOf: URL(fileURLWithPath: manifestPath)))
        var manifest = IngestManifest(version: options.toolVersion, parameters: options.manifestParameters)

        let quarantineFile = dryRun ? nil : try AtomicFile(path: outputDirectory + "/" + IngestManifest.quarantineFileName)
        var ingestor = FileIngestor(options: options, outputDirectory: outputDirectory) { bytes in
            try quarantineFile?.write(bytes)
        }
        let entries = expand(specs)
        let sizes = entries.map { entry -> Int64 in
            if case .file(let path, _) = entry { return FileIngestor.fileSize(path) } else { return 0 }
        }
        var bytesBefore: Int64 = 0
        if let progress {
            progress.setTotal(sizes.reduce(0, +), unit: "bytes")
            ingestor.progress = progress
        }
        func finish(_ report: InputReport) {
            bytesBefore += report.bytes
            progress?.setDone(bytesBefore)
            onInput?(report)
            manifest.inputs.append(report)
        }
        var index = 0
        while index < entries.count {
            let run = concurrentSmallFiles ? smallFileRun(entries, sizes: sizes, from: index) : []
            if run.count > 1 {
                // Small files several at a time (one thread each), published in groups;
                // results in input order.
                try ingestConcurrently(run, quarantine: { try quarantineFile?.write($0) }) { report in
                    progress?.addRows(report.counts.rowsWritten)
                    finish(report)
                }
                index += run.count
                continue
            }
            switch entries[index] {
            case .file(let path, let resolved):
                ingestor.bytesBefore = bytesBefore
                finish(ingestor.ingest(path: path, resolvedPath: resolved, publish: true).report)
            case .unmatched(let spec, let error):
                var report = InputReport(path: spec, compression: InputCompression.none.rawValue, bytes: 0)
                report.status = .failed
                report.error = error
                finish(report)
            }
            index += 1
        }
        manifest.recomputeTotals()
        progress?.flush()
        try quarantineFile?.commit()
        manifest.durationSeconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        if !dryRun {
            try writeAtomically(path: manifestPath, bytes: [UInt8](try manifest.encoded()))
            removeStaleOutputs(previous: previous, current: manifest)
        }
        return manifest
    }

    var manifestPath: String { outputDirectory + "/" + IngestManifest.fileName }

    /// Files smaller than this (on disk) are ingested several at a time: one of them cannot
    /// keep both cores busy (a nightly nfcapd folder holds 288 five-minute files, an S3
    /// export thousands of small gzip objects). Larger files go one by one with all parsing
    /// threads.
    static let smallFileBytes: Int64 = 8 << 20
    /// Files smaller than this (on disk) are tiny: in a run of at least `bundleMinFiles` of
    /// them, their rows go into shared Arrow files (`OutputBundle`) instead of one file each.
    static let tinyFileBytes: Int64 = 64 << 10
    /// Tiny files a run of small files must hold for them to be bundled: below this, a file
    /// each costs little and keeps the simplest layout.
    static let bundleMinFiles = 64
    /// A bundle is closed once it holds this many batches' worth of rows (the input that
    /// crosses it is the last one in it): a few files per million rows, for readers to
    /// share out.
    static let bundleBatches = 4
    /// Memory that finished small files may hold while they wait for their turn in input
    /// order (their rows, when bundled, and their quarantine lines): workers start no new
    /// file while that much is held, except the one the ordered writer waits for.
    static let lookAheadBytes = 64 << 20
    /// What a finished file's result holds besides its rows and quarantine lines (its
    /// report), counted against `lookAheadBytes`.
    static let resultOverheadBytes = 2048
    /// Small files written but not yet published at most (see `GroupPublisher`).
    static let smallFilesUnpublished = 1024
    /// Small files in flight at once: each is read, parsed and written on its worker's own
    /// thread, so little more than one per core is needed; the extra ones cover waits in
    /// the kernel (creating files in one folder, page-cache misses).
    static let smallFileWorkers = ProcessInfo.processInfo.activeProcessorCount + 2

    /// A small input still to be ingested: its path as given and as resolved, and whether
    /// its rows go into a bundle.
    typealias SmallFile = (path: String, resolved: String, bundled: Bool)

    /// The run of consecutive small files starting at `index`; empty when `entries[index]`
    /// is not a small file. Its tiny files are marked bundled when there are at least
    /// `bundleMinFiles` of them (never in a dry run: nothing is written).
    func smallFileRun(_ entries: [InputEntry], sizes: [Int64], from index: Int) -> [SmallFile] {
        var files: [SmallFile] = []
        var k = index
        var tiny = 0
        while k < entries.count, case .file(let path, let resolved) = entries[k], sizes[k] < Self.smallFileBytes {
            let isTiny = sizes[k] < Self.tinyFileBytes
            files.append((path, resolved, isTiny))
            if isTiny { tiny += 1 }
            k += 1
        }
        if tiny < bundleMinFiles || options.dryRun {
            for i in files.indices { files[i].bundled = false }
        }
        return files
    }

    /// One small file's outcome: what its ingest gave, and its quarantine lines.
    typealias SmallFileResult = (ingested: FileIngestor.Ingested, resolved: String, quarantine: [UInt8])

    /// Ingests `files` on `smallFileWorkers` threads kept for the whole run, each file read,
    /// parsed and written on one thread (a bundled file's rows are kept in memory instead),
    /// at most `lookAheadBytes` of finished results ahead of the input order. In input
    /// order, each file's quarantine lines go to `quarantine`; its own output, or the
    /// bundle its rows join (`OutputBundle`), goes to a `GroupPublisher` (a small file's
    /// own work takes less than an fsync: many are made durable at once while the workers
    /// go on); once published, its report goes to `done`.
    func ingestConcurrently(_ files: [SmallFile], quarantine: ([UInt8]) throws -> Void,
                            done: (InputReport) -> Void) throws {
        var oneThread = options
        oneThread.parseThreads = 1
        let single = oneThread
        let results = OrderedResults<SmallFileResult>(count: files.count, budget: lookAheadBytes)
        let outputDirectory = outputDirectory
        let workers = DispatchGroup()
        for _ in 0..<min(Self.smallFileWorkers, files.count) {
            workers.enter()
            let thread = Thread {
                let headers = HeaderCache()
                while let k = results.claimNext() {
                    let lines = QuarantineBuffer()
                    var ingestor = FileIngestor(options: single, outputDirectory: outputDirectory) { lines.bytes += $0 }
                    ingestor.readOnCallingThread = true
                    ingestor.headerCache = headers
                    ingestor.collectRows = files[k].bundled
                    let ingested = ingestor.ingest(path: files[k].path, resolvedPath: files[k].resolved, publish: false)
                    let held = Self.resultOverheadBytes + lines.bytes.count + (ingested.rows?.approximateBytes ?? 0)
                    results.set(k, (ingested, files[k].resolved, lines.bytes), bytes: held)
                }
                workers.leave()
            }
            thread.name = "floe-small-files"
            thread.start()
        }
        let publisher = GroupPublisher<InputReport>(folder: outputDirectory, capacity: Self.smallFilesUnpublished)
        let bundle = OutputBundle(outputDirectory: outputDirectory, batchRows: options.batchRows)
        let bundleRows = Int64(options.batchRows) * Int64(Self.bundleBatches)
        defer {
            // Normally everything was taken and published; after an error, stop the workers
            // and remove the outputs nobody will publish.
            results.stop()
            workers.wait()
            for result in results.untaken() {
                if let temporary = result.ingested.unpublished { unlink(temporary) }
            }
            bundle.abandon()
            publisher.abandon()
        }
        func publishBundle() throws {
            guard !bundle.isEmpty else { return }
            let closed = try bundle.close()
            try publisher.add(closed.file, tags: closed.reports)
        }
        for k in files.indices {
            let result = results.take(k)
            try quarantine(result.quarantine)
            let ingested = result.ingested
            if let temporary = ingested.unpublished {
                // Its own file: whatever waits in the bundle goes first.
                try publishBundle()
                try publisher.add((temporary, outputDirectory + "/" + ingested.report.outputs[0]), tag: ingested.report)
            } else {
                // Rows for the bundle, or a failed file passing in order.
                try bundle.add(ingested.report, resolvedPath: result.resolved, rows: ingested.rows)
                if bundle.rows >= bundleRows { try publishBundle() }
            }
            for report in try publisher.takePublished() { done(report) }
        }
        try publishBundle()
        for report in try publisher.finish() { done(report) }
    }

    enum InputEntry {
        /// A file, with its path as found and resolved (`realpath`).
        case file(String, resolved: String)
        case unmatched(spec: String, error: String)
    }

    /// Expands each spec on its own, so one bad spec does not stop the others. Files inside
    /// the output folder are never inputs.
    func expand(_ specs: [String]) -> [InputEntry] {
        var entries: [InputEntry] = []
        var seen = Set<String>()
        // A dry run without an output folder ("") excludes nothing.
        let outputPrefix = outputDirectory.isEmpty ? nil : (FileIngestor.realpathString(outputDirectory) ?? outputDirectory) + "/"
        for spec in specs {
            do {
                for path in try InputDiscovery.expand([spec]) {
                    let real = FileIngestor.realpathString(path) ?? path
                    if let outputPrefix, real.hasPrefix(outputPrefix) { continue }
                    if !seen.insert(real).inserted { continue }
                    entries.append(.file(path, resolved: real))
                }
            } catch {
                entries.append(.unmatched(spec: spec, error: "\(error)"))
            }
        }
        return entries
    }

    /// Deletes the Arrow files an earlier run listed that this run did not write again.
    func removeStaleOutputs(previous: IngestManifest?, current: IngestManifest) {
        guard let previous else { return }
        let keep = Set(current.inputs.flatMap(\.outputs))
        for name in previous.inputs.flatMap(\.outputs) where !keep.contains(name) && !name.contains("/") {
            unlink(outputDirectory + "/" + name)
        }
    }
}
