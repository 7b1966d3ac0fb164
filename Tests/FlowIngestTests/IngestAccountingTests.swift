import FlowColumnar
import FlowCore
import FlowFormats
import FlowGenerate
import FlowIO
import Foundation
import Testing
@testable import FlowIngest
import FlowTestSupport

@Suite struct IngestAccountingTests {
    /// Every value the generic CSV carries comes back exactly, through gzip, many chunk
    /// boundaries and two parsing threads.
    @Test func genericCSVRoundTripsEveryField() throws {
        let dir = temporaryFolder()
        let (bytes, expected) = try generated(.genericCSV, rows: 4000, gzip: true)
        writeFile(dir + "/flows.csv.gz", bytes)
        let manifest = try ingest([dir + "/flows.csv.gz"], into: dir + "/raw")
        let input = try #require(manifest.inputs.first)
        #expect(input.status == .ok)
        #expect(input.format == "generic-csv")
        #expect(input.compression == "gzip")
        #expect(input.counts.rowsRead == Int64(expected.count))
        #expect(input.counts.rowsWritten == Int64(expected.count))
        let got = try readRecords(dir + "/raw", input)
        #expect(got.count == expected.count)
        for i in 0..<min(got.count, expected.count) where got.record(at: i) != expected.record(at: i) || got.label[i] != expected.label[i] {
            Issue.record("row \(i): \(got.record(at: i)) != \(expected.record(at: i))")
            break
        }
    }

    /// rows read = written + rejected for every dialect, with dirt that the parsers reject
    /// (impossible values are the cleaner's business, so most dirt passes ingest).
    @Test(arguments: Dialect.allCases.filter { $0 != .cicFlowMeter })
    func accountingIsExact(dialect: Dialect) throws {
        let dir = temporaryFolder("accounting\(dialect.rawValue)")
        let (bytes, expected) = try generated(dialect, rows: 2500, gzip: (Dialect.allCases.firstIndex(of: dialect) ?? 0) % 2 == 0, dirt: DirtRates(total: 0.05))
        writeFile(dir + "/in", bytes)
        let manifest = try ingest([dir + "/in"], into: dir + "/raw")
        let t = manifest.totals.counts
        #expect(manifest.totals.filesFailed == 0)
        #expect(t.isBalanced)
        #expect(t.rowsRead == Int64(expected.count))
        #expect(t.rowsWritten + t.rowsRejected == Int64(expected.count))
        let q = try quarantineLines(dir + "/raw")
        #expect(Int64(q.count) == t.rowsRejected)
    }

    /// CIC files carry day-first dates; with the date order given nothing is rejected,
    /// without it the ambiguous ones are rejected, never guessed.
    @Test func cicDatesNeedAnOrder() throws {
        let dir = temporaryFolder()
        let (bytes, expected) = try generated(.cicFlowMeter, rows: 1500)
        writeFile(dir + "/cic.csv", bytes)
        let strict = try ingest([dir + "/cic.csv"], into: dir + "/strict") { $0.maxRejectShare = 1 }
        #expect(strict.totals.counts.rejectsByReason["ambiguous_timestamp", default: 0] > 0)
        #expect(strict.totals.counts.isBalanced)
        // A file of mostly ambiguous dates fails, and the message says which option decides.
        let failed = try ingest([dir + "/cic.csv"], into: dir + "/failed") { $0.maxRejectShare = 0.01 }
        #expect(failed.inputs[0].status == .failed)
        #expect(failed.inputs[0].error?.contains("--date-order dmy") == true, "\(failed.inputs[0].error ?? "")")
        let ordered = try ingest([dir + "/cic.csv"], into: dir + "/ordered") { $0.parser.dateOrder = .dayFirst }
        #expect(ordered.totals.counts.rowsWritten == Int64(expected.count))
    }

    /// One parsing thread and two give byte-identical Arrow files and quarantine. (Record
    /// batches follow the internal chunks, so both runs use the same chunk size.)
    @Test func parallelParsingIsDeterministic() throws {
        let dir = temporaryFolder()
        var (bytes, _) = try generated(.zeekConn, rows: 3000)
        bytes += Array("10.0.0.01\tbad line\n".utf8)
        writeFile(dir + "/conn.log", bytes)
        let one = try ingest([dir + "/conn.log"], into: dir + "/one", threads: 1)
        let two = try ingest([dir + "/conn.log"], into: dir + "/two", threads: 2)
        #expect(one.inputs[0].outputs == two.inputs[0].outputs)
        for name in one.inputs[0].outputs + ["quarantine.jsonl"] {
            let same = readBytes(dir + "/one/" + name) == readBytes(dir + "/two/" + name)
            #expect(same, "\(name) differs")
        }
        #expect(one.totals == two.totals)
    }

    /// A second run over the same files writes the same names and deletes what an earlier
    /// run wrote for inputs no longer given.
    @Test func rerunReplacesOutputs() throws {
        let dir = temporaryFolder()
        writeFile(dir + "/a.csv", try generated(.genericCSV, rows: 1000, seed: 1).bytes)
        writeFile(dir + "/b.csv", try generated(.genericCSV, rows: 1000, seed: 2).bytes)
        let first = try ingest([dir + "/a.csv", dir + "/b.csv"], into: dir + "/raw")
        #expect(first.inputs.allSatisfy { $0.outputs.count == 1 })
        let second = try ingest([dir + "/a.csv"], into: dir + "/raw")
        #expect(second.inputs[0].outputs == first.inputs[0].outputs)
        let files = try FileManager.default.contentsOfDirectory(atPath: dir + "/raw").filter { $0.hasSuffix(".arrow") }
        #expect(files == first.inputs[0].outputs)
        #expect(!files.contains { $0.hasPrefix(".") })
    }
}

/// The live progress floe-ingest publishes for `floe run` (FLOE_PROGRESS).
@Suite struct IngestProgressTests {
    /// Text (plain and gzip) and binary inputs: at the end the meter has every row written
    /// and every byte on disk done.
    @Test func meterEndsWithRowsWrittenAndAllBytes() throws {
        let dir = temporaryFolder()
        let (text, _) = try generated(.genericCSV, rows: 2500)
        let (zipped, _) = try generated(.nfdumpCSV, rows: 1500, gzip: true)
        writeFile(dir + "/a.csv", text)
        writeFile(dir + "/b.csv.gz", zipped)
        writeFile(dir + "/c.pcap", IngestBinaryTests.fixture("softflowd-v9.pcap"))
        let meterPath = dir + "/progress.json"
        var options = IngestOptions()
        options.chunkBytes = 4096
        options.parseThreads = 2
        options.batchRows = 1000
        var engine = IngestEngine(options: options, outputDirectory: dir + "/raw")
        engine.progress = StageProgress(path: meterPath, interval: 0)
        let manifest = try engine.run(inputs: [dir + "/a.csv", dir + "/b.csv.gz", dir + "/c.pcap"])
        let snapshot = try #require(StageProgressSnapshot.read(path: meterPath))
        let bytes = Int64(text.count + zipped.count + IngestBinaryTests.fixture("softflowd-v9.pcap").count)
        #expect(manifest.totals.counts.rowsWritten == 2500 + 1500 + 59)
        #expect(snapshot == StageProgressSnapshot(rows: manifest.totals.counts.rowsWritten, done: bytes, total: bytes, unit: "bytes"))
    }
}
