import ArgumentParser
import FlowPipeline

/// `floe plan PIPELINE.yaml`: the stage graph as text or Graphviz dot.
public struct PlanCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Validate a pipeline file and print its stages in execution order with their dependencies."
    )

    public enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, dot
    }

    @Argument(help: "The pipeline file (YAML, version: 1).")
    var pipeline: String

    @Option(help: "Output format: text or dot (Graphviz).")
    var format: Format = .text

    public init() {}

    public func run() throws {
        let spec = try PipelineCommandSupport.handle { try PipelineParser.load(path: pipeline) }
        let graph = PipelineGraph(spec)
        let text = format == .dot ? PipelinePlan.dot(spec, graph) : PipelinePlan.text(spec, graph)
        PipelineCommandSupport.printOut(text)
    }
}
