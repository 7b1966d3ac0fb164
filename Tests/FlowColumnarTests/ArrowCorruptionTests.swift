import FlowCore
import Testing
@testable import FlowColumnar
import FlowTestSupport

@Suite("Corrupt and truncated Arrow files")
struct ArrowCorruptionTests {
    /// Opens the file and reads everything through every accessor; returns whether it
    /// threw a ColumnarError (anything else fails the test).
    func readEverything(_ path: String) -> Bool {
        do {
            let reader = try ArrowFileReader(path: path)
            for i in 0..<reader.recordBatchCount {
                let rb = try reader.recordBatch(at: i)
                for c in 0..<reader.fields.count {
                    _ = try rb.validity(column: c)?.zeroCount
                    switch reader.fields[c].type {
                    case .utf8:
                        let v = try rb.utf8(column: c)
                        for r in 0..<v.count { _ = v[r].count }
                    case .int(8, false): _ = try rb.values(column: c, as: UInt8.self).reduce(0, &+)
                    case .int(16, false): _ = try rb.values(column: c, as: UInt16.self).reduce(0, &+)
                    case .int(32, false): _ = try rb.values(column: c, as: UInt32.self).reduce(0, &+)
                    case .int(64, false): _ = try rb.values(column: c, as: UInt64.self).reduce(0, &+)
                    case .timestamp: _ = try rb.values(column: c, as: Int64.self).reduce(0, &+)
                    default: break
                    }
                }
                _ = try reader.readFlowBatch(at: i)
            }
            return false
        } catch is ColumnarError {
            return true
        } catch {
            Issue.record("unexpected error type: \(error)")
            return true
        }
    }

    func smallFile() throws -> [UInt8] {
        let path = temporaryPath("small.arrow")
        let writer = try FlowArrowWriter(path: path)
        try writer.write(ArrowPeerSample.sampleBatch(rows: 9, seed: 21))
        try writer.write(ArrowPeerSample.sampleBatch(rows: 3, seed: 22))
        try writer.finish()
        #expect(!readEverything(path), "the intact file reads")
        return readAll(path)
    }

    @Test func everyTruncationIsAnError() throws {
        let original = try smallFile()
        let path = temporaryPath("truncated.arrow")
        for n in stride(from: 0, to: original.count, by: 1) {
            writeAll(Array(original.prefix(n)), to: path)
            #expect(readEverything(path), "truncated at \(n) of \(original.count) bytes")
        }
    }

    @Test func flippedBytesNeverCrash() throws {
        let original = try smallFile()
        let path = temporaryPath("flipped.arrow")
        var detected = 0
        var trials = 0
        for i in 0..<original.count {
            for mask: UInt8 in [0xFF] {
                var bytes = original
                bytes[i] ^= mask
                writeAll(bytes, to: path)
                if readEverything(path) { detected += 1 }
                trials += 1
            }
        }
        // Flips in values and text go unnoticed (the format has no checksums); flips in
        // magics, metadata and offsets are mostly caught.
        #expect(detected > 0 && detected < trials)
    }

    @Test func trailerDamageIsReportedPrecisely() throws {
        var bytes = try smallFile()
        let path = temporaryPath("trailer.arrow")
        var tail = bytes
        tail[tail.count - 1] = UInt8(ascii: "2")
        writeAll(tail, to: path)
        #expect(throws: ColumnarError.notArrowFile(
            path: path, offset: bytes.count - 6,
            detail: "missing trailing ARROW1 magic; the file is truncated or still being written")) {
            try ArrowFileReader(path: path)
        }
        // Footer length larger than the file.
        let at = bytes.count - 10
        bytes[at] = 0xFF; bytes[at + 1] = 0xFF; bytes[at + 2] = 0xFF; bytes[at + 3] = 0x0F
        writeAll(bytes, to: path)
        do {
            _ = try ArrowFileReader(path: path)
            Issue.record("a footer length past the file was accepted")
        } catch let ColumnarError.corrupt(p, offset, _) {
            #expect(p == path && offset == at)
        }
    }
}
