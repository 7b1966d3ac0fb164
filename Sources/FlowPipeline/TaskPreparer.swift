import FlowIO
import Foundation

/// A task made concrete: its command line and the fingerprint of its inputs.
struct PreparedTask: Sendable {
    let task: PipelineTask
    /// Full path of the executable, nil when not found.
    var executablePath: String?
    /// The command line, argv[0] being the executable's name.
    var command: [String] = []
    /// Words placed before the arguments when a stage executable `floe-X` is missing and
    /// the umbrella `floe` runs it as `floe X` (the same code).
    var subcommand: [String] = []
    var executableVersion = ""
    var params: [String: String] = [:]
    var inputs: [String: InputRecord] = [:]
    var outputs: [String] = []
    /// Why the task cannot start (missing executable or input, bad template).
    var problems: [String] = []
}

/// A decision about one task: run (with reasons) or skip.
public struct TaskDecision: Sendable {
    public let task: PipelineTask
    public let willRun: Bool
    /// Why it runs (empty when skipped); problems that will make it fail come first.
    public let reasons: [String]
    public let command: [String]
    public let problems: [String]
}

/// Renders tasks, fingerprints inputs and compares with the recorded state. Thread-safe:
/// workers call it concurrently.
final class TaskPreparer: @unchecked Sendable {
    let spec: PipelineSpec
    let graph: PipelineGraph
    let dates: DateSelection?
    let binDirectories: [String]
    let umbrellaSubcommands: Set<String>
    let searchPath: String?
    let versionLogFolder: String
    let settingsHash: Fingerprint

    private let mutex = NSLock()
    private var versions: [String: String] = [:]
    /// Hashes computed in this run, keyed by path, valid for that size and mtime.
    private var hashes: [String: InputRecord] = [:]

    init(spec: PipelineSpec, graph: PipelineGraph, dates: DateSelection?, binDirectories: [String],
         umbrellaSubcommands: Set<String>, searchPath: String?, versionLogFolder: String) {
        self.spec = spec
        self.graph = graph
        self.dates = dates
        self.binDirectories = binDirectories
        self.umbrellaSubcommands = umbrellaSubcommands
        self.searchPath = searchPath
        self.versionLogFolder = versionLogFolder
        self.settingsHash = Fingerprint(xxh64: XXH64.hash(Array(spec.settingsJSON.utf8)))
    }

    /// Which stages produce files matching an input path (for messages).
    func producers(of inputPath: String, except stage: String) -> [String] {
        let input = PathMatch.components(inputPath)
        let scope = spec.scope(date: GraphDate.sample, from: GraphDate.sample, to: GraphDate.sample)
        return spec.stages.filter { other in
            other.name != stage && other.outputs.contains { output in
                guard let text = try? scope.renderText(output.value) else { return false }
                return PathMatch.overlaps(input: input, output: PathMatch.components(text))
            }
        }.map(\.name)
    }

    func prepare(_ task: PipelineTask, previous: StateEntry?, allowMissingInputs: Bool = false) -> PreparedTask {
        var prepared = PreparedTask(task: task)
        guard let stage = spec.stage(named: task.stage) else { return prepared }
        let single = dates.flatMap { $0.days.count == 1 ? $0.from : nil }
        var scope = spec.scope(date: task.partition ?? single, from: dates?.from, to: dates?.to)
        do throws(TemplateError) {
            // Inputs: globs and folders expanded, each file fingerprinted.
            var matched: [String] = []
            for input in stage.inputs {
                for pattern in try scope.render(input.value) {
                    var found: [String] = []
                    do throws(PipelineError) {
                        found = try FileSystem.matches(pattern)
                    } catch {
                        prepared.problems.append(Self.unreadable(error))
                        continue
                    }
                    if found.isEmpty && !allowMissingInputs {
                        let producers = producers(of: pattern, except: stage.name)
                        prepared.problems.append("input '\(pattern)' matches no file" + (producers.isEmpty
                            ? " and no stage produces it"
                            : " (stage \(producers.joined(separator: ", ")) should have produced it)"))
                    }
                    matched += found
                }
            }
            for path in matched {
                var files: [String] = []
                do throws(PipelineError) {
                    files = try FileSystem.files(of: path)
                } catch {
                    if !allowMissingInputs { prepared.problems.append(Self.unreadable(error)) }
                }
                for file in files {
                    do throws(PipelineError) {
                        prepared.inputs[file] = try fingerprint(file, previous: previous?.inputs[file])
                    } catch {
                        if !allowMissingInputs { prepared.problems.append(Self.unreadable(error)) }
                    }
                }
            }
            for output in stage.outputs { prepared.outputs += try scope.render(output.value) }
            scope.values["inputs"] = .list(matched)
            scope.values["outputs"] = .list(prepared.outputs)

            // Command line.
            var command = stage.run
            for param in stage.params {
                switch param.value {
                case .flag(let on):
                    prepared.params[param.key] = on ? "true" : "false"
                    if on { command.append("--" + param.key) }
                case .values(let templates):
                    var values: [String] = []
                    for template in templates { values += try scope.render(template) }
                    prepared.params[param.key] = values.joined(separator: ", ")
                    for value in values { command += ["--" + param.key, value] }
                }
            }
            for arg in stage.args { command += try scope.render(arg.value) }
            prepared.command = command
        } catch {
            prepared.problems.append("\(error) in stage '\(stage.name)'")
        }
        if let name = stage.run.first {
            prepared.executablePath = ProcessSpawner.resolve(name, directories: binDirectories, path: searchPath)
            // Only a real subcommand: `floe nosuch --output x` would fail with the umbrella's
            // usage error ("Unknown option '--output'") instead of saying what is missing.
            let subcommand = String(name.dropFirst("floe-".count))
            if prepared.executablePath == nil, name.hasPrefix("floe-"), umbrellaSubcommands.contains(subcommand),
               let umbrella = ProcessSpawner.resolve("floe", directories: binDirectories, path: searchPath) {
                prepared.executablePath = umbrella
                prepared.subcommand = [subcommand]
            }
            if let path = prepared.executablePath {
                prepared.executableVersion = version(of: path)
            } else {
                prepared.problems.append(notFound(name, stage: stage.name))
            }
        }
        return prepared
    }

    /// Says that a stage's executable was not found, and every place looked.
    func notFound(_ name: String, stage: String) -> String {
        let places: String
        if name.contains("/") {
            places = "it is a path: no executable file there"
        } else {
            let folders = binDirectories.isEmpty ? "" : "looked in " + binDirectories.joined(separator: ", ") + ", then "
            places = folders + "$PATH (" + (searchPath.map { $0.isEmpty ? "empty" : $0 } ?? "not set") + ")"
        }
        return "executable '\(name)' of stage '\(stage)' not found (\(places)); "
            + "fix its 'run:' in \(spec.path), install it, or pass --bin-dir with its folder"
    }

    /// Reasons to run a prepared task; empty when its last successful run matches.
    func reasons(_ prepared: PreparedTask, previous: StateEntry?, force: Bool) -> [String] {
        var reasons: [String] = []
        if force { reasons.append("forced (--force)") }
        guard let previous else { return reasons + ["never ran"] }
        if previous.executableVersion != prepared.executableVersion {
            reasons.append("executable \(prepared.command.first ?? "?") version changed: \(previous.executableVersion) → \(prepared.executableVersion)")
        }
        if previous.settings != settingsHash { reasons.append("settings changed") }
        var paramReason = false
        for key in Set(previous.params.keys).union(prepared.params.keys).sorted() {
            switch (previous.params[key], prepared.params[key]) {
            case (let old?, let new?) where old != new: reasons.append("param \(key) changed: \(old) → \(new)")
            case (nil, let new?): reasons.append("param \(key) added: \(new)")
            case (let old?, nil): reasons.append("param \(key) removed (was \(old))")
            default: continue
            }
            paramReason = true
        }
        if !paramReason && previous.command != prepared.command {
            reasons.append("command line changed: \(previous.command.joined(separator: " ")) → \(prepared.command.joined(separator: " "))")
        }
        for path in Set(previous.inputs.keys).union(prepared.inputs.keys).sorted() {
            switch (previous.inputs[path], prepared.inputs[path]) {
            case (let old?, let new?) where old.hash != new.hash: reasons.append("input \(path) changed (\(old.hash) → \(new.hash))")
            case (nil, _?): reasons.append("new input \(path)")
            case (_?, nil): reasons.append("input \(path) is gone")
            default: continue
            }
        }
        for output in prepared.outputs where !FileSystem.exists(output) {
            reasons.append("output missing: \(output)")
        }
        if Set(previous.outputs) != Set(prepared.outputs) {
            reasons.append("outputs changed: \(previous.outputs.joined(separator: ", ")) → \(prepared.outputs.joined(separator: ", "))")
        }
        return reasons
    }

    /// The content hash of a file, reusing the recorded hash when size and modification
    /// time are unchanged (as make and git do), else reading the file once per run.
    func fingerprint(_ path: String, previous: InputRecord?) throws(PipelineError) -> InputRecord {
        guard let st = FileSystem.status(path) else { throw .io(path: path, reason: FileSystem.errorText()) }
        if let previous, previous.size == st.size, previous.mtimeNs == st.modifiedNanos { return previous }
        mutex.lock()
        let cached = hashes[path]
        mutex.unlock()
        if let cached, cached.size == st.size, cached.mtimeNs == st.modifiedNanos { return cached }
        let record = InputRecord(hash: try FileSystem.fingerprint(path), size: st.size, mtimeNs: st.modifiedNanos)
        mutex.lock()
        hashes[path] = record
        mutex.unlock()
        return record
    }

    /// The problem text for an input that cannot be listed or read.
    static func unreadable(_ error: PipelineError) -> String {
        guard case .io(let path, let reason) = error else { return "\(error)" }
        return "input '\(path)' cannot be read: \(reason)"
    }

    /// `EXE --version`, first line, once per executable per run; `unknown` when it fails.
    func version(of executable: String) -> String {
        mutex.lock()
        defer { mutex.unlock() }
        if let known = versions[executable] { return known }
        let log = versionLogFolder + "/.floe-version-\(UUID().uuidString).txt"
        var text = "unknown"
        if case .success(let outcome) = ProcessSpawner.run(executable: executable, arguments: ["--version"],
                                                           environment: ProcessInfo.processInfo.environment,
                                                           logPath: log, timeoutSeconds: 10),
           outcome.status == 0,
           let output = FileSystem.readText(log) {
            let line = output.split(whereSeparator: \.isNewline).first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            if !line.isEmpty { text = line }
        }
        unlink(log)
        versions[executable] = text
        return text
    }
}

enum GraphDate {
    static let sample = PipelineGraph.sampleDate
}
