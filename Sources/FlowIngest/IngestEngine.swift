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
    /// Small files the workers may finish ahead of the oldest one not yet taken in order
    /// (their quarantine lines are held in memory until then).
    static let smallFileWindow = 64
    /// Small files written but not yet published at most (see `GroupPublisher`).
    static let smallFilesUnpublished = 1024
    /// Small files in flight at once: each is read, parsed and written on its worker's own
    /// thread, so little more than one per core is needed; the extra ones cover waits in
    /// the kernel (creating files in one folder, page-cache misses).
    static let smallFileWorkers = ProcessInfo.processInfo.activeProcessorCount + 2

    /// A small input still to be ingested: its path as given and as resolved.
    typealias SmallFile = (path: String, resolved: String)

    /// The run of consecutive small files starting at `index`; empty when `entries[index]`
    /// is not a small file.
    func smallFileRun(_ entries: [InputEntry], sizes: [Int64], from index: Int) -> [SmallFile] {
        var files: [SmallFile] = []
        var k = index
        while k < entries.count, case .file(let path, let resolved) = entries[k], sizes[k] < Self.smallFileBytes {
            files.append((path, resolved))
            k += 1
        }
        return files
    }

    /// One small file's outcome: its report, its quarantine lines, and its output still
    /// under its unsynced temporary name (nil when it wrote none).
    typealias SmallFileResult = (report: InputReport, quarantine: [UInt8], temporary: String?)

    /// Ingests `files` on `smallFileWorkers` threads kept for the whole run, each file read,
    /// parsed and written on one thread. In input order, each file's quarantine lines go to
    /// `quarantine` and its output to a `GroupPublisher` (a small file's own work takes less
    /// than an fsync: many are made durable at once while the workers go on); once
    /// published, its report goes to `done`.
    func ingestConcurrently(_ files: [SmallFile], quarantine: ([UInt8]) throws -> Void,
                            done: (InputReport) -> Void) throws {
        var oneThread = options
        oneThread.parseThreads = 1
        let single = oneThread
        let results = OrderedResults<SmallFileResult>(count: files.count, window: Self.smallFileWindow)
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
                    let (report, temporary) = ingestor.ingest(path: files[k].path, resolvedPath: files[k].resolved, publish: false)
                    results.set(k, (report, lines.bytes, temporary))
                }
                workers.leave()
            }
            thread.name = "floe-small-files"
            thread.start()
        }
        let publisher = GroupPublisher<InputReport>(folder: outputDirectory, capacity: Self.smallFilesUnpublished)
        defer {
            // Normally everything was taken and published; after an error, stop the workers
            // and remove the outputs nobody will publish.
            results.stop()
            workers.wait()
            for result in results.untaken() {
                if let temporary = result.temporary { unlink(temporary) }
            }
            publisher.abandon()
        }
        for k in files.indices {
            let result = results.take(k)
            try quarantine(result.quarantine)
            let file = result.temporary.map { ($0, outputDirectory + "/" + result.report.outputs[0]) }
            try publisher.add(file, tag: result.report)
            for report in try publisher.takePublished() { done(report) }
        }
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
