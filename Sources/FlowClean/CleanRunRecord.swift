import FlowDataset
import FlowIO
import Foundation

/// Where each clean run keeps its own manifest and quarantine, so that a dataset cleaned day
/// by day (a backfill runs one floe-clean per day into the same DATASET_DIR) loses no day's
/// rejects: `DATASET_DIR/manifest.json` and `quarantine.jsonl` are the last run's, and
/// `DATASET_DIR/_clean_runs/NAME/` holds every run's pair, NAME being the last folder name of
/// the first input and a hash of all the inputs (`2026-11-03-9f2c…`, `DerivedFileName`). Cleaning the same inputs
/// again replaces their record; other inputs' records stay. Names starting with `_` are
/// skipped by the dataset listing and by Spark, Hive and DuckDB readers of the folder.
public enum CleanRunRecord {
    /// The folder of all run records inside the dataset folder.
    public static let folderName = DatasetLayout.cleanRunsFolder

    /// The record folder of a run over `inputs` (as given on the command line) in `output`.
    public static func folder(output: String, inputs: [String]) -> String {
        let canonical = inputs.map { path -> String in
            let url = URL(fileURLWithPath: path).standardizedFileURL
            return url.resolvingSymlinksInPath().path
        }.sorted()
        return output + "/" + folderName + "/" + DerivedFileName.make(path: canonical.first ?? "run", key: canonical.joined(separator: "\n"),
                                                                      hexDigits: 16)
    }

    /// Publishes the run's `files` (already written in the dataset folder) into its record
    /// folder: each as a hard link under a temporary name renamed over the old one (a copy
    /// when the file system has no hard links), so a record is never half written.
    public static func keep(files: [String], output: String, inputs: [String]) throws {
        let folder = folder(output: output, inputs: inputs)
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw FlowIOError.writeFailed(path: folder, reason: "cannot create the run record folder: \(error)")
        }
        for name in files {
            let source = output + "/" + name, target = folder + "/" + name
            let temporary = try AtomicFile.temporaryPath(for: target)
            if link(source, temporary) == 0 {
                try AtomicFile.publish(temporary, as: target)
            } else {
                guard let bytes = FileManager.default.contents(atPath: source) else {
                    throw FlowIOError.writeFailed(path: source, reason: "cannot read it to keep it in \(folder)")
                }
                try writeAtomically(path: target, bytes: Array(bytes))
            }
        }
    }
}
