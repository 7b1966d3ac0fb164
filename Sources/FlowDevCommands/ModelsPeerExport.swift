import FlowForecasting
import FlowClustering
import FlowCore
import FlowDataset
import FlowFeatures
import FlowGraph
import FlowModels
import FlowTimeSeries
import Foundation

/// Hidden developer modes of `floe-train` for the scikit-learn/NetworkX peer check and
/// the benchmark: raw little-endian matrices in, floe's results out.
enum ModelsPeerExport {
    static func writeRaw<T>(_ values: [T], _ path: String) throws {
        try values.withUnsafeBytes { Data($0) }.write(to: URL(fileURLWithPath: path))
    }

    static func writeJSON(_ object: [String: Any], _ path: String) throws {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        try data.write(to: URL(fileURLWithPath: path))
    }

    /// Writes the matrices floe's clustering trains on, for the models benchmark: per set
    /// (`host`, `flow`) the raw features of `input` chosen as training chooses them,
    /// log-scaled (the set's log1p columns) and z-scored (the `standard` scaler), as row-major
    /// float64 `<set>.f64`, with `matrices.json` giving rows, columns and names. The flow set
    /// keeps every ⌈n / maxRows⌉-th flow so it stays at most `maxRows` rows.
    static func exportMatrices(config: ModelsConfig, input: String, folder: String, maxRows: Int) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let data = try ModelData(config: config, dataset: try DatasetListing(root: input).requireFiles())
        var described: [String: Any] = [:]
        for set in [FeatureSetKind.host, .flow] {
            var (raw, _, _) = try data.features(set)
            if raw.rows > maxRows {
                let step = (raw.rows + maxRows - 1) / maxRows
                raw = raw.selecting(rows: Array(Swift.stride(from: 0, to: raw.rows, by: step)))
            }
            let scaler = FittedScaler.fit(raw, kind: .standard, log1p: set.definitions.map(\.log1p))
            let x = scaler.transform(raw)
            try writeRaw(x.values, folder + "/\(set.rawValue).f64")
            described[set.rawValue] = ["rows": x.rows, "columns": x.columns, "names": x.names, "scaler": "standard"]
        }
        try writeJSON(described, folder + "/matrices.json")
    }

    /// Fits one series for scripts/bench/arima.sh (whole-process timing against
    /// statsmodels): `input` is JSON {values, order, seasonal_order, auto, period}; writes
    /// {llf, params, order, seasonal_order, fit_seconds, candidates, aicc, iterations} to `output`.
    static func benchARIMA(input: String, output: String) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: input))
        guard let doc = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let values = doc["values"] as? [Double] else {
            throw FlowModelsError.invalidParameter(name: "--bench-arima", value: input, reason: "expected JSON with a values array")
        }
        let started = Date()
        let model: ARIMAModel
        var tried = 0
        if (doc["auto"] as? Bool) == true {
            var options = AutoARIMAOptions(period: doc["period"] as? Int ?? 0)
            options.maxOrder = 5
            let result = try AutoARIMA.fit(values, options: options)
            model = result.model
            tried = result.candidates.count
        } else {
            let o = doc["order"] as? [Int] ?? [0, 0, 0]
            let s = doc["seasonal_order"] as? [Int] ?? [0, 0, 0, 0]
            guard o.count == 3, s.count == 4 else {
                throw FlowModelsError.invalidParameter(name: "--bench-arima", value: input, reason: "order needs 3 and seasonal_order 4 integers")
            }
            model = try ARIMAEstimator.fit(values, order: ARIMAOrder(p: o[0], d: o[1], q: o[2], seasonalP: s[0],
                                                                     seasonalD: s[1], seasonalQ: s[2], period: s[3]))
        }
        let seconds = Date().timeIntervalSince(started)
        let o = model.order
        try writeJSON([
            "llf": model.logLikelihood, "params": model.coefficients.flattened, "fit_seconds": seconds,
            "order": [o.p, o.d, o.q], "seasonal_order": [o.seasonalP, o.seasonalD, o.seasonalQ, o.period],
            "candidates": tried, "aicc": model.aicc, "iterations": model.iterations,
        ], output)
    }

    /// Exports the scaled host features of `input`, floe's k-means (k-means++ centres and
    /// the Lloyd run from them), DBSCAN and PageRank results into `folder`.
    static func export(config: ModelsConfig, input: String, folder: String, k: Int, dbscanRows: Int) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let dataset = try DatasetListing(root: input).requireFiles()
        let data = try ModelData(config: config, dataset: dataset)
        let profiles = try data.profiles()
        let scaler = FittedScaler.fit(profiles.features, kind: config.scaler, log1p: HostProfiles.log1pColumns)
        let x = scaler.transform(profiles.features)
        try writeRaw(x.values, folder + "/features.f64")
        // k-means from floe's k-means++ centres.
        let initial = KMeans.plusPlus(x, k: k, seed: config.seed)
        try writeRaw(initial, folder + "/kmeans_init.f64")
        let run = KMeans.lloyd(x, initialCentres: initial, maxIter: config.kmeans.maxIter, tol: config.kmeans.tol)
        try writeRaw(run.labels, folder + "/kmeans_labels.i32")
        // DBSCAN on the first distinct rows (duplicates would make scikit-learn's stored
        // neighbourhoods quadratic). An automatic eps is nudged off the observed distance
        // it comes from, so rounding cannot flip a neighbour at exactly eps.
        var seen = Set<[Double]>()
        var distinct: [Int] = []
        for i in 0..<x.rows where distinct.count < dbscanRows {
            if seen.insert(Array(x.values[(i * x.columns)..<((i + 1) * x.columns)])).inserted { distinct.append(i) }
        }
        let dx = x.selecting(rows: distinct)
        try writeRaw(dx.values, folder + "/dbscan_features.f64")
        let eps = config.dbscan.eps ?? DBSCAN.kneeEps(dx, minSamples: config.dbscan.minSamples, seed: config.seed).eps * (1 + 1e-7)
        let db = try DBSCAN.fit(dx, parameters: DBSCANParameters(eps: eps, minSamples: config.dbscan.minSamples))
        try writeRaw(db.labels, folder + "/dbscan_labels.i32")
        try writeRaw(db.isCore.map { UInt8($0 ? 1 : 0) }, folder + "/dbscan_core.u8")
        // PageRank on the graph of all flows.
        let table = try data.table()
        let graph = HostGraph.build(table, rows: 0..<table.count)
        let pr = PageRank.compute(graph, weight: config.graph.pageRankWeight)
        var edges = "source,target,weight\n"
        for e in graph.edges {
            let w: Double
            switch config.graph.pageRankWeight {
            case .flows: w = Double(e.flows)
            case .bytes: w = Double(e.bytes)
            case .unweighted: w = 1
            }
            edges += "\(e.source),\(e.destination),\(w)\n"
        }
        try edges.write(toFile: folder + "/edges.csv", atomically: true, encoding: .utf8)
        try writeRaw(pr.scores, folder + "/pagerank.f64")
        try writeJSON([
            "rows": x.rows, "columns": x.columns, "names": x.names,
            "kmeans": ["k": k, "max_iter": config.kmeans.maxIter, "tol": config.kmeans.tol,
                       "inertia": run.inertia, "iterations": run.iterations],
            "dbscan": ["rows": dx.rows, "eps": eps, "min_samples": config.dbscan.minSamples,
                       "clusters": db.clusterCount, "noise": db.noiseCount],
            "pagerank": ["nodes": graph.nodes.count, "edges": graph.edges.count, "iterations": pr.iterations,
                         "converged": pr.converged, "weight": config.graph.pageRankWeight.rawValue],
        ], folder + "/floe.json")
    }

    /// Benchmark mode: k-means or DBSCAN on a raw float64 matrix; prints a JSON summary.
    static func bench(matrix path: String, columns: Int, algorithm: String, k: Int, nInit: Int, maxIter: Int,
                      eps: Double, minSamples: Int, seed: UInt64) throws -> String {
        // Read straight into the matrix (no intermediate copy: the benchmark measures memory).
        guard let handle = FileHandle(forReadingAtPath: path), columns > 0 else {
            throw FlowModelsError.io(path: path, detail: "cannot open the matrix")
        }
        defer { try? handle.close() }
        let size = Int((try? handle.seekToEnd()) ?? 0)
        guard size % (8 * columns) == 0 else {
            throw FlowModelsError.io(path: path, detail: "\(size) bytes is not a float64 matrix with \(columns) columns")
        }
        var x = FeatureMatrix(rows: size / 8 / columns, columns: columns,
                              values: [Double](repeating: 0, count: size / 8), names: (0..<columns).map { "x\($0)" })
        let fd = handle.fileDescriptor
        var done = 0
        try x.values.withUnsafeMutableBytes { raw in
            while done < size {
                let got = pread(fd, raw.baseAddress! + done, size - done, off_t(done))
                guard got > 0 else { throw FlowModelsError.io(path: path, detail: "read failed at byte \(done)") }
                done += got
            }
        }
        let started = Date()
        switch algorithm {
        case "kmeans":
            let parameters = KMeansParameters(k: k, nInit: nInit, maxIter: maxIter, tol: 1e-4, seed: seed)
            if ProcessInfo.processInfo.environment["FLOE_BENCH_PROFILE"] != nil {
                let p = try KMeans.profile(x, parameters: parameters)
                return "{\"kmeans_plus_plus_seconds\":\(p.plusPlus),\"lloyd_seconds\":\(p.lloyd),\"lloyd_iterations\":\(p.iterations)}"
            }
            let r = try KMeans.fit(x, parameters: parameters)
            return "{\"algorithm\":\"kmeans\",\"rows\":\(x.rows),\"inertia\":\(r.inertia),\"iterations\":\(r.iterations),\"fit_seconds\":\(Date().timeIntervalSince(started))}"
        case "dbscan":
            // Handed over: the k-d tree reorders the matrix in place instead of copying it.
            let rows = x.rows
            let r = try DBSCAN.fit(consume x, parameters: DBSCANParameters(eps: eps, minSamples: minSamples))
            let core = r.isCore.reduce(0) { $0 + ($1 ? 1 : 0) }
            return "{\"algorithm\":\"dbscan\",\"rows\":\(rows),\"clusters\":\(r.clusterCount),\"noise\":\(r.noiseCount),\"core\":\(core),\"fit_seconds\":\(Date().timeIntervalSince(started))}"
        default:
            throw FlowModelsError.invalidParameter(name: "--bench-algorithm", value: algorithm, reason: "use kmeans or dbscan")
        }
    }
}

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
