import Foundation
import Testing
@testable import FlowCommands
@testable import FlowDevCommands
import FlowTestSupport

/// The developer tools live in `floe-dev`; the stage commands show and take only what
/// users use.
@Suite struct DevCommandTests {
    @Test func developerToolsAreInFloeDevNotInFloeTrain() throws {
        for flag in ["--sample-dataset", "--export-features", "--bench-matrix"] {
            #expect(throws: (any Error).self) { try TrainCommand.parse([flag, "x", "--dataset", "d", "--output", "o"]) }
        }
        let dir = temporaryFolder("floedev")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let run = try Binaries.run("floe-dev", ["sample-dataset", "--output", dir + "/data", "--rows", "3000", "--days", "2", "--seed", "3"])
        #expect(run.code == 0, "\(run.err)")
        let days = try FileManager.default.contentsOfDirectory(atPath: dir + "/data").filter { $0.hasPrefix("date=") }
        #expect((1...3).contains(days.count), "\(days)")
        #expect(FileManager.default.fileExists(atPath: dir + "/data/labels.json"))
        let help = try Binaries.run("floe-dev", ["--help"])
        #expect(help.out.contains("sample-dataset") && help.out.contains("export-features") && help.out.contains("bench-clustering"))
    }
}
