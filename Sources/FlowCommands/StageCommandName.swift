import Foundation

/// The name a stage command shows in its usage and help: `floe-ingest` when the process is
/// the `floe-ingest` executable, `ingest` when it runs as `floe ingest`.
func stageCommandName(_ stage: String, invokedAs path: String = CommandLine.arguments.first ?? "") -> String {
    let invoked = (path as NSString).lastPathComponent
    return invoked == "floe-" + stage ? invoked : stage
}
