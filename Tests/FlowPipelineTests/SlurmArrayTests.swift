import FlowCore
import Foundation
import Testing
@testable import FlowPipeline

/// Job arrays of `floe run --executor slurm` against the fake Slurm (`FakeSlurm`): the days
/// of a stage ready together go as one `sbatch --array`, element i runs task i of the
/// array's task map, arrays are split at MaxArraySize, a failed element is retried alone,
/// cancelling cancels the arrays, and a killed runner's array elements are found again.
@Suite struct SlurmArrayTests {
    let days = ["2024-03-01", "2024-03-02", "2024-03-03"]

    func workspace(days: [String]) throws -> (Workspace, FakeSlurm) {
        let ws = try Workspace()
        for day in days { try ws.write("in/\(day).txt", "rows of \(day)\n") }
        return (ws, try FakeSlurm(root: ws.root))
    }

    func dates(_ days: [String]) throws -> DateSelection {
        try #require(try DateSelection.resolve(date: nil, from: days.first!, to: days.last!))
    }

    /// The sbatch calls of one stage's array jobs (`--array=…` among their arguments).
    func arraySubmissions(_ slurm: FakeSlurm, stage: String) -> [String] {
        slurm.calls.filter { $0.hasPrefix("sbatch ") && $0.contains(" --array=") && $0.contains(",stage=\(stage),") }
    }

    /// Three ready days of `ingest` go as one array of three; each element runs its own day
    /// (command, FLOE_DATE, exit file, log); the outputs are those of a local run; the task
    /// map is gone after the run. With arrays off, three single jobs.
    @Test func readyDaysOfAStageGoAsOneArrayMappedToTheirTasks() throws {
        let (ws, slurm) = try workspace(days: days)
        let summary = try ws.run(SlurmExecutorTests.backfill) {
            slurm.configure(&$0)
            $0.dates = try? dates(days)
            $0.jobs = 10
        }
        #expect(summary.exitCode == 0, "\(ws.err.all)")
        #expect(summary.count(.ran) == 6)
        let ingest = arraySubmissions(slurm, stage: "ingest")
        #expect(ingest.count == 1)
        #expect(!slurm.calls.contains { $0.hasPrefix("sbatch ") && $0.contains("task=ingest@") })
        let args = slurm.arguments(of: "101_0")
        let logs = ws.root + "/state/logs/" + summary.runID
        let mapPath = ws.root + "/state/slurm-arrays/\(summary.runID)-1.tasks"
        #expect(Array(args.prefix(8)) == ["--parsable", "--job-name=\(SlurmExecutor.jobName(stateDirectory: ws.root + "/state", pipeline: ws.root + "/pipeline.yaml"))",
                                          "--array=0-2", "--comment=floe,stage=ingest,run=\(summary.runID),attempt=1,tasks=\(mapPath)",
                                          "--output=\(logs)/ingest-array-1.logs/%a.log", "--open-mode=append",
                                          "--chdir=\(FileManager.default.currentDirectoryPath)", "--export=ALL"])
        #expect(Array(args.dropFirst(8)) == ["--cpus-per-task=2", "--mem=1G", "--time=10:00", "--partition=debug", "--account=lab",
                                             "--qos=low", "--gres=gpu:1", logs + "/ingest-array-1.slurm.sh"])
        // Element i runs the i-th task of the script's case list.
        let script = try String(contentsOfFile: logs + "/ingest-array-1.slurm.sh", encoding: .utf8)
        for (index, day) in days.enumerated() {
            let branch = try #require(script.range(of: "\n\(index))\n  # task ingest@\(day)\n"))
            let rest = script[branch.upperBound...]
            let end = try #require(rest.range(of: "\n  ;;\n"))
            let body = rest[..<end.lowerBound]
            #expect(body.contains("export FLOE_DATE='\(day)'"))
            #expect(body.contains("'\(ws.root)/in/\(day).txt' < /dev/null"))
            #expect(body.contains("'\(logs)/ingest-\(day).log.exit'"))
            #expect(!days.filter { $0 != day }.contains { body.contains($0) })
            // Its output reached the task's own log through i.log, and the log names the element.
            let log = try String(contentsOfFile: logs + "/ingest-\(day).log", encoding: .utf8)
            #expect(log.contains("# Slurm job 101_\(index) on "))
            #expect(log.contains("stage ingest date \(day) inputs: \(ws.root)/in/\(day).txt"))
            #expect(log.contains("# Slurm job 101_\(index) on fakenode ended COMPLETED\n# exit 0 after")
                    || log.contains("# Slurm job 101_\(index) ended COMPLETED\n# exit 0 after"))
        }
        #expect(script.contains("*)\n  echo \"floe: this job array has no task for index"))
        #expect(!FileManager.default.fileExists(atPath: mapPath))

        let (local, _) = try workspace(days: days)
        #expect(try local.run(SlurmExecutorTests.backfill) { $0.dates = try? dates(days) }.exitCode == 0)
        for day in days {
            #expect(ws.read("raw/\(day).txt") == local.read("raw/\(day).txt"))
            #expect(ws.read("clean/\(day)/part.txt") == local.read("clean/\(day)/part.txt"))
        }

        // --slurm-arrays off: one job per task.
        let (single, singleSlurm) = try workspace(days: days)
        let off = try single.run(SlurmExecutorTests.backfill) {
            singleSlurm.configure(&$0)
            $0.dates = try? dates(days)
            $0.slurm.arrays = false
        }
        #expect(off.exitCode == 0)
        #expect(!singleSlurm.calls.contains { $0.contains("--array") })
        #expect(singleSlurm.calls.filter { $0.hasPrefix("sbatch ") && $0.contains("task=ingest@") }.count == 3)
    }

    /// Five ready days with MaxArraySize 2: arrays of 2, 2 and 1 (scontrol show config read
    /// once); unreadable, the default 1001 with a warning; --jobs bounds an array.
    @Test func arraysAreSplitAtMaxArraySizeAndBoundedByJobs() throws {
        let five = ["2024-03-01", "2024-03-02", "2024-03-03", "2024-03-04", "2024-03-05"]
        let (ws, slurm) = try workspace(days: five)
        try slurm.setMaxArraySize(2)
        let summary = try ws.run(SlurmExecutorTests.backfill) {
            slurm.configure(&$0)
            $0.dates = try? dates(five)
            $0.only = ["ingest"]
            $0.jobs = 10
        }
        #expect(summary.exitCode == 0, "\(ws.err.all)")
        let sizes = arraySubmissions(slurm, stage: "ingest").compactMap { call in
            call.split(separator: " ").first { $0.hasPrefix("--array=") }.map(String.init)
        }
        #expect(sizes == ["--array=0-1", "--array=0-1", "--array=0-0"])
        #expect(slurm.calls.filter { $0 == "scontrol show config" }.count == 1)
        // Each task ran exactly once, as the element its map names.
        var seen: [String] = []
        for array in 101...103 {
            let comment = try #require(slurm.arguments(of: "\(array)_0").first { $0.hasPrefix("--comment=") })
            let map = try #require(ws.read("state/logs/\(summary.runID)/ingest-array-\(array - 100).slurm.sh"))
            #expect(comment.contains(",tasks=\(ws.root)/state/slurm-arrays/\(summary.runID)-\(array - 100).tasks"))
            seen += five.filter { map.contains("# task ingest@\($0)\n") }
        }
        #expect(seen.sorted() == five && Set(seen).count == 5)
        for day in five { #expect(ws.read("raw/\(day).txt") == "rows of \(day)\nUTC\n") }

        let (ws2, slurm2) = try workspace(days: five)
        try slurm2.setMaxArraySize(nil)
        let unread = try ws2.run(SlurmExecutorTests.backfill) {
            slurm2.configure(&$0)
            $0.dates = try? dates(five)
            $0.only = ["ingest"]
            $0.jobs = 10
        }
        #expect(unread.exitCode == 0)
        #expect(arraySubmissions(slurm2, stage: "ingest").count == 1 && slurm2.calls.contains { $0.contains("--array=0-4") })
        #expect(ws2.err.all.contains { $0.hasPrefix("floe run: cannot read MaxArraySize from scontrol show config (scontrol: error: slurm_load_ctl_conf") })

        let (ws3, slurm3) = try workspace(days: five)
        let bounded = try ws3.run(SlurmExecutorTests.backfill) {
            slurm3.configure(&$0)
            $0.dates = try? dates(five)
            $0.only = ["ingest"]
            $0.jobs = 3
        }
        #expect(bounded.exitCode == 0)
        let first = try #require(arraySubmissions(slurm3, stage: "ingest").first)
        #expect(first.contains("--array=0-2"))
        #expect(slurm3.calls.filter { $0.hasPrefix("sbatch ") }.count >= 2)
    }

    /// One element ends NODE_FAIL: with --retries 1 only that task is submitted again, as a
    /// single job of attempt 2; the others are not resubmitted.
    @Test func aFailedElementIsRetriedAlone() throws {
        let (ws, slurm) = try workspace(days: days)
        try slurm.force(task: "ingest@2024-03-02", state: "NODE_FAIL")
        let summary = try ws.run(SlurmExecutorTests.backfill) {
            slurm.configure(&$0)
            $0.dates = try? dates(days)
            $0.only = ["ingest"]
            $0.retries = 1
            $0.jobs = 10
        }
        #expect(summary.exitCode == 0, "\(ws.err.all)")
        let submissions = slurm.calls.filter { $0.hasPrefix("sbatch ") }
        #expect(submissions.count == 2)
        #expect(submissions.first?.contains("--array=0-2") == true)
        #expect(submissions.last?.contains("--comment=floe,task=ingest@2024-03-02,run=\(summary.runID),attempt=2") == true)
        #expect(submissions.last?.contains("--array") == false)
        #expect(slurm.state(of: "101_1") == "NODE_FAIL")
        #expect(ws.err.all.contains { $0.hasPrefix("RETRY   ingest@2024-03-02: the node of Slurm job 101_1 failed (NODE_FAIL)") })
        #expect(!ws.err.all.contains { $0.hasPrefix("RETRY   ingest@2024-03-01") || $0.hasPrefix("RETRY   ingest@2024-03-03") })
        let log = try String(contentsOfFile: ws.root + "/state/logs/\(summary.runID)/ingest-2024-03-02.log", encoding: .utf8)
        #expect(log.contains("Slurm job 101_1") && log.contains("ended NODE_FAIL") && log.contains("# Slurm job 102 ") && log.contains("ended COMPLETED"))
        for day in days { #expect(ws.read("raw/\(day).txt") == "rows of \(day)\nUTC\n") }

        // Without retries the element's failure is that task's alone.
        let (ws2, slurm2) = try workspace(days: days)
        try slurm2.force(task: "ingest@2024-03-02", state: "OUT_OF_MEMORY")
        let failed = try ws2.run(SlurmExecutorTests.backfill) {
            slurm2.configure(&$0)
            $0.dates = try? dates(days)
            $0.only = ["ingest"]
            $0.jobs = 10
        }
        #expect(failed.exitCode == 1)
        let byID = Dictionary(uniqueKeysWithValues: failed.results.map { ($0.task.id, $0) })
        #expect(byID["ingest@2024-03-02"]?.failure?.hasPrefix("Slurm job 101_1 ran out of memory (OUT_OF_MEMORY, mem 1G)") == true)
        #expect(byID["ingest@2024-03-01"]?.status == .ran && byID["ingest@2024-03-03"]?.status == .ran)
    }

    /// SIGTERM while an array runs cancels its elements (scancel), the stages die, and each
    /// task fails as interrupted.
    @Test func interruptCancelsTheArrays() throws {
        let (ws, slurm) = try workspace(days: ["2024-03-01", "2024-03-02"])
        let yaml = """
        version: 1
        vars:
          root: ${ROOT}
        stages:
          slow:
            run: ["sh", "-c", "echo $$ > \\"$1\\"; exec sleep 600", "slow"]
            for_each: date
            inputs: "{root}/in/{date}.txt"
            outputs: "{root}/slow-{date}.txt"
            args: ["{root}/slow-{date}.pid"]
        """
        let runner = try ws.runner(yaml) {
            slurm.configure(&$0)
            $0.dates = try? dates(["2024-03-01", "2024-03-02"])
            $0.jobs = 10
        }
        let handoff = Handoff<Result<RunSummary, any Error>>()
        Thread.detachNewThread { handoff.put(Result { try runner.run() }) }
        let started = waitForFile(ws.root + "/slow-2024-03-01.pid") && waitForFile(ws.root + "/slow-2024-03-02.pid")
        let pids = ["2024-03-01", "2024-03-02"].map { pid_t(ws.read("slow-\($0).pid")?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? 0 }
        runner.interrupt(signal: SIGTERM)
        let outcome = handoff.take(upTo: 120)
        if outcome == nil { for pid in pids where pid > 0 { kill(pid, SIGKILL) } }
        let summary = try (outcome ?? handoff.take()).get()
        #expect(started)
        #expect(summary.exitCode == 128 + SIGTERM)
        #expect(slurm.calls.filter { $0.hasPrefix("sbatch ") }.count == 1)
        // The elements once the runner follows them; the array's own id when the signal came
        // while sbatch was still answering (the stages can start before it has): either
        // cancels both elements, which the states below check.
        #expect(slurm.calls.contains("scancel 101_0 101_1") || slurm.calls.contains("scancel 101"), "\(slurm.calls)")
        #expect(slurm.state(of: "101_0") == "CANCELLED" && slurm.state(of: "101_1") == "CANCELLED")
        for (index, day) in ["2024-03-01", "2024-03-02"].enumerated() {
            #expect(summary.results.first { $0.task.id == "slow@\(day)" }?.failure
                    == "Slurm job 101_\(index) cancelled: floe run was interrupted by signal \(SIGTERM)")
        }
        #expect(pids.allSatisfy { $0 > 0 && waitUntilGone($0) })
    }

    /// An element of a killed runner's array is found through the task map its comment
    /// names: the task waits for it (or, with --cancel-leftovers, it is cancelled), and a
    /// map no live job names is removed.
    @Test(arguments: [false, true]) func leftoverArrayElementsAreFoundByTheirTaskMap(cancel: Bool) throws {
        let (ws, slurm) = try workspace(days: ["2024-03-01"])
        let name = SlurmExecutor.jobName(stateDirectory: ws.root + "/state", pipeline: ws.root + "/pipeline.yaml")
        try ws.write("state/slurm-arrays/20240101T000000Z-1-1.tasks", "ingest@2024-02-28\ningest@2024-03-01\n")
        try ws.write("state/slurm-arrays/20231231T000000Z-1-1.tasks", "ingest@2023-12-31\n")
        try ws.write("leftover.sh", "[ \"$SLURM_ARRAY_TASK_ID\" = 1 ] || exit 0; sleep 1; touch '\(ws.root)/leftover-done'\n")
        let submit = ProcessSpawner.run(executable: slurm.bin + "/sbatch",
                                        arguments: ["--parsable", "--job-name=\(name)", "--array=0-1",
                                                    "--comment=floe,stage=ingest,run=20240101T000000Z-1,attempt=1,tasks=\(ws.root)/state/slurm-arrays/20240101T000000Z-1-1.tasks",
                                                    "--chdir=\(ws.root)", ws.root + "/leftover.sh"],
                                        environment: ["PATH": "/usr/bin:/bin"], logPath: ws.root + "/submit.out")
        #expect(try submit.get().status == 0)
        let summary = try ws.run(SlurmExecutorTests.backfill) {
            slurm.configure(&$0)
            $0.dates = try? dates(["2024-03-01"])
            $0.slurm.cancelLeftovers = cancel
        }
        #expect(summary.exitCode == 0, "\(ws.err.all)")
        if cancel {
            #expect(ws.err.all.contains { $0.hasPrefix("floe run: cancelling Slurm job 101_1 (ingest@2024-03-01, ") })
            #expect(slurm.calls.contains { $0.hasPrefix("scancel ") && $0.contains("101_1") })
            #expect(slurm.state(of: "101_1") == "CANCELLED")
            #expect(ws.read("leftover-done") == nil)
        } else {
            #expect(ws.err.all.contains { $0.hasPrefix("floe run: Slurm job 101_1 (ingest@2024-03-01, ") && $0.contains("still queued; ingest@2024-03-01 waits for it") })
            #expect(ws.read("leftover-done") == "")
            #expect(!slurm.calls.contains { $0.hasPrefix("scancel") })
        }
        #expect(summary.results.first { $0.task.id == "ingest@2024-03-01" }?.status == .ran)
        #expect(ws.read("state/slurm-arrays/20231231T000000Z-1-1.tasks") == nil)
    }
}
