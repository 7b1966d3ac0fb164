import Foundation
import Testing
@testable import FlowIO
#if canImport(Glibc)
import Glibc
#endif

@Suite struct OutputFolderClaimTests {
    /// A second writer of a claimed folder is kept out while the first holds it, and gets
    /// in once the first lets go.
    @Test func aClaimedFolderKeepsASecondWriterOut() throws {
        let temp = try TemporaryFolder()
        let folder = temp.path + "/out/raw"
        var first: OutputFolderClaim? = try OutputFolderClaim(folder: folder, stage: "floe-ingest")
        #expect(FileManager.default.fileExists(atPath: folder + "/" + OutputFolderClaim.lockFileName))
        #expect(throws: FlowIOError.folderBusy(path: folder, holder: "floe-ingest pid \(getpid())")) {
            _ = try OutputFolderClaim(folder: folder, stage: "floe-clean", wait: false)
        }
        first = nil
        _ = first
        let second = try OutputFolderClaim(folder: folder, stage: "floe-clean", wait: false)
        withExtendedLifetime(second) {}
    }

    /// A waiting writer says who it waits for, then proceeds when the folder is free.
    @Test func aWaitingWriterSaysWhoHoldsTheFolder() throws {
        let temp = try TemporaryFolder()
        let holder = Holder(try OutputFolderClaim(folder: temp.path, stage: "floe-train"))
        let said = Said()
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.2) { holder.claim = nil }
        let claim = try OutputFolderClaim(folder: temp.path, stage: "floe-score") { said.lines.append($0) }
        withExtendedLifetime(claim) {}
        #expect(said.lines == ["floe-score: waiting for \(temp.path): floe-train pid \(getpid()) is writing it"])
    }

    /// Temporary files of other (killed) writers are removed when a folder is claimed, in
    /// the folder and its `date=` days; this process's own, ordinary files, and other
    /// subfolders (maybe another stage's output folder) stay.
    @Test func claimingRemovesTheTemporariesOfDeadWriters() throws {
        let temp = try TemporaryFolder()
        let stale = [".part1.csv-0a1b2c3d.arrow.tmp-999999-1", "date=2026-11-01/.part-00000.arrow.tmp-4242-17",
                     ".manifest.json.tmp-12-3"]
        let kept = [".mine.arrow.tmp-\(getpid())-1", "data.arrow", ".hidden", "x.tmp-12-3", ".y.tmp-12",
                    "report/.report.html.tmp-999999-4",
                    "date=2026-11-01/part-00000.arrow", ".date=2026-11-02.tmp-77/.z.tmp-77-1"]
        for name in stale + kept { try temp.write(name, [1, 2, 3]) }
        let claim = try OutputFolderClaim(folder: temp.path, stage: "floe-clean")
        withExtendedLifetime(claim) {}
        for name in stale { #expect(!FileManager.default.fileExists(atPath: temp.path + "/" + name), "\(name)") }
        for name in kept { #expect(FileManager.default.fileExists(atPath: temp.path + "/" + name), "\(name)") }
    }

    /// A folder that cannot be created says which folder, why, and where.
    @Test func anUnwritableParentGivesAReadableError() throws {
        guard geteuid() != 0 else {
            // root writes into read-only folders; a file in the way still shows the message.
            let temp = try TemporaryFolder()
            try temp.write("blocker", [0])
            #expect(throws: FlowIOError.writeFailed(path: temp.path + "/blocker", reason: "it exists and is not a folder")) {
                try createFolder(temp.path + "/blocker/raw")
            }
            return
        }
        let temp = try TemporaryFolder()
        chmod(temp.path, 0o555)
        defer { chmod(temp.path, 0o755) }
        do {
            try createFolder(temp.path + "/raw")
            Issue.record("expected a failure")
        } catch let error as FlowIOError {
            #expect(error.description.contains("Permission denied"))
            #expect(error.description.contains(temp.path + "/raw"))
            #expect(!error.description.contains("NSCocoaErrorDomain"))
        }
    }

    @Test func temporaryNamesAreRecognised() {
        #expect(AtomicFile.temporaryWriterPID(".a.arrow.tmp-123-4") == 123)
        #expect(AtomicFile.temporaryWriterPID(".a.tmp-x.tmp-5-6") == 5)
        #expect(AtomicFile.temporaryWriterPID("a.arrow.tmp-123-4") == nil)
        #expect(AtomicFile.temporaryWriterPID(".date=2026-11-01.tmp-77") == nil)
        #expect(AtomicFile.temporaryWriterPID(".a.tmp-1-2-3") == nil)
    }
}

private final class Holder: @unchecked Sendable {
    var claim: OutputFolderClaim?
    init(_ claim: OutputFolderClaim) { self.claim = claim }
}

private final class Said: @unchecked Sendable {
    var lines: [String] = []
}
