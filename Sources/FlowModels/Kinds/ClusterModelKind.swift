import FlowArtifacts
import FlowClustering
import FlowCore
import FlowDetection
import FlowFeatures
import Foundation

/// The saved k-means model (`clusters.json`).
public struct ClusterModelFile: Codable, Sendable {
    public var format = ModelFile.format
    public var version = ModelFile.version
    public var kind = ClusterModelKind.kindName
    public var featureSet: FeatureSetKind
    public var windowMinutes: Int
    public var features: [FeatureDefinition]
    public var scaler: FittedScaler
    public var parameters: KMeansParameters
    public var miniBatch: MiniBatchOptions
    public var kAuto: Bool
    /// Elbow curve and silhouettes of `k: auto` (empty for a fixed k).
    public var kCurve: [KCandidate]
    public var centres: [[Double]]
    public var clusterSizes: [Int]
    /// Root mean squared distance of each cluster's training rows to its centre (scaled units).
    public var clusterSpread: [Double]
    public var inertia: Double
    public var iterations: Int
    public var trainingRows: Int
    public var seed: UInt64
    /// Distribution of the training rows' scores (distance / spread), for p-values
    /// (nil in files from before calibration).
    public var calibration: TailCalibration?

    enum CodingKeys: String, CodingKey {
        case format, version, kind, features, scaler, parameters, centres, inertia, iterations, seed, calibration
        case featureSet = "feature_set"
        case windowMinutes = "window_minutes"
        case miniBatch = "mini_batch"
        case kAuto = "k_auto"
        case kCurve = "k_curve"
        case clusterSizes = "cluster_sizes"
        case clusterSpread = "cluster_spread"
        case trainingRows = "training_rows"
    }
}

/// k-means on the configured feature set. Scoring: each row's cluster and distance to its
/// centre; anomaly score = distance / that cluster's spread (RMS training distance,
/// floored at a tenth of the overall RMS), reported as `cluster_outlier` when at least
/// `scoring.cluster_threshold` (the table's score is that ratio over the threshold). The
/// p-value is the share of training rows scoring at least as high (`TailCalibration`).
/// Fewer than `minimumRows` training rows: the kind is skipped with one log line.
public struct ClusterModelKind: ModelKind {
    public static let kindName = "clusters"
    public var name: String { Self.kindName }
    public static let fileName = "clusters.json"
    /// Fewest training rows (host windows with at least `host_min_flows` flows) to fit.
    public static let minimumRows = 50

    public init() {}

    public var usesTrainingMatrix: Bool { true }

    public func train(_ context: TrainContext) throws -> ModelsIndex.Entry? {
        let c = context.config
        let (raw, definitions, scaler) = try context.scaledFeatureSet()
        guard raw.rows >= Self.minimumRows else {
            context.log("clusters: skipped: \(raw.rows) training rows (host windows with ≥ \(c.hostMinFlows) flows); needs at least \(Self.minimumRows)")
            return nil
        }
        let x = scaler.transform(raw)
        let model = try Self.fit(x, config: c)
        var file = ClusterModelFile(
            featureSet: c.features, windowMinutes: c.windowMinutes, features: definitions, scaler: scaler,
            parameters: model.parameters, miniBatch: c.kmeans.miniBatch, kAuto: c.kmeans.k == nil, kCurve: model.curve,
            centres: [], clusterSizes: [], clusterSpread: [], inertia: model.result.inertia,
            iterations: model.result.iterations, trainingRows: x.rows, seed: c.seed)
        let r = model.result
        let d = x.columns
        file.centres = (0..<r.k).map { Array(r.centres[($0 * d)..<(($0 + 1) * d)]) }
        var sizes = [Int](repeating: 0, count: r.k), sq = [Double](repeating: 0, count: r.k)
        let (labels, distances) = KMeans.nearestCentres(x, centres: r.centres)
        for i in 0..<x.rows { sizes[Int(labels[i])] += 1; sq[Int(labels[i])] += distances[i] * distances[i] }
        file.clusterSizes = sizes
        file.clusterSpread = (0..<r.k).map { sizes[$0] > 0 ? (sq[$0] / Double(sizes[$0])).squareRoot() : 0 }
        file.calibration = TailCalibration.fit(Self.scores(distances: distances, labels: labels, spread: file.clusterSpread))
        try ModelFile.write(file, to: context.outputFolder + "/" + Self.fileName)
        return ModelsIndex.Entry(kind: name, file: Self.fileName)
    }

    /// Fits k-means as configured (fixed k or `auto`, full or mini-batch).
    static func fit(_ x: FeatureMatrix, config c: ModelsConfig) throws -> (result: KMeansResult, parameters: KMeansParameters, curve: [KCandidate]) {
        var p = KMeansParameters(k: c.kmeans.k ?? c.kmeans.kRange.lowerBound, nInit: c.kmeans.nInit,
                                 maxIter: c.kmeans.maxIter, tol: c.kmeans.tol, seed: c.seed)
        let mini = c.kmeans.miniBatch
        let fitOne: (FeatureMatrix, KMeansParameters) throws -> KMeansResult = { x, p in
            mini.enabled ? try MiniBatchKMeans.fit(x, parameters: p, options: mini) : try KMeans.fit(x, parameters: p)
        }
        if c.kmeans.k == nil {
            let upper = min(c.kmeans.kRange.upperBound, max(2, x.rows - 1))
            let lower = min(c.kmeans.kRange.lowerBound, upper)
            let chosen = try KSelection.choose(x, range: lower...upper, parameters: p,
                                               sampleSize: c.kmeans.silhouetteSample, fit: fitOne)
            p.k = chosen.best.k
            return (chosen.best, p, chosen.curve)
        }
        return (try fitOne(x, p), p, [])
    }

    public func score(_ context: ScoreContext, entry: ModelsIndex.Entry) throws -> KindScores {
        let path = context.modelsFolder + "/" + entry.file
        let model = try context.decodedFiles.modelFile(ClusterModelFile.self, path: path, kind: name)
        try model.featureSet.checkModelFeatures(model.features, path: path)
        let (raw, entity, window) = try context.data.features(model.featureSet)
        let x = model.scaler.transform(raw)
        let d = x.columns
        let centres = model.centres.flatMap { $0 }
        guard centres.count == model.centres.count * d, !model.centres.isEmpty else {
            throw FlowModelsError.modelFile(path: path, detail: "centres do not have \(d) columns")
        }
        let (labels, distances) = KMeans.nearestCentres(x, centres: centres)
        let scores = Self.scores(distances: distances, labels: labels, spread: model.clusterSpread)
        let threshold = context.config.scoring.clusterThreshold
        var candidates = (0..<x.rows).filter { scores[$0] >= threshold }
        candidates.sort { scores[$0] > scores[$1] }
        context.feed?.addClusterScores(model: model, x: x, labels: labels, scores: scores, threshold: threshold) { i in
            entity(i) + " " + CivilTime.isoString(millis: window(i).0).prefix(16) + "Z"
        }
        var anomalies: [AnomalyRecord] = []
        for i in candidates {
            let (s, e) = window(i)
            let evidence = Self.evidence(row: i, x: x, raw: raw, centre: Int(labels[i]), model: model)
            anomalies.append(AnomalyRecord(kind: "cluster_outlier", entity: entity(i), start: s, end: e,
                                           score: scores[i] / threshold, evidence: evidence,
                                           log10P: model.calibration?.log10PValue(scores[i]) ?? Self.legacyLog10P(scores[i] / threshold)))
        }
        // Score table.
        var columns: [ScoreTable.Column] = [
            .init("window_start", .timestamp((0..<x.rows).map { window($0).0 })),
            .init("entity", .utf8((0..<x.rows).map(entity))),
            .init("cluster", .int64(labels.map { Int64($0) })),
            .init("distance", .float64(distances)),
            .init("score", .float64(scores)),
        ]
        for j in 0..<d {
            columns.append(.init(raw.names[j], .float64((0..<x.rows).map { raw.values[$0 * d + j] })))
        }
        let file = "\(model.featureSet.rawValue)_clusters-\(context.date).arrow"
        try ScoreTable(columns: columns).write(path: context.outputFolder + "/" + file, metadata: [("floe:table", "cluster_scores")])
        return KindScores(anomalies: anomalies, outputs: [(file, x.rows)])
    }

    /// Per row: distance to its centre / that cluster's spread (floored at a tenth of the
    /// mean spread).
    static func scores(distances: [Double], labels: [Int32], spread: [Double]) -> [Double] {
        let overall = spread.reduce(0, +) / Double(max(1, spread.count))
        return distances.indices.map { i in distances[i] / max(spread[Int(labels[i])], 0.1 * overall, 1e-9) }
    }

    /// A model file without calibration: a score at its threshold counts as p = 10⁻³.
    static func legacyLog10P(_ overThreshold: Double) -> Double { -3 * max(0, overThreshold) }

    /// The three features farthest from the centre (in scaled units), in original units.
    static func evidence(row i: Int, x: FeatureMatrix, raw: FeatureMatrix, centre c: Int, model: ClusterModelFile) -> String {
        let d = x.columns
        let order = (0..<d).sorted { abs(x[i, $0] - model.centres[c][$0]) > abs(x[i, $1] - model.centres[c][$1]) }
        return order.prefix(3).map { j in
            "\(raw.names[j]) \(formatValue(raw[i, j])) (cluster \(c) centre \(formatValue(model.scaler.inverse(model.centres[c][j], column: j))))"
        }.joined(separator: "; ")
    }
}
