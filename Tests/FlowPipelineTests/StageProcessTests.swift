import FlowCore
import Foundation
import Testing
@testable import FlowPipeline

/// Hands a value from a worker thread to the test.
final class Handoff<Value: Sendable>: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var value: Value?
    func put(_ value: Value) { self.value = value; done.signal() }
    func take() -> Value { done.wait(); return value! }
    /// The value, or nil when none came within `seconds` (a hang guard).
    func take(upTo seconds: Double) -> Value? {
        done.wait(timeout: .now() + seconds) == .success ? value : nil
    }
}

/// Waits until a file exists and is not empty; false if it never does (a hang guard,
/// not a timing assertion).
func waitForFile(_ path: String, upTo seconds: Int = 120) -> Bool {
    for _ in 0..<(seconds * 20) {
        if let st = FileSystem.status(path), st.size > 0 { return true }
        usleep(50_000)
    }
    return false
}

/// How stage processes hang together with the runner: process group, runner pid,
/// interruption.
@Suite struct StageProcessTests {
    /// A stage inherits only standard input, output and error: not a file the runner holds
    /// open for writing (exec of such a file elsewhere fails with ETXTBSY) nor its lock.
    @Test func stageInheritsOnlyTheStandardDescriptors() throws {
        let folder = NSTemporaryDirectory() + "/floe-spawn-fds-\(getpid())-\(UInt32.random(in: 0 ... .max))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let held = open(folder + "/held", O_WRONLY | O_CREAT, 0o644)   // no O_CLOEXEC
        #expect(held > 2)
        defer { close(held) }
        let outcome = try ProcessSpawner.run(executable: "/bin/sh",
                                             arguments: ["-c", "if [ -e /proc/$$/fd/\(held) ]; then echo inherited; else echo closed; fi"],
                                             environment: ["PATH": "/usr/bin:/bin"], logPath: folder + "/out").get()
        #expect(outcome.status == 0)
        #expect(try String(contentsOfFile: folder + "/out", encoding: .utf8) == "closed\n")
    }

    /// Stages stay in the runner's process group and learn the runner's pid, so they can
    /// die with it (issue 15: after kill -9 of the runner its stage kept running).
    @Test func stageGetsRunnerPIDAndSharesItsProcessGroup() throws {
        let ws = try Workspace()
        try ws.write("seed.txt", "seed\n")
        let yaml = """
        version: 1
        vars:
          root: ${ROOT}
        stages:
          probe:
            run: ["sh", "-c", "echo \\"$\(StageEnvironment.runnerPID) $(cut -d' ' -f5 /proc/$$/stat)\\" > \\"$1\\"", "probe"]
            inputs: "{root}/seed.txt"
            outputs: "{root}/probe.txt"
            args: ["{outputs}"]
        """
        #expect(try ws.run(yaml).exitCode == 0, "\(ws.err.all)")
        #expect(ws.read("probe.txt") == "\(getpid()) \(getpgrp())\n")
    }

    /// `interrupt(signal:)` (what SIGTERM or Ctrl-C to `floe run` calls) passes the signal
    /// to the running stage, waits for it, starts nothing more, keeps what finished, and
    /// releases the lock; the exit code is 128 + the signal.
    @Test func interruptForwardsTheSignalAndWaitsForTheStage() throws {
        let ws = try Workspace()
        try ws.write("seed.txt", "seed\n")
        let yaml = """
        version: 1
        vars:
          root: ${ROOT}
        stages:
          first:
            run: fake-copy
            inputs: "{root}/seed.txt"
            outputs: "{root}/data/first.txt"
            params: {output: "{outputs}"}
            args: ["{inputs}"]
          slow:
            run: ["sh", "-c", "echo $$ > \\"$1\\"; exec sleep 600", "slow"]
            inputs: "{root}/data/first.txt"
            outputs: "{root}/data/slow.txt"
            args: ["{root}/slow.pid"]
          after:
            run: fake-copy
            inputs: "{root}/data/slow.txt"
            outputs: "{root}/data/after.txt"
            params: {output: "{outputs}"}
            args: ["{inputs}"]
        """
        let runner = try ws.runner(yaml)
        let handoff = Handoff<Result<RunSummary, any Error>>()
        Thread.detachNewThread { handoff.put(Result { try runner.run() }) }
        let started = waitForFile(ws.root + "/slow.pid")
        let stagePID = pid_t(ws.read("slow.pid")?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? 0
        runner.interrupt(signal: SIGTERM)
        let outcome = handoff.take(upTo: 120)
        if outcome == nil, stagePID > 0 { kill(stagePID, SIGKILL) }   // so the run ends and the test fails
        let summary = try (outcome ?? handoff.take()).get()
        #expect(started)
        #expect(summary.exitCode == 128 + SIGTERM)
        #expect(summary.interruptedBy == SIGTERM)
        #expect(summary.line.hasSuffix("; interrupted by signal \(SIGTERM)"))
        let byID = Dictionary(uniqueKeysWithValues: summary.results.map { ($0.task.id, $0) })
        #expect(byID["first"]?.status == .ran)
        #expect(byID["slow"]?.status == .failed)
        #expect(byID["slow"]?.failure?.hasPrefix("killed by signal \(SIGTERM)") == true)
        #expect(byID["after"]?.status == .blocked)
        // Waited for and reaped: the pid names no process any more.
        #expect(stagePID > 0 && kill(stagePID, 0) != 0)
        let state = try PipelineState.load(path: ws.root + "/state/floe.lock.json", pipeline: "p")
        #expect(state.entries.keys.sorted() == ["first"])
        #expect(!FileManager.default.fileExists(atPath: ws.root + "/state/run.lock"))
    }
}
