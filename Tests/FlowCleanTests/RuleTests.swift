import FlowCore
import Testing
@testable import FlowClean

/// Every rule: a record that trips it, and one at the boundary that passes.
@Suite struct RuleTests {
    let config = testConfig()
    var validator: RowValidator { RowValidator(config: config, referenceTime: config.referenceTimeMillis!) }

    func check(_ r: FlowRecord, _ config: CleanConfig? = nil) -> CleanRule? {
        let c = config ?? self.config
        return RowValidator(config: c, referenceTime: c.referenceTimeMillis!).check(CleanRow(r))
    }

    @Test func baselinePasses() {
        #expect(check(flow()) == nil)
    }

    @Test func unspecifiedAddress() {
        #expect(check(flow(src: "0.0.0.0")) == .unspecifiedAddress)
        #expect(check(flow(dst: "::", )) == .unspecifiedAddress)
        #expect(check(flow(src: "::", dst: "2001:db8::1")) == .unspecifiedAddress)
        // Boundary: the address just above the unspecified one is a real endpoint.
        #expect(check(flow(src: "0.0.0.1")) == nil)
        // DHCP discover from 0.0.0.0:68 to port 67 is allowed (and refused when not allowed).
        let dhcp = flow(src: "0.0.0.0", dst: "255.255.255.255", srcPort: 68, dstPort: 67, proto: 17, flags: nil, packets: 1, bytes: 328)
        #expect(check(dhcp) == nil)
        var strict = config
        strict.allowDHCPUnspecifiedSource = false
        #expect(check(dhcp, strict) == .unspecifiedAddress)
    }

    @Test func endBeforeStart() {
        var r = flow()
        r.end = r.start - 1
        #expect(check(r) == .endBeforeStart)
        r.end = r.start  // boundary: a zero-length flow is fine
        #expect(check(r) == nil)
    }

    @Test func durationOverActiveTimeout() {
        #expect(check(flow(duration: 1_800_001)) == .durationOverActiveTimeout)
        #expect(check(flow(duration: 1_800_000)) == nil)
        var c = config
        c.activeTimeoutMillis = 60_000
        #expect(check(flow(duration: 60_001), c) == .durationOverActiveTimeout)
    }

    @Test func notBeforeAndNotAfter() {
        var c = config
        c.notBeforeMillis = t0
        c.notAfterMillis = t0 + CivilTime.millisPerDay - 1  // --not-after of that date
        #expect(check(flow(start: t0 - 1), c) == .beforeNotBefore)
        #expect(check(flow(start: t0), c) == nil)
        #expect(check(flow(start: t0 + CivilTime.millisPerDay - 1, duration: 0), c) == nil)
        #expect(check(flow(start: t0 + CivilTime.millisPerDay), c) == .afterNotAfter)
    }

    @Test func futureSkew() {
        var c = config
        c.referenceTimeMillis = t0
        c.maxFutureSkewMillis = 3_600_000
        #expect(check(flow(start: t0 + 3_600_000 - 10, duration: 11), c) == .futureSkew)
        #expect(check(flow(start: t0 + 3_600_000 - 10, duration: 10), c) == nil)
    }

    @Test func zeroPacketsWithBytes() {
        #expect(check(flow(packets: 0, bytes: 40)) == .zeroPacketsWithBytes)
        #expect(check(flow(packets: 0, bytes: 0)) == nil)  // an empty record breaks no counter rule
        var r = flow()
        r.revPackets = 0
        r.revBytes = 52
        #expect(check(r) == .zeroPacketsWithBytes)
    }

    @Test func packetsWithoutBytes() {
        #expect(check(flow(packets: 3, bytes: 0)) == .packetsWithoutBytes)
        var r = flow()
        r.revPackets = 2
        r.revBytes = 0
        #expect(check(r) == .packetsWithoutBytes)
        r.revBytes = 80
        #expect(check(r) == nil)
    }

    @Test func bytesPerPacketTooSmall() {
        #expect(check(flow(packets: 10, bytes: 199)) == .bytesPerPacketTooSmall)
        #expect(check(flow(packets: 10, bytes: 200)) == nil)  // exactly 20 per packet
        #expect(check(flow(src: "2001:db8::1", dst: "2001:db8::2", packets: 10, bytes: 399)) == .bytesPerPacketTooSmall)
        #expect(check(flow(src: "2001:db8::1", dst: "2001:db8::2", packets: 10, bytes: 400)) == nil)
    }

    @Test func bytesPerPacketTooLarge() {
        #expect(check(flow(packets: 2, bytes: 131_071)) == .bytesPerPacketTooLarge)
        #expect(check(flow(packets: 2, bytes: 131_070)) == nil)  // exactly 65535 per packet
        let v6 = flow(src: "2001:db8::1", dst: "2001:db8::2", packets: 1, bytes: 65_576)
        #expect(check(v6) == .bytesPerPacketTooLarge)
        #expect(check(flow(src: "2001:db8::1", dst: "2001:db8::2", packets: 1, bytes: 65_575)) == nil)
        var jumbo = config
        jumbo.jumboFrames = true
        #expect(check(v6, jumbo) == nil)
    }

    @Test func portsOnPortlessProtocol() {
        #expect(check(flow(srcPort: 40_000, dstPort: 443, proto: 1, flags: 0)) == .portsOnPortlessProtocol)
        // ICMP keeps type·256+code in dst_port: echo request (8, 0) passes.
        #expect(check(flow(srcPort: 0, dstPort: 8 << 8, proto: 1, flags: 0)) == nil)
        // Other portless protocols (GRE) must have no port at all.
        #expect(check(flow(srcPort: 0, dstPort: 1, proto: 47, flags: nil)) == .portsOnPortlessProtocol)
        #expect(check(flow(srcPort: nil, dstPort: nil, proto: 47, flags: nil)) == nil)
        #expect(check(flow(srcPort: 5000, dstPort: 5001, proto: 132, flags: nil)) == nil)  // SCTP has ports
    }

    @Test func tcpFlagsOnNonTCP() {
        #expect(check(flow(dstPort: 53, proto: 17, flags: 0x02)) == .tcpFlagsOnNonTCP)
        #expect(check(flow(dstPort: 53, proto: 17, flags: 0)) == nil)
        #expect(check(flow(dstPort: 53, proto: 17, flags: nil)) == nil)
    }

    @Test func disabledRulePasses() {
        var c = config
        c.disabledRules = [.tcpFlagsOnNonTCP]
        #expect(check(flow(dstPort: 53, proto: 17, flags: 0x02), c) == nil)
    }

    @Test func firstFailingRuleIsCharged() {
        var r = flow(packets: 0, bytes: 40)
        r.end = r.start - 5
        #expect(check(r) == .endBeforeStart)
    }
}
