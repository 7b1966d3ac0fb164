import Foundation
import Testing
@testable import FlowPipeline

/// A stage whose executable does not exist fails saying so.
@Suite struct MissingExecutableTests {
    static let yaml = """
    version: 1
    vars:
      root: ${ROOT}
    stages:
      train:
        run: RUN
        inputs: "{root}/seed.txt"
        outputs: "{root}/model.txt"
        params: {output: "{outputs}"}
    """

    /// Issue 15: `run: floe-trian` ran the umbrella `floe trian --output …`, which failed
    /// with `Unknown option '--output'`.
    @Test func missingStageExecutableIsNotFoundNotHandedToTheUmbrella() throws {
        let ws = try Workspace()
        try ws.write("seed.txt", "seed\n")
        try ws.script("floe", """
        if [ "$1" = "--version" ]; then echo "floe 1"; exit 0; fi
        if [ "$1" = "train" ]; then shift; exec "\(ws.root)/bin/fake-copy" "$@"; fi
        echo "Error: Unknown option '--output'" >&2; exit 64
        """)
        let yaml = Self.yaml.replacingOccurrences(of: "RUN", with: "floe-trian")
        let summary = try ws.run(yaml) { $0.umbrellaSubcommands = ["train"] }
        let train = try #require(summary.results.first)
        #expect(train.status == .failed)
        #expect(train.failure == "executable 'floe-trian' of stage 'train' not found (looked in \(ws.root)/bin, then $PATH (/usr/bin:/bin)); "
                + "fix its 'run:' in \(ws.root)/pipeline.yaml, install it, or pass --bin-dir with its folder")
        // A real subcommand still runs through the umbrella.
        let fixed = Self.yaml.replacingOccurrences(of: "RUN", with: "floe-train")
        #expect(try ws.run(fixed) { $0.umbrellaSubcommands = ["train"] }.exitCode == 0)
        #expect(ws.read("model.txt") != nil)
    }
}
