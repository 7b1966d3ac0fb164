import ArgumentParser
import FlowCommands
import FlowCore
import FlowGenerate
import FlowModels
import Foundation

/// `floe-dev`: the developer tools the peer checks, quality scripts and benchmarks call
/// (scripts/peers/check-models-sklearn.sh, scripts/quality/anomalies.sh,
/// scripts/bench/models.sh). Not for users: the stage commands hold only what users use.
public struct DevCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "floe-dev",
        abstract: "Developer tools of floe (peer checks, quality scripts, benchmarks).",
        version: floeVersion,
        subcommands: [SampleDatasetCommand.self, ExportFeaturesCommand.self, ExportMatricesCommand.self, ExportClassifierCommand.self,
                      BenchClusteringCommand.self, BenchARIMACommand.self,
                      ExportNeuralPeerCommand.self, ExportARIMAPeerCommand.self, ArrowSampleCommand.self, ArrowReadCommand.self,
                      TimeSeriesQualityCommand.self, BenchAggregationCommand.self]
    )

    public init() {}

    static func log(_ message: String) {
        FileHandle.standardError.write(Data("floe-dev: \(message)\n".utf8))
    }

    /// Runs `body`, turning a failure into one line on stderr and exit code 1.
    static func running(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as ExitCode {
            throw error
        } catch {
            log("error: \(error)")
            throw ExitCode.failure
        }
    }
}

/// `floe-dev sample-dataset`: a generated, labelled dataset (date= partitions and
/// labels.json) for the quality scripts and the model peer check.
public struct SampleDatasetCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "sample-dataset", abstract: "Write a generated dataset with labelled anomalies.")

    @Option(help: ArgumentHelp("Folder to write.", valueName: "dir")) public var output: String
    @Option(help: "Rows to generate.") public var rows: Int = 200_000
    @Option(help: "Days the rows span.") public var days: Int = 7
    @Option(help: "Generator seed.") public var seed: UInt64 = 7
    @Option(help: ArgumentHelp("Opt-in anomaly kinds to inject besides the default mix (comma-separated, e.g. brute_force,new_service).", valueName: "kinds"))
    public var inject: String?
    @Option(name: .customLong("repeat-anomalies"),
            help: ArgumentHelp("Inject every anomaly kind this many more times, on random days with other hosts.", valueName: "n"))
    public var repeatAnomalies: Int = 0

    public init() {}

    public func run() throws {
        try DevCommand.running {
            let extra = try inject.map(TrafficLabel.optIn(parsing:)) ?? []
            let labels = try SampleDataset.write(rows: rows, days: days, seed: seed, anomalies: true, extra: extra,
                                                 repeats: repeatAnomalies, folder: output)
            DevCommand.log("wrote \(labels.rowsWritten) generated rows over \(days) days to \(output) (labels in labels.json)")
        }
    }
}

/// `floe-dev export-features`: the features floe's models are trained on and floe's own
/// results, for scripts/peers/check-models-sklearn.sh to fit scikit-learn on the same data.
public struct ExportFeaturesCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "export-features", abstract: "Export the training features and floe's k-means/DBSCAN results.")

    @Option(help: ArgumentHelp("YAML or JSON file with a `models:` section.", valueName: "file")) public var config: String?
    @Option(help: ArgumentHelp("Dataset folder (date=YYYY-MM-DD partitions).", valueName: "dir")) public var dataset: String
    @Option(help: ArgumentHelp("Folder to write.", valueName: "dir")) public var output: String
    @Option(help: "k of the exported k-means run.") public var k: Int = 6
    @Option(name: .customLong("dbscan-rows"), help: "Rows DBSCAN runs on.") public var dbscanRows: Int = 20_000

    public init() {}

    public func run() throws {
        try DevCommand.running {
            let settings = try config.map(ModelsConfigLoader.load(path:)) ?? ModelsConfig()
            try ModelsPeerExport.export(config: settings, input: dataset, folder: output, k: k, dbscanRows: dbscanRows)
            DevCommand.log("exported features and floe's results to \(output)")
        }
    }
}

/// `floe-dev export-classifier`: the host classifier's sequences, classes and day split as
/// floe-train builds them, for scripts/peers/check-classifier.sh (scikit-learn and JAX on
/// the same samples).
public struct ExportClassifierCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "export-classifier", abstract: "Export the host classifier's samples (scripts/peers/check-classifier.sh).")

    @Option(help: ArgumentHelp("YAML or JSON file with a `models:` section (with `classifier.labels`).", valueName: "file")) public var config: String
    @Option(help: ArgumentHelp("Dataset folder (date=YYYY-MM-DD partitions).", valueName: "dir")) public var dataset: String
    @Option(help: ArgumentHelp("Folder to write.", valueName: "dir")) public var output: String

    public init() {}

    public func run() throws {
        try DevCommand.running {
            try ClassifierModelKind.exportSamples(config: try ModelsConfigLoader.load(path: config), input: dataset, folder: output)
            DevCommand.log("exported the classifier's samples to \(output)")
        }
    }
}

/// `floe-dev bench-clustering`: k-means or DBSCAN on a raw float64 matrix, timed, for
/// scripts/bench/models.sh (beside scikit-learn on the same file).
public struct BenchClusteringCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "bench-clustering", abstract: "Cluster a raw float64 matrix (scripts/bench/models.sh).")

    @Option(help: ArgumentHelp("Row-major float64 matrix file.", valueName: "file")) public var matrix: String
    @Option(help: "Columns of the matrix.") public var columns: Int = 8
    @Option(help: "kmeans or dbscan.") public var algorithm: String = "kmeans"
    @Option(help: "k-means: clusters.") public var k: Int = 8
    @Option(name: .customLong("n-init"), help: "k-means: seeded runs.") public var nInit: Int = 1
    @Option(name: .customLong("max-iter"), help: "k-means: iterations at most.") public var maxIter: Int = 300
    @Option(help: "DBSCAN: radius.") public var eps: Double = 0.3
    @Option(name: .customLong("min-samples"), help: "DBSCAN: neighbours of a core point.") public var minSamples: Int = 10
    @Option(help: "k-means: seed of the k-means++ draws.") public var seed: UInt64 = 0

    public init() {}

    public func run() throws {
        try DevCommand.running {
            print(try ModelsPeerExport.bench(matrix: matrix, columns: columns, algorithm: algorithm, k: k, nInit: nInit,
                                             maxIter: maxIter, eps: eps, minSamples: minSamples, seed: seed))
        }
    }
}

/// `floe-dev export-matrices`: the scaled host-profile and per-flow feature matrices as
/// training builds them, for scripts/bench/models.sh to time scikit-learn on the same data.
public struct ExportMatricesCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "export-matrices", abstract: "Export the scaled host and flow feature matrices (scripts/bench/models.sh).")

    @Option(help: ArgumentHelp("YAML or JSON file with a `models:` section.", valueName: "file")) public var config: String?
    @Option(help: ArgumentHelp("Dataset folder (date=YYYY-MM-DD partitions).", valueName: "dir")) public var dataset: String
    @Option(help: ArgumentHelp("Folder to write.", valueName: "dir")) public var output: String
    @Option(name: .customLong("max-rows"), help: "Per-flow rows at most (every n-th flow).") public var maxRows: Int = 1_000_000

    public init() {}

    public func run() throws {
        try DevCommand.running {
            let settings = try config.map(ModelsConfigLoader.load(path:)) ?? ModelsConfig()
            try ModelsPeerExport.exportMatrices(config: settings, input: dataset, folder: output, maxRows: maxRows)
            DevCommand.log("exported the scaled host and flow feature matrices to \(output)")
        }
    }
}

/// `floe-dev bench-arima`: one ARIMA/SARIMA fit of a series file, for
/// scripts/bench/arima_bench.py (beside statsmodels on the same series).
public struct BenchARIMACommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "bench-arima", abstract: "Fit one ARIMA/SARIMA series file (scripts/bench/arima.sh).")

    @Option(help: ArgumentHelp("Series file written by arima_bench.py.", valueName: "file")) public var input: String
    @Option(help: ArgumentHelp("Result file to write.", valueName: "file")) public var output: String

    public init() {}

    public func run() throws {
        try DevCommand.running {
            try ModelsPeerExport.benchARIMA(input: input, output: output)
        }
    }
}
