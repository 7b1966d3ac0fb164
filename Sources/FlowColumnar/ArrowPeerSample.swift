import FlowCore
import FlowIO
import FlowRandom

/// The sample of the pyarrow/DuckDB peer check (scripts/check-arrow-pyarrow.sh, through
/// `floe-dev arrow-sample` and `floe-dev arrow-read`): an Arrow file floe writes with
/// every kind of value, the schema and rows pyarrow must find in it (`<file>.expected.json`),
/// and the check that files another writer made from the same rows decode to them.
public enum ArrowPeerSample {
    /// A difference between a file and the sample rows.
    public struct Mismatch: Error, CustomStringConvertible {
        public let description: String
    }

    /// The rows of the sample file: three record batches, one of them a single row.
    public static func batches() -> [FlowBatch] {
        [sampleBatch(rows: 37, seed: 11), sampleBatch(rows: 1, seed: 12), sampleBatch(rows: 20, seed: 13)]
    }

    /// Writes the sample to `path` and its expectations to `path + ".expected.json"`.
    public static func write(path: String) throws {
        let batches = batches()
        let writer = try FlowArrowWriter(path: path, metadata: [(key: "floe:source", value: "peer sample")])
        for b in batches { try writer.write(b) }
        try writer.finish()
        try writeAtomically(path: path + ".expected.json", bytes: Array(expectationsJSON(batches).utf8))
    }

    /// Reads the Arrow file at `path` (written by floe or by another implementation) and
    /// checks it decodes to the sample rows; returns a line saying so, throws `Mismatch`.
    @discardableResult
    public static func check(path: String) throws -> String {
        let reader = try ArrowFileReader(path: path)
        var got: [(FlowRecord, String?)] = []
        for i in 0..<reader.recordBatchCount {
            let b = try reader.readFlowBatch(at: i)
            for r in 0..<b.count { got.append((b.record(at: r), b.label[r])) }
        }
        let want = batches().flatMap { b in (0..<b.count).map { (b.record(at: $0), b.label[$0]) } }
        guard got.count == want.count else { throw Mismatch(description: "\(path): \(got.count) rows, the sample has \(want.count)") }
        if let i = got.indices.first(where: { got[$0].0 != want[$0].0 || got[$0].1 != want[$0].1 }) {
            throw Mismatch(description: "\(path): row \(i) differs from the sample")
        }
        return "peer file \(path): \(reader.recordBatchCount) record batches, \(got.count) rows decoded and equal"
    }

    /// Checks that the compressed Arrow file at `path` is refused as unsupported (floe
    /// writes and reads uncompressed IPC only); returns a line saying so.
    public static func checkRefused(path: String) throws -> String {
        do {
            let reader = try ArrowFileReader(path: path)
            _ = try reader.readFlowBatch(at: 0)
        } catch let error as ColumnarError {
            guard case .unsupported = error else { throw Mismatch(description: "\(path): refused, but not as unsupported: \(error)") }
            return "peer file \(path): refused as expected: \(error)"
        }
        throw Mismatch(description: "\(path): a compressed file was read")
    }

    /// FlowRandom's SplitMix64 drawing UInt64s (`below` is `next() % n`).
    struct Draws {
        var generator: SplitMix64
        mutating func next() -> UInt64 { generator.next() }
        mutating func below(_ n: UInt64) -> UInt64 { generator.next() % n }
    }

    /// A batch with every kind of value: IPv4 and IPv6 (including `::` and v4-mapped forms),
    /// nulls in every nullable column, empty and non-ASCII labels, extreme integers.
    public static func sampleBatch(rows: Int, seed: UInt64) -> FlowBatch {
        var rng = Draws(generator: SplitMix64(seed: seed))
        var batch = FlowBatch(capacity: rows)
        let labels = ["BENIGN", "", "DDoS", "PortScan", "Web Attack \u{2013} XSS", "quote\"back\\slash"]
        for i in 0..<rows {
            var r = FlowRecord()
            r.start = 1_700_000_000_000 + Int64(rng.below(86_400_000)) - (i % 7 == 0 ? 2_000_000_000_000 : 0)
            r.end = r.start + Int64(rng.below(60_000))
            r.srcAddr = i % 5 == 3 ? IPAddress(high: rng.next(), low: rng.next()) : IPAddress(ipv4: UInt32(truncatingIfNeeded: rng.next()))
            r.dstAddr = i % 11 == 4 ? .zero : (i % 4 == 1 ? IPAddress(high: 0x2001_0db8_0000_0000, low: rng.below(3)) : IPAddress(ipv4: UInt32(truncatingIfNeeded: rng.next())))
            r.srcPort = i % 6 == 0 ? nil : UInt16(truncatingIfNeeded: rng.next())
            r.dstPort = i % 9 == 0 ? nil : UInt16(truncatingIfNeeded: rng.next())
            r.proto = [6, 17, 1, 58][Int(rng.below(4))]
            r.tcpFlags = r.proto == 6 ? UInt8(truncatingIfNeeded: rng.next()) : nil
            r.packets = i == 0 ? UInt64.max : rng.below(1_000_000) + 1
            r.bytes = i == 1 ? UInt64.max - 1 : rng.below(1_000_000_000)
            r.inputInterface = i % 3 == 0 ? nil : UInt32(truncatingIfNeeded: rng.next())
            r.outputInterface = i % 3 == 1 ? nil : UInt32(rng.below(64))
            r.srcAS = i % 2 == 0 ? nil : UInt32(truncatingIfNeeded: rng.next())
            r.dstAS = i % 2 == 1 ? nil : UInt32.max
            r.tos = i % 8 == 0 ? nil : UInt8(truncatingIfNeeded: rng.next())
            r.exporter = i % 3 == 2 ? nil : (i % 4 == 0 ? IPAddress("fe80::1")! : IPAddress(ipv4: 0x0A00_0001 + UInt32(i % 3)))
            r.samplingRate = i % 5 == 0 ? nil : 1 + UInt32(rng.below(1000))
            r.flowDirection = i % 4 == 3 ? nil : UInt8(i % 2)
            r.revPackets = i % 3 == 0 ? nil : rng.below(1000)
            r.revBytes = i % 3 == 0 ? nil : rng.below(100_000)
            if i % 7 == 5 {
                batch.append(r, label: nil)
            } else {
                var label = labels[i % labels.count]
                label.withUTF8 { batch.append(r, label: $0) }
            }
        }
        return batch
    }

    /// The expectations as JSON: schema in pyarrow's type names, metadata, per-batch row
    /// counts, every row (timestamps as epoch milliseconds, addresses as canonical text) and
    /// the aggregate the DuckDB query must return.
    public static func expectationsJSON(_ batches: [FlowBatch]) -> String {
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
}
