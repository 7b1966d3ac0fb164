import FlowColumnar
import FlowCore
import FlowDataset
import FlowFormats
import FlowGenerate
import Foundation

/// Writes a generated, labelled flow dataset in the layout floe-clean produces
/// (`DIR/date=YYYY-MM-DD/part-00000.arrow`, base schema columns only) plus
/// `DIR/labels.json`; used by the peer check and the quality script.
enum SampleDataset {
    /// An encoder that writes nothing: the generator's labels without a file.
    struct NullEncoder: DialectEncoder {
        let dialect = Dialect.allCases[0]
        func header() -> [UInt8] { [] }
        func encode(_ record: FlowRecord, label: UnsafeBufferPointer<UInt8>?, into out: inout [UInt8]) {}
        func trailer(_ info: DialectTrailerInfo) -> [UInt8] { [] }
    }

    static func write(rows: Int, days: Int, seed: UInt64, anomalies: Bool, extra: [TrafficLabel] = [], repeats: Int = 0,
                      folder: String) throws -> GenerationLabels {
        var config = GeneratorConfig(rows: rows, days: days, seed: seed, anomalies: anomalies)
        config.extraAnomalies = extra
        config.anomalyRepeats = repeats
        let generator = try FlowGenerator(config: config)
        let labels = try generator.generate(encoder: NullEncoder()).labels
        var batches: [Int64: FlowBatch] = [:]
        let names = TrafficLabel.allCases.map { Array($0.name.utf8) }
        generator.forEachRow { record, label, _ in
            let day = CivilTime.day(ofMillis: record.start)
            names[Int(label.rawValue)].withUnsafeBufferPointer { batches[day, default: FlowBatch()].append(record, label: $0) }
        }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for (day, batch) in batches {
            let partition = folder + "/" + DatasetLayout.partitionFolder(day: day)
            try FileManager.default.createDirectory(atPath: partition, withIntermediateDirectories: true)
            let writer = try FlowArrowWriter(path: partition + "/" + DatasetLayout.partFile(0))
            try writer.write(batch)
            try writer.finish()
        }
        try Data(try labels.jsonBytes()).write(to: URL(fileURLWithPath: folder + "/labels.json"))
        return labels
    }
}
