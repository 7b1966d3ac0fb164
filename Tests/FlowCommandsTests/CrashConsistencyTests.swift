import Foundation
import Testing
import FlowTestSupport

/// Stages killed with SIGKILL in the middle of writing (the `FLOE_CRASH_AFTER_BYTES` hook
/// stops a process after N output bytes, as `kill -9` or a power cut would), then run
/// again, leave exactly the outputs of an uninterrupted run and no temporary files.
@Suite(.serialized) struct CrashConsistencyTests {
    struct Stage {
        let name: String
        let executable: String
        let arguments: [String]
        let output: String
    }

    /// Runs a product with extra environment; returns its exit code and whether a signal ended it.
    static func run(_ stage: Stage, crashAfter bytes: Int? = nil) throws -> (code: Int32, signalled: Bool, err: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Binaries.folder + "/" + stage.executable)
        process.arguments = stage.arguments
        var environment = ProcessInfo.processInfo.environment
        environment["FLOE_CRASH_AFTER_BYTES"] = bytes.map(String.init)
        process.environment = environment
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, process.terminationReason == .uncaughtSignal, text)
    }

    /// Every file under `folder` (relative path → bytes), without the writer lock file;
    /// manifests without their run times.
    static func snapshot(_ folder: String) throws -> [String: [UInt8]] {
        var out: [String: [UInt8]] = [:]
        let fm = FileManager.default
        guard let walker = fm.enumerator(atPath: folder) else { return out }
        while let relative = walker.nextObject() as? String {
            var isDir: ObjCBool = false
            let path = folder + "/" + relative
            guard fm.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue else { continue }
            if (relative as NSString).lastPathComponent == ".floe-writer.lock" { continue }
            var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            if relative.hasSuffix("manifest.json") {
                let text = String(decoding: bytes, as: UTF8.self).split(separator: "\n")
                    .filter { !$0.contains("\"duration_seconds\"") && !$0.contains("\"seconds\"") }
                    .joined(separator: "\n")
                bytes = Array(text.utf8)
            }
            out[relative] = bytes
        }
        return out
    }

    static func leftovers(_ folder: String) -> [String] {
        let names = (FileManager.default.enumerator(atPath: folder)?.allObjects as? [String]) ?? []
        return names.filter { $0.contains(".tmp-") || $0.contains(".clean-scratch-") || $0.contains(".old-") }
    }

    @Test func killedStagesRerunToIdenticalOutputs() throws {
        let dir = temporaryFolder()
        let gen = try Binaries.run("floe", ["generate", "--rows", "6000", "--days", "3", "--seed", "23", "--dialect", "nfdump-csv",
                                            "--start", "2026-11-02", "--dirt", "0.02", "--output", dir + "/src/flows.csv"])
        #expect(gen.code == 0, "\(gen.err)")
        try Data("""
            models:
              kmeans: {k: 3, n_init: 1}
              timeseries: {series: {bucket: 3600}, model: {order: {p: 1, d: 0, q: 0, seasonalP: 0, seasonalD: 0, seasonalQ: 0, period: 0}}}
            """.utf8).write(to: URL(fileURLWithPath: dir + "/models.yaml"))
        let work = dir + "/work"
        let stages = [
            Stage(name: "ingest", executable: "floe-ingest", arguments: ["--quiet", "--output", work + "/raw", dir + "/src/flows.csv"], output: work + "/raw"),
            Stage(name: "clean", executable: "floe-clean", arguments: ["--reference-time", "2026-11-06T00:00:00Z", "--output", work + "/flows", work + "/raw"], output: work + "/flows"),
            Stage(name: "train", executable: "floe-train", arguments: ["--config", dir + "/models.yaml", "--dataset", work + "/flows", "--output", work + "/models"], output: work + "/models"),
            Stage(name: "score", executable: "floe-score", arguments: ["--models", work + "/models", "--dataset", work + "/flows", "--date", "2026-11-03", "--output", work + "/scores"], output: work + "/scores"),
        ]
        // The reference: each stage once, uninterrupted; its outputs are kept aside.
        var reference: [String: [String: [UInt8]]] = [:]
        var sizes: [String: Int] = [:]
        for stage in stages {
            let r = try Self.run(stage)
            #expect(r.code == 0 && !r.signalled, "\(stage.name): \(r.err)")
            reference[stage.name] = try Self.snapshot(stage.output)
            sizes[stage.name] = reference[stage.name]!.values.reduce(0) { $0 + $1.count }
        }
        try FileManager.default.removeItem(atPath: work)
        // Now each stage is killed at several points before it is let finish.
        for stage in stages {
            let size = sizes[stage.name]!
            var killed = 0
            for point in [1, size / 5, size / 2, size * 9 / 10] where point > 0 {
                let r = try Self.run(stage, crashAfter: point)
                if r.signalled { killed += 1 } else { #expect(r.code == 0, "\(stage.name) at \(point): \(r.err)") }
            }
            #expect(killed >= 3, "\(stage.name): only \(killed) of the kill points were reached")
            let r = try Self.run(stage)
            #expect(r.code == 0 && !r.signalled, "\(stage.name) rerun: \(r.err)")
            let after = try Self.snapshot(stage.output)
            #expect(after.keys.sorted() == reference[stage.name]!.keys.sorted(), "\(stage.name): other files")
            for (name, bytes) in after where bytes != reference[stage.name]![name] {
                Issue.record("\(stage.name): \(name) differs from the uninterrupted run")
            }
            #expect(Self.leftovers(stage.output).isEmpty, "\(stage.name) left \(Self.leftovers(stage.output))")
        }
    }
}
