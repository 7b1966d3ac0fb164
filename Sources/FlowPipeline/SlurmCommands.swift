import Foundation

/// Runs Slurm's client commands (`sbatch`, `squeue`, `scontrol`, `scancel`, found in the
/// runner's `$PATH`) and captures what they print.
struct SlurmCommands: Sendable {
    struct Output: Sendable {
        /// Exit status; nil when the command could not be started or timed out.
        let status: Int32?
        let out: String
        let err: String

        /// The last non-empty line of standard error (Slurm's `sbatch: error: …`).
        var errorLine: String {
            err.split(whereSeparator: \.isNewline).last.map(String.init) ?? (status == nil ? "did not finish" : "no message")
        }
    }

    static let tools = ["sbatch", "squeue", "scontrol", "scancel"]
    /// SLURM_* variables that say which cluster to talk to, not what the runner's own job is.
    static let keptSlurmVariables: Set<String> = ["SLURM_CONF", "SLURM_CLUSTERS"]

    let paths: [String: String]
    let environment: [String: String]
    /// Folder for the captured output files.
    let scratch: String
    /// A client command that does not answer within this time is killed (a hung controller).
    let timeoutSeconds: Double

    /// Finds the four commands in `environment["PATH"]`; throws a usage error naming those
    /// missing.
    init(environment: [String: String], scratch: String, timeoutSeconds: Double = 120) throws {
        var paths: [String: String] = [:]
        for tool in Self.tools {
            if let path = ProcessSpawner.resolve(tool, directories: [], path: environment["PATH"]) { paths[tool] = path }
        }
        let missing = Self.tools.filter { paths[$0] == nil }
        if !missing.isEmpty {
            throw PipelineError.usage("--executor slurm: \(missing.joined(separator: ", ")) not found in $PATH (\(environment["PATH"] ?? "not set")); "
                                      + "run floe on a host with the Slurm client commands (a login node), or use --executor local")
        }
        // The runner's own allocation (floe run inside salloc/sbatch: SLURM_JOB_ID,
        // SLURM_MEM_PER_CPU, …) must not leak into the jobs it submits with --export=ALL;
        // where the cluster's configuration is (SLURM_CONF, SLURM_CLUSTERS) must.
        self.paths = paths
        self.environment = environment.filter { !$0.key.hasPrefix("SLURM_") || Self.keptSlurmVariables.contains($0.key) }
        self.scratch = scratch
        self.timeoutSeconds = timeoutSeconds
    }

    func run(_ tool: String, _ arguments: [String]) -> Output {
        let base = scratch + "/.\(tool)-\(UUID().uuidString)"
        defer {
            unlink(base + ".out")
            unlink(base + ".err")
        }
        let outcome = ProcessSpawner.run(executable: paths[tool]!, arguments: arguments, environment: environment,
                                         logPath: base + ".out", errorPath: base + ".err", timeoutSeconds: timeoutSeconds)
        let out = FileSystem.readText(base + ".out") ?? ""
        let err = FileSystem.readText(base + ".err") ?? ""
        switch outcome {
        case .failure(let error): return Output(status: nil, out: out, err: err + "\n\(error)")
        case .success(let result):
            if result.signal == SIGKILL { return Output(status: nil, out: out, err: err + "\n\(tool) did not answer within \(Int(timeoutSeconds)) s") }
            return Output(status: result.status, out: out, err: err)
        }
    }
}
