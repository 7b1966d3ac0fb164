import FlowCore
import FlowIO
import Foundation

/// Runs the tasks of a pipeline: each as its own process, in dependency order, up to
/// `jobs` at once, skipping tasks whose recorded fingerprint still matches.
public final class PipelineRunner: @unchecked Sendable {
    public let spec: PipelineSpec
    public let graph: PipelineGraph
    public let options: RunOptions
    public let taskGraph: TaskGraph
    /// Folder of `floe.lock.json`, `run.lock`, `settings.json` and `logs/`.
    public let stateDirectory: String
    private let output: @Sendable (String) -> Void
    private let errorOutput: @Sendable (String) -> Void
    /// The run in progress, for `interrupt(signal:)`.
    private let executionLock = NSLock()
    private var execution: Execution?

    /// Prepares a run; throws `PipelineError.usage` for impossible selections.
    /// `output` receives standard-output lines, `errorOutput` diagnostics and progress
    /// (progress text starts with "\r").
    public init(spec: PipelineSpec, options: RunOptions,
                output: @escaping @Sendable (String) -> Void,
                errorOutput: @escaping @Sendable (String) -> Void) throws {
        self.spec = spec
        self.graph = PipelineGraph(spec)
        self.options = options
        self.output = output
        self.errorOutput = errorOutput
        self.stateDirectory = options.stateDirectory ?? RunOptions.defaultStateDirectory(for: spec.path)
        let names = spec.stages.map(\.name)
        for name in options.only + (options.fromStage.map { [$0] } ?? []) where !names.contains(name) {
            throw PipelineError.usage("no stage '\(name)' in \(spec.path) (stages: \(names.joined(separator: ", ")))")
        }
        var selected = Set(names)
        if !options.only.isEmpty && options.fromStage != nil {
            throw PipelineError.usage("give --only or --from-stage, not both")
        }
        if !options.only.isEmpty { selected = Set(options.only) }
        if let from = options.fromStage { selected = graph.downstreamClosure(of: from) }
        self.taskGraph = try TaskGraph(spec: spec, graph: graph, stages: selected, dates: options.dates)
    }

    var statePath: String { stateDirectory + "/" + PipelineState.fileName }
    var settingsPath: String { stateDirectory + "/settings.json" }

    // MARK: - Explain

    /// What a run would do, task by task, without running anything or taking the lock.
    public func explain() throws -> [TaskDecision] {
        let state = try PipelineState.load(path: statePath, pipeline: spec.path)
        let preparer = makePreparer(versionFolder: NSTemporaryDirectory())
        var willRun: Set<PipelineTask> = []
        var decisions: [TaskDecision] = []
        for task in taskGraph.tasks {
            let upstreamRunning = taskGraph.upstream[task, default: []].filter(willRun.contains)
            let previous = state.entries[task.id]
            let prepared = preparer.prepare(task, previous: previous, allowMissingInputs: !upstreamRunning.isEmpty)
            var reasons: [String] = []
            var seen: Set<String> = []
            for up in upstreamRunning where seen.insert(up.stage).inserted {
                reasons.append("upstream stage \(up.stage) will run")
            }
            reasons += preparer.reasons(prepared, previous: previous, force: options.force)
            let run = !reasons.isEmpty || !prepared.problems.isEmpty
            if run { willRun.insert(task) }
            decisions.append(TaskDecision(task: task, willRun: run, reasons: reasons, command: prepared.command,
                                          problems: prepared.problems))
        }
        return decisions
    }

    // MARK: - Run

    /// Takes the lock, runs every selected task that is out of date and returns the
    /// summary (also written as `run.json` in the run's log folder).
    public func run() throws -> RunSummary {
        let started = Date()
        try FileSystem.makeDirectories(stateDirectory)
        let lock = try RunLock.acquire(path: stateDirectory + "/run.lock", wait: options.wait, onWait: { holder in
            self.errorOutput("floe run: waiting for the run holding \(self.stateDirectory)/run.lock (\(holder))")
        }, onTakeOver: { notice in self.errorOutput(notice) })
        defer { lock.release() }

        let runID = RunRecord.runID(started)
        let logsRoot = stateDirectory + "/logs"
        try FileSystem.makeDirectories(logsRoot)
        pruneLogs(logsRoot)
        let logFolder = logsRoot + "/" + runID
        try FileSystem.makeDirectories(logFolder)

        if FileSystem.readText(settingsPath) != spec.settingsJSON {
            try FileSystem.writeAtomically(settingsPath, spec.settingsJSON)
        }
        let state = try PipelineState.load(path: statePath, pipeline: spec.path)
        let executor = try makeExecutor(logFolder: logFolder)
        let execution = Execution(runner: self, executor: executor, state: state, preparer: makePreparer(versionFolder: logFolder),
                                  runID: runID, logFolder: logFolder, started: started)
        executionLock.withLock { self.execution = execution }
        defer { executionLock.withLock { self.execution = nil } }
        try executor.begin(runID: runID, taskIDs: Set(taskGraph.tasks.map(\.id)), warn: errorOutput)
        defer { executor.end() }
        let results = options.catchSignals
            ? try InterruptSignals.catching(handler: { [self] in interrupt(signal: $0) }, during: execution.run)
            : try execution.run()
        let summary = RunSummary(runID: runID, results: results, stageCount: Set(taskGraph.tasks.map(\.stage)).count,
                                 seconds: Date().timeIntervalSince(started), logFolder: logFolder,
                                 interruptedBy: execution.interruption)
        try RunRecord(summary: summary, pipeline: spec.path, started: started).write(to: logFolder + "/run.json")
        if !options.quiet || summary.exitCode != 0 { output(summary.line) }
        return summary
    }

    /// Stops the run in progress: forwards `signal` to every running stage process (a
    /// second call sends SIGKILL instead), starts no further task, and lets `run()` return
    /// once the running stages have exited, their results recorded; the summary's exit
    /// code is then 128 + `signal`. Does nothing when no run is in progress. With
    /// `RunOptions.catchSignals`, SIGINT, SIGTERM and SIGHUP call this.
    public func interrupt(signal: Int32) {
        executionLock.withLock { execution }?.interrupt(signal)
    }

    func makeExecutor(logFolder: String) throws -> TaskExecutor {
        switch options.executor {
        case .local:
            return LocalExecutor()
        case .slurm:
            let commands = try SlurmCommands(environment: options.environment, scratch: logFolder)
            let name = SlurmExecutor.jobName(stateDirectory: FileSystem.absolute(stateDirectory), pipeline: spec.path)
            return SlurmExecutor(commands: commands, options: options.slurm, jobName: name,
                                 arrayFolder: FileSystem.absolute(stateDirectory) + "/slurm-arrays")
        }
    }

    func makePreparer(versionFolder: String) -> TaskPreparer {
        TaskPreparer(spec: spec, graph: graph, dates: options.dates, binDirectories: options.binDirectories,
                     umbrellaSubcommands: options.umbrellaSubcommands, searchPath: options.environment["PATH"],
                     versionLogFolder: versionFolder)
    }

    /// Keeps the newest `keepLogs - 1` run folders, making room for this run's.
    func pruneLogs(_ root: String) {
        let runs = FileSystem.list(root).filter { FileSystem.status(root + "/" + $0)?.isDirectory == true }
        guard options.keepLogs > 0, runs.count >= options.keepLogs else { return }
        for name in runs.prefix(runs.count - options.keepLogs + 1) {
            try? FileManager.default.removeItem(atPath: root + "/" + name)
        }
    }

    func say(_ line: String) { output(line) }
    func warn(_ line: String) { errorOutput(line) }
}

/// The mutable part of one run: results so far, the state, the running set.
final class Execution: @unchecked Sendable {
    let runner: PipelineRunner
    let executor: TaskExecutor
    let preparer: TaskPreparer
    let runID: String
    let logFolder: String
    let started: Date

    private let condition = NSCondition()
    private var state: PipelineState
    private var stateError: Error?
    private var results: [PipelineTask: TaskResult] = [:]
    private var running: [PipelineTask: Date] = [:]
    private var signalsReceived = 0
    /// The first signal passed to `interrupt`; nil while the run goes on.
    private(set) var interruption: Int32?

    init(runner: PipelineRunner, executor: TaskExecutor, state: PipelineState, preparer: TaskPreparer, runID: String,
         logFolder: String, started: Date) {
        self.runner = runner
        self.executor = executor
        self.state = state
        self.preparer = preparer
        self.runID = runID
        self.logFolder = logFolder
        self.started = started
    }

    func run() throws -> [TaskResult] {
        let graph = runner.taskGraph
        var pending = graph.tasks
        let jobs = max(1, runner.options.jobs)
        condition.lock()
        while true {
            var index = 0
            var starting: [(task: PipelineTask, previous: StateEntry?)] = []
            if let interruption {
                for task in pending {
                    let result = TaskResult(task: task, status: .blocked, reasons: [], exitCode: nil, seconds: 0, logPath: nil,
                                            failure: "not run: floe run was interrupted by signal \(interruption)")
                    results[task] = result
                    report(result)
                }
                pending = []
            }
            while index < pending.count {
                let task = pending[index]
                let deps = graph.upstream[task, default: []]
                if let failed = deps.first(where: { [.failed, .blocked].contains(results[$0]?.status) }) {
                    let result = TaskResult(task: task, status: .blocked, reasons: [], exitCode: nil, seconds: 0, logPath: nil,
                                            failure: "not run: upstream \(failed.id) \(results[failed]!.status == .failed ? "failed" : "did not run")")
                    results[task] = result
                    report(result)
                    pending.remove(at: index)
                    continue
                }
                if running.count < jobs && deps.allSatisfy({ results[$0] != nil }) {
                    pending.remove(at: index)
                    running[task] = Date()
                    starting.append((task, state.entries[task.id]))
                    continue
                }
                index += 1
            }
            if !starting.isEmpty { executor.scheduled(starting.map(\.task)) }
            for (task, previous) in starting {
                Thread.detachNewThread { [self] in
                    let result = execute(task, previous: previous)
                    executor.release(task)
                    condition.lock()
                    results[task] = result
                    running[task] = nil
                    report(result)
                    condition.signal()
                    condition.unlock()
                }
            }
            if pending.isEmpty && running.isEmpty { break }
            drawProgress(total: graph.tasks.count, waiting: pending)
            _ = condition.wait(until: Date().addingTimeInterval(1))
        }
        clearProgress()
        condition.unlock()
        if let stateError { throw stateError }
        return graph.tasks.compactMap { results[$0] }
    }

    /// Runs on a worker thread; takes the condition lock only to record results.
    private func execute(_ task: PipelineTask, previous: StateEntry?) -> TaskResult {
        executor.settle(task)
        let startedTask = Date()
        let prepared = preparer.prepare(task, previous: previous)
        let logPath = logFolder + "/" + task.logName
        if !prepared.problems.isEmpty {
            try? FileSystem.writeAtomically(logPath, "# floe run \(runID): \(task.id) not started\n"
                                            + prepared.problems.map { "# \($0)\n" }.joined())
            return TaskResult(task: task, status: .failed, reasons: [], exitCode: nil, seconds: 0, logPath: logPath,
                              failure: prepared.problems.joined(separator: "; "))
        }
        let reasons = preparer.reasons(prepared, previous: previous, force: runner.options.force)
        if reasons.isEmpty {
            return TaskResult(task: task, status: .skipped, reasons: [], exitCode: nil, seconds: 0, logPath: nil, failure: nil)
        }
        let header = "# floe run \(runID): \(task.id)\n# command: \(prepared.command.joined(separator: " "))\n"
            + "# executable: \(prepared.executablePath ?? "?") (\(prepared.executableVersion))\n"
            + "# executor: \(runner.options.executor.rawValue)\n"
            + reasons.map { "# reason: \($0)\n" }.joined()
            + "# started: \(ISO8601DateFormatter().string(from: startedTask))\n"
        do { try FileSystem.writeAtomically(logPath, header) } catch {
            return TaskResult(task: task, status: .failed, reasons: reasons, exitCode: nil, seconds: 0, logPath: nil, failure: "\(error)")
        }
        var floeEnvironment: [String: String] = [
            StageEnvironment.settings: absolute(runner.settingsPath),
            StageEnvironment.runID: runID,
            StageEnvironment.stage: task.stage,
            StageEnvironment.runnerPID: String(getpid()),
            StageProgress.environmentKey: absolute(progressPath(task)),
        ]
        floeEnvironment[StageEnvironment.date] = task.partition
        var attempt = 1
        var exit: TaskExit
        var failure: String?
        var seconds = 0.0
        while true {
            let launch = TaskLaunch(task: task, executable: prepared.executablePath!,
                                    arguments: prepared.subcommand + prepared.command.dropFirst(),
                                    environment: runner.options.environment, floeEnvironment: floeEnvironment,
                                    workingDirectory: FileManager.default.currentDirectoryPath, logPath: absolute(logPath),
                                    executableVersion: prepared.executableVersion, resources: runner.spec.stage(named: task.stage)?.resources ?? StageResources(),
                                    attempt: attempt)
            let attemptStarted = Date()
            exit = executor.run(launch)
            seconds = Date().timeIntervalSince(startedTask)
            failure = exit.failure
            if failure == nil, let missing = missingOutput(prepared.outputs) {
                failure = "exited 0 but did not create output \(missing)"
            }
            appendToLog(logPath, "\n" + (exit.note.map { "# \($0)\n" } ?? "")
                        + "# \(failure ?? "exit 0 after \(format(Date().timeIntervalSince(attemptStarted)))")\n")
            try? FileManager.default.removeItem(atPath: progressPath(task))
            guard let failed = failure, attempt <= runner.options.retries, condition.withLock({ interruption }) == nil else { break }
            attempt += 1
            appendToLog(logPath, "# retrying: attempt \(attempt) of \(runner.options.retries + 1)\n")
            runner.warn("RETRY   \(task.id): \(failed); attempt \(attempt) of \(runner.options.retries + 1)")
        }
        if let failure {
            // The stage ran and may have changed its outputs before failing: its last
            // success no longer describes them, so it must not make the next run skip it.
            condition.lock()
            if state.entries.removeValue(forKey: task.id) != nil { saveState() }
            condition.unlock()
            return TaskResult(task: task, status: .failed, reasons: reasons, exitCode: exit.exitCode, seconds: seconds, logPath: logPath, failure: failure)
        }
        let entry = StateEntry(command: prepared.command, executableVersion: prepared.executableVersion,
                               settings: preparer.settingsHash, params: prepared.params, inputs: prepared.inputs,
                               outputs: prepared.outputs, finishedAt: ISO8601DateFormatter().string(from: Date()),
                               seconds: (seconds * 1000).rounded() / 1000)
        // Recorded at once, so a runner killed later forgets no finished task.
        condition.lock()
        state.entries[task.id] = entry
        saveState()
        condition.unlock()
        return TaskResult(task: task, status: .ran, reasons: reasons, exitCode: 0, seconds: seconds, logPath: logPath, failure: nil)
    }

    /// The first output that does not exist, after waiting up to the latency wait for it
    /// (a shared filesystem may show a node's files late).
    private func missingOutput(_ outputs: [String]) -> String? {
        let wait = runner.options.latencyWait ?? (runner.options.executor == .slurm ? 10 : 0)
        let deadline = Date().addingTimeInterval(wait)
        while true {
            guard let missing = outputs.first(where: { !FileSystem.exists($0) }) else { return nil }
            if Date() >= deadline { return missing }
            usleep(200_000)
        }
    }

    /// Stops starting tasks and passes the signal on (`TaskExecutor.interrupt`); see
    /// `PipelineRunner.interrupt(signal:)`.
    func interrupt(_ signal: Int32) {
        condition.lock()
        signalsReceived += 1
        if interruption == nil { interruption = signal }
        let count = signalsReceived
        condition.signal()
        condition.unlock()
        executor.interrupt(signal, count: count)
    }

    /// Writes the whole state file atomically. Called with the condition locked.
    private func saveState() {
        do {
            try state.save(path: runner.statePath)
        } catch {
            stateError = error
        }
    }

    /// Called with the condition locked.
    private func report(_ result: TaskResult) {
        let quiet = runner.options.quiet
        var line: String?
        switch result.status {
        case .ran where !quiet:
            line = "ran     \(result.task.id) (\(format(result.seconds))): \(result.reasons.first ?? "")"
                + (result.reasons.count > 1 ? " (+\(result.reasons.count - 1) more)" : "")
        case .failed:
            line = "FAILED  \(result.task.id): \(result.failure ?? "")" + (result.logPath.map { "; log: \($0)" } ?? "")
            if let log = result.logPath, let text = FileSystem.readText(log) {
                let tail = text.split(separator: "\n", omittingEmptySubsequences: true).filter { !$0.hasPrefix("# ") }.suffix(5)
                line! += tail.map { "\n        | \($0)" }.joined()
            }
        case .blocked:
            line = "BLOCKED \(result.task.id): \(result.failure ?? "")"
        default:
            break
        }
        guard let line else { return }
        clearProgress()
        if result.status == .ran { runner.say(line) } else { runner.warn(line) }
    }

    private var progressShown = false

    /// Where a task's stage process reports its progress (`StageProgress`).
    private func progressPath(_ task: PipelineTask) -> String {
        logFolder + "/" + task.logName + ".progress"
    }

    /// Called with the condition locked.
    private func drawProgress(total: Int, waiting: [PipelineTask]) {
        guard runner.options.progress, !running.isEmpty else { return }
        let now = Date()
        var stageSeconds: [String: (sum: Double, count: Int)] = [:]
        for result in results.values where result.status == .ran {
            stageSeconds[result.task.stage, default: (0, 0)].sum += result.seconds
            stageSeconds[result.task.stage, default: (0, 0)].count += 1
        }
        func estimate(_ task: PipelineTask) -> Double? {
            if let seconds = state.entries[task.id]?.seconds { return seconds }
            return stageSeconds[task.stage].map { $0.sum / Double($0.count) }
        }
        let inFlight = running.sorted { $0.value < $1.value }.map { task, since in
            TaskInFlight(id: task.id, elapsed: now.timeIntervalSince(since),
                         snapshot: StageProgressSnapshot.read(path: progressPath(task)),
                         previousSeconds: state.entries[task.id]?.seconds)
        }
        let upstream = runner.taskGraph.upstream
        let queued = waiting.map { task in
            TaskWaiting(id: task.id, estimate: estimate(task),
                        upstream: upstream[task, default: []].filter { results[$0] == nil }.map(\.id))
        }
        let line = ProgressLine(finished: results.count, total: total, running: inFlight, waiting: queued,
                                jobs: max(1, runner.options.jobs), elapsed: now.timeIntervalSince(started))
        runner.warn("\r\u{1B}[K" + line.text(columns: ProgressLine.terminalColumns()))
        progressShown = true
    }

    private func clearProgress() {
        if progressShown { runner.warn("\r\u{1B}[K"); progressShown = false }
    }

    private func appendToLog(_ path: String, _ text: String) {
        guard let handle = FileHandle(forWritingAtPath: path) else { return }
        handle.seekToEndOfFile()
        handle.write(Data(text.utf8))
        try? handle.close()
    }

    private func absolute(_ path: String) -> String { FileSystem.absolute(path) }
}

func format(_ seconds: Double) -> String { String(format: "%.1f s", seconds) }
