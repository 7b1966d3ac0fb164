import FlowCore
import Testing
@testable import FlowColumnar
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FlowTestSupport

/// Writes the sample file that scripts/check-arrow-pyarrow.sh reads with pyarrow and
/// DuckDB. The destination is $FLOE_ARROW_SAMPLE when set (a temporary path otherwise);
/// the expected schema and rows go beside it as `<path>.expected.json`. The test always
/// runs and checks the file with floe's own reader.
@Suite("Sample file for the pyarrow peer check")
struct PeerSampleTests {
    @Test func writeSampleAndExpectations() throws {
        let path = environment("FLOE_ARROW_SAMPLE") ?? temporaryPath("sample.arrow")
        let batches = peerSampleBatches()
        let writer = try FlowArrowWriter(path: path, metadata: [(key: "floe:source", value: "peer sample")])
        for b in batches { try writer.write(b) }
        try writer.finish()
        writeAll(Array(expectationsJSON(batches).utf8), to: path + ".expected.json")

        let reader = try ArrowFileReader(path: path)
        #expect(reader.recordBatchCount == batches.count)
        for (i, b) in batches.enumerated() {
            #expect(try reader.readFlowBatch(at: i) == b)
        }
    }

    /// Reads Arrow files written by another implementation (pyarrow, through
    /// check-arrow-pyarrow.sh: $FLOE_ARROW_PEER_FILES, colon-separated) and checks they
    /// decode to the sample rows; a compressed one ($FLOE_ARROW_PEER_COMPRESSED) must be
    /// refused as unsupported. Without them, reads a file floe wrote in the same way.
    @Test func readFilesOfAnotherWriter() throws {
        let expected = peerSampleBatches()
        var paths = environment("FLOE_ARROW_PEER_FILES")?.split(separator: ":").map(String.init) ?? []
        if paths.isEmpty {
            let path = temporaryPath("own.arrow")
            let writer = try FlowArrowWriter(path: path)
            for b in expected { try writer.write(b) }
            try writer.finish()
            paths = [path]
        }
        for path in paths {
            let reader = try ArrowFileReader(path: path)
            var got: [(FlowRecord, String?)] = []
            for i in 0..<reader.recordBatchCount {
                let b = try reader.readFlowBatch(at: i)
                for r in 0..<b.count { got.append((b.record(at: r), b.label[r])) }
            }
            let want = expected.flatMap { b in (0..<b.count).map { (b.record(at: $0), b.label[$0]) } }
            #expect(got.count == want.count, "\(path)")
            #expect(zip(got, want).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }, "\(path)")
            print("peer file \(path): \(reader.recordBatchCount) record batches, \(got.count) rows decoded and equal")
        }
        if let compressed = environment("FLOE_ARROW_PEER_COMPRESSED") {
            do {
                let reader = try ArrowFileReader(path: compressed)
                _ = try reader.readFlowBatch(at: 0)
                Issue.record("a compressed file was read")
            } catch let error as ColumnarError {
                guard case .unsupported = error else { Issue.record("\(error)"); return }
                print("peer file \(compressed): refused as expected: \(error)")
            }
        }
    }
}

func environment(_ name: String) -> String? {
    getenv(name).map { String(cString: $0) }
}

/// The rows of the peer sample file.
func peerSampleBatches() -> [FlowBatch] {
    [sampleBatch(rows: 37, seed: 11), sampleBatch(rows: 1, seed: 12), sampleBatch(rows: 20, seed: 13)]
}

/// The expectations as JSON: schema in pyarrow's type names, metadata, per-batch row
/// counts, every row (timestamps as epoch milliseconds, addresses as canonical text) and
/// the aggregate the DuckDB query must return.
func expectationsJSON(_ batches: [FlowBatch]) -> String {
    func pyType(_ t: ColumnType) -> String {
        switch t {
        case .timestampMillis: return "timestamp[ms, tz=UTC]"
        case .uint8, .uint16, .uint32, .uint64, .int64, .bool: return t.rawValue
        case .float64: return "double"
        case .utf8: return "string"
        }
    }
    func str(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where u.value < 0x20: out += "\\u" + String(repeating: "0", count: 4 - String(u.value, radix: 16).count) + String(u.value, radix: 16)
            default: out.unicodeScalars.append(u)
            }
        }
        return out + "\""
    }
    func opt<T>(_ v: T?) -> String { v.map { "\($0)" } ?? "null" }
    var rows: [String] = []
    var sumBytes: UInt64 = 0
    var sumOverflowHigh: UInt64 = 0
    for b in batches {
        for i in 0..<b.count {
            let r = b.record(at: i)
            let (s, o) = sumBytes.addingReportingOverflow(r.bytes)
            sumBytes = s
            if o { sumOverflowHigh += 1 }
            let values: [String] = [
                "\(r.start)", "\(r.end)", str(r.srcAddr.description), str(r.dstAddr.description),
                opt(r.srcPort), opt(r.dstPort), "\(r.proto)", opt(r.tcpFlags), "\(r.packets)", "\(r.bytes)",
                opt(r.inputInterface), opt(r.outputInterface), opt(r.srcAS), opt(r.dstAS), opt(r.tos),
                r.exporter.map { str($0.description) } ?? "null",
                opt(r.samplingRate), opt(r.flowDirection), opt(r.revPackets), opt(r.revBytes),
                b.label[i].map(str) ?? "null",
            ]
            rows.append("[" + values.joined(separator: ", ") + "]")
        }
    }
    let schema = FlowSchema.fields.map {
        "{\"name\": \(str($0.name)), \"type\": \(str(pyType($0.type))), \"nullable\": \($0.nullable)}"
    }
    return """
    {
      "schema": [\(schema.joined(separator: ",\n    "))],
      "metadata": {"floe:schema_version": "\(FlowSchema.version)", "floe:source": "peer sample"},
      "batch_rows": [\(batches.map { "\($0.count)" }.joined(separator: ", "))],
      "count": \(batches.reduce(0) { $0 + $1.count }),
      "sum_bytes": {"high": \(sumOverflowHigh), "low": \(sumBytes)},
      "rows": [
        \(rows.joined(separator: ",\n    "))
      ]
    }
    """
}
