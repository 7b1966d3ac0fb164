import FlowArtifacts

extension ClassificationMetrics {
    /// The metrics of `predicted` against `truth` (class indices into `classes`).
    public init(classes: [String], truth: [Int], predicted: [Int]) {
        precondition(truth.count == predicted.count)
        let k = classes.count
        var m = [[Int]](repeating: [Int](repeating: 0, count: k), count: k)
        for (t, p) in zip(truth, predicted) { m[t][p] += 1 }
        let rows = truth.count
        var perClass: [PerClass] = []
        for c in 0..<k {
            let support = m[c].reduce(0, +)
            let predictedCount = (0..<k).reduce(0) { $0 + m[$1][c] }
            guard support > 0 || predictedCount > 0 else { continue }
            let tp = Double(m[c][c])
            let precision = predictedCount > 0 ? tp / Double(predictedCount) : 0
            let recall = support > 0 ? tp / Double(support) : 0
            let f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0
            perClass.append(PerClass(name: classes[c], precision: precision, recall: recall, f1: f1, support: support, predicted: predictedCount))
        }
        let anomalies = perClass.filter { $0.name != classes.first }
        self.init(classes: classes, confusion: m, perClass: perClass,
                  macroF1: perClass.isEmpty ? 0 : perClass.map(\.f1).reduce(0, +) / Double(perClass.count),
                  macroF1Anomalies: anomalies.isEmpty ? nil : anomalies.map(\.f1).reduce(0, +) / Double(anomalies.count),
                  accuracy: rows > 0 ? Double((0..<k).reduce(0) { $0 + m[$1][$1] }) / Double(rows) : 0,
                  rows: rows)
    }
}
