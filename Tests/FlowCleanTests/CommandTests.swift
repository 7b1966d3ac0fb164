import Foundation
import Testing
@testable import FlowClean
import FlowCore
import FlowTestSupport

// The command lives in FlowCommands (not a dependency of this test target); its option
// handling is covered through the same loader calls it makes, and end to end below by
// running the built executable when it exists.
@Suite struct CommandLineTests {
    @Test func settingsThenConfigThenOptions() throws {
        let tmp = TempFolder()
        defer { tmp.cleanup() }
        let settings = tmp.path + "/settings.json", yaml = tmp.path + "/clean.yaml"
        try Data(#"{"internal_networks": ["192.0.2.0/24"]}"#.utf8).write(to: URL(fileURLWithPath: settings))
        try Data("active_timeout: 5m\n".utf8).write(to: URL(fileURLWithPath: yaml))
        var c = CleanConfig()
        try CleanConfigLoader.applySettings(path: settings, to: &c)
        c = try CleanConfigLoader.load(path: yaml, base: c)
        #expect(c.internalNetworks.map(\.description) == ["192.0.2.0/24"])
        #expect(c.activeTimeoutMillis == 300_000)
        // The YAML replaces the settings' networks when it names its own.
        try Data("internal_networks: [10.0.0.0/8]\n".utf8).write(to: URL(fileURLWithPath: yaml))
        c = try CleanConfigLoader.load(path: yaml, base: c)
        #expect(c.internalNetworks.map(\.description) == ["10.0.0.0/8"])
    }

    @Test func executableExitCodes() throws {
        // Find the floe-clean binary next to the test bundle (debug build folder).
        let bundle = Bundle.main.bundleURL
        let candidates = [bundle.appendingPathComponent("floe-clean").path,
                          bundle.deletingLastPathComponent().appendingPathComponent("floe-clean").path]
        guard let exe = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            Issue.record("floe-clean executable not built next to the tests (\(candidates))")
            return
        }
        let tmp = TempFolder()
        defer { tmp.cleanup() }
        try writeRaw([flow(start: t0 + 5)], to: tmp.sub("raw") + "/a.arrow")
        func run(_ args: [String], env: [String: String] = [:]) throws -> (Int32, String) {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: exe)
            p.arguments = args
            var environment = ProcessInfo.processInfo.environment
            environment["FLOE_SETTINGS"] = nil
            for (k, v) in env { environment[k] = v }
            p.environment = environment
            let err = Pipe()
            p.standardError = err
            p.standardOutput = Pipe()
            try p.run()
            let data = err.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            return (p.terminationStatus, String(decoding: data, as: UTF8.self))
        }
        let ok = try run([tmp.path + "/raw", "--output", tmp.path + "/flows", "--reference-time", "2026-12-01T00:00:00Z"])
        #expect(ok.0 == 0)
        #expect(FileManager.default.fileExists(atPath: partitionPath(tmp.path + "/flows", day: day0)))
        let usage = try run([tmp.path + "/raw", "--output", tmp.path + "/f2", "--not-before", "yesterday", "--active-timeout", "5"])
        #expect(usage.0 == 64)
        #expect(usage.1.contains("--not-before") && usage.1.contains("--active-timeout"))
        let badSettings = try run([tmp.path + "/raw", "--output", tmp.path + "/f3"], env: ["FLOE_SETTINGS": tmp.path + "/nope.json"])
        #expect(badSettings.0 == 64)
        try Data("junk".utf8).write(to: URL(fileURLWithPath: tmp.path + "/raw/b.arrow"))
        let partial = try run([tmp.path + "/raw", "--output", tmp.path + "/f4"])
        #expect(partial.0 == 1)
        #expect(partial.1.contains("b.arrow"))
        #expect(FileManager.default.fileExists(atPath: partitionPath(tmp.path + "/f4", day: day0)))
        let help = try run(["--help"])
        #expect(help.0 == 0)
    }
}
