import FlowConfig
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The stage graph of a pipeline: an edge from stage A to stage B when an input of B lies
/// inside (or contains) an output of A, or B `needs` A. Built once per pipeline file.
public struct PipelineGraph: Sendable {
    /// Upstream stages of each stage, in file order.
    public let upstream: [String: [String]]
    /// Stages in an order where every stage follows its upstream stages; ties keep file order.
    public let order: [String]
    /// Problems: unknown needs, cycles, outputs written by two stages.
    public let diagnostics: [ConfigDiagnostic]

    /// The date used to compare templated paths: both sides of a comparison name the same
    /// day, so `data/raw/{date}` feeds `data/raw/{date}/*.arrow`.
    static let sampleDate = "1970-01-01"

    public init(_ spec: PipelineSpec) {
        self = PipelineGraph.validate(spec)
    }

    private init(upstream: [String: [String]], order: [String], diagnostics: [ConfigDiagnostic]) {
        self.upstream = upstream
        self.order = order
        self.diagnostics = diagnostics
    }

    /// Downstream stages of `name`, transitively, including `name`.
    public func downstreamClosure(of name: String) -> Set<String> {
        var result: Set<String> = [name]
        var changed = true
        while changed {
            changed = false
            for (stage, ups) in upstream where !result.contains(stage) && ups.contains(where: result.contains) {
                result.insert(stage)
                changed = true
            }
        }
        return result
    }

    static func validate(_ spec: PipelineSpec) -> PipelineGraph {
        var diagnostics: [ConfigDiagnostic] = []
        func error(_ at: ConfigLocation, _ message: String) {
            diagnostics.append(ConfigDiagnostic(file: spec.path, at: at, message))
        }
        let scope = spec.scope(date: sampleDate, from: sampleDate, to: sampleDate)
        func paths(_ list: [Located<Template>]) -> [(path: [Substring], source: String, location: ConfigLocation)] {
            list.compactMap { item in
                guard let text = try? scope.renderText(item.value) else { return nil }
                return (PathMatch.components(text), item.value.source, item.location)
            }
        }
        let names = Set(spec.stages.map(\.name))
        var upstream: [String: [String]] = [:]
        let outputs = spec.stages.map { paths($0.outputs) }
        for (index, stage) in spec.stages.enumerated() {
            var ups: [String] = []
            for need in stage.needs {
                if need.value == stage.name {
                    error(need.location, "stage '\(stage.name)' needs itself")
                } else if !names.contains(need.value) {
                    error(need.location, "stage '\(stage.name)' needs unknown stage '\(need.value)' (stages: \(spec.stages.map(\.name).joined(separator: ", ")))")
                } else if !ups.contains(need.value) {
                    ups.append(need.value)
                }
            }
            let inputs = paths(stage.inputs)
            for (other, otherStage) in spec.stages.enumerated() where other != index && !ups.contains(otherStage.name) {
                if inputs.contains(where: { input in outputs[other].contains { PathMatch.overlaps(input: input.path, output: $0.path) } }) {
                    ups.append(otherStage.name)
                }
            }
            upstream[stage.name] = spec.stages.map(\.name).filter(ups.contains)
            // Outputs shared with an earlier stage.
            for output in outputs[index] {
                for other in 0..<index {
                    if let clash = outputs[other].first(where: { PathMatch.overlaps(input: output.path, output: $0.path) }) {
                        error(output.location, "output '\(output.source)' of stage '\(stage.name)' overlaps output '\(clash.source)' of stage '\(spec.stages[other].name)' (line \(clash.location.line)); each output must have one writer")
                    }
                }
            }
        }
        // Kahn's algorithm in file order; whatever is left sits on or behind a cycle.
        var order: [String] = []
        var done: Set<String> = []
        var progress = true
        while progress {
            progress = false
            for stage in spec.stages where !done.contains(stage.name) {
                if upstream[stage.name, default: []].allSatisfy(done.contains) {
                    order.append(stage.name)
                    done.insert(stage.name)
                    progress = true
                    break
                }
            }
        }
        var reported: Set<Set<String>> = []
        for stage in spec.stages where !done.contains(stage.name) {
            if let cycle = findCycle(from: stage.name, upstream: upstream), !reported.contains(Set(cycle)) {
                reported.insert(Set(cycle))
                let start = cycle.min { a, b in
                    spec.stages.firstIndex { $0.name == a }! < spec.stages.firstIndex { $0.name == b }!
                }!
                let rotated = Array(cycle.drop { $0 != start } + cycle.prefix { $0 != start })
                let at = spec.stage(named: start)!.location
                error(at, "dependency cycle: " + (rotated + [start]).joined(separator: " → ")
                      + " (each stage reads what the next writes, or needs it; break one link)")
            }
        }
        return PipelineGraph(upstream: upstream, order: order, diagnostics: diagnostics)
    }

    /// A cycle through `start` following upstream edges, reported in data-flow order.
    static func findCycle(from start: String, upstream: [String: [String]]) -> [String]? {
        var path: [String] = []
        var visiting: Set<String> = []
        var finished: Set<String> = []
        func visit(_ node: String) -> [String]? {
            if visiting.contains(node) {
                let begin = path.firstIndex(of: node)!
                return Array(path[begin...])
            }
            if finished.contains(node) { return nil }
            visiting.insert(node)
            path.append(node)
            for up in upstream[node, default: []] {
                if let cycle = visit(up) { return cycle }
            }
            path.removeLast()
            visiting.remove(node)
            finished.insert(node)
            return nil
        }
        // Upstream edges point against the data flow; reverse for reading order.
        return visit(start).map { Array($0.reversed()) }
    }
}

/// Path comparisons on `/`-separated components, with shell globs allowed in inputs.
enum PathMatch {
    static func components(_ path: String) -> [Substring] {
        var parts = path.split(separator: "/", omittingEmptySubsequences: true).filter { $0 != "." }
        if path.hasPrefix("/") { parts.insert("", at: 0) }
        return parts
    }

    /// Whether an input (maybe a glob) and an output name the same files: one is a prefix
    /// of the other, component by component. A `**` component (any depth of folders) in the
    /// input matches whatever follows in the output.
    static func overlaps(input: [Substring], output: [Substring]) -> Bool {
        let n = min(input.count, output.count)
        guard n > 0 else { return false }
        for i in 0..<n where input[i] != output[i] {
            if input[i] == "**" { return true }
            if !globMatches(String(input[i]), String(output[i])) { return false }
        }
        return true
    }

    static func globMatches(_ pattern: String, _ name: String) -> Bool {
        guard pattern.contains(where: { "*?[".contains($0) }) else { return false }
        return fnmatch(pattern, name, 0) == 0
    }
}
