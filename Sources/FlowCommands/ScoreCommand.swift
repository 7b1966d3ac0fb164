import ArgumentParser
import FlowCore
import FlowDataset
import FlowFeatures
import FlowModels
import Foundation

/// `floe-score` / `floe score`: applies trained models to days of a flow dataset.
public struct ScoreCommand: ParsableCommand {
    public static var configuration: CommandConfiguration { CommandConfiguration(
        commandName: stageCommandName("score"),
        abstract: "Score days of a flow dataset with trained models; write the ranked anomalies.",
        discussion: """
        For each day (--date, repeatable; default every day of DATASET_DIR) and each model \
        in MODELS_DIR/models.json, writes score tables (Arrow): host_clusters-DATE.arrow \
        (cluster, distance, score and the raw features per host and window), \
        host_density-DATE.arrow (distance to the training core points in eps, outlier flag), \
        graph-DATE.arrow (degree, weighted degree, fan-in/out, PageRank, component, scan \
        score per host and window). All anomalies go into one table ranked by severity, \
        anomalies.csv and anomalies.arrow (rank, kind, entity, start, end, score, evidence, \
        severity, p_value, incident); related detections are grouped into incidents.csv and \
        incidents.arrow (docs/incidents.md), and a manifest.json lists inputs and outputs.

        Exit codes: 0 scored; 1 data, model or IO error (e.g. a model file from another \
        floe version); 64 usage error.

        Examples:
          floe-score --models data/models --dataset data/clean --date 2026-11-08 --output data/scores
          floe-score --models data/models --dataset data/clean --output data/scores
          floe-score --models data/models --dataset data/clean --from 2026-11-02 --to 2026-11-04 --output data/scores
        """) }

    @Option(help: ArgumentHelp("Folder written by floe-train.", valueName: "dir"))
    public var models: String

    @OptionGroup var datasetOption: DatasetOption
    /// The dataset folder (`--dataset`, or its old name `--input`).
    var dataset: String { datasetOption.folder ?? "" }

    @Option(help: ArgumentHelp("Day to score, YYYY-MM-DD (repeatable; default every day of the dataset).", valueName: "date"))
    public var date: [String] = []

    @Option(help: ArgumentHelp("First day to score (inclusive), YYYY-MM-DD; with --to, a range of days.", valueName: "date"))
    public var from: String?

    @Option(help: ArgumentHelp("Last day to score (inclusive), YYYY-MM-DD.", valueName: "date"))
    public var to: String?

    @Option(help: ArgumentHelp("Folder for the score files.", valueName: "dir"))
    public var output: String

    public init() {}

    public mutating func validate() throws {
        guard datasetOption.folder != nil else { throw ValidationError("--dataset: give the dataset folder.") }
        let range: DaySelection
        do {
            for d in date { _ = try DaySelection.day(option: "--date", d) }
            range = try DaySelection.range(from: from, to: to)
        } catch {
            throw ValidationError("\(error)")
        }
        if from != nil || to != nil {
            // Idempotent (validation may run more than once): `date` then holds the range.
            let dates = try days(in: range).map { CivilTime.dateString(day: $0) }
            guard date.isEmpty || date == dates else {
                throw ValidationError("--date cannot be combined with --from/--to: give single days or a range.")
            }
            date = dates
        }
    }

    /// The dataset's days within `--from`…`--to` (either end open).
    func days(in range: DaySelection) throws -> [Int64] {
        let all: DatasetListing
        do {
            all = try DatasetListing(root: dataset).requireFiles()
        } catch {
            throw ValidationError("--dataset \(dataset): \(error)")
        }
        let days = all.selecting(range).days
        guard !days.isEmpty else {
            throw ValidationError("--from/--to: \(dataset) has no partition between \(from ?? "its first day") and \(to ?? "its last day").")
        }
        return days
    }

    public func run() throws {
        try bindStageToRunner("floe-score")
        if let warning = datasetOption.deprecationWarning { log(warning) }
        do {
            let (manifest, _) = try ModelPipeline.score(models: models, input: dataset, dates: date.compactMap(CivilTime.parseDate),
                                                        output: output, floeVersion: floeVersion, log: log)
            let kinds = manifest.anomaliesByKind.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            log("\(manifest.anomalies) anomalies (\(kinds.isEmpty ? "none" : kinds)) in \(output)/anomalies.csv")
            let incidentKinds = manifest.incidentsByKind.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            log("\(manifest.incidents) incidents (\(incidentKinds.isEmpty ? "none" : incidentKinds)) in \(output)/incidents.csv")
        } catch let error as FlowModelsError {
            log("error: \(error.description)")
            throw ExitCode.failure
        } catch {
            log("error: \(error)")
            throw ExitCode.failure
        }
    }

    func log(_ message: String) {
        FileHandle.standardError.write(Data("floe-score: \(message)\n".utf8))
    }
}
