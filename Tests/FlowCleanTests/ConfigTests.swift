import FlowCore
import Foundation
import Testing
@testable import FlowClean
import FlowTestSupport

@Suite struct ConfigTests {
    @Test func fullConfigIsRead() throws {
        let yaml = """
        rules:
          future_skew: false
          tcp_flags_on_non_tcp: true
        active_timeout: 2h
        not_before: 2026-11-01
        not_after: 2026-11-07
        max_future_skew: 10m
        reference_time: 2026-11-08T00:00:00.500Z
        min_packet_bytes_ipv4: 28
        max_packet_bytes_ipv6: 9040
        jumbo_frames: true
        dedupe:
          enabled: true
          key: [src_addr, dst_addr, protocol, bytes]
          tolerance: 250ms
        internal_networks:
          - 10.0.0.0/8
          - fd00::/8
        memory_budget_mb: 256
        threads: 1
        """
        let c = try CleanConfigLoader.parse(yaml, file: "clean.yaml")
        #expect(c.disabledRules == [.futureSkew])
        #expect(c.activeTimeoutMillis == 7_200_000)
        #expect(c.notBeforeMillis == CivilTime.daysFromCivil(year: 2026, month: 11, day: 1) * CivilTime.millisPerDay)
        #expect(c.notAfterMillis == CivilTime.daysFromCivil(year: 2026, month: 11, day: 8) * CivilTime.millisPerDay - 1)
        #expect(c.maxFutureSkewMillis == 600_000)
        #expect(c.referenceTimeMillis == CivilTime.daysFromCivil(year: 2026, month: 11, day: 8) * CivilTime.millisPerDay + 500)
        #expect(c.minPacketBytesIPv4 == 28 && c.maxPacketBytesIPv6 == 9040 && c.jumboFrames)
        #expect(c.dedupeKey == [.srcAddr, .dstAddr, .proto, .bytes] && c.dedupeToleranceMillis == 250)
        #expect(c.internalNetworks.map(\.description) == ["10.0.0.0/8", "fd00::/8"])
        #expect(c.memoryBudgetMB == 256 && c.threads == 1)

        // The manifest's JSON form reads back to the same configuration.
        let json = try JSONEncoder().encode(c)
        #expect(try JSONDecoder().decode(CleanConfig.self, from: json) == c)
        // A `clean:` wrapper is accepted.
        let wrapped = try CleanConfigLoader.parse("clean:\n  active_timeout: 5m\n", file: "p.yaml")
        #expect(wrapped.activeTimeoutMillis == 300_000)
    }

    @Test func everyErrorIsListedWithItsLine() throws {
        let yaml = """
        active_timeout: 30m
        activ_timeout: 5m
        max_future_skew: 10
        rules:
          no_such_rule: false
          future_skew: maybe
        internal_networks: [10.0.0.1/8, 192.168.0.0/33]
        dedupe:
          key: [src_addr, colour]
        """
        let error = #expect(throws: CleanError.self) { try CleanConfigLoader.parse(yaml, file: "clean.yaml") }
        guard case .invalidConfig(let d)? = error else { Issue.record("expected invalidConfig"); return }
        let lines = d.map(\.line)
        #expect(lines == [2, 3, 5, 6, 7, 7, 9])
        #expect(d[0].message.contains("unknown key 'activ_timeout'"))
        #expect(d[1].message.contains("max_future_skew"))
        #expect(d[2].message.contains("no_such_rule"))
        #expect(d[4].message.contains("host bits") && d[4].message.contains("10.0.0.0/8"))
        #expect(d[5].message.contains("out of range"))
        #expect(d[6].message.contains("colour"))
        #expect(error!.description.contains("clean.yaml:2:1: unknown key 'activ_timeout'"))
        #expect(d[4].description.hasPrefix("clean.yaml:7:21: internal_networks: '10.0.0.1/8'"))
    }

    /// The clean config reads through FlowConfig's `ConfigReader`, as pipeline files do: a
    /// duplicate key names the line of the first, a value of the wrong shape says what it
    /// found, an empty one says it is empty.
    @Test func duplicateKeysNameTheFirstAndWrongShapesSayWhatTheyAre() {
        let yaml = """
        active_timeout: 30m
        threads: 2
        active_timeout: 5m
        jumbo_frames: [true]
        dedupe:
          enabled: {on: true}
          tolerance: ~
        """
        let error = #expect(throws: CleanError.self) { try CleanConfigLoader.parse(yaml, file: "clean.yaml") }
        guard case .invalidConfig(let d)? = error else { Issue.record("expected invalidConfig"); return }
        #expect(d.map(\.description) == [
            "clean.yaml:3:1: duplicate key 'active_timeout' in the clean section (first at line 1)",
            "clean.yaml:4:15: jumbo_frames must be a single value, not a list",
            "clean.yaml:6:12: dedupe.enabled must be a single value, not a mapping",
            "clean.yaml:7:14: dedupe.tolerance is empty (expected a value)",
        ])
    }

    @Test func aFileThatIsNotUTF8IsAProblemAtItsStart() throws {
        let tmp = TempFolder()
        defer { tmp.cleanup() }
        let path = tmp.path + "/clean.yaml"
        try Data([0x61, 0x3A, 0x20, 0xFF, 0xFE, 0x0A]).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: CleanError.self) { try CleanConfigLoader.load(path: path) }
        guard case .invalidConfig(let d)? = error else { Issue.record("expected invalidConfig"); return }
        #expect(d.map(\.description) == [path + ":1:1: the file is not UTF-8 text"])
    }

    @Test func invalidYAMLAndRangeProblems() {
        #expect(throws: CleanError.self) { try CleanConfigLoader.parse("a: [1,\n", file: "x.yaml") }
        let error = #expect(throws: CleanError.self) {
            try CleanConfigLoader.parse("not_before: 2026-11-09\nnot_after: 2026-11-01\nthreads: 0\n", file: "x.yaml")
        }
        guard case .invalidConfig(let d)? = error else { Issue.record("expected invalidConfig"); return }
        #expect(d.count == 2)
    }

    @Test func settingsFileGivesInternalNetworks() throws {
        let tmp = TempFolder()
        defer { tmp.cleanup() }
        let path = tmp.path + "/settings.json"
        try Data(#"{"internal_networks": ["192.0.2.0/24", "2001:db8::/32"], "other": "x"}"#.utf8).write(to: URL(fileURLWithPath: path))
        var c = CleanConfig()
        try CleanConfigLoader.applySettings(path: path, to: &c)
        #expect(c.internalNetworks.map(\.description) == ["192.0.2.0/24", "2001:db8::/32"])
        try Data(#"{"internal_networks": "10.0.0.0/8, 172.16.0.0/12"}"#.utf8).write(to: URL(fileURLWithPath: path))
        try CleanConfigLoader.applySettings(path: path, to: &c)
        #expect(c.internalNetworks.count == 2)
        try Data(#"{"internal_networks": ["10.0.0.0/99"]}"#.utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: CleanError.self) { try CleanConfigLoader.applySettings(path: path, to: &c) }
        // Without the key nothing changes.
        try Data(#"{"data": "x"}"#.utf8).write(to: URL(fileURLWithPath: path))
        var d = CleanConfig()
        try CleanConfigLoader.applySettings(path: path, to: &d)
        #expect(d.internalNetworks == NetworkPrefix.privateRanges)
    }

    @Test func durationsInstantsAndPrefixes() {
        #expect(DurationText.parseMillis("100ms") == 100)
        #expect(DurationText.parseMillis("30m") == 1_800_000)
        #expect(DurationText.parseMillis("2d") == 172_800_000)
        #expect(DurationText.parseMillis("10") == nil)
        #expect(DurationText.parseMillis("-5s") == nil)
        #expect(DurationText.format(millis: 1_800_000) == "30m")
        #expect(DurationText.format(millis: 1_500) == "1500ms")
        #expect(DurationText.parseInstant("2026-11-01T01:02:03Z")?.millis == CivilTime.daysFromCivil(year: 2026, month: 11, day: 1) * 86_400_000 + 3_723_000)
        #expect(DurationText.parseInstant("2026-11-01T25:00:00Z") == nil)
    }
}
