import FlowArtifacts
import FlowClustering
import FlowDetection
import FlowFeatures
import Foundation

/// The saved DBSCAN model (`density.json` + `density-core.f64` sidecar of core points).
public struct DensityModelFile: Codable, Sendable {
    public var format = ModelFile.format
    public var version = ModelFile.version
    public var kind = DensityModelKind.kindName
    public var featureSet: FeatureSetKind
    public var windowMinutes: Int
    public var features: [FeatureDefinition]
    public var scaler: FittedScaler
    public var parameters: DBSCANParameters
    public var epsAuto: Bool
    public var trainingRows: Int
    public var sampledRows: Int
    public var clusterCount: Int
    public var noiseCount: Int
    public var corePoints: SidecarReference
    public var seed: UInt64
    /// Distribution of the training rows' distances to the nearest core point (in eps),
    /// for p-values (nil in files from before calibration).
    public var calibration: TailCalibration?

    enum CodingKeys: String, CodingKey {
        case format, version, kind, features, scaler, parameters, seed, calibration
        case featureSet = "feature_set"
        case windowMinutes = "window_minutes"
        case epsAuto = "eps_auto"
        case trainingRows = "training_rows"
        case sampledRows = "sampled_rows"
        case clusterCount = "cluster_count"
        case noiseCount = "noise_count"
        case corePoints = "core_points"
    }
}

/// DBSCAN on the configured feature set (distinct rows, a seeded sample of at most
/// `dbscan.max_points` of them). Scoring: a row is a density outlier when no training core point lies within eps
/// (not density-reachable); reported as `density_outlier` when its nearest core point is
/// at least `scoring.density_threshold` eps away (score = that distance in eps over the
/// threshold). The p-value is the share of training rows at least as far
/// (`TailCalibration`). A host window whose heavy peer is one the host uses on most
/// training days, at an hour it is usually active (`HostHistory`), is its normal
/// behaviour, not an outlier: benign elephants are not reported. Fewer than
/// `minimumRows` training rows, or no core point found, skips the kind with one log line.
public struct DensityModelKind: ModelKind {
    public static let kindName = "density"
    public var name: String { Self.kindName }
    public static let fileName = "density.json"
    public static let sidecarName = "density-core.f64"
    /// Fewest distinct training rows DBSCAN needs.
    public static let minimumRows = 50

    public init() {}

    public var usesTrainingMatrix: Bool { true }

    public func train(_ context: TrainContext) throws -> ModelsIndex.Entry? {
        let c = context.config
        let (raw, definitions, scaler) = try context.scaledFeatureSet()
        // Distinct rows only: thousands of identical quiet-host profiles would otherwise
        // set eps by themselves.
        let distinct = Self.distinctRows(raw)
        var rng = SeededRandom(seed: c.seed ^ 0xD85C)
        let picked = rng.sample(min(c.dbscan.maxPoints, distinct.count), of: distinct.count)
        let x = scaler.transform(raw.selecting(rows: picked.map { distinct[$0] }))
        guard x.rows >= max(Self.minimumRows, 2 * c.dbscan.minSamples) else {
            context.log("density: skipped: \(x.rows) distinct training rows (host windows with ≥ \(c.hostMinFlows) flows); needs at least \(max(Self.minimumRows, 2 * c.dbscan.minSamples))")
            return nil
        }
        let eps = c.dbscan.eps ?? DBSCAN.kneeEps(x, minSamples: c.dbscan.minSamples, seed: c.seed).eps
        let parameters = DBSCANParameters(eps: eps, minSamples: c.dbscan.minSamples)
        let result = try DBSCAN.fit(x, parameters: parameters)
        let coreRows = (0..<x.rows).filter { result.isCore[$0] }
        guard !coreRows.isEmpty else {
            context.log("density: skipped: DBSCAN found no core points in \(x.rows) training rows (eps \(formatValue(eps)), min_samples \(c.dbscan.minSamples)); needs a training window where at least \(c.dbscan.minSamples) rows lie within eps of each other")
            return nil
        }
        let core = x.selecting(rows: coreRows)
        let sidecar = try ModelFile.writeSidecar(core.values, rows: core.rows, columns: core.columns,
                                                 folder: context.outputFolder, name: Self.sidecarName)
        var file = DensityModelFile(featureSet: c.features, windowMinutes: c.windowMinutes, features: definitions,
                                    scaler: scaler, parameters: parameters, epsAuto: c.dbscan.eps == nil,
                                    trainingRows: raw.rows, sampledRows: x.rows, clusterCount: result.clusterCount,
                                    noiseCount: result.noiseCount, corePoints: sidecar, seed: c.seed)
        let density = DensityModel(parameters: parameters, corePoints: core)
        file.calibration = TailCalibration.fit(density.reachDistances(scaler.transform(raw)))
        try ModelFile.write(file, to: context.outputFolder + "/" + Self.fileName)
        return ModelsIndex.Entry(kind: name, file: Self.fileName)
    }

    /// The first row of each distinct feature vector, in row order (vectors equal by `==`
    /// on every value, as `Set<[Double]>` would judge them). An open-addressing table of
    /// row numbers over the matrix itself: 4 bytes a slot, no array per row.
    static func distinctRows(_ x: FeatureMatrix) -> [Int] {
        let d = x.columns
        var capacity = 16
        while capacity < 2 * x.rows { capacity <<= 1 }
        var slots = [Int32](repeating: -1, count: capacity)
        var out: [Int] = []
        x.values.withUnsafeBufferPointer { v in
            func same(_ a: Int, _ b: Int) -> Bool {
                for j in 0..<d where !(v[a * d + j] == v[b * d + j]) { return false }
                return true
            }
            for i in 0..<x.rows {
                var hasher = Hasher()
                for j in 0..<d { hasher.combine(v[i * d + j]) }
                var k = hasher.finalize() & (capacity - 1)
                while slots[k] >= 0 && !same(Int(slots[k]), i) { k = (k + 1) & (capacity - 1) }
                if slots[k] < 0 {
                    slots[k] = Int32(i)
                    out.append(i)
                }
            }
        }
        return out
    }

    public func score(_ context: ScoreContext, entry: ModelsIndex.Entry) throws -> KindScores {
        let path = context.modelsFolder + "/" + entry.file
        let model = try context.decodedFiles.modelFile(DensityModelFile.self, path: path, kind: name)
        try model.featureSet.checkModelFeatures(model.features, path: path)
        guard model.corePoints.columns == model.features.count else {
            throw FlowModelsError.modelFile(path: path, detail: "its core points have \(model.corePoints.columns) columns for \(model.features.count) features")
        }
        let core = try context.decodedFiles.value(at: context.modelsFolder + "/" + model.corePoints.file) {
            try ModelFile.readSidecar(model.corePoints, folder: context.modelsFolder)
        }
        let density = DensityModel(parameters: model.parameters,
                                   corePoints: FeatureMatrix(rows: model.corePoints.rows, columns: model.corePoints.columns,
                                                             values: core, names: model.features.map(\.name)))
        let (raw, entity, window) = try context.data.features(model.featureSet)
        let x = model.scaler.transform(raw)
        let reach = density.reachDistances(x)
        let threshold = context.config.scoring.densityThreshold
        var candidates = (0..<x.rows).filter { reach[$0] >= threshold }
        candidates.sort { reach[$0] > reach[$1] }
        var anomalies: [AnomalyRecord] = []
        var usual = [Bool](repeating: false, count: candidates.count)
        if let history = try context.hostHistory(), model.featureSet == .host {
            usual = history.usualBehaviour(candidates.map { (entity($0), window($0).0, window($0).1) }, table: try context.data.table())
        }
        for (k, i) in candidates.enumerated() where !usual[k] {
            let (s, e) = window(i)
            let top = (0..<x.columns).sorted { abs(x[i, $0]) > abs(x[i, $1]) }.prefix(3)
            let evidence = "nearest training core point \(formatValue(reach[i])) eps away; "
                + top.map { "\(raw.names[$0]) \(formatValue(raw[i, $0])) (typical \(formatValue(model.scaler.inverse(0, column: $0))))" }
                    .joined(separator: "; ")
            anomalies.append(AnomalyRecord(kind: "density_outlier", entity: entity(i), start: s, end: e,
                                           score: reach[i] / threshold, evidence: evidence,
                                           log10P: model.calibration?.log10PValue(reach[i]) ?? ClusterModelKind.legacyLog10P(reach[i] / threshold)))
        }
        let file = "\(model.featureSet.rawValue)_density-\(context.date).arrow"
        try ScoreTable(columns: [
            .init("window_start", .timestamp((0..<x.rows).map { window($0).0 })),
            .init("entity", .utf8((0..<x.rows).map(entity))),
            .init("reach_eps", .float64(reach)),
            .init("outlier", .bool(reach.map { $0 > 1 })),
        ]).write(path: context.outputFolder + "/" + file, metadata: [("floe:table", "density_scores")])
        return KindScores(anomalies: anomalies, outputs: [(file, x.rows)])
    }
}
