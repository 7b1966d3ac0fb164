import FlowIO
import Foundation
import Testing
@testable import FlowPipeline

@Suite struct ProgressLineTests {
    func task(_ id: String, elapsed: Double, rows: Int64 = 0, done: Int64 = 0, total: Int64 = 0,
              previous: Double? = nil) -> TaskInFlight {
        let snapshot = rows == 0 && total == 0 ? nil : StageProgressSnapshot(rows: rows, done: done, total: total, unit: "rows")
        return TaskInFlight(id: id, elapsed: elapsed, snapshot: snapshot, previousSeconds: previous)
    }

    @Test func remainingComesFromTheShareDoneThenFromTheLastRun() {
        // A quarter done in 10 s: 30 s to go, whatever the last run took.
        #expect(ProgressLine.remaining(task("clean", elapsed: 10, rows: 5, done: 25, total: 100, previous: 100)) == 30)
        // No share reported: the last run's duration minus the time spent, never negative.
        #expect(ProgressLine.remaining(task("train", elapsed: 4, previous: 10)) == 6)
        #expect(ProgressLine.remaining(task("train", elapsed: 14, previous: 10)) == 0)
        // Under 1 % done is too early to extrapolate.
        #expect(ProgressLine.remaining(task("ingest", elapsed: 1, rows: 1, done: 0, total: 1_000)) == nil)
        #expect(ProgressLine.remaining(task("ingest", elapsed: 3, rows: 9, done: 100, total: 100)) == 0)
    }

    @Test func etaSpreadsIndependentWorkOverTheJobs() {
        var line = ProgressLine(finished: 1, total: 5,
                                running: [task("ingest@2024-01-01", elapsed: 10, rows: 7, done: 50, total: 100)],
                                waiting: [TaskWaiting(id: "ingest@2024-01-02", estimate: 10),
                                          TaskWaiting(id: "ingest@2024-01-03", estimate: 10),
                                          TaskWaiting(id: "ingest@2024-01-04", estimate: 2)],
                                jobs: 2, elapsed: 12)
        // 10 + 10 + 10 + 2 = 32 s of independent work over 2 jobs.
        #expect(line.eta == 16)
        // With enough jobs the longest task decides.
        line.jobs = 8
        #expect(line.eta == 10)
        line.waiting.append(TaskWaiting(id: "report", estimate: nil))
        #expect(line.eta == nil)
        #expect(!line.text.contains("ETA"))
    }

    @Test func etaFollowsTheChainOfDependentTasks() {
        // generate (running, 2 s left) → ingest 8 s → clean 3 s → train 60 s, and a
        // report that needs clean only: the chain takes 73 s even with 2 jobs.
        let line = ProgressLine(finished: 0, total: 5,
                                running: [task("generate", elapsed: 1, previous: 3)],
                                waiting: [TaskWaiting(id: "ingest", estimate: 8, upstream: ["generate"]),
                                          TaskWaiting(id: "clean", estimate: 3, upstream: ["ingest"]),
                                          TaskWaiting(id: "train", estimate: 60, upstream: ["clean"]),
                                          TaskWaiting(id: "report", estimate: 5, upstream: ["clean"])],
                                jobs: 2, elapsed: 1)
        #expect(line.eta == 73)
    }

    @Test func textShowsRowsRateShareAndETA() {
        let line = ProgressLine(finished: 2, total: 6,
                                running: [task("clean", elapsed: 4, rows: 2_000_000, done: 40, total: 100),
                                          task("report", elapsed: 1, previous: 5)],
                                waiting: [TaskWaiting(id: "score", estimate: 3)], jobs: 1, elapsed: 75)
        // clean: 6 s left, report: 4 s, one waiting: 3 s; one job.
        #expect(line.text == "[2/6] 1 min 15 s, ETA 13.0 s — clean 4.0 s 2.00 M rows 500.0 k rows/s 40%, report 1.0 s")
        let cut = line.text(columns: 40)
        #expect(cut.count == 39)
        #expect(cut.hasPrefix("[2/6] 1 min 15 s, ETA 13.0 s — clean"))
        #expect(cut.hasSuffix("…"))
    }

    @Test func countsAndDurationsRead() {
        #expect(ProgressLine.count(950) == "950")
        #expect(ProgressLine.count(12_345) == "12.3 k")
        #expect(ProgressLine.count(4_560_000) == "4.56 M")
        #expect(ProgressLine.duration(3_725) == "1 h 02 min")
    }
}
