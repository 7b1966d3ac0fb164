import Foundation
@testable import FlowPipeline

enum ISO8601DateFormatterBox {
    static func date(_ text: String) -> Date? { ISO8601DateFormatter().date(from: text) }
}

/// The diagnostics of parsing `text` as `p.yaml` (empty when it is valid).
func parseErrors(_ text: String, environment: [String: String] = [:]) -> [String] {
    do {
        _ = try PipelineParser.parse(text, path: "p.yaml", environment: environment)
        return []
    } catch let error as PipelineError {
        if case .invalidFile(let diagnostics) = error { return diagnostics.map(\.description) }
        return ["\(error)"]
    } catch {
        return ["\(error)"]
    }
}

/// Collects output lines from worker threads.
final class Lines: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []
    func add(_ line: String) { lock.lock(); stored.append(line); lock.unlock() }
    var all: [String] { lock.lock(); defer { lock.unlock() }; return stored }
}

/// A temporary workspace with fake stage executables (shell scripts) in `bin/`.
final class Workspace {
    let root: String
    let out = Lines()
    let err = Lines()

    init() throws {
        root = NSTemporaryDirectory() + "floe-pipeline-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: root + "/bin", withIntermediateDirectories: true)
        // fake-copy [--tag T] [--fail-on VALUE] --output OUT INPUT...: concatenates inputs
        // (files or folders) into OUT (a file, or OUT/part.txt when --dir), appends the tag.
        try script("fake-copy", """
        if [ "$1" = "--version" ]; then echo "fake-copy 1.0"; exit 0; fi
        out=""; tag=""; dir=0; fail=""; ins=""
        while [ $# -gt 0 ]; do
          case "$1" in
            --output) out="$2"; shift 2;;
            --tag) tag="$2"; shift 2;;
            --fail-on) fail="$2"; shift 2;;
            --dir) dir=1; shift;;
            *) ins="$ins $1"; shift;;
          esac
        done
        echo "stage $FLOE_STAGE date ${FLOE_DATE:-none} inputs:$ins"
        if [ -n "$fail" ] && [ "$fail" = "$FLOE_DATE" ]; then echo "boom on $fail" >&2; exit 3; fi
        if [ $dir = 1 ]; then mkdir -p "$out"; target="$out/part.txt"; else mkdir -p "$(dirname "$out")"; target="$out"; fi
        : > "$target.tmp"
        for i in $ins; do if [ -d "$i" ]; then cat "$i"/* >> "$target.tmp"; else cat "$i" >> "$target.tmp"; fi; done
        echo "$tag" >> "$target.tmp"
        mv "$target.tmp" "$target"
        echo "$FLOE_STAGE ${FLOE_DATE:-}" >> "\(root)/calls.txt"
        """)
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    func script(_ name: String, _ body: String) throws {
        let path = root + "/bin/" + name
        try ("#!/bin/sh\n" + body + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
    }

    func write(_ relative: String, _ text: String) throws {
        let path = root + "/" + relative
        try FileManager.default.createDirectory(atPath: FileSystem.parent(path), withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: false, encoding: .utf8)
    }

    func read(_ relative: String) -> String? { try? String(contentsOfFile: root + "/" + relative, encoding: .utf8) }

    /// Stage invocations recorded by the fake executable since the last call, sorted.
    func takeCalls() -> [String] {
        let text = read("calls.txt") ?? ""
        try? FileManager.default.removeItem(atPath: root + "/calls.txt")
        return text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.sorted()
    }

    func spec(_ yaml: String) throws -> PipelineSpec {
        try PipelineParser.parse(yaml, path: root + "/pipeline.yaml", environment: ["ROOT": root])
    }

    func runner(_ yaml: String, configure: (inout RunOptions) -> Void = { _ in }) throws -> PipelineRunner {
        var options = RunOptions()
        options.binDirectories = [root + "/bin"]
        options.stateDirectory = root + "/state"
        options.jobs = 3
        options.environment = ["PATH": "/usr/bin:/bin", "ROOT": root]
        configure(&options)
        let out = self.out, err = self.err
        return try PipelineRunner(spec: try spec(yaml), options: options, output: { out.add($0) }, errorOutput: { err.add($0) })
    }

    func run(_ yaml: String, configure: (inout RunOptions) -> Void = { _ in }) throws -> RunSummary {
        try runner(yaml, configure: configure).run()
    }
}
