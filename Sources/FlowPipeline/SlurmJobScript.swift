import FlowCore

/// The batch script of one task: POSIX sh, everything explicit (working folder, FLOE_*
/// variables, the executable's full path and arguments), so a reader of the script sees
/// exactly what ran. It checks that the node has the runner's version of the executable,
/// runs the stage, and writes the stage's exit status to `exitPath` (atomically) before
/// exiting with it: the runner reads the real status back even after the controller has
/// forgotten the job.
enum SlurmJobScript {
    /// Status written (and exited with) when the node's executable differs from the
    /// runner's (EX_CONFIG).
    static let versionMismatchStatus: Int32 = 78

    static func render(_ launch: TaskLaunch, runID: String, exitPath: String) -> String {
        let lines = [
            "#!/bin/sh",
            "# floe run \(runID): task \(launch.task.id), attempt \(launch.attempt); written by floe, submitted with sbatch",
        ] + body(launch, exitPath: exitPath)
        return lines.joined(separator: "\n") + "\n"
    }

    /// The script of a job array: element `i` (`SLURM_ARRAY_TASK_ID`) runs the body of
    /// `elements[i]`, each with its own working folder, environment, command line and exit
    /// file; an index without a task writes nothing and exits 1.
    static func renderArray(_ elements: [(launch: TaskLaunch, exitPath: String)], runID: String) -> String {
        var lines = [
            "#!/bin/sh",
            "# floe run \(runID): job array of \(elements.count) tasks of stage \(elements.first?.launch.task.stage ?? "?"), "
                + "attempt 1; written by floe, submitted with sbatch --array",
            "case \"${SLURM_ARRAY_TASK_ID:-}\" in",
        ]
        for (index, element) in elements.enumerated() {
            lines.append("\(index))")
            lines.append("  # task \(element.launch.task.id)")
            lines += body(element.launch, exitPath: element.exitPath).map { "  " + $0 }
            lines.append("  ;;")
        }
        lines += [
            "*)",
            "  echo \"floe: this job array has no task for index '${SLURM_ARRAY_TASK_ID:-}' (0-\(elements.count - 1))\" >&2",
            "  exit 1",
            "  ;;",
            "esac",
        ]
        return lines.joined(separator: "\n") + "\n"
    }

    /// What one task's job (or array element) runs: into its folder, its variables, the
    /// version check, the stage, the exit file; ends with `exit`.
    private static func body(_ launch: TaskLaunch, exitPath: String) -> [String] {
        var lines = ["cd \(quote(launch.workingDirectory)) || exit 1"]
        for (key, value) in launch.floeEnvironment.sorted(by: { $0.key < $1.key }) where key != StageEnvironment.runnerPID {
            lines.append("export \(key)=\(quote(value))")
        }
        // A stage started by floe run locally dies with the runner (FLOE_RUNNER_PID); a
        // cluster job's parent is slurmstepd, so it must not look for the runner.
        lines.append("unset FLOE_RUNNER_PID")
        let exit = quote(exitPath)
        let exe = quote(launch.executable)
        lines += [
            "finish() { printf '%s\\n' \"$1\" > \(quote(exitPath + ".tmp")) && mv \(quote(exitPath + ".tmp")) \(exit); exit \"$2\"; }",
            "echo \"# Slurm job ${SLURM_ARRAY_JOB_ID:-${SLURM_JOB_ID:-?}}${SLURM_ARRAY_TASK_ID:+_$SLURM_ARRAY_TASK_ID} on $(hostname)\"",
        ]
        if launch.executableVersion != "unknown" {
            lines += [
                "expected=\(quote(launch.executableVersion))",
                "found=$(\(exe) --version 2>/dev/null | head -n 1 | sed 's/^[[:space:]]*//;s/[[:space:]]*$//')",
                "if [ \"$found\" != \"$expected\" ]; then",
                "  echo \"floe: \(launch.executable) on $(hostname) is version '${found:-unknown}', the runner's is '$expected'; install the same floe on every node\" >&2",
                "  finish \"version-mismatch ${found:-unknown}\" \(versionMismatchStatus)",
                "fi",
            ]
        }
        lines.append(([exe] + launch.arguments.map(quote)).joined(separator: " ") + " < /dev/null")
        lines.append("status=$?")
        lines.append("finish \"$status\" \"$status\"")
        return lines
    }

    /// Single-quoted for sh: only `'` needs care.
    static func quote(_ word: String) -> String {
        "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// What the exit file holds: the stage's status, or the node's version when it did not
    /// match.
    enum Recorded: Equatable {
        case status(Int32)
        case versionMismatch(found: String)
    }

    static func readExit(_ text: String?) -> Recorded? {
        guard let line = text?.split(whereSeparator: \.isNewline).first else { return nil }
        if line.hasPrefix("version-mismatch ") { return .versionMismatch(found: String(line.dropFirst("version-mismatch ".count))) }
        return Int32(line.trimmingCharacters(in: .whitespaces)).map { .status($0) }
    }
}
