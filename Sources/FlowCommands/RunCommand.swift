import ArgumentParser
import FlowPipeline
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Options shared by `floe run` and `floe status`: the pipeline file and the days.
public struct PipelineSelectionOptions: ParsableArguments {
    @Argument(help: "The pipeline file (YAML, version: 1).")
    var pipeline: String

    @Option(help: "The day for {date} and for_each stages: YYYY-MM-DD, today or yesterday (UTC).")
    var date: String?

    @Option(help: "First day of a backfill (inclusive); use with --to.")
    var from: String?

    @Option(help: "Last day of a backfill (inclusive); use with --from.")
    var to: String?

    @Option(help: "Run only this stage (repeatable); its dependencies' outputs are used as they are.")
    var only: [String] = []

    @Option(name: .customLong("from-stage"), help: "Run this stage and everything downstream of it.")
    var fromStage: String?

    @Option(name: .customLong("state-dir"), help: "Folder of floe.lock.json, run.lock and logs/ (default .floe/<pipeline name>).")
    var stateDir: String?

    @Option(name: .customLong("bin-dir"), help: "Folder searched for stage executables before $PATH (default: the folder of floe).")
    var binDir: [String] = []

    @Flag(help: "Treat every selected task as out of date.")
    var force = false

    public init() {}

    func runOptions() throws -> RunOptions {
        var options = RunOptions()
        options.dates = try DateSelection.resolve(date: date, from: from, to: to)
        options.only = only
        options.fromStage = fromStage
        options.stateDirectory = stateDir
        options.force = force
        if !binDir.isEmpty { options.binDirectories = binDir }
        options.umbrellaSubcommands = Set(Floe.configuration.subcommands.compactMap { $0.configuration.commandName })
        return options
    }
}

/// `floe run PIPELINE.yaml`: runs the out-of-date stages of a pipeline file.
public struct RunCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a pipeline file: every stage whose inputs, command or executable changed.",
        discussion: """
        Exit codes: 0 every task ran or was up to date; 1 a task failed; 64 usage or pipeline-file \
        error; 75 another run holds the state folder's lock (pass --wait to wait); 128+N interrupted \
        by signal N (130 Ctrl-C, 143 SIGTERM) after the running stages got it and exited. See docs/pipeline.md.
        """
    )

    @OptionGroup var selection: PipelineSelectionOptions

    @Option(name: .shortAndLong, help: "Tasks running at once (default: number of cores; with --executor slurm, jobs queued at once, default 100).")
    var jobs: Int?

    @Flag(help: "Print for each task whether it would run and why; run nothing.")
    var explain = false

    @Flag(name: .customLong("dry-run"), help: "Print the command lines that would run; run nothing.")
    var dryRun = false

    @Flag(help: "Wait for another run of the same state folder instead of exiting with 75.")
    var wait = false

    @Flag(name: .shortAndLong, help: "Print only failures.")
    var quiet = false

    @Option(name: .customLong("keep-logs"), help: "Run log folders to keep (oldest are deleted).")
    var keepLogs = 30

    @Option(help: "What runs the tasks: local (child processes) or slurm (sbatch jobs, job arrays for the days of a stage; see docs/cluster.md).")
    var executor: String = ExecutorKind.local.rawValue

    @Option(help: "Start a failed task again up to N times (in the same log).")
    var retries = 0

    @Option(name: .customLong("poll-seconds"), help: "Slurm: shortest time between two squeue queries (back-off up to 15x, at least 30 s).")
    var pollSeconds: Double = 2

    @Flag(name: .customLong("cancel-leftovers"), help: "Slurm: scancel jobs a killed earlier run left queued, instead of waiting for them.")
    var cancelLeftovers = false

    @Option(name: .customLong("slurm-arrays"), help: "Slurm: submit the ready days of a for_each: date stage as job arrays (on, the default) or one job each (off).")
    var slurmArrays = "on"

    public init() {}

    public func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        if keepLogs < 1 { throw ValidationError("--keep-logs must be at least 1") }
        if ExecutorKind(rawValue: executor) == nil {
            throw ValidationError("--executor must be one of: \(ExecutorKind.allCases.map(\.rawValue).joined(separator: ", ")), not '\(executor)'")
        }
        if !["on", "off"].contains(slurmArrays) { throw ValidationError("--slurm-arrays must be on or off, not '\(slurmArrays)'") }
        if retries < 0 { throw ValidationError("--retries must be 0 or more") }
        if !(pollSeconds >= 0.1 && pollSeconds <= 3600) { throw ValidationError("--poll-seconds must be between 0.1 and 3600") }
    }

    public func run() throws {
        var options = try PipelineCommandSupport.handle { try selection.runOptions() }
        options.executor = ExecutorKind(rawValue: executor) ?? .local
        // On a cluster --jobs bounds the jobs queued at once, not this host's cores.
        options.jobs = jobs ?? (options.executor == .slurm ? 100 : options.jobs)
        options.retries = retries
        options.slurm.pollMinimum = pollSeconds
        options.slurm.pollMaximum = max(30, pollSeconds * 15)
        options.slurm.cancelLeftovers = cancelLeftovers
        options.slurm.arrays = slurmArrays == "on"
        options.wait = wait
        options.quiet = quiet
        options.keepLogs = keepLogs
        options.progress = !quiet && isatty(2) == 1
        options.catchSignals = true
        let code = PipelineCommandSupport.execute(path: selection.pipeline, options: options,
                                                  mode: explain ? .explain : dryRun ? .dryRun : .run)
        if code != 0 { throw ExitCode(code) }
    }
}

/// `floe status PIPELINE.yaml`: the same as `floe run --explain`.
public struct StatusCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show which tasks of a pipeline would run and why (floe run --explain)."
    )

    @OptionGroup var selection: PipelineSelectionOptions

    public init() {}

    public func run() throws {
        let options = try PipelineCommandSupport.handle { try selection.runOptions() }
        let code = PipelineCommandSupport.execute(path: selection.pipeline, options: options, mode: .explain)
        if code != 0 { throw ExitCode(code) }
    }
}

/// Shared plumbing of the pipeline commands: loading, error printing, exit codes.
enum PipelineCommandSupport {
    enum Mode { case run, explain, dryRun }

    static func printOut(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    static func printErr(_ line: String) {
        FileHandle.standardError.write(Data((line.hasPrefix("\r") ? line : line + "\n").utf8))
    }

    /// Maps pipeline errors to their exit code after printing them.
    static func handle<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as PipelineError {
            printErr(prefixed(error))
            throw ExitCode(code(for: error))
        }
    }

    static func prefixed(_ error: PipelineError) -> String {
        if case .invalidFile(let diagnostics) = error {
            return error.description + "\n\(diagnostics.count) error\(diagnostics.count == 1 ? "" : "s") in the pipeline file"
        }
        return "floe: " + error.description
    }

    static func code(for error: PipelineError) -> Int32 {
        switch error {
        case .invalidFile, .usage: return PipelineExitCode.usage
        case .locked: return PipelineExitCode.locked
        case .io: return PipelineExitCode.failure
        }
    }

    static func execute(path: String, options: RunOptions, mode: Mode) -> Int32 {
        do {
            let spec = try PipelineParser.load(path: path)
            let runner = try PipelineRunner(spec: spec, options: options, output: { printOut($0) }, errorOutput: { printErr($0) })
            switch mode {
            case .run:
                return try runner.run().exitCode
            case .explain, .dryRun:
                let decisions = try runner.explain()
                let width = decisions.map(\.task.id.count).max() ?? 0
                for decision in decisions {
                    let id = decision.task.id.padding(toLength: width, withPad: " ", startingAt: 0)
                    if mode == .dryRun {
                        guard decision.willRun else { continue }
                        printOut("\(id)  \(decision.command.map(shellQuoted).joined(separator: " "))")
                    } else if !decision.problems.isEmpty {
                        printOut("\(id)  fail  " + decision.problems.joined(separator: "; "))
                    } else if decision.willRun {
                        printOut("\(id)  run   " + decision.reasons.joined(separator: "; "))
                    } else {
                        printOut("\(id)  skip  up to date")
                    }
                }
                let running = decisions.filter(\.willRun).count
                printOut("\(decisions.count) tasks: \(running) would run, \(decisions.count - running) up to date")
                return 0
            }
        } catch let error as PipelineError {
            printErr(prefixed(error))
            return code(for: error)
        } catch {
            printErr("floe: \(error)")
            return PipelineExitCode.failure
        }
    }

    static func shellQuoted(_ word: String) -> String {
        if !word.isEmpty && word.allSatisfy({ $0.isLetter || $0.isNumber || "-_./=:,@%+".contains($0) }) { return word }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
