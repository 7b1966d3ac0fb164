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
        var bytesBefore: Int64 = 0
        if let progress {
            let sizes = entries.map { entry -> Int64 in
                if case .file(let path) = entry { return FileIngestor.fileSize(path) } else { return 0 }
            }
            progress.setTotal(sizes.reduce(0, +), unit: "bytes")
            ingestor.progress = progress
        }
        for entry in entries {
            var report: InputReport
            switch entry {
            case .file(let path):
                ingestor.bytesBefore = bytesBefore
                report = ingestor.ingest(path: path)
                bytesBefore += report.bytes
                progress?.setDone(bytesBefore)
            case .unmatched(let spec, let error):
                report = InputReport(path: spec, compression: InputCompression.none.rawValue, bytes: 0)
                report.status = .failed
                report.error = error
            }
            onInput?(report)
            manifest.inputs.append(report)
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
