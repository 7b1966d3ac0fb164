import Foundation

/// How `floe run` runs a pipeline.
public struct RunOptions: Sendable {
    /// Days for `{date}`, `{from}`, `{to}` and partitioned stages.
    public var dates: DateSelection?
    /// Tasks running at once.
    public var jobs: Int = ProcessInfo.processInfo.activeProcessorCount
    /// Run selected tasks even when up to date.
    public var force = false
    /// Run only these stages (their dependencies' outputs are used as they are).
    public var only: [String] = []
    /// Run this stage and everything downstream of it.
    public var fromStage: String?
    /// Folder of the state file, run lock and logs; default `.floe/<pipeline file stem>`.
    public var stateDirectory: String?
    /// Folders searched for stage executables before `$PATH`; default: the running
    /// executable's folder.
    public var binDirectories: [String] = [RunOptions.executableFolder]
    /// Subcommands of the umbrella `floe` executable. A stage `run: floe-X` whose
    /// executable is not found runs as `floe X` when X is one of these (the same code);
    /// any other missing executable is reported as not found.
    public var umbrellaSubcommands: Set<String> = []
    /// Environment passed to stages (plus FLOE_* variables) and used for `$PATH`.
    public var environment: [String: String] = ProcessInfo.processInfo.environment
    /// Wait for another run holding the lock instead of exiting with 75.
    public var wait = false
    /// Print only failures.
    public var quiet = false
    /// Redraw a progress line on standard error.
    public var progress = false
    /// Run folders kept under `logs/` (older ones are deleted after taking the lock).
    public var keepLogs = 30
    /// While tasks run, catch SIGINT, SIGTERM and SIGHUP and pass them to
    /// `PipelineRunner.interrupt(signal:)` (forward to the stages, wait for them). Off by
    /// default: it changes process-wide signal dispositions; `floe run` turns it on.
    public var catchSignals = false
    /// What runs the tasks: child processes (`local`) or Slurm jobs (`slurm`).
    public var executor: ExecutorKind = .local
    /// Times a failed task is started again (not one that could not start: a missing
    /// input or executable), each try in the same log.
    public var retries = 0
    /// Settings of the Slurm executor.
    public var slurm = SlurmOptions()
    /// How long a task that exited 0 may take for its outputs to appear (a shared
    /// filesystem's attribute cache can lag behind the node that wrote them); default 0
    /// for the local executor, 10 s for Slurm.
    public var latencyWait: Double?

    public init() {}

    /// The folder of the running executable (where `floe` and the stage executables live).
    public static var executableFolder: String {
        let path = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments.first ?? "."
        return FileSystem.parent(path)
    }

    /// The state folder for a pipeline file: `.floe/<stem>` under the working directory.
    public static func defaultStateDirectory(for pipelinePath: String) -> String {
        var stem = FileSystem.basename(pipelinePath)
        if let dot = stem.lastIndex(of: "."), dot != stem.startIndex { stem = String(stem[..<dot]) }
        return ".floe/" + stem
    }
}

/// What happened to one task.
public struct TaskResult: Sendable {
    public enum Status: String, Sendable {
        case ran, skipped, failed
        /// Not started because an upstream task failed.
        case blocked
    }

    public let task: PipelineTask
    public let status: Status
    public let reasons: [String]
    public let exitCode: Int32?
    public let seconds: Double
    /// The task's log file, when it was started or failed before starting.
    public let logPath: String?
    /// What went wrong, for failed and blocked tasks.
    public let failure: String?
}

/// The outcome of a run.
public struct RunSummary: Sendable {
    public let runID: String
    public let results: [TaskResult]
    public let stageCount: Int
    public let seconds: Double
    public let logFolder: String
    /// The signal that interrupted the run (`PipelineRunner.interrupt(signal:)`), if any.
    public let interruptedBy: Int32?

    public func count(_ status: TaskResult.Status) -> Int { results.filter { $0.status == status }.count }

    public var failedTasks: [PipelineTask] { results.filter { $0.status == .failed || $0.status == .blocked }.map(\.task) }

    /// 0 when every task ran or was up to date, 128 + the signal when interrupted, 1 otherwise.
    public var exitCode: Int32 {
        if let interruptedBy { return 128 + interruptedBy }
        return failedTasks.isEmpty ? PipelineExitCode.success : PipelineExitCode.failure
    }

    /// `floe run: 6 stages, 4 ran, 2 skipped, 0 failed in 12.3 s`.
    public var line: String {
        let taskNote = results.count == stageCount ? "" : " (\(results.count) tasks)"
        var text = "floe run: \(stageCount) stage\(stageCount == 1 ? "" : "s")\(taskNote), \(count(.ran)) ran, \(count(.skipped)) skipped, \(count(.failed)) failed"
        if count(.blocked) > 0 { text += ", \(count(.blocked)) blocked" }
        text += " in " + String(format: "%.1f", seconds) + " s"
        let failed = results.filter { $0.status == .failed }.map(\.task.id)
        if !failed.isEmpty {
            text += "; failed: " + (failed.count > 20 ? failed.prefix(20).joined(separator: ", ") + ", …" : failed.joined(separator: ", "))
        }
        if let interruptedBy { text += "; interrupted by signal \(interruptedBy)" }
        return text
    }
}
