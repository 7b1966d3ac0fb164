import ArgumentParser
import FlowIO
import FlowPipeline
import Foundation

/// `floe demo`: runs the embedded demo pipeline (generate → ingest → clean → train →
/// score → report) on generated data into one folder, so a new user sees every stage
/// with one command.
public struct DemoCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the demo pipeline on a week of generated flows.",
        discussion: """
        Writes OUTPUT/demo.yaml (the pipeline, the same as pipelines/demo.yaml) and \
        OUTPUT/demo-models.yaml (the models config of its train stage, the same as \
        pipelines/demo-models.yaml) and runs the pipeline with OUTPUT as its data \
        folder: OUTPUT/source (the generated nfdump CSV and its \
        labels), OUTPUT/raw (floe-ingest), OUTPUT/flows (floe-clean), OUTPUT/models \
        (floe-train), OUTPUT/scores (floe-score: anomalies.csv), OUTPUT/report \
        (report.html, report.md). A second run skips every stage that is up to date.

        Example:
          swift run floe demo
          floe demo --output /tmp/floe-demo --force
        """)

    @Option(name: [.short, .long], help: ArgumentHelp("Folder of the demo's files.", valueName: "dir"))
    public var output = "demo-out"

    @Flag(help: "Run every stage even when it is up to date.")
    public var force = false

    public init() {}

    public func run() throws {
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        let folder = URL(fileURLWithPath: output).standardizedFileURL.path
        let pipeline = folder + "/demo.yaml"
        let models = folder + "/demo-models.yaml"
        try writeAtomically(path: pipeline, bytes: Array(DemoPipeline.yaml.utf8))
        try writeAtomically(path: models, bytes: Array(DemoPipeline.modelsYAML.utf8))
        setenv("FLOE_DATA", folder, 1)
        setenv("FLOE_DEMO_MODELS", models, 1)
        var options = RunOptions()
        options.stateDirectory = folder + "/.floe"
        options.force = force
        options.progress = isatty(2) == 1
        let code = PipelineCommandSupport.execute(path: pipeline, options: options, mode: .run)
        if code == 0 {
            print("floe demo: open \(folder)/report/report.html (Markdown: report.md); data in \(folder)")
        }
        if code != 0 { throw ExitCode(code) }
    }
}
