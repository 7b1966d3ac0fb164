import FlowArtifacts
import Foundation
import Testing
@testable import FlowReports
import FlowTestSupport

/// The report's manifest summaries decode the shared `ManifestHeader`.
@Suite struct ManifestReadersTests {
    @Test func summariesDecodeTheSharedHeader() throws {
        let tmp = TempFolder()
        defer { tmp.cleanup() }
        let ingest = tmp.path + "/ingest.json", clean = tmp.path + "/clean.json"
        try Data(#"{"tool":"floe-ingest","version":"9.1","schema_version":1,"quarantine":"quarantine.jsonl","totals":{"files":2}}"#.utf8)
            .write(to: URL(fileURLWithPath: ingest))
        try Data(#"{"tool":"floe-clean","version":"9.2","schema_version":3,"quarantine":"q.jsonl","totals":{"rows_in":5}}"#.utf8)
            .write(to: URL(fileURLWithPath: clean))
        let i = try IngestSummary.load(path: ingest)
        #expect(i.header == ManifestHeader(tool: "floe-ingest", version: "9.1", schemaVersion: 1) && i.version == "9.1" && i.totals.files == 2)
        let c = try CleanSummary.load(path: clean)
        #expect(c.header == ManifestHeader(tool: "floe-clean", version: "9.2", schemaVersion: 3, quarantine: "q.jsonl") && c.totals.rowsIn == 5)
    }

    @Test func aManifestWithoutTheHeaderIsRefusedNamingTheKey() throws {
        let tmp = TempFolder()
        defer { tmp.cleanup() }
        let path = tmp.path + "/manifest.json"
        try Data(#"{"tool":"floe-ingest","version":"9.1","quarantine":"quarantine.jsonl","totals":{}}"#.utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: ReportError.unreadable(path: path, reason: "not an ingest manifest (floe-ingest's manifest.json): key 'schema_version' missing at ")) {
            try IngestSummary.load(path: path)
        }
    }
}
