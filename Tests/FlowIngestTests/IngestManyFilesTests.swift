import FlowCore
import FlowIO
import Foundation
import Testing
@testable import FlowIngest
import FlowTestSupport

/// Folders of many small files are ingested two at a time; everything written is what one
/// file at a time writes, in the same order.
@Suite struct IngestManyFilesTests {
    @Test func smallFilesTwoAtATimeWriteWhatOneAtATimeWrites() throws {
        let dir = temporaryFolder()
        try FileManager.default.createDirectory(atPath: dir + "/in", withIntermediateDirectories: true)
        let header = "start,end,src_addr,dst_addr,src_port,dst_port,protocol,packets,bytes\n"
        for f in 0..<37 {
            var text = header
            for i in 0..<(20 + f * 3) {
                text += "2026-11-01T00:\(String(format: "%02d", f % 60)):\(String(format: "%02d", i % 60)).000Z,2026-11-01T01:00:00.000Z,10.0.\(f).1,192.0.2.\(i % 250 + 1),\(1000 + i),443,6,3,180\n"
            }
            if f % 5 == 0 { text += "bad,row\n" }
            writeFile(dir + "/in/part-\(String(format: "%03d", f)).csv", text)
        }
        writeFile(dir + "/in/part-500-notes.csv", "hello,world\n")
        func run(_ folder: String, concurrent: Bool) throws -> IngestManifest {
            var options = IngestOptions()
            options.toolVersion = "test"
            var engine = IngestEngine(options: options, outputDirectory: folder)
            engine.concurrentSmallFiles = concurrent
            return try engine.run(inputs: [dir + "/in", dir + "/missing-*.csv"])
        }
        let one = try run(dir + "/one", concurrent: false)
        let two = try run(dir + "/two", concurrent: true)
        #expect(one.inputs == two.inputs)
        #expect(one.totals == two.totals)
        #expect(two.inputs.count == 39)
        #expect(two.totals.filesFailed == 2)
        #expect(readBytes(dir + "/one/quarantine.jsonl") == readBytes(dir + "/two/quarantine.jsonl"))
        for name in two.inputs.flatMap(\.outputs) {
            #expect(readBytes(dir + "/one/" + name) == readBytes(dir + "/two/" + name), "\(name)")
        }
    }
}
