import FlowCore
import FlowDataset
import Foundation
import Testing
@testable import FlowReports
import FlowTestSupport

/// A dataset cleaned day by day: the report's clean row adds up the runs that last wrote
/// the report's days (their records under `_clean_runs/`), not just the last run.
@Suite struct CleanRunAccountingTests {
    /// Replaces the demo dataset's run records with hand-written ones: `name` wrote `days`
    /// (as `date=` strings) with `rowsIn` rows read, `rejected` of them rejected by
    /// `bad_time`, at modification time `age` seconds ago.
    func writeRecord(_ dataset: String, _ name: String, days: [String], rowsIn: Int64, rejected: Int64, age: TimeInterval) throws {
        let folder = dataset + "/" + DatasetLayout.cleanRunsFolder + "/" + name
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let partitions = days.map { "{\"date\": \"\($0)\", \"path\": \"date=\($0)/part-00000.arrow\", \"rows\": 1}" }.joined(separator: ", ")
        let json = """
        {"tool": "floe-clean", "version": "0.1.0", "schema_version": 1, "quarantine": "quarantine.jsonl",
         "inputs": [{"path": "raw/\(name)", "status": "ok"}],
         "totals": {"files": 1, "files_failed": 0, "rows_in": \(rowsIn), "rows_out": \(rowsIn - rejected), "rows_rejected": \(rejected),
                    "duplicates": 0, "rejects_by_rule": {"bad_time": \(rejected)}},
         "partitions": [\(partitions)]}
        """
        let path = folder + "/manifest.json"
        try Data(json.utf8).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -age)], ofItemAtPath: path)
    }

    @Test func theRunsThatLastWroteTheReportDaysAreAddedUp() throws {
        let tmp = TempFolder()
        defer { tmp.cleanup() }
        let demo = try ReportDemoData(root: tmp.path + "/demo", rows: 4_000, days: 2, seed: 3)
        let runs = demo.dataset + "/" + DatasetLayout.cleanRunsFolder
        // The real run (both days) is the oldest record; each day was cleaned again later.
        let real = try FileManager.default.contentsOfDirectory(atPath: runs)
        #expect(real.count == 1)
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -3_600)],
                                              ofItemAtPath: runs + "/" + real[0] + "/manifest.json")
        let days = demo.clean.partitions.map(\.date)
        #expect(days.count == 2)
        try writeRecord(demo.dataset, "day1", days: [days[0]], rowsIn: 1_000, rejected: 10, age: 600)
        try writeRecord(demo.dataset, "day2", days: [days[1]], rowsIn: 2_000, rejected: 20, age: 300)

        // Both days: the two newer runs, not the older run that also wrote them.
        let both = try ReportLoader.load(demo.options, toolVersion: "0.1.0")
        #expect(both.cleanRuns == 2)
        #expect(both.clean?.totals.rowsIn == 3_000)
        #expect(both.clean?.totals.rejectsByRule["bad_time"] == 30)
        #expect(both.clean?.files == 2)
        let md = MarkdownRenderer.render(ReportBuilder.document(both))
        #expect(md.contains("adds up the 2 floe-clean runs"))
        #expect(md.contains("| " + Units.thousands(3_000) + " |"))

        // One day: only the run that last wrote it.
        var options = demo.options
        let second = try #require(CivilTime.parseDate(days[1]))
        options.days = second...second
        let one = try ReportLoader.load(options, toolVersion: "0.1.0")
        #expect(one.cleanRuns == 1)
        #expect(one.clean?.totals.rowsIn == 2_000)
        #expect(MarkdownRenderer.render(ReportBuilder.document(one)).contains("covers the floe-clean run that wrote this report's days"))

        // A newer re-clean of both days replaces both.
        try writeRecord(demo.dataset, "again", days: days, rowsIn: 5_000, rejected: 5, age: 10)
        let again = try ReportLoader.load(demo.options, toolVersion: "0.1.0")
        #expect(again.cleanRuns == 1)
        #expect(again.clean?.totals.rowsIn == 5_000)
    }

    @Test func aDatasetWithoutRunRecordsShowsTheLastRun() throws {
        let tmp = TempFolder()
        defer { tmp.cleanup() }
        let demo = try ReportDemoData(root: tmp.path + "/demo", rows: 4_000, days: 1, seed: 4)
        try FileManager.default.removeItem(atPath: demo.dataset + "/" + DatasetLayout.cleanRunsFolder)
        let input = try ReportLoader.load(demo.options, toolVersion: "0.1.0")
        #expect(input.cleanRuns == nil)
        #expect(input.clean?.totals.rowsIn == demo.clean.totals.counts.rowsIn)
        #expect(MarkdownRenderer.render(ReportBuilder.document(input)).contains("covers the last floe-clean run"))
    }
}
