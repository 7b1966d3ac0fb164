import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

#if os(Linux)
/// Write end of the self-pipe the signal handler writes to; -1 when nothing listens.
/// Set before the handlers are installed, so the handler only ever loads it.
private let interruptPipe = Atomic<Int32>(-1)
#endif

/// Turns SIGINT, SIGTERM and SIGHUP sent to the runner into calls on an ordinary thread
/// while a body runs, so the runner can forward them to its stage processes and wait for
/// them instead of dying and leaving them running. The signal handler only writes the
/// signal number to a pipe (async-signal-safe); a listener thread reads it and calls the
/// handler. Signals the process ignored when started (`nohup`, `&` in a script) stay
/// ignored. Outside `catching`, the previous dispositions apply. Linux only (elsewhere
/// the body runs with the signals' usual dispositions).
enum InterruptSignals {
    static let caught: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    /// Runs `body` with the signals caught; `handler` runs on the listener thread once per
    /// signal delivered. One caller at a time per process (the runner's `run()`).
    static func catching<T>(handler: @escaping @Sendable (Int32) -> Void, during body: () throws -> T) throws -> T {
        #if os(Linux)
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else {
            throw PipelineError.io(path: "(signal pipe)", reason: "cannot create a pipe to catch SIGINT/SIGTERM: \(FileSystem.errorText())")
        }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        let (readEnd, writeEnd) = (fds[0], fds[1])
        interruptPipe.store(writeEnd, ordering: .sequentiallyConsistent)

        let finished = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            var byte: UInt8 = 0
            while true {
                let n = read(readEnd, &byte, 1)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 || byte == 0 { break }   // 0: the sentinel written when the body is done
                handler(Int32(byte))
            }
            finished.signal()
        }

        var previous: [Int32: sigaction] = [:]
        for signal in caught {
            var old = sigaction()
            sigaction(signal, nil, &old)
            if unsafeBitCast(old.__sigaction_handler.sa_handler, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self) { continue }
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { signal in
                let saved = errno
                var byte = UInt8(truncatingIfNeeded: signal)
                _ = write(interruptPipe.load(ordering: .sequentiallyConsistent), &byte, 1)
                errno = saved
            }
            sigemptyset(&action.sa_mask)
            action.sa_flags = SA_RESTART
            sigaction(signal, &action, nil)
            previous[signal] = old
        }
        // Deliverable on this thread even if the process was started with them blocked
        // (a mask is inherited across exec; a signal blocked everywhere stays pending).
        var unblock = sigset_t()
        var savedMask = sigset_t()
        sigemptyset(&unblock)
        for signal in previous.keys { sigaddset(&unblock, signal) }
        pthread_sigmask(SIG_UNBLOCK, &unblock, &savedMask)
        defer {
            pthread_sigmask(SIG_SETMASK, &savedMask, nil)
            for (signal, old) in previous {
                var restored = old
                sigaction(signal, &restored, nil)
            }
            var sentinel: UInt8 = 0
            _ = write(writeEnd, &sentinel, 1)
            finished.wait()
            interruptPipe.store(-1, ordering: .sequentiallyConsistent)
            close(writeEnd)
            close(readEnd)
        }
        #endif
        return try body()
    }
}
