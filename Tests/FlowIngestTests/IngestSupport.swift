import FlowColumnar
import FlowCore
import FlowFormats
import FlowGenerate
import FlowIO
import Foundation
@testable import FlowIngest
import FlowTestSupport

func writeFile(_ path: String, _ bytes: [UInt8]) {
    _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
}

func writeFile(_ path: String, _ text: String) {
    writeFile(path, Array(text.utf8))
}

func readBytes(_ path: String) -> [UInt8] {
    (try? [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))) ?? []
}

/// Generates `rows` rows of `dialect` with the project's generator; returns the bytes
/// (gzip when asked) and the records in file order.
func generated(_ dialect: Dialect, rows: Int = 3000, days: Int = 2, seed: UInt64 = 5, gzip: Bool = false,
               dirt: DirtRates = DirtRates()) throws -> (bytes: [UInt8], batch: FlowBatch) {
    let config = GeneratorConfig(rows: rows, days: days, seed: seed, dirt: dirt, gzip: gzip, chunkRows: 1000)
    let generator = try FlowGenerator(config: config)
    let output = try generator.generate(encoder: makeEncoder(dialect))
    return (output.bytes, generator.makeBatch())
}

/// Runs the engine on `inputs` into `output` with small chunks (so every test crosses many
/// chunk boundaries and uses the parallel path).
func ingest(_ inputs: [String], into output: String, chunkBytes: Int = 4096, threads: Int = 2,
            configure: (inout IngestOptions) -> Void = { _ in }) throws -> IngestManifest {
    var options = IngestOptions()
    options.chunkBytes = chunkBytes
    options.parseThreads = threads
    options.batchRows = 1000
    options.toolVersion = "test"
    configure(&options)
    return try IngestEngine(options: options, outputDirectory: output).run(inputs: inputs)
}

/// Every record written for one input, in order (only its own rows of a bundle).
func readRecords(_ folder: String, _ report: InputReport) throws -> FlowBatch {
    var all = FlowBatch()
    let mine = report.outputRowOffset.map { $0..<($0 + report.counts.rowsWritten) }
    for name in report.outputs {
        let reader = try ArrowFileReader(path: folder + "/" + name)
        var fileRow: Int64 = 0
        for i in 0..<reader.recordBatchCount {
            let batch = try reader.readFlowBatch(at: i)
            for row in 0..<batch.count {
                defer { fileRow += 1 }
                if let mine, !mine.contains(fileRow) { continue }
                all.append(batch.record(at: row), labelText: batch.label[row])
            }
        }
    }
    return all
}

/// The quarantine's JSON lines as dictionaries.
func quarantineLines(_ folder: String) throws -> [[String: Any]] {
    let text = String(decoding: readBytes(folder + "/quarantine.jsonl"), as: UTF8.self)
    return try text.split(separator: "\n").map {
        try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] ?? [:]
    }
}
