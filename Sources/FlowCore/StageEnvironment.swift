/// Names of the environment variables `floe run` sets for every stage process it starts
/// (docs/pipeline.md, "Settings" and "Stages die with the runner"). The runner writes
/// them; a stage reads them when present and runs unchanged without them.
public enum StageEnvironment {
    /// The pid of the `floe run` process that started the stage, in decimal. A stage asks
    /// the kernel to kill it when its parent dies (`prctl(PR_SET_PDEATHSIG, SIGKILL)`) and
    /// then exits if `getppid()` differs from this pid: the runner died before the request
    /// took effect, and nobody would record or wait for the stage's work (`RunnerBinding`).
    public static let runnerPID = "FLOE_RUNNER_PID"
    /// Absolute path of the run's `settings.json`.
    public static let settings = "FLOE_SETTINGS"
    /// The run's id, `YYYYMMDDTHHMMSSZ-PID`.
    public static let runID = "FLOE_RUN_ID"
    /// The stage's name in the pipeline file.
    public static let stage = "FLOE_STAGE"
    /// The task's day, `YYYY-MM-DD`, for `for_each: date` stages only.
    public static let date = "FLOE_DATE"
}
