import ArgumentParser
import FlowCore
import FlowDataset
import FlowFeatures
import FlowModels
import Foundation

/// `floe-train` / `floe train`: fits the models of `ModelPlan.kinds` on a flow dataset.
public struct TrainCommand: ParsableCommand {
    public static var configuration: CommandConfiguration { CommandConfiguration(
        commandName: stageCommandName("train"),
        abstract: "Train k-means, DBSCAN and host-graph models on a flow dataset.",
        discussion: """
        Reads DATASET_DIR/date=YYYY-MM-DD/*.arrow (floe-clean's output), computes the \
        configured features (per host per window, or per flow), scales them, and writes \
        one versioned model file per kind plus models.json (settings, seed, and the XXH64 \
        fingerprints of the training files) into MODELS_DIR. The config is a YAML or JSON \
        file with a `models:` section (see docs or ModelsConfig); every key has a default. \
        Host history and each model's score distribution (for the severity of its \
        detections, docs/incidents.md) are stored with the models. A model the training \
        window is too small for is skipped with one line naming the minimum; training \
        still succeeds with the others, and floe-score runs the detectors that need no \
        history (scans, sweeps, floods, beacons).

        Exit codes: 0 trained; 1 data, model or IO error; 64 usage error.

        Examples:
          floe-train --config pipeline.yaml --input data/clean --output data/models
          floe-train --config models.json --input data/clean --output data/models \\
            --from 2026-11-01 --to 2026-11-07
        """) }

    @Option(help: ArgumentHelp("YAML or JSON file with a `models:` section.", valueName: "file"))
    public var config: String?

    @Option(help: ArgumentHelp("Dataset folder (date=YYYY-MM-DD partitions).", valueName: "dir"))
    public var input: String?

    @Option(help: ArgumentHelp("Folder for the model files.", valueName: "dir"))
    public var output: String?

    @Option(help: ArgumentHelp("First training day (inclusive), YYYY-MM-DD.", valueName: "date"))
    public var from: String?

    @Option(help: ArgumentHelp("Last training day (inclusive), YYYY-MM-DD.", valueName: "date"))
    public var to: String?

    // Hidden developer modes (peer check, quality script, benchmark).
    @Option(name: .customLong("sample-dataset"), help: .hidden) public var sampleDataset: String?
    @Option(name: .customLong("sample-rows"), help: .hidden) public var sampleRows: Int = 200_000
    @Option(name: .customLong("sample-days"), help: .hidden) public var sampleDays: Int = 7
    @Option(name: .customLong("sample-seed"), help: .hidden) public var sampleSeed: UInt64 = 7
    @Option(name: .customLong("export-features"), help: .hidden) public var exportFeatures: String?
    @Option(name: .customLong("export-k"), help: .hidden) public var exportK: Int = 6
    @Option(name: .customLong("export-dbscan-rows"), help: .hidden) public var exportDBSCANRows: Int = 20_000
    @Option(name: .customLong("bench-matrix"), help: .hidden) public var benchMatrix: String?
    @Option(name: .customLong("bench-columns"), help: .hidden) public var benchColumns: Int = 8
    @Option(name: .customLong("bench-algorithm"), help: .hidden) public var benchAlgorithm: String = "kmeans"
    @Option(name: .customLong("bench-k"), help: .hidden) public var benchK: Int = 8
    @Option(name: .customLong("bench-n-init"), help: .hidden) public var benchNInit: Int = 1
    @Option(name: .customLong("bench-max-iter"), help: .hidden) public var benchMaxIter: Int = 300
    @Option(name: .customLong("bench-eps"), help: .hidden) public var benchEps: Double = 0.3
    @Option(name: .customLong("bench-min-samples"), help: .hidden) public var benchMinSamples: Int = 10

    public init() {}

    public func validate() throws {
        if sampleDataset != nil || benchMatrix != nil { return }
        guard input != nil else { throw ValidationError("--input: give the dataset folder.") }
        if exportFeatures != nil { return }
        guard output != nil else { throw ValidationError("--output: give the models folder.") }
        _ = try days()
    }

    public func run() throws {
        try bindStageToRunner("floe-train")
        do {
            if let folder = sampleDataset {
                let labels = try SampleDataset.write(rows: sampleRows, days: sampleDays, seed: sampleSeed, anomalies: true, folder: folder)
                log("wrote \(labels.rowsWritten) generated rows over \(sampleDays) days to \(folder) (labels in labels.json)")
                return
            }
            if let matrix = benchMatrix {
                print(try ModelsPeerExport.bench(matrix: matrix, columns: benchColumns, algorithm: benchAlgorithm, k: benchK,
                                                 nInit: benchNInit, maxIter: benchMaxIter, eps: benchEps,
                                                 minSamples: benchMinSamples, seed: 0))
                return
            }
            let settings = try config.map(ModelsConfigLoader.load(path:)) ?? ModelsConfig()
            if let folder = exportFeatures {
                try ModelsPeerExport.export(config: settings, input: input!, folder: folder, k: exportK, dbscanRows: exportDBSCANRows)
                log("exported features and floe's results to \(folder)")
                return
            }
            let index = try ModelPipeline.train(config: settings, input: input!, output: output!, days: try days(),
                                                floeVersion: floeVersion, log: log)
            log("wrote \(index.models.map(\.file).joined(separator: ", ")) and models.json to \(output!)")
        } catch let error as FlowModelsError {
            log("error: \(error.description)")
            throw ExitCode.failure
        } catch let error as ExitCode {
            throw error
        } catch {
            log("error: \(error)")
            throw ExitCode.failure
        }
    }

    /// The training days of `--from`/`--to`.
    func days() throws -> DaySelection {
        do { return try DaySelection.range(from: from, to: to) } catch { throw ValidationError("\(error)") }
    }

    func log(_ message: String) {
        FileHandle.standardError.write(Data("floe-train: \(message)\n".utf8))
    }
}
