import FlowCore
import FlowIO
import Foundation
import Testing
@testable import FlowIngest
import FlowTestSupport

/// Inputs with nothing in them — what a failed export leaves — are failed inputs with a
/// message naming the file; a header without rows is a genuine empty result.
@Suite struct IngestEmptyInputTests {
    let header = "start,end,src_addr,dst_addr,src_port,dst_port,protocol,packets,bytes\n"

    @Test func emptyInputsFailWithTheirName() throws {
        let dir = temporaryFolder()
        writeFile(dir + "/zero.csv", [])
        writeFile(dir + "/zero.csv.gz", [])
        writeFile(dir + "/nothing.csv.gz", try GzipEncoder().member([]))
        writeFile(dir + "/blank.csv", "\n\r\n\n")
        writeFile(dir + "/header-only.csv", header)
        writeFile(dir + "/header-only.csv.gz", try GzipEncoder().member(Array(header.utf8)))
        let manifest = try ingest([dir], into: dir + "/raw")
        let byName = Dictionary(uniqueKeysWithValues: manifest.inputs.map { (($0.path as NSString).lastPathComponent, $0) })
        let messages = ["zero.csv": "is empty: 0 bytes; a failed export?",
                        "zero.csv.gz": "is empty: 0 bytes (not even a gzip header); a failed export?",
                        "nothing.csv.gz": "is empty: its gzip stream decompresses to 0 bytes; a failed export?",
                        "blank.csv": "has no complete header line"]
        for (name, message) in messages {
            let r = try #require(byName[name])
            #expect(r.status == .failed, "\(name)")
            #expect(r.error?.hasPrefix(dir + "/" + name + ": ") == true, "\(name): \(r.error ?? "")")
            #expect(r.error?.contains(message) == true, "\(name): \(r.error ?? "")")
            #expect(r.outputs.isEmpty)
            #expect(r.counts.isBalanced)
        }
        #expect(byName["nothing.csv.gz"]?.compression == "gzip")
        for name in ["header-only.csv", "header-only.csv.gz"] {
            #expect(byName[name]?.status == .ok, "\(name)")
            #expect(byName[name]?.counts.rowsRead == 0)
            #expect(byName[name]?.outputs.count == 1)
        }
        #expect(manifest.totals.filesFailed == 4)
        let q = try quarantineLines(dir + "/raw")
        for name in messages.keys {
            let line = q.first { ($0["file"] as? String) == dir + "/" + name }
            #expect(line?["reason"] as? String == RowCounts.inputFailed, "\(name)")
            #expect(line?["rows"] as? Int == 0)
            #expect((line?["detail"] as? String)?.contains(name) == true)
        }
    }

    /// A dry run reports an empty input the same way.
    @Test func dryRunFailsAnEmptyInputToo() throws {
        let dir = temporaryFolder()
        writeFile(dir + "/zero.csv", [])
        let manifest = try ingest([dir + "/zero.csv"], into: dir + "/raw") { $0.dryRun = true }
        #expect(manifest.inputs[0].status == .failed)
        #expect(manifest.totals.filesFailed == 1)
    }
}
