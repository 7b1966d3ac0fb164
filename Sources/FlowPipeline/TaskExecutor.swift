import Foundation

/// Which engine runs the tasks of `floe run` (`--executor`).
public enum ExecutorKind: String, Sendable, CaseIterable {
    /// Each task as a child process of the runner (the default).
    case local
    /// Each task as a Slurm batch job (`sbatch`), polled with `squeue`/`scontrol`.
    case slurm
}

/// Everything an executor needs to start one task: the runner has already decided that it
/// runs, written the log header and rendered the command.
struct TaskLaunch: Sendable {
    let task: PipelineTask
    /// Full path of the executable (resolved on the runner's host; on a cluster the same
    /// path must exist on the nodes: shared filesystem).
    let executable: String
    /// argv[1...].
    let arguments: [String]
    /// The whole environment of the stage process (the runner's plus the FLOE_* names).
    let environment: [String: String]
    /// The FLOE_* variables alone (a cluster job states them explicitly).
    let floeEnvironment: [String: String]
    /// Absolute folder the stage runs in (relative paths of the pipeline file are relative
    /// to it).
    let workingDirectory: String
    /// Absolute path of the task's log; the stage's stdout and stderr are appended.
    let logPath: String
    /// First line of `EXE --version` on the runner's host (`unknown` when it failed).
    let executableVersion: String
    let resources: StageResources
    /// 1 for the first try, 2 for the first retry, …
    let attempt: Int
}

/// How a task's process ended, as an executor saw it.
struct TaskExit: Sendable {
    /// The stage's exit status (128 + N when killed by signal N), when known.
    var exitCode: Int32?
    /// Why the task failed, when it did; nil for exit 0.
    var failure: String?
    /// Where it ran, for the log's last line (`Slurm job 123 on node1`).
    var note: String?

    static func exited(_ status: Int32, signal: Int32?, seconds: Double, note: String? = nil) -> TaskExit {
        if let signal { return TaskExit(exitCode: status, failure: "killed by signal \(signal) after \(format(seconds))", note: note) }
        if status != 0 { return TaskExit(exitCode: status, failure: "exit \(status) after \(format(seconds))", note: note) }
        return TaskExit(exitCode: 0, failure: nil, note: note)
    }
}

/// Runs tasks for `Execution`: one call of `run` per task and attempt, on a worker thread
/// of its own, several at once; the runner keeps the DAG, fingerprints, state, logs and
/// results, whatever the executor.
protocol TaskExecutor: AnyObject, Sendable {
    /// Called once after the run lock is taken, before any task. `warn` prints a notice.
    func begin(runID: String, taskIDs: Set<String>, warn: @escaping @Sendable (String) -> Void) throws
    /// Called on a task's worker thread before its inputs are fingerprinted: returns once
    /// nothing left over from an earlier (killed) run of this state folder still works on
    /// the task.
    func settle(_ task: PipelineTask)
    /// Called by the scheduler with the tasks it starts at one step, before their worker
    /// threads start: an executor may submit those of one stage together.
    func scheduled(_ tasks: [PipelineTask])
    /// Called on a task's worker thread when it is done with the task, whether it ran,
    /// was skipped or could not start.
    func release(_ task: PipelineTask)
    /// Runs one attempt of a task to its end.
    func run(_ launch: TaskLaunch) -> TaskExit
    /// The runner got `signal` (`count`-th time): stop what runs, start nothing more.
    func interrupt(_ signal: Int32, count: Int)
    /// After the last task: stop helper threads.
    func end()
}

extension TaskExecutor {
    func scheduled(_ tasks: [PipelineTask]) {}
    func release(_ task: PipelineTask) {}
}
