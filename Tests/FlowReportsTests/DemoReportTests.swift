import Foundation
import Testing
@testable import FlowReports
import FlowTestSupport

/// Writes the demo report; when FLOE_REPORT_DEMO_DIR is set (scripts/report/screenshot.sh)
/// it is written there too, for people and browsers to look at.
@Suite struct DemoReportTests {
    @Test func demoReportIsWritten() throws {
        let tmp = TempFolder()
        defer { tmp.cleanup() }
        let keep = ProcessInfo.processInfo.environment["FLOE_REPORT_DEMO_DIR"].flatMap { $0.isEmpty ? nil : $0 }
        // With FLOE_REPORT_DEMO_DIR the demo's raw, dataset and scores folders are kept in
        // DIR/pipeline, so floe-report itself can be run on them.
        // FLOE_REPORT_DEMO_ROWS makes a bigger demo (e.g. to time floe-report).
        let rows = ProcessInfo.processInfo.environment["FLOE_REPORT_DEMO_ROWS"].flatMap { Int($0) } ?? 20_000
        let demo = try ReportDemoData(root: keep.map { $0 + "/pipeline" } ?? tmp.path + "/demo", rows: rows, days: rows > 100_000 ? 1 : 2)
        let input = try ReportLoader.load(demo.options, toolVersion: "0.1.0")
        let doc = ReportBuilder.document(input)
        let written = try ReportWriter.write(doc, to: tmp.path + "/report")
        #expect(written.contains(tmp.path + "/report/report.html"))
        if let dir = keep {
            try ReportWriter.write(doc, to: dir)
        }
    }
}
