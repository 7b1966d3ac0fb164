import ArgumentParser
import FlowCore
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
        score per host and window). All anomalies go into one ranked table, anomalies.csv \
        and anomalies.arrow (rank, kind, entity, start, end, score, evidence), and a \
        manifest.json lists inputs and outputs.

        Exit codes: 0 scored; 1 data, model or IO error (e.g. a model file from another \
        floe version); 64 usage error.

        Examples:
          floe-score --models data/models --input data/clean --date 2026-11-08 --output data/scores
          floe-score --models data/models --input data/clean --output data/scores
        """) }

    @Option(help: ArgumentHelp("Folder written by floe-train.", valueName: "dir"))
    public var models: String

    @Option(help: ArgumentHelp("Dataset folder (date=YYYY-MM-DD partitions).", valueName: "dir"))
    public var input: String

    @Option(help: ArgumentHelp("Day to score, YYYY-MM-DD (repeatable; default every day of the input).", valueName: "date"))
    public var date: [String] = []

    @Option(help: ArgumentHelp("Folder for the score files.", valueName: "dir"))
    public var output: String

    public init() {}

    public func validate() throws {
        for d in date where CivilTime.parseDate(d) == nil { throw ValidationError("--date \(d): expected YYYY-MM-DD.") }
    }

    public func run() throws {
        try bindStageToRunner("floe-score")
        do {
            let (manifest, _) = try ModelPipeline.score(models: models, input: input, dates: date.compactMap(CivilTime.parseDate),
                                                        output: output, floeVersion: floeVersion, log: log)
            let kinds = manifest.anomaliesByKind.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            log("\(manifest.anomalies) anomalies (\(kinds.isEmpty ? "none" : kinds)) in \(output)/anomalies.csv")
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
