import Foundation
import Testing
@testable import FlowPipeline

/// The pieces of the Slurm executor that need no cluster: the pipeline keys, what squeue
/// and scontrol print, the polling schedule, the job script.
@Suite struct SlurmPartsTests {
    func errors(_ stage: String) -> [String] {
        parseErrors("version: 1\nstages:\n  a:\n    run: x\n" + stage)
    }

    @Test func resourcesAndSbatchArgsAreParsedIntoSbatchOptions() throws {
        let spec = try PipelineParser.parse("""
        version: 1
        stages:
          a:
            run: x
            resources: {cpus: 4, mem: 8G, time: "1-12:00:00", partition: "short,long", account: lab-1}
            sbatch_args: ["--qos=long", "--gres=gpu:1", "-N1"]
        """, path: "p.yaml")
        #expect(spec.stages[0].resources.sbatchOptions == ["--cpus-per-task=4", "--mem=8G", "--time=1-12:00:00", "--partition=short,long",
                                                          "--account=lab-1", "--qos=long", "--gres=gpu:1", "-N1"])
        #expect(try PipelineParser.parse("version: 1\nstages:\n  a:\n    run: x\n", path: "p").stages[0].resources.sbatchOptions.isEmpty)
    }

    @Test func badResourcesAreReportedWithLineAndColumn() {
        let found = errors("""
            resources:
              cpus: 0
              mem: 4 GB
              time: "2h"
              partition: "a b"
              gpus: 1
            sbatch_args: ["--output=x.log", "-Jname", "qos", "--mem=4G", "--qos long"]
        """)
        #expect(found == [
            "p.yaml:6:13: resources.cpus of stage 'a' must be a whole number of CPUs from 1, not '0'",
            "p.yaml:7:12: resources.mem of stage 'a' must be a size such as 4G, 500M or 2048 (megabytes), not '4 GB'",
            "p.yaml:8:13: resources.time of stage 'a' must be a Slurm time limit: minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS (e.g. 2:00:00), not '2h'",
            "p.yaml:9:18: resources.partition of stage 'a' must be a name of letters, digits, '_', '-', '.' (several partitions separated by ','), not 'a b'",
            "p.yaml:10:7: unknown key 'gpus' in resources of stage 'a' (expected one of: cpus, mem, time, partition, account)",
            "p.yaml:11:19: sbatch_args of stage 'a': '--output=x.log' is set by floe; remove it",
            "p.yaml:11:37: sbatch_args of stage 'a': '-Jname' is set by floe; remove it",
            "p.yaml:11:47: sbatch_args of stage 'a': 'qos' is not an sbatch option (expected an option such as --qos=long or --gres=gpu:1)",
            "p.yaml:11:54: sbatch_args of stage 'a': '--mem=4G' is set by floe from resources.mem; write it there",
            "p.yaml:11:66: sbatch_args of stage 'a': '--qos long' holds a space; write one option per item, with '=' before its value (--qos=long)",
        ])
    }

    @Test func slurmTimeAndMemoryNotations() {
        for ok in ["30", "30:00", "2:00:00", "1-12", "1-12:30", "1-12:30:00", "UNLIMITED"] { #expect(StageResources.isDuration(ok), "\(ok)") }
        for bad in ["", "2h", "1-", "-1", "1:2:3:4", "1-2-3", "a:00"] { #expect(!StageResources.isDuration(bad), "\(bad)") }
        for ok in ["2048", "500M", "4G", "1T", "100K", "8g"] { #expect(StageResources.isMemory(ok), "\(ok)") }
        for bad in ["", "G", "0", "4GB", "-1G", "1.5G"] { #expect(!StageResources.isMemory(bad), "\(bad)") }
    }

    /// squeue lists a running or finished array element as `JOBID_INDEX` and the pending
    /// rest of an array as `JOBID_[a-b,c%throttle]`: one line per element.
    @Test func arrayElementsInSqueueAndTheClustersMaxArraySizeAreRead() throws {
        let lines = SlurmJobState.parseQueue("""
        200_3|RUNNING|floe,stage=ingest,run=R,attempt=1,tasks=/s/slurm-arrays/R-1.tasks
        200_[4-6,9%2]|PENDING|floe,stage=ingest,run=R,attempt=1,tasks=/s/slurm-arrays/R-1.tasks
        201_[0]|PENDING|x
        """)
        #expect(lines.map(\.jobID) == ["200_3", "200_4", "200_5", "200_6", "200_9", "201_0"])
        #expect(lines.map(\.state) == ["RUNNING", "PENDING", "PENDING", "PENDING", "PENDING", "PENDING"])
        #expect(SlurmArray.mapPath(fromComment: lines[1].comment) == "/s/slurm-arrays/R-1.tasks")
        #expect(SlurmArray.mapPath(fromComment: SlurmArray.comment(stage: "a", runID: "R", mapPath: "/x,y/m.tasks")) == "/x,y/m.tasks")
        #expect(SlurmArray.mapPath(fromComment: "floe,task=a@2024-03-01,run=R,attempt=1") == nil)
        #expect(SlurmExecutor.taskID(fromComment: lines[0].comment) == nil)
        #expect(SlurmArray.index(ofElement: "200_12") == 12 && SlurmArray.index(ofElement: "200") == nil)
        #expect(SlurmArray.elementIDs("7") == ["7"] && SlurmArray.elementIDs("7_[3-1]").isEmpty)
        #expect(SlurmArray.readMap(SlurmArray.renderMap(["a@1", "a@2"])) == ["a@1", "a@2"])

        #expect(SlurmArray.maxArraySize(config: "Configuration data as of x\nMaxArraySize            = 40001\nMaxJobCount = 5\n") == 40001)
        #expect(SlurmArray.maxArraySize(config: "MaxJobCount = 5\n") == nil)
        #expect(SlurmArray.maxArraySize(config: "MaxArraySize = 0\n") == nil)
        #expect(SlurmArray.split(Array(0..<5), size: 2) == [[0, 1], [2, 3], [4]])
        #expect(SlurmArray.split(Array(0..<3), size: 1001) == [[0, 1, 2]])
    }

    @Test func squeueLinesAndScontrolRecordsAreParsed() throws {
        let lines = SlurmJobState.parseQueue("""
        101|RUNNING|floe,task=ingest@2024-03-01,run=R,attempt=1
        102|CANCELLED by 0|floe,task=clean@2024-03-01,run=R,attempt=2
        garbage
        103|PENDING|(null)
        """)
        #expect(lines == [
            .init(jobID: "101", state: "RUNNING", comment: "floe,task=ingest@2024-03-01,run=R,attempt=1"),
            .init(jobID: "102", state: "CANCELLED", comment: "floe,task=clean@2024-03-01,run=R,attempt=2"),
            .init(jobID: "103", state: "PENDING", comment: "(null)"),
        ])
        #expect(SlurmExecutor.taskID(fromComment: lines[1].comment) == "clean@2024-03-01")
        #expect(SlurmExecutor.taskID(fromComment: "(null)") == nil)
        #expect(!SlurmJobState.isTerminal("PENDING") && !SlurmJobState.isTerminal("COMPLETING") && SlurmJobState.isTerminal("OUT_OF_MEMORY"))

        // As Slurm 22.05's scontrol prints it (one line; the comment holds '=' too).
        let record = "JobId=7 JobName=floe-x UserId=root(0) JobState=FAILED Reason=NonZeroExitCode Dependency=(null) "
            + "ExitCode=3:0 RunTime=00:00:01 NodeList=vm BatchHost=vm Comment=floe,task=a,run=R,attempt=1  StdErr=/x.log"
        #expect(SlurmJobState.parseDetails(record) == .init(state: "FAILED", exitCode: 3, signal: nil, reason: "NonZeroExitCode", nodes: "vm"))
        #expect(SlurmJobState.parseDetails("JobId=8 JobState=CANCELLED Reason=None ExitCode=0:15 NodeList=(null)")
                == .init(state: "CANCELLED", exitCode: 0, signal: 15, reason: nil, nodes: nil))
        #expect(SlurmJobState.parseDetails("slurm_load_jobs error: Invalid job id specified") == nil)
    }

    @Test func finishedStatesMapToFailures() {
        func failure(_ state: String, _ code: Int32?, signal: Int32? = nil, interrupted: Int32? = nil) -> String? {
            var resources = StageResources()
            resources.time = "1:00:00"
            return SlurmJobState.failure(state: state, exitCode: code, signal: signal, jobID: "9", stage: "clean",
                                         resources: resources, seconds: 61, interruptedBy: interrupted)
        }
        #expect(failure("COMPLETED", 0) == nil)
        #expect(failure("COMPLETED", nil) == nil)
        #expect(failure("FAILED", 2) == "exit 2 after 61.0 s (Slurm job 9 FAILED)")
        #expect(failure("FAILED", 0, signal: 9) == "killed by signal 9 after 61.0 s (Slurm job 9 FAILED)")
        #expect(failure("TIMEOUT", 0) == "Slurm job 9 reached its time limit (TIMEOUT, time 1:00:00) after 61.0 s; raise resources.time of stage 'clean'")
        #expect(failure("OUT_OF_MEMORY", 0) == "Slurm job 9 ran out of memory (OUT_OF_MEMORY, the partition's default) after 61.0 s; raise resources.mem of stage 'clean'")
        #expect(failure("NODE_FAIL", nil) == "the node of Slurm job 9 failed (NODE_FAIL) after 61.0 s; --retries N resubmits tasks whose job failed")
        #expect(failure("CANCELLED", 0, interrupted: 2) == "Slurm job 9 cancelled: floe run was interrupted by signal 2")
        #expect(failure("PREEMPTED", nil)?.hasPrefix("Slurm job 9 was preempted") == true)
    }

    @Test func pollingBacksOffWhileQuietAndOnErrors() {
        var schedule = PollSchedule(minimum: 2, maximum: 30)
        #expect(schedule.interval == 2)
        var quiet: [Double] = []
        for _ in 0..<9 { schedule.answered(changed: false); quiet.append(schedule.interval) }
        #expect(quiet == [3, 4.5, 6.75, 10.125, 15.1875, 22.78125, 30, 30, 30])
        schedule.answered(changed: true)
        #expect(schedule.interval == 2)
        var failing: [Double] = []
        for _ in 0..<8 { schedule.failed(); failing.append(schedule.interval) }
        #expect(failing == [4, 8, 16, 32, 64, 120, 120, 120])
        schedule.reset()
        #expect(schedule.interval == 2)
    }

    @Test func jobScriptQuotesEverythingAndReportsVersionMismatch() throws {
        let launch = TaskLaunch(task: PipelineTask(stage: "s", partition: nil), executable: "/opt/floe bin/floe",
                                arguments: ["ingest", "it's", "$HOME"], environment: [:],
                                floeEnvironment: ["FLOE_STAGE": "s", "FLOE_RUNNER_PID": "42"],
                                workingDirectory: "/w", logPath: "/w/l.log", executableVersion: "floe 1.0", resources: StageResources(), attempt: 1)
        let script = SlurmJobScript.render(launch, runID: "R", exitPath: "/w/l.log.exit")
        #expect(script.contains("\n'/opt/floe bin/floe' 'ingest' 'it'\\''s' '$HOME' < /dev/null\n"))
        #expect(script.contains("export FLOE_STAGE='s'\n") && !script.contains("FLOE_RUNNER_PID='42'"))
        // Run it for real with a fake executable of another version.
        let folder = NSTemporaryDirectory() + "floe-script-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // Written by a child (cp), not by this process: a writable descriptor of this
        // process is inherited by whatever other tests spawn meanwhile, and exec of a file
        // open for writing anywhere fails (ETXTBSY).
        try "#!/bin/sh\n[ \"$1\" = --version ] && { echo '  floe 0.9 '; exit 0; }\necho ran \"$@\"\n".write(toFile: folder + "/exe.txt", atomically: true, encoding: .utf8)
        #expect(try ProcessSpawner.run(executable: "/bin/cp", arguments: [folder + "/exe.txt", folder + "/exe"], environment: [:],
                                       logPath: folder + "/cp.out").get().status == 0)
        chmod(folder + "/exe", 0o755)
        for (version, expected) in [("floe 0.9", SlurmJobScript.Recorded.status(0)), ("floe 1.0", .versionMismatch(found: "floe 0.9"))] {
            let launch = TaskLaunch(task: launch.task, executable: folder + "/exe", arguments: ["a b"], environment: [:],
                                    floeEnvironment: [:], workingDirectory: folder, logPath: folder + "/l.log",
                                    executableVersion: version, resources: StageResources(), attempt: 1)
            try SlurmJobScript.render(launch, runID: "R", exitPath: folder + "/exit").write(toFile: folder + "/job.sh", atomically: true, encoding: .utf8)
            let outcome = try ProcessSpawner.run(executable: "/bin/sh", arguments: [folder + "/job.sh"], environment: ["PATH": "/usr/bin:/bin"],
                                                 logPath: folder + "/out").get()
            #expect(SlurmJobScript.readExit(try String(contentsOfFile: folder + "/exit", encoding: .utf8)) == expected)
            #expect(outcome.status == (expected == .status(0) ? 0 : SlurmJobScript.versionMismatchStatus))
        }
        #expect(try String(contentsOfFile: folder + "/out", encoding: .utf8).contains("ran a b\n"))
    }

    @Test func jobNameIsStablePerStateFolder() {
        let a = SlurmExecutor.jobName(stateDirectory: "/srv/x/.floe/backfill", pipeline: "pipelines/backfill.yaml")
        #expect(a == SlurmExecutor.jobName(stateDirectory: "/srv/x/.floe/backfill", pipeline: "other/backfill.yml"))
        #expect(a != SlurmExecutor.jobName(stateDirectory: "/srv/y/.floe/backfill", pipeline: "pipelines/backfill.yaml"))
        #expect(a.hasPrefix("floe-backfill-") && a.count == 22)
        // Hashes with leading zero digits keep eight digits (a state folder whose XXH64 is
        // below 2^60 once gave a longer name).
        let names = (0..<256).map { SlurmExecutor.jobName(stateDirectory: "/s/\($0)", pipeline: "p.yaml") }
        #expect(names.allSatisfy { $0.count == "floe-p-".count + 8 }, "\(names.filter { $0.count != "floe-p-".count + 8 })")
        #expect(names.contains { $0.hasPrefix("floe-p-0") })
    }
}
