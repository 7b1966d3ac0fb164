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
    /// Submit the tasks of one `for_each: date` stage that are ready at one scheduling step
    /// as job arrays (`--slurm-arrays on`, the default) instead of one job each.
    public var arrays = true

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
///
/// Several ready tasks of one `for_each: date` stage go as job arrays (`SlurmArray`):
/// their worker threads meet in a `Batch` (the runner says which tasks it started together,
/// `scheduled`), the last to arrive submits, and each task then follows its own element
/// (`JOBID_INDEX`) like a single job. A retry is a single job for that task alone.
final class SlurmExecutor: TaskExecutor, @unchecked Sendable {
    let commands: SlurmCommands
    let options: SlurmOptions
    let jobName: String
    /// Folder of the task maps of job arrays (in the state folder).
    let arrayFolder: String

    /// Tasks of one stage started at one scheduling step, submitted together.
    private final class Batch {
        /// Tasks that have neither arrived in `run` nor been released.
        var expected: Set<String>
        var arrived: [Member] = []
        var submitting = false
        /// Element (or job) id or why the submission failed, by task id; set once submitted.
        var outcome: [String: Result<String, SubmitFailure>]?

        init(expected: Set<String>) { self.expected = expected }
    }

    private struct Member {
        let launch: TaskLaunch
        let exitPath: String
    }

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
    /// Batches being gathered, by the task ids still expected.
    private var batches: [String: Batch] = [:]
    private var arraysSubmitted = 0
    private var arrayMaps: [String] = []
    private var maxArraySize: Int?

    init(commands: SlurmCommands, options: SlurmOptions, jobName: String, arrayFolder: String) {
        self.commands = commands
        self.options = options
        self.jobName = jobName
        self.arrayFolder = arrayFolder
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
        var maps: [String: [String]?] = [:]
        condition.lock()
        let lines = SlurmJobState.parseQueue(queue.out)
        for line in lines where !SlurmJobState.isTerminal(line.state) {
            // This run holds the state folder's lock: a live job of ours is a killed runner's.
            var found = Self.taskID(fromComment: line.comment)
            if found == nil, let mapPath = SlurmArray.mapPath(fromComment: line.comment) {
                if maps[mapPath] == nil { maps[mapPath] = SlurmArray.readMap(FileSystem.readText(mapPath)) }
                if let map = maps[mapPath]!, let index = SlurmArray.index(ofElement: line.jobID), index < map.count {
                    found = map[index]
                } else {
                    warn("floe run: Slurm job array element \(line.jobID) (\(line.state)) of an earlier run of this state folder has no readable task map "
                         + "(\(mapPath)); " + (options.cancelLeftovers ? "cancelling it (--cancel-leftovers)" : "left alone (scancel \(line.jobID) stops it)"))
                    if options.cancelLeftovers { cancel.append(line.jobID) }
                    continue
                }
            }
            guard let task = found else { continue }
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
        // Task maps of arrays no live job refers to any more.
        let live = Set(lines.filter { !SlurmJobState.isTerminal($0.state) }.compactMap { SlurmArray.mapPath(fromComment: $0.comment) })
        for name in FileSystem.list(arrayFolder) where !live.contains(arrayFolder + "/" + name) {
            unlink(arrayFolder + "/" + name)
        }
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

    func scheduled(_ tasks: [PipelineTask]) {
        guard options.arrays else { return }
        let byStage = Dictionary(grouping: tasks.filter { $0.partition != nil }, by: \.stage)
        condition.lock()
        for (_, group) in byStage where group.count > 1 {
            let batch = Batch(expected: Set(group.map(\.id)))
            for task in group { batches[task.id] = batch }
        }
        condition.unlock()
    }

    func release(_ task: PipelineTask) {
        condition.lock()
        if let batch = batches.removeValue(forKey: task.id) {
            batch.expected.remove(task.id)
            condition.broadcast()
        }
        condition.unlock()
    }

    func run(_ launch: TaskLaunch) -> TaskExit {
        let exitPath = launch.logPath + ".exit"
        unlink(exitPath)
        condition.lock()
        let batch = launch.attempt == 1 ? batches.removeValue(forKey: launch.task.id) : nil
        condition.unlock()
        let jobID: String
        if let batch {
            switch gather(batch, Member(launch: launch, exitPath: exitPath)) {
            case .failure(let message): return TaskExit(exitCode: nil, failure: message.description, note: nil)
            case .success(let id): jobID = id
            }
        } else {
            switch submitSingle(Member(launch: launch, exitPath: exitPath)) {
            case .failure(let message): return TaskExit(exitCode: nil, failure: message.description, note: nil)
            case .success(let id): jobID = id
            }
        }
        return follow(jobID, launch: launch, exitPath: exitPath, submitted: Date())
    }

    /// Adds a task to its batch and waits until the batch is complete (every task arrived or
    /// released); the last one submits for all. The task's element id, or why it failed.
    private func gather(_ batch: Batch, _ member: Member) -> Result<String, SubmitFailure> {
        condition.lock()
        batch.expected.remove(member.launch.task.id)
        batch.arrived.append(member)
        condition.broadcast()
        while batch.outcome == nil && (batch.submitting || (!batch.expected.isEmpty && interruption == nil)) { condition.wait() }
        if batch.outcome == nil {
            batch.submitting = true
            // In task order: element i of an array is its i-th day.
            let members = batch.arrived.sorted { $0.launch.task < $1.launch.task }
            let interrupted = interruption != nil
            condition.unlock()
            let outcome: [String: Result<String, SubmitFailure>]
            if interrupted {
                outcome = Dictionary(uniqueKeysWithValues: members.map {
                    ($0.launch.task.id, .failure(SubmitFailure("not submitted: floe run was interrupted")))
                })
            } else {
                outcome = submitArrays(members)
            }
            condition.lock()
            batch.outcome = outcome
            batch.submitting = false
            condition.broadcast()
        }
        let mine = batch.outcome![member.launch.task.id] ?? .failure(SubmitFailure("not submitted"))
        condition.unlock()
        return mine
    }

    /// Writes the job script and submits one task as one job; its job id, being watched.
    private func submitSingle(_ member: Member) -> Result<String, SubmitFailure> {
        let launch = member.launch
        let scriptPath = String(launch.logPath.dropLast(launch.logPath.hasSuffix(".log") ? 4 : 0)) + ".slurm.sh"
        do {
            try FileSystem.writeAtomically(scriptPath, SlurmJobScript.render(launch, runID: runID, exitPath: member.exitPath))
            chmod(scriptPath, 0o755)
        } catch {
            return .failure(SubmitFailure("cannot write the job script: \(error)"))
        }
        if condition.withLock({ interruption }) != nil { return .failure(SubmitFailure("not submitted: floe run was interrupted")) }
        let arguments = ["--parsable", "--job-name=\(jobName)",
                         "--comment=\(Self.comment(task: launch.task.id, runID: runID, attempt: launch.attempt))",
                         "--output=\(launch.logPath)", "--open-mode=append", "--chdir=\(launch.workingDirectory)",
                         "--export=ALL"] + launch.resources.sbatchOptions + [scriptPath]
        let result = submit(arguments)
        if case .success(let jobID) = result { watch([(jobID, member)], cancelling: [jobID]) }
        return result
    }

    /// Submits the members (tasks of one stage) as job arrays of at most MaxArraySize
    /// elements each; the element id (`JOBID_INDEX`) or the failure of each, by task id.
    private func submitArrays(_ members: [Member]) -> [String: Result<String, SubmitFailure>] {
        if members.count == 1 { return [members[0].launch.task.id: submitSingle(members[0])] }
        var outcome: [String: Result<String, SubmitFailure>] = [:]
        for chunk in SlurmArray.split(members, size: arraySizeLimit()) {
            let failed = { (message: String) in for member in chunk { outcome[member.launch.task.id] = .failure(SubmitFailure(message)) } }
            let first = chunk[0].launch
            let sequence = condition.withLock { () -> Int in arraysSubmitted += 1; return arraysSubmitted }
            let base = FileSystem.parent(first.logPath) + "/\(first.task.stage)-array-\(sequence)"
            let mapPath = arrayFolder + "/\(runID)-\(sequence).tasks"
            do {
                // Element i's output goes to i.log, a link to its task's log.
                try FileSystem.makeDirectories(base + ".logs")
                for (index, member) in chunk.enumerated() {
                    unlink(base + ".logs/\(index).log")
                    if symlink(member.launch.logPath, base + ".logs/\(index).log") != 0 {
                        throw PipelineError.io(path: base + ".logs/\(index).log", reason: String(cString: strerror(errno)))
                    }
                }
                try FileSystem.makeDirectories(arrayFolder)
                try FileSystem.writeAtomically(mapPath, SlurmArray.renderMap(chunk.map(\.launch.task.id)))
                condition.withLock { arrayMaps.append(mapPath) }
                try FileSystem.writeAtomically(base + ".slurm.sh", SlurmJobScript.renderArray(chunk.map { ($0.launch, $0.exitPath) }, runID: runID))
                chmod(base + ".slurm.sh", 0o755)
            } catch {
                failed("cannot write the job array's script: \(error)")
                continue
            }
            if condition.withLock({ interruption }) != nil {
                failed("not submitted: floe run was interrupted")
                continue
            }
            let arguments = ["--parsable", "--job-name=\(jobName)", "--array=0-\(chunk.count - 1)",
                             "--comment=\(SlurmArray.comment(stage: first.task.stage, runID: runID, mapPath: mapPath))",
                             "--output=\(base).logs/%a.log", "--open-mode=append", "--chdir=\(first.workingDirectory)",
                             "--export=ALL"] + first.resources.sbatchOptions + [base + ".slurm.sh"]
            switch submit(arguments) {
            case .failure(let message): failed(message.description)
            case .success(let arrayID):
                let elements = chunk.enumerated().map { ("\(arrayID)_\($0.offset)", $0.element) }
                watch(elements, cancelling: [arrayID])
                for (id, member) in elements { outcome[member.launch.task.id] = .success(id) }
            }
        }
        return outcome
    }

    /// MaxArraySize of the cluster, read once per run (`scontrol show config`).
    private func arraySizeLimit() -> Int {
        if let known = condition.withLock({ maxArraySize }) { return known }
        let output = commands.run("scontrol", ["show", "config"])
        var size = SlurmArray.maxArraySize(config: output.out)
        if size == nil {
            warn("floe run: cannot read MaxArraySize from scontrol show config (\(output.status == 0 ? "not listed" : output.errorLine)); "
                 + "job arrays of at most \(SlurmArray.defaultMaxArraySize) tasks")
            size = SlurmArray.defaultMaxArraySize
        }
        condition.withLock { maxArraySize = size }
        return size!
    }

    /// Starts following submitted jobs; cancels `cancelling` at once when the run was
    /// interrupted while they were submitted.
    private func watch(_ jobs: [(String, Member)], cancelling: [String]) {
        condition.lock()
        for (jobID, member) in jobs {
            watches[jobID] = Watch(jobID: jobID, taskID: member.launch.task.id, ours: true)
            exitPaths[jobID] = member.exitPath
        }
        schedule.reset()
        let interrupted = interruption != nil
        condition.broadcast()
        condition.unlock()
        if interrupted { _ = commands.run("scancel", cancelling) }
    }

    /// Waits for a submitted job (or array element) to end; how the task ended.
    private func follow(_ jobID: String, launch: TaskLaunch, exitPath: String, submitted: Date) -> TaskExit {
        condition.lock()
        let watch = watches[jobID]!
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
        let maps = arrayMaps
        condition.unlock()
        if pollerStarted { pollerDone.wait() }
        // Every task has returned: no element of this run's arrays is followed any more.
        for path in maps { unlink(path) }
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
