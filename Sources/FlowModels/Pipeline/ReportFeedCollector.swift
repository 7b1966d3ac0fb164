import FlowArtifacts
import FlowCore
import FlowDataset
import FlowDetection
import FlowFeatures
import FlowGraph
import FlowIO
import FlowReportFeed
import FlowTimeSeries
import Foundation

/// Gathers what the model kinds saw while scoring (one collector for the whole score run,
/// handed to them in `ScoreContext.feed`) and writes `SCORES_DIR/report-feed.json` at the
/// end: models, clusters with a PCA projection, the host graph, and forecast series
/// passed in by the caller.
public final class ReportFeedCollector {
    var clusterBuilder: ClusterFeedBuilder?
    let graphBuilder = HostGraphFeedBuilder()
    var sawGraph = false
    var seriesBuilder = SeriesFeedBuilder()

    public init() {}

    /// One day of k-means scoring: scaled rows, their clusters and scores; rows scoring at
    /// least `threshold` are the outliers. `label(i)` names row i (host and window).
    func addClusterScores(model: ClusterModelFile, x: FeatureMatrix, labels: [Int32], scores: [Double],
                          threshold: Double, label: (Int) -> String) {
        if clusterBuilder == nil {
            clusterBuilder = ClusterFeedBuilder(model: .init(features: model.features, centres: model.centres,
                                                             scaler: model.scaler, featureSet: model.featureSet))
        }
        clusterBuilder!.add(x: x, labels: labels, scores: scores, threshold: threshold, label: label)
    }

    /// One day of flows for the host graph of the scored period.
    func addGraphDay(_ t: borrowing FlowTable, pageRankWeight: PageRank.Weight) {
        sawGraph = true
        graphBuilder.pageRankWeight = pageRankWeight
        graphBuilder.add(t)
    }

    /// A heavy new edge the graph model reported.
    func addNewEdge(src: IPAddress, dst: IPAddress, flows: Int, bytes: UInt64) {
        graphBuilder.addNewEdge(src: src, dst: dst, flows: flows, bytes: bytes)
    }

    /// One scored day of a time-series band, shown in the report as series `name`
    /// (`bytes`, `packets`, `flows` go behind the traffic charts). Days are joined and
    /// aggregated to at most ~2,000 points per series when the feed is built.
    public func addSeries(_ band: ForecastBand, name: String, unit: String) {
        seriesBuilder.add(band, name: name, unit: unit)
    }

    /// The feed: `index` and `modelsFolder` describe the models, `anomalies` (ranked) pick
    /// the graph neighbourhood, `series` (passed in) come before those the time-series
    /// kind added with `addSeries` (a name passed in wins).
    public func document(index: ModelsIndex, modelsFolder: String, anomalies: [AnomalyRecord],
                         series: [ForecastSeries], floeVersion: String,
                         decodedFiles: DecodedModelFiles = DecodedModelFiles()) -> ReportFeed {
        let trainedOn = index.training.files.map(\.fingerprint.description)
        let models = index.models.map { entry -> ModelReference in
            let path = modelsFolder + "/" + entry.file
            let fingerprint = FileManager.default.contents(atPath: path).map { Fingerprint(xxh64: XXH64.hash([UInt8]($0))).description }
            return ModelReference(name: entry.kind, path: path, fingerprint: fingerprint, trainedOn: trainedOn,
                                  parameters: ModelParameters.of(entry: entry, path: path, decoded: decodedFiles))
        }
        let given = Set(series.map(\.name))
        let collected = seriesBuilder.build().filter { !given.contains($0.name) }
        return ReportFeed(version: floeVersion, models: models, series: series + collected,
                          clusters: clusterBuilder?.build(),
                          hostGraph: sawGraph ? graphBuilder.build(anomalies: anomalies) : nil)
    }

    /// Encodes `document` (sorted keys, stable order) and writes it atomically as
    /// `folder/report-feed.json`; returns the path.
    @discardableResult
    public static func write(_ document: ReportFeed, folder: String) throws -> String {
        let path = folder + "/" + ReportFeed.fileName
        let bytes: [UInt8]
        do {
            bytes = try document.encoded()
        } catch {
            throw FlowModelsError.io(path: path, detail: "cannot encode the report feed: \(error)")
        }
        try writeAtomically(path: path, bytes: bytes)
        return path
    }
}

/// The parameters of a model file for the feed, read from the known model file kinds
/// (through the files the score run has already decoded).
enum ModelParameters {
    static func of(entry: ModelsIndex.Entry, path: String, decoded: DecodedModelFiles) -> [String: JSONValue] {
        switch entry.kind {
        case ClusterModelKind.kindName:
            guard let m = try? decoded.modelFile(ClusterModelFile.self, path: path, kind: entry.kind) else { return [:] }
            return ["k": .number(Double(m.parameters.k)), "k_auto": .bool(m.kAuto), "n_init": .number(Double(m.parameters.nInit)),
                    "seed": .number(Double(m.seed)), "scaler": .string(m.scaler.kind.rawValue),
                    "feature_set": .string(m.featureSet.rawValue), "window_minutes": .number(Double(m.windowMinutes)),
                    "features": .array(m.features.map { .string($0.name) }), "training_rows": .number(Double(m.trainingRows))]
        case DensityModelKind.kindName:
            guard let m = try? decoded.modelFile(DensityModelFile.self, path: path, kind: entry.kind) else { return [:] }
            return ["eps": .number(m.parameters.eps), "eps_auto": .bool(m.epsAuto), "min_samples": .number(Double(m.parameters.minSamples)),
                    "scaler": .string(m.scaler.kind.rawValue), "feature_set": .string(m.featureSet.rawValue),
                    "features": .array(m.features.map { .string($0.name) }), "sampled_rows": .number(Double(m.sampledRows))]
        case HostGraphModelKind.kindName:
            guard let m = try? decoded.modelFile(GraphModelFile.self, path: path, kind: entry.kind) else { return [:] }
            return ["window_minutes": .number(Double(m.windowMinutes)), "pagerank_weight": .string(m.pageRankWeight.rawValue),
                    "heavy_edge_bytes": .number(m.heavyEdgeBytes), "heavy_edge_quantile": .number(m.heavyEdgeQuantile)]
        case TimeSeriesModelKind.kindName:
            guard let m = try? decoded.value(at: path, decode: { try TimeSeriesModelFile.read(path: path) }) else { return [:] }
            return ["bucket_seconds": .number(Double(m.bucketMillis / 1000)), "level": .number(m.modelConfig.level),
                    "baseline": .string(m.modelConfig.baseline.rawValue), "transform": .string(m.modelConfig.transform.rawValue),
                    "training_start": .string(m.training.start), "training_end": .string(m.training.end),
                    "series": .array(m.models.map { .string($0.series + " " + $0.arima.order.description) }),
                    "skipped": .array(m.skipped.map { .string($0.series + ": " + $0.reason) })]
        default:
            return [:]
        }
    }
}
