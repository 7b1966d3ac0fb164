import Foundation
import Testing
@testable import FlowReports
import FlowTestSupport

/// The demo data (generated flows → clean → a stand-in scores folder) loads and renders
/// into a report folder. The report people look at (scripts/report/screenshot.sh,
/// check-markdown.sh) is `floe demo`'s.
@Suite struct DemoReportTests {
    @Test func demoReportIsWritten() throws {
        let tmp = TempFolder()
        defer { tmp.cleanup() }
        let demo = try ReportDemoData(root: tmp.path + "/demo", rows: 20_000, days: 2)
        let input = try ReportLoader.load(demo.options, toolVersion: "0.1.0")
        let written = try ReportWriter.write(ReportBuilder.document(input), to: tmp.path + "/report")
        #expect(written.contains(tmp.path + "/report/report.html"))
    }
}
