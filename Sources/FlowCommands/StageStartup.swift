import ArgumentParser
import FlowIO
import Foundation

/// The first thing every stage command does: when `floe run` started it, tie its life to
/// the runner (`RunnerBinding`), so a killed runner takes its stage with it. A stage whose
/// runner is already gone stops before writing anything (exit 1).
func bindStageToRunner(_ stage: String) throws {
    if !RunnerBinding.bindToRunner(environment: ProcessInfo.processInfo.environment) {
        printError("\(stage): the floe run that started this stage has ended; stopping before writing anything")
        throw ExitCode.failure
    }
}
