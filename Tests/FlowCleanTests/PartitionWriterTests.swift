import FlowColumnar
import FlowCore
import Foundation
import Testing
@testable import FlowClean
import FlowTestSupport

/// Blocks are taken column by column; the file must not depend on how rows were grouped
/// into blocks or where blocks meet record-batch boundaries, and the enrichment must be
/// what the row says.
@Suite struct PartitionWriterTests {
    static func rows() -> [CleanRow] {
        var out: [CleanRow] = []
        for i in 0..<301 {
            var r = flow(start: t0 + Int64(i) * 61_000, duration: Int64(i % 5) * 700,
                         src: i % 3 == 0 ? "10.0.\(i % 7).\(i % 200)" : "2001:db8::\(i)",
                         dst: i % 4 == 0 ? "192.168.1.\(i % 250)" : "198.51.100.\(i % 250)",
                         srcPort: i % 11 == 0 ? nil : UInt16(1024 + i), dstPort: [443, 53, 80, 9999][i % 4],
                         proto: [6, 17, 1, 58][i % 4], flags: i % 2 == 0 ? 0x12 : nil,
                         packets: UInt64(i % 9), bytes: UInt64(i * 97), exporter: i % 5 == 0 ? nil : "10.0.255.\(i % 3)")
            if i % 7 == 0 { r.samplingRate = 100 }
            if i % 13 == 0 { r.revPackets = UInt64(i); r.revBytes = UInt64(i * 3) }
            out.append(CleanRow(r, input: 0, label: i % 6 == 0 ? UInt32(i % 2) : nil))
        }
        return out
    }

    static func write(_ rows: [CleanRow], blocks: Int, rowsPerBatch: Int, to path: String) throws -> [UInt8] {
        let w = try PartitionWriter(path: path, rowsPerBatch: rowsPerBatch,
                                    networks: [try NetworkPrefix.parse("10.0.0.0/8").get(), try NetworkPrefix.parse("192.168.0.0/16").get()],
                                    labels: [Array("benign".utf8), Array("scan".utf8)])
        var from = 0
        while from < rows.count {
            let n = min(blocks, rows.count - from)
            if n == 1 { try w.append(rows[from]) } else {
                try rows[from..<(from + n)].withUnsafeBufferPointer { try w.append($0) }
            }
            from += n
        }
        try w.finish()
        return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    @Test func fileDoesNotDependOnBlocking() throws {
        let tmp = TempFolder()
        defer { tmp.cleanup() }
        let rows = Self.rows()
        let one = try Self.write(rows, blocks: 1, rowsPerBatch: 64, to: tmp.path + "/a.arrow")
        for blocks in [7, 64, 100, 301] {
            let other = try Self.write(rows, blocks: blocks, rowsPerBatch: 64, to: tmp.path + "/b\(blocks).arrow")
            #expect(other == one, "blocks of \(blocks)")
        }
    }

    @Test func enrichmentFollowsTheRow() throws {
        let tmp = TempFolder()
        defer { tmp.cleanup() }
        let rows = Self.rows()
        _ = try Self.write(rows, blocks: 50, rowsPerBatch: 64, to: tmp.path + "/c.arrow")
        let file = try ArrowFileReader(path: tmp.path + "/c.arrow")
        func text(_ batch: ArrowRecordBatch, _ name: String) throws -> [String?] {
            let column = file.columnIndex(named: name)!
            let view = try batch.utf8(column: column), valid = try batch.validity(column: column)
            return (0..<batch.rowCount).map { i in (valid?[i] ?? true) ? view.string(at: i) : nil }
        }
        var row = 0
        for b in 0..<file.recordBatchCount {
            let batch = try file.recordBatch(at: b)
            let direction = try text(batch, "direction"), service = try text(batch, "service"), label = try text(batch, "label")
            let scaled = try batch.values(column: file.columnIndex(named: "bytes_scaled")!, as: UInt64.self)
            for i in 0..<batch.rowCount {
                let r = rows[row]
                let srcIn = r.src.isIPv4 && (r.src.low >> 24) & 0xFF == 10
                let dstIn = r.dst.isIPv4 && ((r.dst.low >> 24) & 0xFF == 10 || (r.dst.low >> 16) & 0xFFFF == 0xC0A8)
                let expected = ["external", "inbound", "outbound", "internal"][(srcIn ? 2 : 0) | (dstIn ? 1 : 0)]
                #expect(direction[i] == expected, "row \(row)")
                #expect(label[i] == (r.has(Present.label) ? ["benign", "scan"][Int(r.label)] : nil), "row \(row)")
                #expect(scaled[i] == r.bytes * (r.has(Present.samplingRate) && r.samplingRate > 1 ? UInt64(r.samplingRate) : 1), "row \(row)")
                if r.proto == 1 { #expect(service[i] == "icmp") }
                if r.proto == 58 { #expect(service[i] == "icmpv6") }
                row += 1
            }
        }
        #expect(row == rows.count)
    }
}
