import ArgumentParser
import FlowConfig
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
          floe-train --config pipeline.yaml --dataset data/clean --output data/models
          floe-train --config models.json --dataset data/clean --output data/models \\
            --from 2026-11-01 --to 2026-11-07
        """) }

    @Option(help: ArgumentHelp("YAML or JSON file with a `models:` section.", valueName: "file"))
    public var config: String?

    @OptionGroup var datasetOption: DatasetOption

    @Option(help: ArgumentHelp("Pipeline settings JSON (default: $FLOE_SETTINGS); internal_networks is read from it unless the config sets it.", valueName: "file"))
    public var settings: String?

    @Option(help: ArgumentHelp("Folder for the model files.", valueName: "dir"))
    public var output: String?

    @Option(name: .customLong("memory-budget-mb"), help: ArgumentHelp("Memory training may hold; beyond it the days are read one at a time and the clustering matrix is sampled (default: the config's memory_budget_mb, 512).", valueName: "MB"))
    public var memoryBudgetMB: Int?

    @Option(help: ArgumentHelp("First training day (inclusive), YYYY-MM-DD.", valueName: "date"))
    public var from: String?

    @Option(help: ArgumentHelp("Last training day (inclusive), YYYY-MM-DD.", valueName: "date"))
    public var to: String?

    public init() {}

    public func validate() throws {
        guard datasetOption.folder != nil else { throw ValidationError("--dataset: give the dataset folder.") }
        guard output != nil else { throw ValidationError("--output: give the models folder.") }
        _ = try days()
        if let v = memoryBudgetMB, v < 1 { throw ValidationError("--memory-budget-mb: give at least 1 (MiB), not \(v).") }
    }

    public func run() throws {
        try bindStageToRunner("floe-train")
        if let warning = datasetOption.deprecationWarning { log(warning) }
        do {
            var settings = try config.map(ModelsConfigLoader.load(path:)) ?? ModelsConfig()
            if let path = PipelineSettings.path(option: self.settings, environment: ProcessInfo.processInfo.environment),
               let networks = try PipelineSettings.load(path: path).internalNetworks {
                settings.applyInternalNetworksSetting(networks)
            }
            if let v = memoryBudgetMB { settings.memoryBudgetMB = v }
            let index = try ModelPipeline.train(config: settings, input: datasetOption.folder!, output: output!, days: try days(),
                                                floeVersion: floeVersion, log: log)
            log("wrote \(index.models.map(\.file).joined(separator: ", ")) and models.json to \(output!)")
        } catch let error as FlowModelsError {
            log("error: \(error.description)")
            throw ExitCode.failure
        } catch let error as ExitCode {
            throw error
        } catch let error as ConfigError {
            log("error: invalid configuration:\n" + error.diagnostics.map { "  \($0)" }.joined(separator: "\n"))
            throw ExitCode(64)
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
