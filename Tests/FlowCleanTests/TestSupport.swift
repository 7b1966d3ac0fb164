import FlowColumnar
import FlowCore
import FlowDataset
import Foundation
@testable import FlowClean
import FlowTestSupport

let day0 = CivilTime.daysFromCivil(year: 2026, month: 11, day: 2)  // a Monday
let t0 = day0 * CivilTime.millisPerDay

/// A benign-looking TCP flow: 10.0.0.5:40000 → 198.51.100.7:443, 10 packets, 4000 bytes.
func flow(start: Int64 = t0 + 3_600_000, duration: Int64 = 2_000, src: String = "10.0.0.5", dst: String = "198.51.100.7",
          srcPort: UInt16? = 40_000, dstPort: UInt16? = 443, proto: UInt8 = 6, flags: UInt8? = 0x1B,
          packets: UInt64 = 10, bytes: UInt64 = 4_000, exporter: String? = "10.0.255.1") -> FlowRecord {
    var r = FlowRecord()
    r.start = start
    r.end = start + duration
    r.srcAddr = IPAddress(src)!
    r.dstAddr = IPAddress(dst)!
    r.srcPort = srcPort
    r.dstPort = dstPort
    r.proto = proto
    r.tcpFlags = flags
    r.packets = packets
    r.bytes = bytes
    r.exporter = exporter.flatMap(IPAddress.init)
    r.samplingRate = 1
    return r
}

/// Writes records as a raw (ingest-style) Arrow file, `perBatch` rows per record batch.
func writeRaw(_ records: [FlowRecord], to path: String, labels: [String?]? = nil, perBatch: Int = 1_000) throws {
    let writer = try FlowArrowWriter(path: path)
    var batch = FlowBatch()
    for (i, r) in records.enumerated() {
        batch.append(r, labelText: labels?[i] ?? nil)
        if batch.count == perBatch {
            try writer.write(batch)
            batch.removeAll()
        }
    }
    try writer.write(batch)
    try writer.finish()
}

func writeRaw(_ batch: FlowBatch, to path: String) throws {
    let writer = try FlowArrowWriter(path: path)
    try writer.write(batch)
    try writer.finish()
}

/// A config with a pinned reference time (reproducible future_skew).
func testConfig(reference: Int64 = t0 + 30 * CivilTime.millisPerDay) -> CleanConfig {
    var c = CleanConfig()
    c.referenceTimeMillis = reference
    c.memoryBudgetMB = 64
    return c
}

/// Rows of a dataset partition file read back, by column name.
struct PartitionContents {
    var rowCount = 0
    var ints: [String: [Int64]] = [:]
    var texts: [String: [String?]] = [:]
    var doubles: [String: [Double?]] = [:]
    var bools: [String: [Bool]] = [:]

    init(path: String) throws {
        let reader = try ArrowFileReader(path: path)
        for b in 0..<reader.recordBatchCount {
            let rb = try reader.recordBatch(at: b)
            rowCount += rb.rowCount
            for (c, field) in DatasetSchema.fields.enumerated() {
                let validity = try rb.validity(column: c)
                func valid(_ i: Int) -> Bool { validity?[i] ?? true }
                switch field.type {
                case .utf8:
                    let v = try rb.utf8(column: c)
                    for i in 0..<rb.rowCount { texts[field.name, default: []].append(valid(i) ? v.string(at: i) : nil) }
                case .float64:
                    let v = try rb.values(column: c, as: Double.self)
                    for i in 0..<rb.rowCount { doubles[field.name, default: []].append(valid(i) ? v[i] : nil) }
                case .bool:
                    let v = try rb.bools(column: c)
                    for i in 0..<rb.rowCount { bools[field.name, default: []].append(v[i]) }
                case .timestampMillis, .int64:
                    let v = try rb.values(column: c, as: Int64.self)
                    for i in 0..<rb.rowCount { ints[field.name, default: []].append(valid(i) ? v[i] : -1) }
                case .uint8:
                    let v = try rb.values(column: c, as: UInt8.self)
                    for i in 0..<rb.rowCount { ints[field.name, default: []].append(valid(i) ? Int64(v[i]) : -1) }
                case .uint16:
                    let v = try rb.values(column: c, as: UInt16.self)
                    for i in 0..<rb.rowCount { ints[field.name, default: []].append(valid(i) ? Int64(v[i]) : -1) }
                case .uint32:
                    let v = try rb.values(column: c, as: UInt32.self)
                    for i in 0..<rb.rowCount { ints[field.name, default: []].append(valid(i) ? Int64(v[i]) : -1) }
                case .uint64:
                    let v = try rb.values(column: c, as: UInt64.self)
                    for i in 0..<rb.rowCount { ints[field.name, default: []].append(valid(i) ? Int64(truncatingIfNeeded: v[i]) : -1) }
                }
            }
        }
    }
}

func fileBytes(_ path: String) -> [UInt8] { Array(FileManager.default.contents(atPath: path) ?? Data()) }

func partitionPath(_ dataset: String, day: Int64) -> String {
    dataset + "/" + DatasetLayout.partitionFolder(day: day) + "/" + DatasetLayout.partFile(0)
}
