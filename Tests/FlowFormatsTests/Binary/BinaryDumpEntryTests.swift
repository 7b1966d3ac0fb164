import Foundation
import Testing
import FlowCore
@testable import FlowFormats

/// Test-only entry point for scripts/peers/check-binary.sh: with FLOE_BINARY_DUMP=FILE and
/// FLOE_BINARY_DUMP_OUT=OUT set, decodes FILE and writes one JSON line per record to OUT
/// (and a summary line per reject to OUT.rejects). Without the variables it checks only that
/// the JSON writer produces one line per record of a committed fixture.
@Suite struct BinaryDumpEntryTests {
    @Test func dumpWhenAsked() throws {
        let env = ProcessInfo.processInfo.environment
        guard let input = env["FLOE_BINARY_DUMP"], let output = env["FLOE_BINARY_DUMP_OUT"] else {
            let d = try BinaryTestSupport.decode(try BinaryTestSupport.fixture("softflowd-v5.pcap"))
            let lines = d.records.map(BinaryTestSupport.jsonLine)
            #expect(lines.count == d.batch.count)
            #expect(lines.allSatisfy { $0.hasPrefix("{\"start\":") && $0.hasSuffix("}") })
            return
        }
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: input)))
        var options = BinaryDecodeOptions()
        if let ports = env["FLOE_BINARY_PORTS"] { options.ports = Set(ports.split(separator: ",").compactMap { UInt16($0) }) }
        let d = try BinaryTestSupport.decode(bytes, chunk: 1 << 16, options: options)
        let text = d.records.map(BinaryTestSupport.jsonLine).joined(separator: "\n") + (d.batch.isEmpty ? "" : "\n")
        try text.write(toFile: output, atomically: true, encoding: .utf8)
        let rejects = d.rejects.map { "\($0.reason.rawValue)\t\($0.offset)\t\($0.records)\t\($0.detail)" }.joined(separator: "\n")
        let seq = d.report.sequences.map { "sequence\t\($0.exporter?.description ?? "-")\t\($0.domain)\tv\($0.version)\tmessages=\($0.messages)\tgaps=\($0.gaps)\tlost=\($0.lost)\t\($0.unit.rawValue)\tresets=\($0.resets)" }.joined(separator: "\n")
        try (rejects + "\n" + seq + "\n").write(toFile: output + ".rejects", atomically: true, encoding: .utf8)
    }
}
