import Foundation
import Testing
@testable import FlowPipeline

/// The run lock's stale-lock rules.
@Suite struct RunLockTests {
    /// Issue 15: a 0-byte lock file (a disk that filled up while it was written) made
    /// every run exit 75 for a minute. Empty or unreadable, it is stale at once.
    @Test(arguments: ["", "not a lock\n", "123\n"])
    func lockFileHoldingNoHolderIsTakenOverAtOnce(content: String) throws {
        let ws = try Workspace()
        try ws.write("seed.txt", "seed\n")
        try ws.write("ref/networks.txt", "10.0.0.0/8\n")
        try ws.write("state/run.lock", content)
        let summary = try ws.run(demo())
        #expect(summary.exitCode == 0)
        #expect(ws.err.all.filter { $0.hasPrefix("floe run: took over the stale lock \(ws.root)/state/run.lock: the file") }.count == 1)
        #expect(!FileManager.default.fileExists(atPath: ws.root + "/state/run.lock"))
    }

    @Test func deadHolderIsTakenOverWithANotice() throws {
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/true")
        try child.run()
        child.waitUntilExit()
        let ws = try Workspace()
        let path = ws.root + "/run.lock"
        try ws.write("run.lock", "\(child.processIdentifier) \(LockHolder.hostName()) 12345 2024-01-01T00:00:00Z\n")
        let notices = Lines()
        let lock = try RunLock.acquire(path: path, onTakeOver: { notices.add($0) })
        #expect(notices.all == ["floe run: took over the stale lock \(path): pid \(child.processIdentifier) on \(LockHolder.hostName()), started 2024-01-01T00:00:00Z is no longer running"])
        #expect(LockHolder(text: ws.read("run.lock") ?? "")?.pid == getpid())
        lock.release()
    }

    /// The lock appears with its whole content, and no temporary file stays behind.
    @Test func lockIsCreatedComplete() throws {
        let ws = try Workspace()
        let lock = try RunLock.acquire(path: ws.root + "/run.lock")
        #expect(LockHolder(text: ws.read("run.lock") ?? "")?.pid == getpid())
        #expect(try FileManager.default.contentsOfDirectory(atPath: ws.root).sorted() == ["bin", "run.lock"])
        lock.release()
        #expect(try FileManager.default.contentsOfDirectory(atPath: ws.root) == ["bin"])
    }
}
