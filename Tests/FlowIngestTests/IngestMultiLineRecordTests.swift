import FlowColumnar
import FlowCore
import FlowFormats
import FlowIO
import Foundation
import Testing
@testable import FlowIngest
import FlowTestSupport

/// RFC 4180 records spanning lines through the whole engine: parallel parsing, chunk
/// boundaries, quarantine line numbers, the bounded reject of an unbalanced quote, and
/// TSV (Zeek), which never frames quotes.
@Suite struct IngestMultiLineRecordTests {
    let header = "start,end,src_addr,dst_addr,src_port,dst_port,protocol,packets,bytes,label\n"
    func row(_ i: Int, label: String = "benign") -> String {
        "2026-11-01T00:00:\(String(format: "%02d", i % 60)).000Z,2026-11-01T00:01:00.000Z,10.0.0.1,192.0.2.\(i % 250 + 1),\(1000 + i),443,6,3,180,\(label)\n"
    }

    /// Multi-line labels across many 4 KiB chunk boundaries come back whole, and a bad row
    /// after them is quarantined with its own (physical) first line number.
    @Test func multiLineRecordsAcrossChunksKeepTheirLineNumbers() throws {
        let dir = temporaryFolder()
        var text = header
        var line = 2
        var labels: [String] = []
        for i in 0..<900 {
            if i % 7 == 3 {
                let label = "note \(i)\n" + String(repeating: "x", count: i % 50) + "\r\nsaid \"hi\""
                labels.append(label)
                text += row(i, label: "\"" + label.replacingOccurrences(of: "\"", with: "\"\"") + "\"")
                line += 3
            } else {
                labels.append("benign")
                text += row(i)
                line += 1
            }
        }
        let badLine = line
        text += row(0).replacingOccurrences(of: "10.0.0.1", with: "10.0.0.999")
        text += row(1, label: "\"last\nrecord\"")
        labels.append("last\nrecord")
        writeFile(dir + "/in.csv", text)
        for threads in [1, 2] {
            let out = dir + "/raw\(threads)"
            let manifest = try ingest([dir + "/in.csv"], into: out, threads: threads)
            let report = manifest.inputs[0]
            #expect(report.counts.rowsWritten == 901)
            #expect(report.counts.rejectsByReason == ["bad_address": 1])
            let batch = try readRecords(out, report)
            #expect((0..<batch.count).map { batch.label[$0] ?? "" } == labels)
            let q = try quarantineLines(out)
            #expect(q.count == 1)
            #expect(q.first?["line"] as? Int == badLine)
        }
    }

    /// An unbalanced quote is rejected with its one line once the record passes
    /// --max-line-length; the rows after it are read (resynchronised), not swallowed.
    @Test func unbalancedQuoteIsABoundedRejectOfOneLine() throws {
        let dir = temporaryFolder()
        var text = header
        for i in 0..<20 { text += row(i) }
        let open = row(20, label: "\"never closed").dropLast()
        text += open + "\n"
        for i in 21..<400 { text += row(i) }
        writeFile(dir + "/in.csv", text)
        let manifest = try ingest([dir + "/in.csv"], into: dir + "/raw") { $0.maxLineLength = 1024 }
        let counts = manifest.inputs[0].counts
        #expect(counts.rowsWritten == 399)
        #expect(counts.rejectsByReason == ["unterminated_quote": 1])
        let q = try quarantineLines(dir + "/raw")
        #expect(q.first?["line"] as? Int == 22)
        #expect(q.first?["raw"] as? String == String(open))
        #expect((q.first?["detail"] as? String)?.contains("1024 bytes") == true)
    }

    /// Zeek's TSV has no quoting: a field starting with `"` is text and ends at the tab.
    @Test func zeekTSVDoesNotFrameQuotes() throws {
        let dir = temporaryFolder()
        let (bytes, _) = try generated(.zeekConn, rows: 1000)
        var lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let first = lines.firstIndex { !$0.hasPrefix("#") }!
        for k in [first, first + 10] {
            var fields = lines[k].split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            fields[1] = "\"" + fields[1]  // the uid, which floe ignores
            lines[k] = fields.joined(separator: "\t")
        }
        writeFile(dir + "/conn.log", lines.joined(separator: "\n"))
        let manifest = try ingest([dir + "/conn.log"], into: dir + "/raw")
        #expect(manifest.inputs[0].counts.rowsWritten == 1000)
        #expect(manifest.inputs[0].counts.rowsRejected == 0)
    }
}
