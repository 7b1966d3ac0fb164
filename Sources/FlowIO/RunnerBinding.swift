import CLinuxIO
import FlowCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Ties a stage's life to the `floe run` process that started it.
///
/// `floe run` passes its pid in `FLOE_RUNNER_PID`. A stage started that way asks the
/// kernel to kill it when its parent dies (`prctl(PR_SET_PDEATHSIG, SIGKILL)`), then checks
/// that its parent is still that runner: a runner killed between spawning the stage and
/// this call would otherwise be missed. A stage started by hand (no variable) is unaffected.
/// Whatever starts a stage, `OutputFolderClaim` keeps two writers out of one folder.
public enum RunnerBinding {
    /// Binds this process to the runner named in the environment, if any. Returns false
    /// when the runner is already gone; the caller should then stop without writing.
    public static func bindToRunner(environment: [String: String]) -> Bool {
        guard let text = environment[StageEnvironment.runnerPID], let runner = Int32(text), runner > 1 else { return true }
        _ = floe_set_parent_death_signal(SIGKILL)
        return getppid() == runner
    }
}
