import FlowColumnar
import FlowCore
import FlowGenerate
import Foundation
import FlowTestSupport

/// Writes a generated dataset (`date=…/part-00000.arrow` per day, base columns) and
/// returns its folder; the batch's label column holds each row's ground truth.
/// `repeats` more episodes of every anomaly kind (and the opt-in kinds `extra`) when given.
func makeDataset(rows: Int, days: Int, seed: UInt64, anomalies: Bool = false, repeats: Int = 0,
                 extra: [TrafficLabel] = []) throws -> String {
    let folder = temporaryFolder("data")
    var config = GeneratorConfig(rows: rows, days: days, seed: seed, anomalies: anomalies)
    config.anomalyRepeats = repeats
    config.extraAnomalies = extra
    let generator = try FlowGenerator(config: config)
    let batch = generator.makeBatch()
    var perDay: [Int64: FlowBatch] = [:]
    for i in 0..<batch.count {
        let day = CivilTime.day(ofMillis: batch.start[i])
        perDay[day, default: FlowBatch()].append(batch.record(at: i), labelText: batch.label[i] ?? "")
    }
    for (day, b) in perDay {
        let partition = folder + "/date=" + CivilTime.dateString(day: day)
        try FileManager.default.createDirectory(atPath: partition, withIntermediateDirectories: true)
        let writer = try FlowArrowWriter(path: partition + "/part-00000.arrow")
        try writer.write(b)
        try writer.finish()
    }
    return folder
}
