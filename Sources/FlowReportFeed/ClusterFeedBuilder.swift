import FlowArtifacts
import FlowCore
import FlowFeatures
import FlowIO

/// Collects the k-means scoring of every scored day into the feed's clustering section:
/// cluster sizes, outlier count, the covariance for a 2-D PCA, and a bounded,
/// deterministic sample of rows for the projection (the rows with the smallest hash of
/// their label, plus the strongest outliers).
package final class ClusterFeedBuilder {
    /// Most points in the projection, and most of them that are outliers.
    static let maximumPoints = 2_000
    static let maximumOutlierPoints = 1_000

    struct SampledRow {
        var key: UInt64
        var score: Double
        var row: [Double]
        var cluster: Int
        var outlier: Bool
        var label: String
    }

    /// What the feed needs of the k-means model file (`ClusterModelFile` in FlowModels).
    package struct Model {
        var features: [FeatureDefinition]
        var centres: [[Double]]
        var scaler: FittedScaler
        var featureSet: FeatureSetKind

        package init(features: [FeatureDefinition], centres: [[Double]], scaler: FittedScaler, featureSet: FeatureSetKind) {
            self.features = features
            self.centres = centres
            self.scaler = scaler
            self.featureSet = featureSet
        }
    }

    let model: Model
    var sizes: [Int64]
    var outliers: Int64 = 0
    var pca: PrincipalComponents
    var sample: [SampledRow] = []
    var outlierSample: [SampledRow] = []

    package init(model: Model) {
        self.model = model
        sizes = [Int64](repeating: 0, count: model.centres.count)
        pca = PrincipalComponents(dimensions: model.features.count)
    }

    /// Adds one day's scored rows: scaled features, cluster, outlier flag and score,
    /// and a label per row.
    package func add(x: FeatureMatrix, labels: [Int32], scores: [Double], threshold: Double, label: (Int) -> String) {
        guard x.columns == pca.dimensions else { return }
        for i in 0..<x.rows {
            let c = Int(labels[i])
            if c >= 0 && c < sizes.count { sizes[c] += 1 }
            pca.add(x, row: i)
            let isOutlier = scores[i] >= threshold
            let text = label(i)
            let entry = SampledRow(key: XXH64.hash(Array(text.utf8)), score: scores[i],
                                   row: Array(x.values[(i * x.columns)..<((i + 1) * x.columns)]),
                                   cluster: c, outlier: isOutlier, label: text)
            if isOutlier {
                outliers += 1
                outlierSample.append(entry)
                if outlierSample.count >= 2 * Self.maximumOutlierPoints { trimOutliers() }
            } else {
                sample.append(entry)
                if sample.count >= 2 * Self.maximumPoints { trimSample() }
            }
        }
    }

    private func trimSample() {
        sample.sort { $0.key != $1.key ? $0.key < $1.key : $0.label < $1.label }
        sample.removeLast(max(0, sample.count - Self.maximumPoints))
    }

    private func trimOutliers() {
        outlierSample.sort { $0.score != $1.score ? $0.score > $1.score : $0.label < $1.label }
        outlierSample.removeLast(max(0, outlierSample.count - Self.maximumOutlierPoints))
    }

    /// The clustering section.
    package func build() -> ClusterSummary {
        let names = model.features.map(\.name)
        let d = names.count
        let clusterNames = ClusterNames.unique(ClusterNames.names(scaledCentres: model.centres, features: names))
        let clusters = model.centres.enumerated().map { id, centre in
            var original: [String: Double] = [:]
            for j in 0..<min(d, centre.count) {
                let v = model.scaler.inverse(centre[j], column: j)
                original[names[j]] = v.isFinite ? v : 0
            }
            return ClusterSummary.Cluster(id: id, size: sizes[id], name: clusterNames[id], centre: original)
        }
        trimSample()
        trimOutliers()
        var projection: ClusterSummary.Projection? = nil
        if pca.count > 0 && d >= 2 {
            let components = pca.components(2)
            let mean = pca.mean
            let total = max(1e-300, (0..<d).reduce(0.0) { $0 + max(0, pca.covariance[$1 * d + $1]) })
            let keep = outlierSample + sample.prefix(max(0, Self.maximumPoints - outlierSample.count))
            let points = keep.sorted { $0.label < $1.label }.map { r -> ClusterSummary.Point in
                var xy = [0.0, 0.0]
                for (k, comp) in components.enumerated() {
                    var s = 0.0
                    for j in 0..<d { s += (r.row[j].isFinite ? r.row[j] - mean[j] : 0) * comp.vector[j] }
                    xy[k] = s.isFinite ? s : 0
                }
                return ClusterSummary.Point(x: xy[0], y: xy[1], cluster: r.cluster, outlier: r.outlier, label: r.label)
            }
            func axis(_ k: Int) -> String {
                guard k < components.count else { return "PC\(k + 1)" }
                let c = components[k]
                let top = (0..<d).sorted { abs(c.vector[$0]) != abs(c.vector[$1]) ? abs(c.vector[$0]) > abs(c.vector[$1]) : $0 < $1 }
                let share = Int((100 * c.variance / total).rounded())
                return "PC\(k + 1) (\(share)%: \(top.prefix(2).map { names[$0] }.joined(separator: ", ")))"
            }
            projection = .init(xLabel: axis(0), yLabel: axis(1), points: points)
        }
        return ClusterSummary(algorithm: "k-means", subject: model.featureSet == .host ? "hosts per window" : "flows",
                              features: names, clusters: clusters, outliers: outliers, projection: projection)
    }
}
