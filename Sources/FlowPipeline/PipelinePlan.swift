/// Text and Graphviz renderings of a pipeline's stage graph (`floe plan`).
public enum PipelinePlan {
    /// Stages in execution order, each with its command, partitioning, inputs, outputs and
    /// upstream stages.
    public static func text(_ spec: PipelineSpec, _ graph: PipelineGraph) -> String {
        var lines = ["\(spec.path): \(spec.stages.count) stage\(spec.stages.count == 1 ? "" : "s") in execution order"]
        for (index, name) in graph.order.enumerated() {
            guard let stage = spec.stage(named: name) else { continue }
            let partition = stage.forEach.map { " (for_each \($0.rawValue))" } ?? ""
            lines.append("\(index + 1). \(name)\(partition): \(stage.run.joined(separator: " "))")
            let ups = graph.upstream[name, default: []]
            lines.append("   after:   " + (ups.isEmpty ? "-" : ups.joined(separator: ", ")))
            if !stage.inputs.isEmpty { lines.append("   inputs:  " + stage.inputs.map(\.value.source).joined(separator: ", ")) }
            if !stage.outputs.isEmpty { lines.append("   outputs: " + stage.outputs.map(\.value.source).joined(separator: ", ")) }
        }
        return lines.joined(separator: "\n")
    }

    /// A `digraph` with one node per stage and an edge from each stage to its dependents.
    public static func dot(_ spec: PipelineSpec, _ graph: PipelineGraph) -> String {
        var lines = ["digraph pipeline {", "  rankdir=LR;", "  node [shape=box, fontname=\"Helvetica\"];"]
        for name in graph.order {
            guard let stage = spec.stage(named: name) else { continue }
            let label = name + "\\n" + stage.run.joined(separator: " ") + (stage.forEach != nil ? "\\nfor_each date" : "")
            lines.append("  \(JSONText.quote(name)) [label=\(JSONText.quote(label).replacingOccurrences(of: "\\\\n", with: "\\n"))];")
        }
        for name in graph.order {
            for up in graph.upstream[name, default: []] {
                lines.append("  \(JSONText.quote(up)) -> \(JSONText.quote(name));")
            }
        }
        lines.append("}")
        return lines.joined(separator: "\n")
    }
}
