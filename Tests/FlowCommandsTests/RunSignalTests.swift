import Foundation
import Testing
import FlowTestSupport

/// `floe run` and the signals a person or a scheduler sends it.
@Suite struct RunSignalTests {
    /// Issue 15: SIGTERM to `floe run` killed the runner alone; its stage kept running and
    /// the next run overlapped it. Now the runner passes the signal on, waits for the
    /// stage, releases the lock and exits 128 + 15.
    @Test func sigtermReachesTheRunningStageAndTheRunnerWaitsForIt() throws {
        let dir = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try """
        version: 1
        stages:
          slow:
            run: ["sh", "-c", "echo $$ > slow.pid; exec sleep 600"]
            outputs: slow.txt
        """.write(toFile: dir + "/p.yaml", atomically: true, encoding: .utf8)
        let runner = Process()
        runner.executableURL = URL(fileURLWithPath: Binaries.folder + "/floe")
        runner.arguments = ["run", "p.yaml", "--quiet"]
        runner.currentDirectoryURL = URL(fileURLWithPath: dir)
        runner.standardOutput = FileHandle.nullDevice
        runner.standardError = FileHandle.nullDevice
        try runner.run()
        var stagePID: pid_t = 0
        for _ in 0..<2400 where stagePID == 0 {   // a hang guard: up to 2 minutes
            stagePID = (try? String(contentsOfFile: dir + "/slow.pid", encoding: .utf8))
                .flatMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) } ?? 0
            if stagePID == 0 { usleep(50_000) }
        }
        defer { if stagePID > 0 { kill(stagePID, SIGKILL) } }
        try #require(stagePID > 0, "the stage never started")
        kill(runner.processIdentifier, SIGTERM)
        for _ in 0..<2400 where runner.isRunning { usleep(50_000) }   // a hang guard: up to 2 minutes
        if runner.isRunning { kill(stagePID, SIGKILL) }                // so the runner ends and the test fails
        runner.waitUntilExit()
        #expect(runner.terminationReason == .exit)
        #expect(runner.terminationStatus == 128 + SIGTERM)
        #expect(kill(stagePID, 0) != 0, "the stage outlived the runner")
        #expect(!FileManager.default.fileExists(atPath: dir + "/.floe/p/run.lock"))
    }
}
