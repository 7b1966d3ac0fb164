/// Environment variables through which `floe run` talks to the stage processes it starts.
public enum StageEnvironment {
    /// The pid of the `floe run` process that started this stage. A stage that finds it
    /// asks the kernel to end it when that process dies (`RunnerBinding`), so a killed
    /// runner never leaves a stage writing on behind the next run's back.
    public static let runnerPID = "FLOE_RUNNER_PID"
}
