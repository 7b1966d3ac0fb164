import Foundation
import Testing
@testable import FlowCommands

/// `floe-ingest --suggest-mapping FILE` as a user runs it: the printed YAML is a mapping
/// that, once its MISSING lines are filled in, ingests the file.
@Suite struct SuggestMappingCommandTests {
    @Test func suggestionThenMappingIngestsTheFile() throws {
        let dir = NSTemporaryDirectory() + "floe-suggest-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let csv = "When,From,To,src_port,dst_port,proto,packets,bytes\n2024-01-02T03:04:05Z,10.0.0.1,10.0.0.2,1,2,6,3,400\n"
        try csv.write(toFile: dir + "/odd.csv", atomically: true, encoding: .utf8)

        let plain = try Binaries.run("floe-ingest", ["--output", dir + "/refused", dir + "/odd.csv"])
        #expect(plain.code == 1)
        #expect(plain.err.contains("missing required: start, src_addr, dst_addr") && plain.err.contains("--suggest-mapping"))

        let suggested = try Binaries.run("floe-ingest", ["--suggest-mapping", dir + "/odd.csv"])
        #expect(suggested.code == 0, "\(suggested.err)")
        #expect(suggested.out.contains("# src_addr: ???    # MISSING (required)") && suggested.out.contains("protocol: \"proto\""))
        let filled = suggested.out.replacingOccurrences(of: "# start: ???", with: "start: When")
            .replacingOccurrences(of: "# src_addr: ???", with: "src_addr: From")
            .replacingOccurrences(of: "# dst_addr: ???", with: "dst_addr: To")
        try filled.write(toFile: dir + "/map.yaml", atomically: true, encoding: .utf8)
        let run = try Binaries.run("floe-ingest", ["--mapping", dir + "/map.yaml", "--output", dir + "/raw", dir + "/odd.csv"])
        #expect(run.code == 0, "\(run.err)")
        #expect(run.out.contains("rows read 1, written 1, rejected 0"))

        let missing = try Binaries.run("floe-ingest", ["--suggest-mapping", dir + "/absent.csv"])
        #expect(missing.code == 64 && missing.err.contains("absent.csv"))
    }
}
