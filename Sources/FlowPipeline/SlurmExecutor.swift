import FlowCore
import FlowIO
import Foundation

/// Settings of the Slurm executor (`floe run --executor slurm`).
public struct SlurmOptions: Sendable {
    /// Shortest time between two status queries (one `squeue` call for all jobs).
    public var pollMinimum = 2.0
    /// Longest time between two status queries while no job changes state.
    public var pollMaximum = 30.0
    /// Cancel (`scancel`) jobs left by a killed earlier run of the same state folder
    /// instead of waiting for them.
    public var cancelLeftovers = false

    public init() {}
}

/// Runs each task as one Slurm batch job. floe keeps the dependencies itself and submits a
/// task only when its upstream tasks have finished (as Snakemake does), so a task's inputs
/// are fingerprinted after they were written, and a skipped or failed task is known before
/// anything downstream is submitted; `afterok` dependencies could do neither.
///
/// All jobs of one state folder share one job name (`floe-<pipeline>-<hash of the state
/// folder>`) and carry `floe,task=<id>,run=<run id>,attempt=<n>` as comment, so one
/// `squeue --name` query per poll covers them all, and a later run finds the jobs of a
/// killed runner. Without slurmdbd `sacct` knows nothing, so finished jobs are read from
/// the job's exit-status file (written by the job script on the shared filesystem) and,
/// when the job ended without writing it (time limit, memory, node failure, scancel), from
/// `scontrol show job`.
final class SlurmExecutor: TaskExecutor, @unchecked Sendable {
    let commands: SlurmCommands
    let options: SlurmOptions
    let jobName: String

    /// One job the poller follows.
    private final class Watch {
        let jobID: String
        let taskID: String
        /// Submitted by this run (false: left by an earlier one).
        let ours: Bool
        var state = "PENDING"
        var details: SlurmJobState.Details?
        var done = false
        /// Polls in a row that did not list it.
        var missing = 0

        init(jobID: String, taskID: String, ours: Bool) {
            self.jobID = jobID
            self.taskID = taskID
            self.ours = ours
        }
    }

    private let condition = NSCondition()
    private var watches: [String: Watch] = [:]
    /// Jobs of an earlier run still working on a task of this run, by task id.
    private var leftovers: [String: [Watch]] = [:]
    private var schedule: PollSchedule
    private var interruption: Int32?
    private var stopped = false
    private var pollerStarted = false
    private let pollerDone = DispatchSemaphore(value: 0)
    private var runID = ""
    private var warn: @Sendable (String) -> Void = { _ in }
    private var failedPolls = 0

    init(commands: SlurmCommands, options: SlurmOptions, jobName: String) {
        self.commands = commands
        self.options = options
        self.jobName = jobName
        schedule = PollSchedule(minimum: options.pollMinimum, maximum: options.pollMaximum)
    }

    /// `floe-<pipeline stem>-<8 hex of the absolute state folder's hash>`.
    static func jobName(stateDirectory: String, pipeline: String) -> String {
        var stem = FileSystem.basename(pipeline)
        if let dot = stem.lastIndex(of: "."), dot != stem.startIndex { stem = String(stem[..<dot]) }
        stem = String(stem.filter { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }.prefix(40))
        let hex = String(XXH64.hash(Array(stateDirectory.utf8)), radix: 16)
        let hash = String(repeating: "0", count: max(0, 16 - hex.count)) + hex
        return "floe-\(stem)-" + hash.prefix(8)
    }

    static func comment(task: String, runID: String, attempt: Int) -> String {
        "floe,task=\(task),run=\(runID),attempt=\(attempt)"
    }

    /// The task id in a comment written by `comment(task:runID:attempt:)`.
    static func taskID(fromComment comment: String) -> String? {
        let fields = comment.split(separator: ",")
        guard fields.first == "floe" else { return nil }
        return fields.first { $0.hasPrefix("task=") }.map { String($0.dropFirst(5)) }
    }

    var queueArguments: [String] { ["--noheader", "--states=all", "--name=\(jobName)", "--format=%i|%T|%k"] }

    // MARK: - TaskExecutor

    func begin(runID: String, taskIDs: Set<String>, warn: @escaping @Sendable (String) -> Void) throws {
        self.runID = runID
        self.warn = warn
        // A busy controller may not answer at once: ask up to six times, backing off.
        var queue = commands.run("squeue", queueArguments)
        var tries = 1
        while queue.status != 0 && tries < 6 {
            schedule.failed()
            warn("floe run: squeue failed (\(queue.errorLine)); asking again in \(Int(schedule.interval.rounded(.up))) s")
            Thread.sleep(forTimeInterval: schedule.interval)
            queue = commands.run("squeue", queueArguments)
            tries += 1
        }
        schedule.reset()
        guard queue.status == 0 else {
            throw PipelineError.io(path: "squeue", reason: "cannot list the jobs of earlier runs (\(queue.errorLine)); is the Slurm controller reachable")
        }
        var cancel: [String] = []
        condition.lock()
        for line in SlurmJobState.parseQueue(queue.out) where !SlurmJobState.isTerminal(line.state) {
            // This run holds the state folder's lock: a live job of ours is a killed runner's.
            guard let task = Self.taskID(fromComment: line.comment) else { continue }
            let watch = Watch(jobID: line.jobID, taskID: task, ours: false)
            watch.state = line.state
            if options.cancelLeftovers {
                warn("floe run: cancelling Slurm job \(line.jobID) (\(task), \(line.state)) left by an earlier run of this state folder (--cancel-leftovers)")
                cancel.append(line.jobID)
            } else if taskIDs.contains(task) {
                warn("floe run: Slurm job \(line.jobID) (\(task), \(line.state)) of an earlier run of this state folder is still queued; "
                     + "\(task) waits for it, then runs as usual (--cancel-leftovers cancels such jobs instead)")
            } else {
                warn("floe run: Slurm job \(line.jobID) (\(task), \(line.state)) of an earlier run is still queued and not part of this run; left alone (scancel \(line.jobID) stops it)")
                continue
            }
            watches[line.jobID] = watch
            leftovers[task, default: []].append(watch)
        }
        condition.unlock()
        if !cancel.isEmpty { _ = commands.run("scancel", cancel) }
        pollerStarted = true
        Thread.detachNewThread { [self] in
            pollLoop()
            pollerDone.signal()
        }
    }

    func settle(_ task: PipelineTask) {
        condition.lock()
        defer { condition.unlock() }
        while interruption == nil, leftovers[task.id]?.contains(where: { !$0.done }) == true { condition.wait() }
    }

    func run(_ launch: TaskLaunch) -> TaskExit {
        let exitPath = launch.logPath + ".exit"
        let scriptPath = String(launch.logPath.dropLast(launch.logPath.hasSuffix(".log") ? 4 : 0)) + ".slurm.sh"
        unlink(exitPath)
        do {
            try FileSystem.writeAtomically(scriptPath, SlurmJobScript.render(launch, runID: runID, exitPath: exitPath))
            chmod(scriptPath, 0o755)
        } catch {
            return TaskExit(exitCode: nil, failure: "cannot write the job script: \(error)", note: nil)
        }
        if condition.withLock({ interruption }) != nil {
            return TaskExit(exitCode: nil, failure: "not submitted: floe run was interrupted", note: nil)
        }
        let arguments = ["--parsable", "--job-name=\(jobName)",
                         "--comment=\(Self.comment(task: launch.task.id, runID: runID, attempt: launch.attempt))",
                         "--output=\(launch.logPath)", "--open-mode=append", "--chdir=\(launch.workingDirectory)",
                         "--export=ALL"] + launch.resources.sbatchOptions + [scriptPath]
        let jobID: String
        switch submit(arguments) {
        case .failure(let message): return TaskExit(exitCode: nil, failure: message.description, note: nil)
        case .success(let id): jobID = id
        }
        let submitted = Date()
        let watch = Watch(jobID: jobID, taskID: launch.task.id, ours: true)
        condition.lock()
        watches[jobID] = watch
        exitPaths[jobID] = exitPath
        schedule.reset()
        let interrupted = interruption != nil
        condition.broadcast()
        condition.unlock()
        if interrupted { _ = commands.run("scancel", [jobID]) }   // interrupted while it was submitted

        condition.lock()
        while !watch.done { condition.wait() }
        let state = watch.state
        let details = watch.details
        let interruptedBy = interruption
        watches[jobID] = nil
        exitPaths[jobID] = nil
        condition.unlock()

        let seconds = Date().timeIntervalSince(submitted)
        let recorded = SlurmJobScript.readExit(FileSystem.readText(exitPath))
        unlink(exitPath)
        let note = "Slurm job \(jobID)" + (details?.nodes.map { " on \($0)" } ?? "") + " ended \(state)"
        var exitCode = details?.exitCode
        switch recorded {
        case .versionMismatch(let found):
            return TaskExit(exitCode: SlurmJobScript.versionMismatchStatus,
                            failure: "\(launch.executable) on the node of Slurm job \(jobID) is version '\(found)', the runner's is "
                                + "'\(launch.executableVersion)'; install the same floe on every node", note: note)
        case .status(let status): exitCode = status
        case nil: break
        }
        if state == "VANISHED" {
            return TaskExit(exitCode: exitCode, failure: "Slurm job \(jobID) left the queue without floe seeing how it ended "
                            + "(not listed by squeue nor scontrol, no exit status in \(exitPath)); sacct -j \(jobID) may know", note: note)
        }
        let failure = SlurmJobState.failure(state: state, exitCode: exitCode, signal: recorded == nil ? details?.signal : nil,
                                            jobID: jobID, stage: launch.task.stage, resources: launch.resources,
                                            seconds: seconds, interruptedBy: interruptedBy)
        return TaskExit(exitCode: exitCode, failure: failure, note: note)
    }

    /// Cancels this run's jobs (`scancel`; from the second signal on, SIGKILL to every
    /// process of the jobs) and stops waiting for an earlier run's.
    func interrupt(_ signal: Int32, count: Int) {
        condition.lock()
        if interruption == nil { interruption = signal }
        let ours = watches.values.filter { $0.ours && !$0.done }.map(\.jobID).sorted()
        schedule.reset()
        condition.broadcast()
        condition.unlock()
        if !ours.isEmpty { _ = commands.run("scancel", (count > 1 ? ["--signal=KILL", "--full"] : []) + ours) }
    }

    func end() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
        if pollerStarted { pollerDone.wait() }
    }

    // MARK: - Submitting and polling

    /// `sbatch --parsable …`: the job id, or why it failed. A controller that does not
    /// answer is asked again, up to three times, 5 and 10 s apart.
    private func submit(_ arguments: [String]) -> Result<String, SubmitFailure> {
        var delay = 5.0
        for attempt in 1...3 {
            let output = commands.run("sbatch", arguments)
            if output.status == 0 {
                let id = output.out.split(whereSeparator: \.isNewline).last.map { String($0.split(separator: ";")[0]) } ?? ""
                if !id.isEmpty, id.allSatisfy({ $0.isASCII && $0.isNumber }) { return .success(id) }
                return .failure(SubmitFailure("sbatch --parsable printed '\(output.out.trimmingCharacters(in: .whitespacesAndNewlines))', not a job id"))
            }
            let message = output.errorLine
            let transient = output.status == nil || ["timed out", "try again", "temporarily unavailable", "Unable to contact"]
                .contains { message.localizedCaseInsensitiveContains($0) }
            if !transient || attempt == 3 {
                return .failure(SubmitFailure("sbatch failed\(output.status.map { " (exit \($0))" } ?? ""): \(message)"))
            }
            warn("floe run: sbatch: \(message); trying again in \(Int(delay)) s")
            Thread.sleep(forTimeInterval: delay)
            delay *= 2
        }
        return .failure(SubmitFailure("sbatch failed"))
    }

    struct SubmitFailure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    /// The poller thread: one `squeue` per poll for every job followed, at most once per
    /// `schedule.interval`; `scontrol` only for jobs that ended without an exit file or
    /// that squeue no longer lists.
    private func pollLoop() {
        condition.lock()
        var lastPoll = Date.distantPast
        while !stopped {
            let active = watches.values.filter { !$0.done }
            if active.isEmpty {
                condition.wait()
                continue
            }
            let due = lastPoll.addingTimeInterval(schedule.interval)
            if Date() < due {
                _ = condition.wait(until: due)
                continue
            }
            let ids = active.map(\.jobID)
            condition.unlock()
            let queue = commands.run("squeue", queueArguments)
            lastPoll = Date()
            var updates: [String: (state: String, details: SlurmJobState.Details?, listed: Bool)] = [:]
            if queue.status == 0 {
                let listed = Dictionary(SlurmJobState.parseQueue(queue.out).map { ($0.jobID, $0) }, uniquingKeysWith: { a, _ in a })
                for id in ids {
                    if let line = listed[id] {
                        var details: SlurmJobState.Details?
                        if SlurmJobState.isTerminal(line.state), line.state != "COMPLETED" || !hasExitFile(id) {
                            details = self.details(id)
                        }
                        updates[id] = (line.state, details, true)
                    } else if let details = self.details(id) {
                        updates[id] = (details.state, details, true)
                    } else {
                        updates[id] = ("", nil, false)
                    }
                }
            }
            condition.lock()
            guard queue.status == 0 else {
                failedPolls += 1
                schedule.failed()
                if failedPolls == 1 || failedPolls % 10 == 0 {
                    warn("floe run: squeue failed (\(queue.errorLine)); asking again in \(Int(schedule.interval.rounded(.up))) s")
                }
                continue
            }
            failedPolls = 0
            var changed = false
            for (id, update) in updates {
                guard let watch = watches[id], !watch.done else { continue }
                if !update.listed {
                    watch.missing += 1
                    if watch.missing >= 2 {
                        watch.state = exitFileStatus(watch) ?? "VANISHED"
                        watch.done = true
                        changed = true
                    }
                    continue
                }
                watch.missing = 0
                if update.state != watch.state { changed = true }
                watch.state = update.state
                watch.details = update.details ?? watch.details
                if SlurmJobState.isTerminal(update.state) {
                    watch.done = true
                    changed = true
                }
            }
            schedule.answered(changed: changed)
            condition.broadcast()
        }
        condition.unlock()
    }

    /// `scontrol show job -o ID`, nil when the controller no longer knows the job.
    private func details(_ jobID: String) -> SlurmJobState.Details? {
        let output = commands.run("scontrol", ["show", "job", "-o", jobID])
        guard output.status == 0 else { return nil }
        return SlurmJobState.parseDetails(output.out)
    }

    private func hasExitFile(_ jobID: String) -> Bool {
        guard let path = condition.withLock({ exitPaths[jobID] }) else { return false }
        return FileSystem.exists(path)
    }

    /// A job gone from squeue and scontrol: COMPLETED or FAILED by its exit file, if any.
    /// Called with the condition locked.
    private func exitFileStatus(_ watch: Watch) -> String? {
        guard let path = exitPaths[watch.jobID], case .status(let status)? = SlurmJobScript.readExit(FileSystem.readText(path)) else {
            return nil
        }
        return status == 0 ? "COMPLETED" : "FAILED"
    }

    /// Exit-status files of this run's jobs, by job id.
    private var exitPaths: [String: String] = [:]
}
