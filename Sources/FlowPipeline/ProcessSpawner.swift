#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Starts a stage executable with `posix_spawn`, stdin from /dev/null and stdout+stderr
/// appended to a log file, and waits for it. The only unsafe-pointer code of the runner.
enum ProcessSpawner {
    struct Outcome {
        /// Exit status, or 128 + signal number when killed by a signal.
        let status: Int32
        let signal: Int32?
    }

    /// Runs `executable` (a full path) with `arguments` (argv[1...]) and `environment`.
    /// Kills it after `timeoutSeconds` when given.
    static func run(executable: String, arguments: [String], environment: [String: String],
                    logPath: String, timeoutSeconds: Double? = nil) -> Result<Outcome, PipelineError> {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)

        let argv = ([executable] + arguments).map { strdup($0) }
        let envp = environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") }
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        var rc: Int32 = 0
        // ETXTBSY: the executable was just written and some process (any child forked
        // meanwhile inherits the writer's descriptor) still holds it open for writing. It
        // clears within milliseconds; retry for up to half a second.
        for attempt in 0..<50 {
            rc = (argv + [nil]).withUnsafeBufferPointer { a in
                (envp + [nil]).withUnsafeBufferPointer { e in
                    posix_spawn(&pid, executable, &actions, nil, UnsafeMutablePointer(mutating: a.baseAddress!),
                                UnsafeMutablePointer(mutating: e.baseAddress!))
                }
            }
            if rc != ETXTBSY || attempt == 49 { break }
            usleep(10_000)
        }
        guard rc == 0 else {
            return .failure(.io(path: executable, reason: "cannot start: \(FileSystem.errorText(rc))"))
        }
        var status: Int32 = 0
        if let timeoutSeconds {
            var waited = 0.0
            while true {
                let r = waitpid(pid, &status, WNOHANG)
                if r == pid { break }
                if r < 0 && errno != EINTR { return .failure(.io(path: executable, reason: "waitpid failed: \(FileSystem.errorText())")) }
                if waited >= timeoutSeconds {
                    kill(pid, SIGKILL)
                    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
                    return .success(Outcome(status: 128 + SIGKILL, signal: SIGKILL))
                }
                usleep(10_000)
                waited += 0.01
            }
        } else {
            while waitpid(pid, &status, 0) < 0 {
                if errno != EINTR { return .failure(.io(path: executable, reason: "waitpid failed: \(FileSystem.errorText())")) }
            }
        }
        // WIFEXITED / WEXITSTATUS / WTERMSIG are macros; decode the classic encoding.
        let low = status & 0x7f
        if low == 0 { return .success(Outcome(status: (status >> 8) & 0xff, signal: nil)) }
        return .success(Outcome(status: 128 + low, signal: low))
    }

    /// Finds an executable by name: in each of `directories`, then in `$PATH`. A name with
    /// a `/` is used as given.
    static func resolve(_ name: String, directories: [String], path: String?) -> String? {
        if name.contains("/") { return access(name, X_OK) == 0 ? name : nil }
        let searchPath = directories + (path ?? "").split(separator: ":").map(String.init)
        for folder in searchPath where !folder.isEmpty {
            let candidate = folder + "/" + name
            if access(candidate, X_OK) == 0, FileSystem.status(candidate)?.isDirectory == false { return candidate }
        }
        return nil
    }
}
