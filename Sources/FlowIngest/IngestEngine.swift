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
            if case .file(let path) = entry { return FileIngestor.fileSize(path) } else { return 0 }
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
            let group = concurrentSmallFiles ? smallFileGroup(entries, sizes: sizes, from: index) : []
            if group.count > 1 {
                // Small files several at a time (one parsing thread each), published as a group;
                // results in input order.
                let (reports, unpublished) = ingestConcurrently(group)
                try AtomicFile.publishGroup(unpublished, in: outputDirectory)
                for (report, quarantineLines) in reports {
                    try quarantineFile?.write(quarantineLines)
                    progress?.addRows(report.counts.rowsWritten)
                    finish(report)
                }
                index += group.count
                continue
            }
            switch entries[index] {
            case .file(let path):
                ingestor.bytesBefore = bytesBefore
                finish(ingestor.ingest(path: path))
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

    /// Files smaller than this (on disk) are ingested two at a time: one of them cannot keep
    /// both cores busy (a nightly nfcapd folder holds 288 five-minute files, an S3 export
    /// thousands of small gzip objects). Larger files go one by one with all parsing threads.
    static let smallFileBytes: Int64 = 8 << 20
    /// Files ingested concurrently at most before their results are written in order (the
    /// quarantine lines of a group are held in memory until then).
    static let smallFileGroup = 16
    /// Small files in flight at once. A small file's time is mostly waiting (thread hand-offs,
    /// fsync of its output), not CPU, so more files than cores are in flight.
    static let smallFileWorkers = 6

    /// The paths of the run of consecutive small files starting at `index` (at most
    /// `smallFileGroup`); empty when `entries[index]` is not a small file.
    func smallFileGroup(_ entries: [InputEntry], sizes: [Int64], from index: Int) -> [String] {
        var paths: [String] = []
        var k = index
        while k < entries.count, paths.count < Self.smallFileGroup, case .file(let path) = entries[k], sizes[k] < Self.smallFileBytes {
            paths.append(path)
            k += 1
        }
        return paths
    }

    /// Ingests `paths` on `smallFileWorkers` threads, each file with one parsing thread, and
    /// returns each file's report and quarantine lines in the order of `paths`, and the
    /// outputs still to be published (unsynced temporary name → final path): a small file's
    /// time is mostly the fsync of its output, so the group is made durable at once.
    func ingestConcurrently(_ paths: [String]) -> (reports: [(InputReport, [UInt8])], unpublished: [(String, String)]) {
        var oneThread = options
        oneThread.parseThreads = 1
        let single = oneThread
        let results = ConcurrentResults<(InputReport, [UInt8], String?)>(count: paths.count)
        let outputDirectory = outputDirectory
        let done = DispatchGroup()
        for _ in 0..<min(Self.smallFileWorkers, paths.count) {
            done.enter()
            Thread.detachNewThread {
                while let k = results.claimNext() {
                    let lines = QuarantineBuffer()
                    let ingestor = FileIngestor(options: single, outputDirectory: outputDirectory) { lines.bytes += $0 }
                    let (report, unpublished) = ingestor.ingest(path: paths[k], publish: false)
                    results.set(k, (report, lines.bytes, unpublished))
                }
                done.leave()
            }
        }
        done.wait()
        let values = results.values()
        let unpublished = values.compactMap { value in
            value.2.map { ($0, outputDirectory + "/" + value.0.outputs[0]) }
        }
        return (values.map { ($0.0, $0.1) }, unpublished)
    }

    enum InputEntry {
        case file(String)
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
                    entries.append(.file(path))
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
