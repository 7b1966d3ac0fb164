import Foundation
import Testing
import FlowTestSupport

/// Issue 15: after `kill -9` of `floe run`, its stage kept running and the next run
/// overlapped it. A floe stage started by the runner now dies with it (FLOE_RUNNER_PID and
/// PR_SET_PDEATHSIG), and a second writer of the same folder waits for the first.
@Suite(.serialized) struct StageLifetimeTests {
    /// The pids of the children of `pid` (from /proc).
    static func children(of pid: pid_t) -> [pid_t] {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        return tasks.flatMap { task -> [pid_t] in
            let text = (try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/children", encoding: .utf8)) ?? ""
            return text.split(separator: " ").compactMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        }
    }

    static func isAlive(_ pid: pid_t) -> Bool {
        guard kill(pid, 0) == 0 else { return false }
        // A zombie (killed, not yet reaped by init) is dead for this purpose.
        let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        return !stat.contains(") Z ")
    }

    @Test func aStageDiesWithItsKilledRunner() throws {
        let dir = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // Training on this sample takes seconds (FlowModels is optimised in debug builds too):
        // long enough to kill the runner under it.
        let sample = try Binaries.run("floe-dev", ["sample-dataset", "--output", dir + "/flows", "--rows", "60000", "--days", "3"])
        #expect(sample.code == 0, "\(sample.err)")
        try """
        version: 1
        stages:
          train:
            run: floe-train
            inputs: flows
            outputs: models
            params:
              dataset: flows
              output: models
        """.write(toFile: dir + "/p.yaml", atomically: true, encoding: .utf8)
        let runner = Process()
        runner.executableURL = URL(fileURLWithPath: Binaries.folder + "/floe")
        runner.arguments = ["run", "p.yaml", "--quiet"]
        runner.currentDirectoryURL = URL(fileURLWithPath: dir)
        runner.standardOutput = FileHandle.nullDevice
        runner.standardError = FileHandle.nullDevice
        try runner.run()
        var stage: pid_t = 0
        // The runner first asks the tool for its version (a short-lived child): wait for the
        // stage itself, the child training into `models`.
        func command(_ pid: pid_t) -> String {
            (try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8))?.replacingOccurrences(of: "\0", with: " ") ?? ""
        }
        for _ in 0..<1200 where stage == 0 {   // a hang guard: up to a minute
            stage = Self.children(of: runner.processIdentifier).first { command($0).contains("--output models") } ?? 0
            if stage == 0 { usleep(50_000) }
        }
        defer { if stage > 0 { kill(stage, SIGKILL) } }
        try #require(stage > 0, "the stage never started")
        usleep(500_000)  // let it bind itself to the runner and claim its folder
        #expect(Self.isAlive(stage), "stage \(stage) (\(command(stage))) is not running")
        kill(runner.processIdentifier, SIGKILL)
        // Not `waitUntilExit()` first: Foundation may wait for descriptors the stage inherited.
        var alive = true
        for _ in 0..<200 where alive {   // up to 10 s
            alive = Self.isAlive(stage)
            if alive { usleep(50_000) }
        }
        #expect(!alive, "floe-train (pid \(stage)) outlived the killed runner")
        if alive { kill(stage, SIGKILL) }
        runner.waitUntilExit()
    }
}
