import Foundation
import Testing
@testable import FlowReports

/// Writes the demo report; when FLOE_REPORT_DEMO_DIR is set (scripts/report/screenshot.sh)
/// it is written there too, for people and browsers to look at.
@Suite struct DemoReportTests {
    @Test func demoReportIsWritten() throws {
        let tmp = TempFolder()
        defer { tmp.cleanup() }
        let demo = try DemoPipeline(root: tmp.path + "/demo")
        let input = try ReportLoader.load(demo.options, toolVersion: "0.1.0")
        let doc = ReportBuilder.document(input)
        let written = try ReportWriter.write(doc, to: tmp.path + "/report")
        #expect(written.contains(tmp.path + "/report/report.html"))
        if let dir = ProcessInfo.processInfo.environment["FLOE_REPORT_DEMO_DIR"], !dir.isEmpty {
            try ReportWriter.write(doc, to: dir)
        }
    }
}
