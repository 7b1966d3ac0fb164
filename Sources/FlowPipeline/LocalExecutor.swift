import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs each task as a child process of the runner (`ProcessSpawner`), in the runner's
/// process group, and forwards the runner's signals to them.
final class LocalExecutor: TaskExecutor, @unchecked Sendable {
    private let lock = NSLock()
    /// Stage processes started and not yet reaped.
    private var children: [PipelineTask: pid_t] = [:]
    private var interruption: Int32?
    private var signalsReceived = 0

    func begin(runID: String, taskIDs: Set<String>, warn: @escaping @Sendable (String) -> Void) throws {}
    func settle(_ task: PipelineTask) {}
    func end() {}

    func run(_ launch: TaskLaunch) -> TaskExit {
        let started = Date()
        var environment = launch.environment
        environment.merge(launch.floeEnvironment) { $1 }
        let outcome = ProcessSpawner.run(
            executable: launch.executable, arguments: launch.arguments, environment: environment, logPath: launch.logPath,
            started: { pid in
                lock.withLock {
                    children[launch.task] = pid
                    if interruption != nil { kill(pid, forwardedSignal) }   // interrupted while it was starting
                }
            },
            exited: { _ in lock.withLock { children[launch.task] = nil } })
        switch outcome {
        case .failure(let error): return TaskExit(exitCode: nil, failure: "\(error)", note: nil)
        case .success(let result): return .exited(result.status, signal: result.signal, seconds: Date().timeIntervalSince(started))
        }
    }

    /// Forwards the signal to every running stage (SIGKILL from the second one on).
    func interrupt(_ signal: Int32, count: Int) {
        lock.withLock {
            signalsReceived = count
            if interruption == nil { interruption = signal }
            for pid in children.values { kill(pid, forwardedSignal) }
        }
    }

    /// The signal running stages get: the first one received, SIGKILL after a second one.
    /// Called with the lock held.
    private var forwardedSignal: Int32 { signalsReceived > 1 ? SIGKILL : interruption ?? SIGTERM }
}
