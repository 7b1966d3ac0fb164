import FlowCore
import Foundation
import Testing
@testable import FlowPipeline

/// `floe run --executor slurm` against fake Slurm commands (`FakeSlurm`): what is submitted,
/// how job states become task results, retries, cancellation and jobs left by a killed run.
@Suite struct SlurmExecutorTests {
    static let backfill = """
    version: 1
    settings:
      timezone: UTC
    vars:
      root: ${ROOT}
    stages:
      ingest:
        run: fake-copy
        for_each: date
        inputs: "{root}/in/{date}.txt"
        outputs: "{root}/raw/{date}.txt"
        params: {tag: "{timezone}", output: "{outputs}"}
        args: ["{inputs}"]
        resources: {cpus: 2, mem: 1G, time: "10:00", partition: debug, account: lab}
        sbatch_args: ["--qos=low", "--gres=gpu:1"]
      clean:
        run: fake-copy
        for_each: date
        inputs: "{root}/raw/{date}.txt"
        outputs: "{root}/clean/{date}"
        params: {tag: clean, dir: true, output: "{outputs}"}
        args: ["{inputs}"]
    """

    func workspace(days: [String] = ["2024-03-01", "2024-03-02"]) throws -> (Workspace, FakeSlurm) {
        let ws = try Workspace()
        for day in days { try ws.write("in/\(day).txt", "rows of \(day)\n") }
        return (ws, try FakeSlurm(root: ws.root))
    }

    func dates(_ from: String, _ to: String) throws -> DateSelection {
        try #require(try DateSelection.resolve(date: nil, from: from, to: to))
    }

    /// One sbatch per task (job arrays off, `--slurm-arrays off`) with floe's own options,
    /// the stage's resources and free args; the job script states the working folder,
    /// FLOE_* variables and the executable; outputs, state, logs and run.json come out as
    /// with the local executor, and a second run submits nothing.
    @Test func submitsOneJobPerReadyTaskAndRecordsLikeTheLocalExecutor() throws {
        let (ws, slurm) = try workspace()
        let summary = try ws.run(Self.backfill) {
            slurm.configure(&$0)
            $0.slurm.arrays = false
            $0.dates = try? dates("2024-03-01", "2024-03-02")
            // floe run inside an allocation of its own, on a cluster configured by SLURM_CONF.
            $0.environment["SLURM_JOB_ID"] = "77"
            $0.environment["SLURM_MEM_PER_CPU"] = "100"
            $0.environment["SLURM_CONF"] = "/etc/slurm-test/slurm.conf"
        }
        #expect(summary.exitCode == 0, "\(ws.err.all)")
        #expect(summary.count(.ran) == 4)
        #expect(slurm.slurmEnvironment(job: 101) == ["SLURM_CONF=/etc/slurm-test/slurm.conf"])
        // The same bytes as a local run of the same pipeline.
        let (local, _) = try workspace()
        #expect(try local.run(Self.backfill) { $0.dates = try? dates("2024-03-01", "2024-03-02") }.exitCode == 0)
        for day in ["2024-03-01", "2024-03-02"] {
            #expect(ws.read("raw/\(day).txt") == local.read("raw/\(day).txt"))
            #expect(ws.read("clean/\(day)/part.txt") == local.read("clean/\(day)/part.txt"))
            #expect(ws.read("clean/\(day)/part.txt") == "rows of \(day)\nUTC\nclean\n")
        }
        let submissions = slurm.calls.filter { $0.hasPrefix("sbatch ") }
        #expect(submissions.count == 4)
        let name = SlurmExecutor.jobName(stateDirectory: ws.root + "/state", pipeline: ws.root + "/pipeline.yaml")
        #expect(name.hasPrefix("floe-pipeline-") && name.count == "floe-pipeline-".count + 8)
        // Which job ran which task, from the comments.
        var jobOf: [String: Int] = [:]
        for job in 101...104 {
            let args = slurm.arguments(job: job)
            let comment = try #require(args.first { $0.hasPrefix("--comment=") })
            jobOf[try #require(SlurmExecutor.taskID(fromComment: String(comment.dropFirst("--comment=".count))))] = job
        }
        let ingest = slurm.arguments(job: try #require(jobOf["ingest@2024-03-01"]))
        let log = ws.root + "/state/logs/" + summary.runID + "/ingest-2024-03-01.log"
        #expect(Array(ingest.prefix(7)) == ["--parsable", "--job-name=\(name)",
                                            "--comment=floe,task=ingest@2024-03-01,run=\(summary.runID),attempt=1",
                                            "--output=\(log)", "--open-mode=append",
                                            "--chdir=\(FileManager.default.currentDirectoryPath)", "--export=ALL"])
        #expect(Array(ingest.dropFirst(7)) == ["--cpus-per-task=2", "--mem=1G", "--time=10:00", "--partition=debug",
                                               "--account=lab", "--qos=low", "--gres=gpu:1",
                                               String(log.dropLast(4)) + ".slurm.sh"])
        let clean = slurm.arguments(job: try #require(jobOf["clean@2024-03-01"]))
        #expect(clean.count == 8 && !clean.contains { $0.hasPrefix("--mem") })
        // Ready tasks only: clean of a day is submitted after ingest of that day ended.
        #expect(jobOf["clean@2024-03-01"]! > jobOf["ingest@2024-03-01"]!)
        #expect(jobOf["clean@2024-03-02"]! > jobOf["ingest@2024-03-02"]!)

        let script = try String(contentsOfFile: String(log.dropLast(4)) + ".slurm.sh", encoding: .utf8)
        #expect(script.contains("export FLOE_SETTINGS='\(ws.root)/state/settings.json'"))
        #expect(script.contains("export FLOE_DATE='2024-03-01'"))
        #expect(script.contains("export FLOE_PROGRESS='\(log).progress'"))
        #expect(!script.contains("export FLOE_RUNNER_PID") && script.contains("unset FLOE_RUNNER_PID"))
        #expect(script.contains("expected='fake-copy 1.0'"))
        #expect(script.contains("'\(ws.root)/bin/fake-copy' '--tag' 'UTC' '--output' '\(ws.root)/raw/2024-03-01.txt' '\(ws.root)/in/2024-03-01.txt' < /dev/null"))
        // The log: floe's header, the stage's output (through --output), the job, the end.
        let text = try String(contentsOfFile: log, encoding: .utf8)
        #expect(text.contains("# executor: slurm\n"))
        #expect(text.contains("stage ingest date 2024-03-01 inputs: \(ws.root)/in/2024-03-01.txt"))
        #expect(text.contains("# Slurm job \(jobOf["ingest@2024-03-01"]!) ended COMPLETED\n# exit 0 after"))
        let record = try String(contentsOfFile: ws.root + "/state/logs/" + summary.runID + "/run.json", encoding: .utf8)
        #expect(record.contains("\"exit_code\" : 0"))
        // Every status query is one squeue for the whole state folder.
        #expect(slurm.calls.filter { $0.hasPrefix("squeue") }.allSatisfy {
            $0 == "squeue --noheader --states=all --name=\(name) --format=%i|%T|%k"
        })
        let state = try PipelineState.load(path: ws.root + "/state/floe.lock.json", pipeline: "p")
        #expect(state.entries.count == 4)

        let before = slurm.calls.count
        let again = try ws.run(Self.backfill) {
            slurm.configure(&$0)
            $0.dates = try? dates("2024-03-01", "2024-03-02")
        }
        #expect(again.count(.skipped) == 4)
        #expect(!slurm.calls.dropFirst(before).contains { $0.hasPrefix("sbatch") })
    }

    /// Each way a job can end becomes a clear task failure, with the stage's own exit code
    /// when it ran; blocked tasks downstream, independent days unaffected.
    @Test func jobStatesMapToTaskFailures() throws {
        let days = ["2024-03-01", "2024-03-02", "2024-03-03", "2024-03-04", "2024-03-05"]
        let (ws, slurm) = try workspace(days: days)
        try slurm.force(task: "ingest@2024-03-01", state: "TIMEOUT")
        try slurm.force(task: "ingest@2024-03-02", state: "OUT_OF_MEMORY")
        try slurm.force(task: "ingest@2024-03-03", state: "NODE_FAIL")
        try slurm.force(task: "ingest@2024-03-04", state: "CANCELLED")
        let yaml = Self.backfill.replacingOccurrences(of: "params: {tag: clean,", with: "params: {fail-on: 2024-03-05, tag: clean,")
        let summary = try ws.run(yaml) {
            slurm.configure(&$0)
            $0.dates = try? dates("2024-03-01", "2024-03-05")
        }
        #expect(summary.exitCode == 1)
        let byID = Dictionary(uniqueKeysWithValues: summary.results.map { ($0.task.id, $0) })
        let timeout = try #require(byID["ingest@2024-03-01"]?.failure)
        #expect(timeout.contains("reached its time limit (TIMEOUT, time 10:00)") && timeout.hasSuffix("raise resources.time of stage 'ingest'"))
        let memory = try #require(byID["ingest@2024-03-02"]?.failure)
        #expect(memory.contains("ran out of memory (OUT_OF_MEMORY, mem 1G)") && memory.hasSuffix("raise resources.mem of stage 'ingest'"))
        #expect(byID["ingest@2024-03-03"]?.failure?.contains("failed (NODE_FAIL)") == true)
        #expect(byID["ingest@2024-03-04"]?.failure?.contains("was cancelled (CANCELLED)") == true)
        for day in days.prefix(4) { #expect(byID["clean@\(day)"]?.status == .blocked) }
        // The stage itself failed: its real exit code, read back from the job.
        #expect(byID["ingest@2024-03-05"]?.status == .ran)
        #expect(byID["clean@2024-03-05"]?.exitCode == 3)
        #expect(byID["clean@2024-03-05"]?.failure?.hasPrefix("exit 3 after") == true)
        #expect(byID["clean@2024-03-05"]?.failure?.contains("FAILED)") == true)
        #expect(ws.err.all.contains { $0.hasPrefix("FAILED  clean@2024-03-05") && $0.contains("boom on 2024-03-05") })
        let state = try PipelineState.load(path: ws.root + "/state/floe.lock.json", pipeline: "p")
        #expect(state.entries.keys.sorted() == ["ingest@2024-03-05"])
    }

    /// `--retries 1` resubmits a task whose job failed, once; the log keeps both tries.
    @Test func retriesResubmitAFailedTask() throws {
        let (ws, slurm) = try workspace(days: ["2024-03-01"])
        try slurm.force(task: "ingest@2024-03-01", state: "NODE_FAIL")
        let summary = try ws.run(Self.backfill) {
            slurm.configure(&$0)
            $0.dates = try? dates("2024-03-01", "2024-03-01")
            $0.retries = 1
        }
        #expect(summary.exitCode == 0, "\(ws.err.all)")
        let comments = slurm.calls.filter { $0.hasPrefix("sbatch") }.compactMap { call in
            call.split(separator: " ").first { $0.hasPrefix("--comment=floe,task=ingest") }
        }
        #expect(comments.count == 2)
        #expect(comments.map { $0.hasSuffix("attempt=1") } == [true, false])
        #expect(ws.err.all.contains { $0.hasPrefix("RETRY   ingest@2024-03-01: the node of Slurm job 101 failed (NODE_FAIL)") && $0.hasSuffix("attempt 2 of 2") })
        let log = try String(contentsOfFile: ws.root + "/state/logs/\(summary.runID)/ingest-2024-03-01.log", encoding: .utf8)
        #expect(log.contains("# retrying: attempt 2 of 2"))
        #expect(log.contains("ended NODE_FAIL") && log.contains("ended COMPLETED"))
        #expect(ws.read("raw/2024-03-01.txt") == "rows of 2024-03-01\nUTC\n")

        // Without --retries the same failure stays a failure.
        let (ws2, slurm2) = try workspace(days: ["2024-03-01"])
        try slurm2.force(task: "ingest@2024-03-01", state: "NODE_FAIL")
        let failed = try ws2.run(Self.backfill) {
            slurm2.configure(&$0)
            $0.dates = try? dates("2024-03-01", "2024-03-01")
        }
        #expect(failed.exitCode == 1)
        #expect(slurm2.calls.filter { $0.hasPrefix("sbatch") }.count == 1)
    }

    /// SIGTERM to the runner cancels its jobs with scancel, waits until Slurm says they
    /// ended, and exits 143; the stage process is gone.
    @Test func interruptCancelsTheRunsJobs() throws {
        let (ws, slurm) = try workspace(days: [])
        try ws.write("seed.txt", "seed\n")
        let yaml = """
        version: 1
        vars:
          root: ${ROOT}
        stages:
          slow:
            run: ["sh", "-c", "echo $$ > \\"$1\\"; exec sleep 600", "slow"]
            inputs: "{root}/seed.txt"
            outputs: "{root}/slow.txt"
            args: ["{root}/slow.pid"]
          after:
            run: fake-copy
            inputs: "{root}/slow.txt"
            outputs: "{root}/after.txt"
            params: {output: "{outputs}"}
            args: ["{inputs}"]
        """
        let runner = try ws.runner(yaml) { slurm.configure(&$0) }
        let handoff = Handoff<Result<RunSummary, any Error>>()
        Thread.detachNewThread { handoff.put(Result { try runner.run() }) }
        let started = waitForFile(ws.root + "/slow.pid")
        let stagePID = pid_t(ws.read("slow.pid")?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? 0
        runner.interrupt(signal: SIGTERM)
        let outcome = handoff.take(upTo: 120)
        if outcome == nil, stagePID > 0 { kill(stagePID, SIGKILL) }
        let summary = try (outcome ?? handoff.take()).get()
        #expect(started)
        #expect(summary.exitCode == 128 + SIGTERM)
        #expect(slurm.calls.contains("scancel 101"))
        #expect(slurm.state(job: 101) == "CANCELLED")
        let byID = Dictionary(uniqueKeysWithValues: summary.results.map { ($0.task.id, $0) })
        #expect(byID["slow"]?.failure == "Slurm job 101 cancelled: floe run was interrupted by signal \(SIGTERM)")
        #expect(byID["after"]?.status == .blocked)
        #expect(stagePID > 0 && waitUntilGone(stagePID))
        #expect(!FileManager.default.fileExists(atPath: ws.root + "/state/run.lock"))
    }

    /// Jobs a killed runner left queued are found by job name and comment: the task waits
    /// for them and then runs once; with --cancel-leftovers they are cancelled first.
    /// Never two jobs of one task at once.
    @Test(arguments: [false, true]) func leftoverJobsOfAKilledRunAreWaitedForOrCancelled(cancel: Bool) throws {
        let (ws, slurm) = try workspace(days: ["2024-03-01"])
        // What a killed runner leaves: a job of this state folder still running.
        let name = SlurmExecutor.jobName(stateDirectory: ws.root + "/state", pipeline: ws.root + "/pipeline.yaml")
        try ws.write("leftover.sh", "sleep 1; touch '\(ws.root)/leftover-done'\n")
        let submit = ProcessSpawner.run(executable: slurm.bin + "/sbatch",
                                        arguments: ["--parsable", "--job-name=\(name)",
                                                    "--comment=floe,task=ingest@2024-03-01,run=20240101T000000Z-1,attempt=1",
                                                    "--chdir=\(ws.root)", ws.root + "/leftover.sh"],
                                        environment: ["PATH": "/usr/bin:/bin"], logPath: ws.root + "/submit.out")
        #expect(try submit.get().status == 0)
        // The stage notes whether the leftover job had finished when it started.
        let yaml = Self.backfill.replacingOccurrences(of: "run: fake-copy\n    for_each: date\n    inputs: \"{root}/in",
                                                      with: "run: [\"sh\", \"-c\", \"test -f \(ws.root)/leftover-done && echo done > \(ws.root)/seen || echo running > \(ws.root)/seen; exec fake-copy \\\"$@\\\"\", \"x\"]\n    for_each: date\n    inputs: \"{root}/in")
        #expect(yaml != Self.backfill)
        let summary = try ws.run(yaml) {
            slurm.configure(&$0)
            $0.environment["PATH"] = ws.root + "/bin:" + $0.environment["PATH"]!
            $0.dates = try? dates("2024-03-01", "2024-03-01")
            $0.slurm.cancelLeftovers = cancel
        }
        #expect(summary.exitCode == 0, "\(ws.err.all)")
        if cancel {
            #expect(ws.err.all.contains { $0.hasPrefix("floe run: cancelling Slurm job 101 (ingest@2024-03-01, ") })
            #expect(slurm.calls.contains("scancel 101"))
            #expect(slurm.state(job: 101) == "CANCELLED")
            #expect(ws.read("leftover-done") == nil)
            #expect(ws.read("seen") == "running\n")
        } else {
            #expect(ws.err.all.contains { $0.hasPrefix("floe run: Slurm job 101 (ingest@2024-03-01, ") && $0.contains("of an earlier run of this state folder is still queued") })
            #expect(!slurm.calls.contains { $0.hasPrefix("scancel") })
            #expect(ws.read("seen") == "done\n")
        }
        // One new job for the task, submitted after the leftover ended.
        let submissions = slurm.calls.filter { $0.hasPrefix("sbatch") && $0.contains("task=ingest@2024-03-01") }
        #expect(submissions.count == 2)   // the leftover's and this run's
        #expect(summary.results.first { $0.task.id == "ingest@2024-03-01" }?.status == .ran)
    }

    /// An overloaded controller (squeue errors) slows polling down but loses no job.
    @Test(arguments: [false, true]) func failingStatusQueriesBackOffAndRecover(afterSubmission: Bool) throws {
        let (ws, slurm) = try workspace(days: ["2024-03-01"])
        try slurm.failNextPolls(4, afterSubmission: afterSubmission)
        let summary = try ws.run(Self.backfill) {
            slurm.configure(&$0)
            $0.dates = try? dates("2024-03-01", "2024-03-01")
        }
        #expect(summary.exitCode == 0, "\(ws.err.all)")
        let warnings = ws.err.all.filter { $0.hasPrefix("floe run: squeue failed (squeue: error: slurm_load_jobs error: Socket timed out") }
        // The leftover search warns each time; the poller once per streak of failures.
        #expect(warnings.count == (afterSubmission ? 1 : 4), "\(warnings)")
        #expect(slurm.calls.filter { $0.hasPrefix("squeue") }.count >= 5)
    }

    /// sbatch refusing a job (a bad partition) fails the task with sbatch's message.
    @Test func rejectedSubmissionFailsTheTaskWithSbatchsMessage() throws {
        let (ws, slurm) = try workspace(days: ["2024-03-01"])
        try "Batch job submission failed: Invalid partition name specified".write(toFile: slurm.dir + "/reject", atomically: true, encoding: .utf8)
        let summary = try ws.run(Self.backfill) {
            slurm.configure(&$0)
            $0.dates = try? dates("2024-03-01", "2024-03-01")
        }
        #expect(summary.exitCode == 1)
        #expect(summary.results.first?.failure == "sbatch failed (exit 1): sbatch: error: Batch job submission failed: Invalid partition name specified")
    }

    /// Without the Slurm commands the run stops before anything, naming them.
    @Test func missingSlurmCommandsAreAUsageError() throws {
        let (ws, _) = try workspace(days: ["2024-03-01"])
        #expect(throws: PipelineError.usage("--executor slurm: sbatch, squeue, scontrol, scancel not found in $PATH (\(ws.root)/bin); run floe on a host with the Slurm client commands (a login node), or use --executor local")) {
            try ws.run(Self.backfill) {
                $0.executor = .slurm
                $0.environment["PATH"] = ws.root + "/bin"
                $0.dates = try? dates("2024-03-01", "2024-03-01")
            }
        }
    }
}

/// True once `pid` names no process (waits up to 60 s; a hang guard).
func waitUntilGone(_ pid: pid_t) -> Bool {
    for _ in 0..<1200 {
        if kill(pid, 0) != 0 { return true }
        usleep(50_000)
    }
    return false
}
