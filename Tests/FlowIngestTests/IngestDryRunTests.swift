import FlowCore
import FlowGenerate
import Foundation
import Testing
@testable import FlowIngest
import FlowTestSupport

/// `IngestOptions.dryRun`: the same accounting as a real run, and not one file written,
/// replaced or removed.
@Suite struct IngestDryRunTests {
    /// Files under `folder` with their sizes and modification times.
    static func listing(_ folder: String) -> [String: [Int]] {
        var out: [String: [Int]] = [:]
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] {
            var info = stat()
            stat(folder + "/" + name, &info)
            out[name] = [Int(info.st_size), Int(info.st_mtim.tv_sec), Int(info.st_mtim.tv_nsec)]
        }
        return out
    }

    @Test func countsLikeARealRunAndWritesNothing() throws {
        let dir = temporaryFolder()
        let inputsDir = dir + "/in"
        try FileManager.default.createDirectory(atPath: inputsDir, withIntermediateDirectories: true)
        let (csv, _) = try generated(.nfdumpCSV, rows: 2000, dirt: DirtRates(total: 0.05))
        writeFile(inputsDir + "/dirty.csv", csv)
        let nfcapd = IngestBinaryTests.fixture("nfcapd-lz4.nfcapd")
        writeFile(inputsDir + "/flows.nfcapd", nfcapd)
        // A capture cut in the middle of a packet: partial, with a reject.
        let pcap = IngestBinaryTests.fixture("softflowd-v9.pcap")
        writeFile(inputsDir + "/cut.pcap", Array(pcap.prefix(pcap.count - 30)))
        writeFile(inputsDir + "/broken.csv.gz", [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3])
        let inputs = ["dirty.csv", "flows.nfcapd", "cut.pcap", "broken.csv.gz"].map { inputsDir + "/" + $0 }

        let real = try ingest(inputs, into: dir + "/raw")
        var dry = try ingest(inputs, into: dir + "/dry") { $0.dryRun = true }
        #expect(!FileManager.default.fileExists(atPath: dir + "/dry"))
        #expect(dry.inputs.allSatisfy { $0.outputs.isEmpty })
        #expect(real.inputs.map(\.status) == [.partial, .ok, .partial, .failed])
        #expect(real.totals.counts.rowsRejected > 0)
        // Everything but the written file names and the duration is the same.
        for i in dry.inputs.indices { dry.inputs[i].outputs = real.inputs[i].outputs }
        dry.durationSeconds = real.durationSeconds
        #expect(dry == real)

        // Without an output folder, an input named twice is still read once.
        let twice = try IngestEngine(options: { var o = IngestOptions(); o.dryRun = true; return o }(), outputDirectory: "")
            .run(inputs: [inputsDir + "/flows.nfcapd", inputsDir, inputsDir + "/flows.nfcapd"])
        #expect(twice.inputs.map(\.path).filter { $0.hasSuffix("flows.nfcapd") }.count == 1)
        #expect(twice.inputs.count == 4)

        // A dry run over an existing output folder touches none of its files, and does not
        // remove the outputs of inputs it does not name (a real run would).
        let before = Self.listing(dir + "/raw")
        let again = try ingest([inputsDir + "/flows.nfcapd"], into: dir + "/raw") { $0.dryRun = true }
        #expect(again.totals.counts.rowsWritten == 59)
        #expect(Self.listing(dir + "/raw") == before)
    }
}
