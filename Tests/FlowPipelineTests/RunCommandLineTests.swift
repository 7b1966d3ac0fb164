import Foundation
import Testing
@testable import FlowPipeline

/// How `run:` becomes the stage's argv: a list as written, a string split on spaces.
@Suite struct RunCommandLineTests {
    /// Issue 15: `run: ["sh", "-c", "echo checking; exit 1"]` ran `sh -c echo …` (every list
    /// item split again on spaces), which exits 0; with the output already there the
    /// failing check was recorded as done.
    @Test func listItemsAreArgvAsWritten() throws {
        let ws = try Workspace()
        try ws.write("seed.txt", "seed\n")
        try ws.write("out/check.txt", "from an earlier run\n")
        let yaml = """
        version: 1
        vars:
          root: ${ROOT}
        stages:
          check:
            run: ["sh", "-c", "echo checking; exit 1"]
            inputs: "{root}/seed.txt"
            outputs: "{root}/out/check.txt"
        """
        #expect(try ws.spec(yaml).stages[0].run == ["sh", "-c", "echo checking; exit 1"])
        let summary = try ws.run(yaml)
        #expect(summary.exitCode == 1)
        let check = try #require(summary.results.first)
        #expect(check.status == .failed)
        #expect(check.failure?.hasPrefix("exit 1 after") == true)
        let state = try PipelineState.load(path: ws.root + "/state/floe.lock.json", pipeline: "p")
        #expect(state.entries["check"] == nil)
        #expect(try ws.run(yaml).count(.failed) == 1)
    }

    @Test func stringIsSplitOnSpaces() throws {
        let ws = try Workspace()
        let yaml = """
        version: 1
        stages:
          gen:
            run: "floe  generate --rows 5"
            outputs: out
        """
        #expect(try ws.spec(yaml).stages[0].run == ["floe", "generate", "--rows", "5"])
    }

    /// Each `args` item is rendered on its own and stays one argument, spaces and all,
    /// beside a `run` list whose script holds spaces.
    @Test func templatesApplyPerListItem() throws {
        let ws = try Workspace()
        try ws.write("seed.txt", "seed\n")
        let yaml = """
        version: 1
        vars:
          root: ${ROOT}
        stages:
          day:
            run: ["sh", "-c", "printf '%s|%s\\\\n' \\"$1\\" \\"$#\\" > \\"$2\\"", "day-script"]
            for_each: date
            inputs: "{root}/seed.txt"
            outputs: "{root}/out-{date}.txt"
            args: ["day {date} of {from}..{to}", "{outputs}"]
        """
        let dates = try DateSelection.resolve(date: nil, from: "2024-03-01", to: "2024-03-02")
        let summary = try ws.run(yaml) { $0.dates = dates }
        #expect(summary.exitCode == 0, "\(ws.err.all)")
        #expect(ws.read("out-2024-03-01.txt") == "day 2024-03-01 of 2024-03-01..2024-03-02|2\n")
        #expect(ws.read("out-2024-03-02.txt") == "day 2024-03-02 of 2024-03-01..2024-03-02|2\n")
    }
}

