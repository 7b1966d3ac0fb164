import CLinuxIO
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
    /// Standard error goes to `errorPath` when given, else to the log with standard output.
    /// Kills it after `timeoutSeconds` when given. `started` receives the child's pid
    /// before the wait (the runner forwards signals to it), `exited` after it ended but
    /// before it is reaped (until then the pid still names it). The child stays in the
    /// caller's process group (no `POSIX_SPAWN_SETPGROUP`), so a signal to the group, such
    /// as Ctrl-C on a terminal, reaches the stages too.
    static func run(executable: String, arguments: [String], environment: [String: String],
                    logPath: String, errorPath: String? = nil, timeoutSeconds: Double? = nil,
                    started: (pid_t) -> Void = { _ in },
                    exited: (pid_t) -> Void = { _ in }) -> Result<Outcome, PipelineError> {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        if let errorPath {
            posix_spawn_file_actions_addopen(&actions, 2, errorPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        } else {
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        }
        // Only 0, 1 and 2 reach the stage: a descriptor the runner (or another thread of it)
        // holds open, say a file it is writing or its run lock, must not live on in a
        // stage process (exec of a file someone still holds open for writing fails with
        // ETXTBSY; a lock would outlive the runner).
        floe_spawn_close_from(&actions, 3)
        // An empty signal mask: the child would otherwise inherit the spawning thread's,
        // and worker threads (dispatch's, the test runner's) block most signals, so a
        // SIGTERM or Ctrl-C meant for the stage would never reach it.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))

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
                    posix_spawn(&pid, executable, &actions, &attributes, UnsafeMutablePointer(mutating: a.baseAddress!),
                                UnsafeMutablePointer(mutating: e.baseAddress!))
                }
            }
            if rc != ETXTBSY || attempt == 49 { break }
            usleep(10_000)
        }
        guard rc == 0 else {
            return .failure(.io(path: executable, reason: "cannot start: \(FileSystem.errorText(rc))"))
        }
        started(pid)
        // Wait without reaping (WNOWAIT), so the pid cannot be reused by another process
        // while the caller still holds it to forward signals; `exited` lets go of it.
        var waited = 0.0
        var killed = false
        while true {
            var info = siginfo_t()
            let flags = WEXITED | WNOWAIT | (timeoutSeconds == nil ? 0 : WNOHANG)
            if waitid(P_PID, id_t(pid), &info, flags) < 0 {
                if errno == EINTR { continue }
                return .failure(.io(path: executable, reason: "waitid failed: \(FileSystem.errorText())"))
            }
            if info._sifields._sigchld.si_pid == pid { break }
            // Only with a timeout (WNOHANG): poll, and kill it once the time is up.
            if let timeoutSeconds, !killed, waited >= timeoutSeconds {
                kill(pid, SIGKILL)
                killed = true
            }
            usleep(10_000)
            waited += 0.01
        }
        exited(pid)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { return .failure(.io(path: executable, reason: "waitpid failed: \(FileSystem.errorText())")) }
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
