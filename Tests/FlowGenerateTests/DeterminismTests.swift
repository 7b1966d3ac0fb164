import Foundation
import Testing
import FlowCore
@testable import FlowGenerate
import FlowTestSupport

@Suite("Determinism and output bytes")
struct DeterminismTests {
    let small = GeneratorConfig(rows: 12_000, days: 2, seed: 7, dirt: DirtRates(total: 0.02), chunkRows: 2_000)

    @Test func sameArgumentsGiveIdenticalBytesAndLabels() throws {
        let a = try FlowGenerator(config: small).generate(encoder: TestCSVEncoder())
        let b = try FlowGenerator(config: small).generate(encoder: TestCSVEncoder())
        #expect(a.bytes == b.bytes)
        #expect(try a.labels.jsonBytes() == b.labels.jsonBytes())
        #expect(a.bytes.count > 12_000 * 40)
    }

    @Test func threadCountDoesNotChangeOutput() throws {
        var one = small
        one.threads = 1
        var three = small
        three.threads = 3
        let a = try FlowGenerator(config: one).generate(encoder: TestCSVEncoder())
        let b = try FlowGenerator(config: three).generate(encoder: TestCSVEncoder())
        #expect(a.bytes == b.bytes)
    }

    @Test func differentSeedGivesDifferentBytes() throws {
        var other = small
        other.seed = 8
        let a = try FlowGenerator(config: small).generate(encoder: TestCSVEncoder())
        let b = try FlowGenerator(config: other).generate(encoder: TestCSVEncoder())
        #expect(a.bytes != b.bytes)
        #expect(a.labels.anomalies != b.labels.anomalies)
    }

    @Test func fileHasHeaderOneLinePerRowAndTrailer() throws {
        let (bytes, labels) = try FlowGenerator(config: small).generate(encoder: TestCSVEncoder())
        let lines = bytes.split(separator: 10, omittingEmptySubsequences: false)
        #expect(lines.last?.isEmpty == true)  // ends with a newline
        #expect(String(decoding: lines[0], as: UTF8.self).hasPrefix("start,end,"))
        let trailer = String(decoding: lines[lines.count - 2], as: UTF8.self)
        #expect(trailer.hasPrefix("# flows \(labels.rowsWritten) "))
        #expect(lines.count - 3 == labels.rowsWritten)
        #expect(labels.rowsWritten == labels.rowsClean + labels.rowsDirty)
        #expect(labels.rowsClean == small.rows)
    }

    @Test func gzipOutputDecompressesToPlainOutput() throws {
        var gz = small
        gz.gzip = true
        let generator = try FlowGenerator(config: gz)
        let plain = try FlowGenerator(config: small).generate(encoder: TestCSVEncoder())
        let compressed = try generator.generate(encoder: TestCSVEncoder())
        #expect(compressed.bytes.starts(with: [0x1F, 0x8B]))
        #expect(compressed.bytes.count < plain.bytes.count / 2)
        #expect(try gunzip(compressed.bytes) == plain.bytes)
        #expect(generator.chunkCount > 3)  // several members, concatenated
        #expect(compressed.labels.parameters.gzip)
    }

    @Test func writesFileAndLabelsAtomically() throws {
        let dir = URL(fileURLWithPath: temporaryFolder())
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("flows.csv").path
        let labels = try FlowGenerator(config: small).write(to: path, encoder: TestCSVEncoder())
        let written = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let expected = try FlowGenerator(config: small).generate(encoder: TestCSVEncoder())
        #expect(written == expected.bytes)
        let labelBytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path + ".labels.json")))
        #expect(labelBytes == (try labels.jsonBytes()))
        #expect(try GenerationLabels.decode(labelBytes) == labels)
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        #expect(names == ["flows.csv", "flows.csv.labels.json"])  // no temporary files left
    }

    @Test func failedWriteLeavesNothingBehind() throws {
        let dir = URL(fileURLWithPath: temporaryFolder())
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("missing-folder/flows.csv").path
        do {
            try FlowGenerator(config: small).write(to: path, encoder: TestCSVEncoder())
            Issue.record("writing into a missing folder succeeded")
        } catch {
            #expect("\(error)".contains("missing-folder/flows.csv"))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }

    @Test func labelsFileHasSortedKeysAndParameters() throws {
        let labels = try FlowGenerator(config: small).generate(encoder: TestCSVEncoder()).labels
        let text = String(decoding: try labels.jsonBytes(), as: UTF8.self)
        #expect(text.contains("\"seed\" : 7"))
        #expect(text.contains("\"start\" : \"2026-11-01\""))
        #expect(text.contains("\"dialect\" : \"generic-csv\""))
        let top = text.split(separator: "\n").filter { $0.hasPrefix("  \"") }.map { String($0.dropFirst(3).prefix { $0 != "\"" }) }
        #expect(top == top.sorted())
        #expect(top.contains("coverage_gaps") && top.contains("rows_written") && top.contains("dirt"))
    }

    @Test func chunkPRNGStreamsAreIndependent() {
        var a = Xoshiro256(seed: 1, stream: 0)
        var b = Xoshiro256(seed: 1, stream: 4)
        var c = Xoshiro256(seed: 2, stream: 0)
        let x = (0..<4).map { _ in a.next() }
        let y = (0..<4).map { _ in b.next() }
        let z = (0..<4).map { _ in c.next() }
        #expect(x != y && x != z && y != z)
        var again = Xoshiro256(seed: 1, stream: 0)
        #expect((0..<4).map { _ in again.next() } == x)
    }
}
