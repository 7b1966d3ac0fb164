import FlowCore
import Foundation
import Testing
@testable import FlowCommands
import FlowTestSupport

@Suite struct ScoreCommandTests {
    /// A dataset folder with empty partitions for `dates`.
    func dataset(_ dates: [String]) throws -> String {
        let root = temporaryFolder("scorerange")
        for d in dates {
            try FileManager.default.createDirectory(atPath: root + "/date=" + d, withIntermediateDirectories: true)
            FileManager.default.createFile(atPath: root + "/date=" + d + "/part-00000.arrow", contents: Data())
        }
        return root
    }

    @Test func fromAndToSelectTheDatasetsDaysInTheRange() throws {
        let root = try dataset(["2026-11-01", "2026-11-02", "2026-11-03", "2026-11-05"])
        defer { try? FileManager.default.removeItem(atPath: root) }
        func days(_ extra: [String]) throws -> [String] {
            // parse() runs validate(), which turns a range into the dataset's days.
            let c = try ScoreCommand.parse(["--models", "m", "--dataset", root, "--output", "o"] + extra)
            return c.date
        }
        #expect(try days(["--from", "2026-11-02", "--to", "2026-11-05"]) == ["2026-11-02", "2026-11-03", "2026-11-05"])
        #expect(try days(["--from", "2026-11-03"]) == ["2026-11-03", "2026-11-05"])
        #expect(try days(["--to", "2026-11-01"]) == ["2026-11-01"])
        #expect(try days(["--date", "2026-11-02"]) == ["2026-11-02"])
        #expect(try days([]) == [])   // every day
        #expect(try Binaries.run("floe-score", ["--models", "m", "--dataset", root, "--output", "o", "--from", "2026-12-01"]).code == 64)
        #expect(throws: (any Error).self) { try days(["--from", "2026-11-06", "--to", "2026-11-09"]) }
        #expect(throws: (any Error).self) { try ScoreCommand.parse(["--models", "m", "--dataset", root, "--output", "o", "--from", "2026-11-05", "--to", "2026-11-01"]) }
        #expect(throws: (any Error).self) { try ScoreCommand.parse(["--models", "m", "--dataset", root, "--output", "o", "--date", "2026-11-01", "--from", "2026-11-01"]) }
        #expect(try Binaries.run("floe-score", ["--models", "m", "--dataset", root, "--output", "o", "--from", "11/02/2026"]).code == 64)
    }

    /// `--dataset` names the folder in train and score as in report; `--input`, the old
    /// name, is a hidden alias (not both at once, and not in the help).
    @Test func inputIsAHiddenAliasOfDataset() throws {
        let score = try ScoreCommand.parse(["--models", "m", "--input", "d", "--output", "o"])
        #expect(score.dataset == "d" && score.datasetOption.deprecationWarning != nil)
        #expect(try ScoreCommand.parse(["--models", "m", "--dataset", "d", "--output", "o"]).datasetOption.deprecationWarning == nil)
        #expect(throws: (any Error).self) { try ScoreCommand.parse(["--models", "m", "--input", "d", "--dataset", "d", "--output", "o"]) }
        #expect(throws: (any Error).self) { try ScoreCommand.parse(["--models", "m", "--output", "o"]) }
        let train = try TrainCommand.parse(["--input", "d", "--output", "o"])
        #expect(train.datasetOption.folder == "d")
        #expect(!TrainCommand.helpMessage().contains("--input") && TrainCommand.helpMessage().contains("--dataset"))
        #expect(!ScoreCommand.helpMessage().contains("--input") && ScoreCommand.helpMessage().contains("--dataset"))
    }
}
