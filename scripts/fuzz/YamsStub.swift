// Stands in for Yams in the csv fuzz build (FlowFormats' ColumnMapping reads YAML mapping
// files with it; the harness builds mappings, if any, in code). run.sh drops `import Yams`.
enum Yams {
    struct Unavailable: Error {}
    static func load(yaml: String) throws -> Any? { throw Unavailable() }
}
