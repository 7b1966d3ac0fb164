import FlowIO
import Foundation
import Testing
@testable import FlowPipeline

@Suite struct PipelineParserTests {
    func errors(_ text: String, environment: [String: String] = [:]) -> [String] {
        parseErrors(text, environment: environment)
    }

    @Test func validFileParsesWithParamsSettingsAndVars() throws {
        let spec = try PipelineParser.parse("""
        version: 1
        settings:
          timezone: UTC
          nets: [10.0.0.0/8, 192.168.0.0/16]
        vars:
          root: ${ROOT:-/data}
          raw: "{root}/raw"
        stages:
          ingest:
            run: floe-ingest
            for_each: date
            inputs: "{root}/in/{date}/*.csv"
            outputs: "{raw}/{date}"
            params: {timezone: "{timezone}", quiet: true, verbose: false, net: "{nets}", tag: [a, b]}
            args: ["{inputs}"]
        """, path: "p.yaml", environment: ["ROOT": "/x"])
        #expect(spec.stages.map(\.name) == ["ingest"])
        let stage = try #require(spec.stage(named: "ingest"))
        #expect(stage.forEach == .date)
        #expect(stage.run == ["floe-ingest"])
        let scope = spec.scope(date: "2024-01-02", from: nil, to: nil)
        #expect(try scope.render(stage.outputs[0].value) == ["/x/raw/2024-01-02"])
        #expect(try scope.render(stage.inputs[0].value) == ["/x/in/2024-01-02/*.csv"])
        #expect(spec.settingsJSON.contains("\"nets\": [\"10.0.0.0/8\", \"192.168.0.0/16\"]"))
    }

    @Test func everyErrorIsReportedWithLineAndColumn() {
        let found = errors("""
        version: 2
        setings: {}
        stages:
          clean:
            run: floe-clean
            ouputs: data/clean
            inputs: "data/{dat}/x"
            for_each: hour
          report:
            run: floe-report
            needs: [nothing]
            params: {x: [1, {a: b}]}
          orphan:
            inputs: data/y
        """)
        #expect(found.contains("p.yaml:1:10: unsupported version '2' (expected 1)"))
        #expect(found.contains("p.yaml:2:1: unknown key 'setings' in the pipeline file (expected one of: version, settings, vars, stages)"))
        #expect(found.contains("p.yaml:6:5: unknown key 'ouputs' in stage 'clean' (expected one of: run, inputs, outputs, params, args, needs, for_each, resources, sbatch_args)"))
        #expect(found.contains { $0.hasPrefix("p.yaml:7:13: unknown placeholder {dat} in inputs of stage 'clean'") })
        #expect(found.contains("p.yaml:8:15: unknown for_each 'hour' in stage 'clean' (expected: date)"))
        #expect(found.contains { $0.hasPrefix("p.yaml:11:13: stage 'report' needs unknown stage 'nothing'") })
        #expect(found.contains { $0.hasPrefix("p.yaml:12:21: each item of param 'x' of stage 'report' must be a single value") })
        #expect(found.contains { $0.hasPrefix("p.yaml:13:3: stage 'orphan' has no 'run'") })
        #expect(found.count == 8)
    }

    @Test func cycleIsNamed() {
        let found = errors("""
        version: 1
        stages:
          a:
            run: x
            inputs: data/c
            outputs: data/a
          b:
            run: x
            inputs: data/a/part.arrow
            outputs: data/b
          c:
            run: x
            needs: b
            outputs: data/c
        """)
        #expect(found == ["p.yaml:3:3: dependency cycle: a → b → c → a (each stage reads what the next writes, or needs it; break one link)"])
    }

    @Test func duplicateOutputsAndKeysAreErrors() {
        let found = errors("""
        version: 1
        stages:
          a: {run: x, outputs: data/out}
          b: {run: x, outputs: data/out/sub}
          a: {run: y}
        """)
        #expect(found.contains { $0.hasPrefix("p.yaml:4:24: output 'data/out/sub' of stage 'b' overlaps output 'data/out' of stage 'a'") })
        #expect(found.contains("p.yaml:5:3: duplicate key 'a' in stages (first at line 3)"))
    }

    @Test func unsetEnvironmentWithoutDefaultIsAnError() {
        let found = errors("""
        version: 1
        vars: {archive: "${ARCHIVE}"}
        stages:
          a: {run: x, inputs: "{archive}/x"}
        """)
        #expect(found == ["p.yaml:2:17: environment variable ARCHIVE in var 'archive' is not set (set it, or write ${ARCHIVE:-default})"])
    }

    @Test func yamlSyntaxErrorHasPosition() {
        let found = errors("version: 1\nstages:\n  a: [\n")
        #expect(found.count == 1)
        #expect(found.first?.hasPrefix("p.yaml:4:1: invalid YAML") == true)
    }

    @Test func dateInNonPartitionedPathIsAnError() {
        let found = errors("version: 1\nstages:\n  a: {run: x, outputs: 'o/{date}'}\n")
        #expect(found.count == 1)
        #expect(found.first?.contains("uses {date} but the stage has no 'for_each: date'") == true)
    }

    @Test func graphLinksOutputsToInputsByPathPrefix() throws {
        let spec = try PipelineParser.parse("""
        version: 1
        stages:
          report: {run: r, inputs: "flows/*/part.arrow", outputs: report.html}
          clean: {run: c, for_each: date, inputs: "raw/{date}", outputs: "flows/{date}"}
          ingest: {run: i, for_each: date, inputs: "/arch/{date}/*.gz", outputs: "raw/{date}"}
        """, path: "p.yaml")
        let graph = PipelineGraph(spec)
        #expect(graph.order == ["ingest", "clean", "report"])
        #expect(graph.upstream["clean"] == ["ingest"])
        #expect(graph.upstream["report"] == ["clean"])
        #expect(graph.downstreamClosure(of: "clean") == ["clean", "report"])
        #expect(PipelinePlan.dot(spec, graph).contains("\"clean\" -> \"report\";"))
    }

    @Test func doubleStarInputOverlapsDeeperOutputs() {
        func overlaps(_ input: String, _ output: String) -> Bool {
            PathMatch.overlaps(input: PathMatch.components(input), output: PathMatch.components(output))
        }
        #expect(overlaps("flows/**/*.arrow", "flows/date=2024-01-01/part"))
        #expect(overlaps("flows/**", "flows"))
        #expect(!overlaps("elsewhere/**", "flows/date=2024-01-01"))
        #expect(!overlaps("flows/*/x.arrow", "flows/a/b"))
    }
}

@Suite struct TemplateAndHashTests {
    @Test func templatesKeepGlobBraces() throws {
        let template = Template("{root}/*.{csv,gz}")
        #expect(template.placeholders == ["root"])
        #expect(try TemplateScope(values: ["root": .text("/a")]).render(template) == ["/a/*.{csv,gz}"])
        #expect(try TemplateScope(values: ["l": .list(["x", "y"])]).render(Template("{l}")) == ["x", "y"])
        #expect(try TemplateScope(values: ["l": .list(["x", "y"])]).render(Template("n={l}")) == ["n=x,y"])
        #expect(throws: TemplateError.unknown("nope")) { try TemplateScope().render(Template("{nope}")) }
    }

    @Test func environmentSubstitution() throws {
        let env = ["A": "1", "E": ""]
        #expect(try EnvironmentSubstitution.substitute("${A}/${B:-two}/$$x/${E:-d}", environment: env).get() == "1/two/$x/d")
        #expect(throws: EnvironmentSubstitution.UnsetVariable(name: "B")) {
            try EnvironmentSubstitution.substitute("${B}", environment: env).get()
        }
    }

    @Test func stateFileKeepsTheXXH64TextForm() throws {
        let json = """
        {"entries":{"a":{"command":["x"],"executable_version":"x 1","finished_at":"2024-01-01T00:00:00Z",
        "inputs":{"in.csv":{"hash":"xxh64:000000000000001f","mtime_ns":7,"size":3}},"outputs":[],
        "params":{},"seconds":1,"settings":"xxh64:ef46db3751d8e999"}},"pipeline":"p","version":1}
        """
        let state = try JSONDecoder().decode(PipelineState.self, from: Data(json.utf8))
        let entry = try #require(state.entries["a"])
        #expect(entry.settings == Fingerprint(xxh64: 0xEF46_DB37_51D8_E999))
        #expect(entry.inputs["in.csv"]?.hash == Fingerprint(xxh64: 0x1F))
        let encoded = String(decoding: try JSONEncoder().encode(state), as: UTF8.self)
        #expect(encoded.contains("\"xxh64:000000000000001f\""))
        #expect(encoded.contains("\"xxh64:ef46db3751d8e999\""))
        #expect(try JSONDecoder().decode(PipelineState.self, from: Data(encoded.utf8)) == state)
    }

    @Test func dateSelection() throws {
        let range = try #require(try DateSelection.resolve(date: nil, from: "2024-02-28", to: "2024-03-01"))
        #expect(range.days == ["2024-02-28", "2024-02-29", "2024-03-01"])
        #expect(throws: PipelineError.self) { try DateSelection.resolve(date: "2024-13-01", from: nil, to: nil) }
        #expect(throws: PipelineError.self) { try DateSelection.resolve(date: nil, from: "2024-01-02", to: "2024-01-01") }
        let now = try #require(ISO8601DateFormatterBox.date("2024-03-01T00:30:00Z"))
        #expect(try DateSelection.resolve(date: "yesterday", from: nil, to: nil, now: now)?.days == ["2024-02-29"])
    }
}
