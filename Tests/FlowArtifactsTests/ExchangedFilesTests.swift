import Foundation
import Testing
@testable import FlowArtifacts

@Suite("Exchanged files: JSON text, quarantine records, CSV tables, manifest header")
struct ExchangedFilesTests {
    private func json(_ bytes: [UInt8]) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
    }

    @Test func jsonTextEscapesWhatJSONRequiresAndRoundTrips() throws {
        let text = "a\"b\\c\nd\re\tf\u{01}g\u{7F}h é ✓"
        var out: [UInt8] = []
        JSONText.appendString(text, to: &out)
        #expect(String(decoding: out, as: UTF8.self) == #""a\"b\\c\nd\re\tf\u0001g\u007fh é ✓""#)
        #expect(try json(out) as? String == text)
    }

    @Test func quarantineTextRowKeepsValidUTF8AsTextAndOtherBytesAsBase64() throws {
        let encoder = QuarantineEncoder()
        var out: [UInt8] = []
        let good = Array("10.0.0.1,\"x\"".utf8)
        good.withUnsafeBufferPointer {
            encoder.appendRow(file: "in/a.csv", line: 3, offset: 40, reason: "bad_address", detail: "d", raw: $0, into: &out)
        }
        let bad: [UInt8] = [0x41, 0xFF, 0x42]
        bad.withUnsafeBufferPointer {
            encoder.appendRow(file: "in/a.csv", line: 4, offset: 60, reason: "bad_address", detail: "d", raw: $0, into: &out)
        }
        let lines = String(decoding: out, as: UTF8.self).split(separator: "\n").map { Array($0.utf8) }
        #expect(lines.count == 2 && out.last == 0x0A)
        let first = try #require(try json(lines[0]) as? [String: Any])
        #expect(first["raw"] as? String == "10.0.0.1,\"x\"" && first["line"] as? Int == 3 && first["offset"] as? Int == 40)
        let second = try #require(try json(lines[1]) as? [String: Any])
        #expect(second["raw"] == nil && second["raw_base64"] as? String == Data(bad).base64EncodedString())
    }

    @Test func quarantineTextRowKeepsTheHeadOfALongLine() throws {
        let long = [UInt8](repeating: UInt8(ascii: "x"), count: QuarantineEncoder.rawLimit + 10)
        var out: [UInt8] = []
        long.withUnsafeBufferPointer {
            QuarantineEncoder().appendRow(file: "f", line: 1, offset: 0, reason: "r", detail: "", raw: $0, into: &out)
        }
        let record = try #require(try json(Array(out.dropLast())) as? [String: Any])
        #expect((record["raw"] as? String)?.utf8.count == QuarantineEncoder.rawLimit)
        #expect(record["raw_truncated"] as? Bool == true)
    }

    @Test func quarantineBinaryAndFileRecords() throws {
        var out: [UInt8] = []
        let unit = [UInt8](0..<100)
        unit.withUnsafeBytes {
            QuarantineEncoder().appendBinaryReject(file: "c.pcap", offset: 24, reason: "missing_template", records: 2,
                                                   detail: "no template 256", raw: $0, into: &out)
        }
        QuarantineEncoder().appendBinaryReject(file: "c.pcap", offset: 90, reason: "r", records: 1, detail: "", raw: nil, into: &out)
        QuarantineEncoder().appendFile(file: "c.pcap", rows: 7, reason: "input_failed", detail: "truncated", into: &out)
        let lines = String(decoding: out, as: UTF8.self).split(separator: "\n").map { Array($0.utf8) }
        #expect(lines.count == 3)
        let binary = try #require(try json(lines[0]) as? [String: Any])
        #expect(binary["raw_hex"] as? String == unit.prefix(QuarantineEncoder.binaryRawLimit).map { String(format: "%02x", $0) }.joined())
        #expect(binary["records"] as? Int == 2)
        let noBytes = try #require(try json(lines[1]) as? [String: Any])
        #expect(noBytes["raw_hex"] == nil)
        let file = try #require(try json(lines[2]) as? [String: Any])
        #expect(file["rows"] as? Int == 7 && file["reason"] as? String == "input_failed")
    }

    @Test func quarantineRuleRecordFramesTheRowsValues() throws {
        var source: [UInt8] = []
        JSONText.appendString("raw/part \"1\".arrow", to: &source)
        var out: [UInt8] = []
        let encoder = QuarantineEncoder()
        encoder.beginRuleRecord(sourceJSON: source, batch: 2, row: 9, rule: "future_skew", detail: "1 h ahead", into: &out)
        JSONText.appendRaw(#""packets":"#, to: &out)
        JSONText.appendInteger(12, to: &out)
        encoder.endRuleRecord(into: &out)
        #expect(out.last == 0x0A && out.filter { $0 == 0x0A }.count == 1)
        let record = try #require(try json(Array(out.dropLast())) as? [String: Any])
        #expect(record["source"] as? String == "raw/part \"1\".arrow" && record["batch"] as? Int == 2 && record["row"] as? Int == 9)
        #expect((record["values"] as? [String: Any])?["packets"] as? Int == 12)
    }

    @Test func csvWriterAndReaderRoundTripAwkwardFields() throws {
        let rows = [["1", "plain", "a,b", "say \"hi\""], ["2", "two\nlines", "", "cr\r\nlf"]]
        let text = "h1,h2,h3,h4\n" + rows.map(CSVText.record).joined()
        let parsed = try CSVRecords.parse(Array(text.utf8), path: "t.csv")
        #expect(parsed.count == 3)
        #expect(parsed[1].map(\.fields) == rows[0])
        // A quoted field keeps its CR; the record's line is where it starts.
        #expect(parsed[2].map(\.fields) == rows[1])
        #expect(parsed[2][0].line == 3)
        #expect(CSVText.field("plain") == "plain" && CSVText.field("a\"b") == "\"a\"\"b\"")
    }

    @Test func csvReaderNamesTheFileAndLineOfAnUnclosedQuote() {
        #expect(throws: ArtifactError.unreadable(path: "t.csv", reason: "line 2: a quoted field is not closed before the end of the file")) {
            try CSVRecords.parse(Array("a,b\n1,\"open\n".utf8), path: "t.csv")
        }
    }

    @Test func csvRecordsNeedTheRequiredColumnsInAnyOrder() throws {
        let records = try CSVRecords.records(Array("score, Kind ,rank\n2.5,scan,7\n\n1,flood,\n".utf8), path: "t.csv",
                                             required: ["kind", "score"], expected: "kind, score")
        #expect(records.count == 2)
        #expect(records[0].field("kind") == "scan" && records[0].rank == 7 && records[1].rank == 2)
        #expect(try records[1].requiredNumber("score") == 1)
        #expect(throws: ArtifactError.self) { try records[0].requiredNumber("kind") }
        #expect(throws: ArtifactError.unreadable(path: "t.csv", reason: "the header has no 'entity' column (expected e)")) {
            try CSVRecords.records(Array("kind\nx\n".utf8), path: "t.csv", required: ["entity"], expected: "e")
        }
    }

    @Test func scoreTableHeadersListTheirRequiredColumns() {
        #expect(AnomaliesFile.header == "rank,kind,entity,start,end,score,evidence,severity,p_value,incident")
        #expect(IncidentsFile.header == "rank,id,kind,severity,start,end,hosts,ports,detections,summary")
        #expect(Set(AnomaliesFile.required).isSubset(of: AnomaliesFile.columns))
        #expect(Set(IncidentsFile.required).isSubset(of: IncidentsFile.columns))
    }

    @Test func manifestHeaderSharesItsManifestsObject() throws {
        struct Manifest: Codable, Equatable {
            var header: ManifestHeader
            var rows: Int
            enum CodingKeys: String, CodingKey { case rows }
            init(header: ManifestHeader, rows: Int) { self.header = header; self.rows = rows }
            func encode(to encoder: Encoder) throws {
                try header.encode(to: encoder)
                var c = encoder.container(keyedBy: CodingKeys.self)
                try c.encode(rows, forKey: .rows)
            }
            init(from decoder: Decoder) throws {
                header = try ManifestHeader(from: decoder)
                rows = try decoder.container(keyedBy: CodingKeys.self).decode(Int.self, forKey: .rows)
            }
        }
        let m = Manifest(header: ManifestHeader(tool: "floe-clean", version: "1.2", schemaVersion: 1), rows: 5)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(m)
        #expect(String(decoding: data, as: UTF8.self)
            == #"{"quarantine":"quarantine.jsonl","rows":5,"schema_version":1,"tool":"floe-clean","version":"1.2"}"#)
        #expect(try JSONDecoder().decode(Manifest.self, from: data) == m)
        #expect(try JSONDecoder().decode(ManifestHeader.self, from: data) == m.header)
    }
}
