import FlowCore
import Foundation
import Testing
@testable import FlowFormats

@Suite struct ParserCopyTests {
    /// After the header, copies of a parser decode disjoint chunks on two threads.
    @Test func copiesDecodeChunksConcurrently() throws {
        let enc = makeEncoder(.nfdumpCSVNew, timeZone: try TimeZoneSpec(parsing: "Europe/Berlin"))
        var lines: [[UInt8]] = []
        var r = FlowRecord()
        r.srcAddr = ip("10.0.0.1"); r.dstAddr = ip("2001:db8::1"); r.proto = 6
        for i in 0..<2000 {
            r.start = utc(2024, 6, 1) + Int64(i) * 1000
            r.end = r.start + 5
            r.packets = UInt64(i + 1)
            r.bytes = UInt64(i * 40)
            var out: [UInt8] = []
            enc.encode(r, label: nil, into: &out)
            lines.append(Array(out.dropLast()))
        }
        var parser = DialectParser(dialect: nil, options: ParserOptions(timeZone: try TimeZoneSpec(parsing: "Europe/Berlin")))
        var scratch = FlowBatch()
        let header = Array(DialectHeaders.nfdumpCSVNew.utf8)
        #expect(try header.withUnsafeBufferPointer { try parser.feed($0, lineNumber: 1, into: &scratch) } == .skipped)
        #expect(parser.isReady)
        let template = parser
        let halves = [Array(lines[0..<1000]), Array(lines[1000...])]
        final class Results: @unchecked Sendable {
            let lock = NSLock()
            var batches = [FlowBatch(), FlowBatch()]
            subscript(k: Int) -> FlowBatch {
                get { lock.lock(); defer { lock.unlock() }; return batches[k] }
                set { lock.lock(); batches[k] = newValue; lock.unlock() }
            }
        }
        let results = Results()
        DispatchQueue.concurrentPerform(iterations: 2) { k in
            var p = template
            var batch = FlowBatch()
            for (j, l) in halves[k].enumerated() {
                _ = try? l.withUnsafeBufferPointer { try p.feed($0, lineNumber: Int64(2 + k * 1000 + j), into: &batch) }
            }
            results[k] = batch
        }
        #expect(results[0].count == 1000 && results[1].count == 1000)
        #expect(results[1].record(at: 999).packets == 2000)
        #expect(results[0].record(at: 0).start == utc(2024, 6, 1))
    }
}
