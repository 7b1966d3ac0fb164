import FlowCore

/// The validation rules with their thresholds resolved for one run. `check` returns the
/// first rule (in `CleanRule.allCases` order) a row fails, or nil when it passes.
struct RowValidator: Sendable {
    let unspecifiedOn, endBeforeStartOn, durationOn, notBeforeOn, notAfterOn, futureOn: Bool
    let zeroPacketsOn, noBytesOn, tooSmallOn, tooLargeOn, portsOn, flagsOn: Bool
    let activeTimeout: Int64
    let notBefore: Int64
    let notAfter: Int64
    /// Latest allowed `end`: reference time + max future skew.
    let futureLimit: Int64
    let referenceTime: Int64
    let maxFutureSkew: Int64
    let min4: UInt64, min6: UInt64, max4: UInt64, max6: UInt64
    let allowDHCP: Bool

    init(config: CleanConfig, referenceTime: Int64) {
        unspecifiedOn = config.isEnabled(.unspecifiedAddress)
        endBeforeStartOn = config.isEnabled(.endBeforeStart)
        durationOn = config.isEnabled(.durationOverActiveTimeout)
        notBeforeOn = config.isEnabled(.beforeNotBefore) && config.notBeforeMillis != nil
        notAfterOn = config.isEnabled(.afterNotAfter) && config.notAfterMillis != nil
        futureOn = config.isEnabled(.futureSkew)
        zeroPacketsOn = config.isEnabled(.zeroPacketsWithBytes)
        noBytesOn = config.isEnabled(.packetsWithoutBytes)
        tooSmallOn = config.isEnabled(.bytesPerPacketTooSmall)
        tooLargeOn = config.isEnabled(.bytesPerPacketTooLarge)
        portsOn = config.isEnabled(.portsOnPortlessProtocol)
        flagsOn = config.isEnabled(.tcpFlagsOnNonTCP)
        activeTimeout = config.activeTimeoutMillis
        notBefore = config.notBeforeMillis ?? .min
        notAfter = config.notAfterMillis ?? .max
        self.referenceTime = referenceTime
        maxFutureSkew = config.maxFutureSkewMillis
        let (limit, overflow) = referenceTime.addingReportingOverflow(config.maxFutureSkewMillis)
        futureLimit = overflow ? .max : limit
        min4 = config.minPacketBytesIPv4
        min6 = config.minPacketBytesIPv6
        max4 = config.maxPacketBytesIPv4
        max6 = config.effectiveMaxPacketBytesIPv6
        allowDHCP = config.allowDHCPUnspecifiedSource
    }

    /// Protocols that carry ports: TCP, UDP, DCCP, SCTP, UDP-Lite.
    @inline(__always) static func hasPorts(_ proto: UInt8) -> Bool {
        proto == 6 || proto == 17 || proto == 33 || proto == 132 || proto == 136
    }

    func check(_ r: CleanRow) -> CleanRule? {
        if unspecifiedOn && (r.src.isUnspecified || r.dst.isUnspecified) {
            let dhcp = allowDHCP && r.proto == 17 && r.src.isIPv4 && r.src.isUnspecified && !r.dst.isUnspecified
                && r.has(Present.srcPort) && r.srcPort == 68 && r.has(Present.dstPort) && r.dstPort == 67
            if !dhcp { return .unspecifiedAddress }
        }
        if endBeforeStartOn && r.end < r.start { return .endBeforeStart }
        if durationOn && r.end > r.start && r.end &- r.start > activeTimeout { return .durationOverActiveTimeout }
        if notBeforeOn && r.start < notBefore { return .beforeNotBefore }
        if notAfterOn && r.start > notAfter { return .afterNotAfter }
        if futureOn && max(r.end, r.start) > futureLimit { return .futureSkew }
        let reverse = r.has(Present.revPackets) && r.has(Present.revBytes)
        if zeroPacketsOn && ((r.packets == 0 && r.bytes > 0) || (reverse && r.revPackets == 0 && r.revBytes > 0)) {
            return .zeroPacketsWithBytes
        }
        if noBytesOn && ((r.packets > 0 && r.bytes == 0) || (reverse && r.revPackets > 0 && r.revBytes == 0)) {
            return .packetsWithoutBytes
        }
        let v4 = r.src.isIPv4
        let lo = v4 ? min4 : min6, hi = v4 ? max4 : max6
        if tooSmallOn && (Self.below(r.bytes, r.packets, lo) || (reverse && Self.below(r.revBytes, r.revPackets, lo))) {
            return .bytesPerPacketTooSmall
        }
        if tooLargeOn && (Self.above(r.bytes, r.packets, hi) || (reverse && Self.above(r.revBytes, r.revPackets, hi))) {
            return .bytesPerPacketTooLarge
        }
        if portsOn && !Self.hasPorts(r.proto) {
            let srcSet = r.has(Present.srcPort) && r.srcPort != 0
            let dstSet = r.has(Present.dstPort) && r.dstPort != 0
            // ICMP and ICMPv6 keep type·256+code in the destination port.
            if srcSet || (dstSet && r.proto != 1 && r.proto != 58) { return .portsOnPortlessProtocol }
        }
        if flagsOn && r.proto != 6 && r.has(Present.tcpFlags) && r.tcpFlags != 0 { return .tcpFlagsOnNonTCP }
        return nil
    }

    /// Average bytes per packet below `limit` (packets > 0).
    @inline(__always) static func below(_ bytes: UInt64, _ packets: UInt64, _ limit: UInt64) -> Bool {
        guard packets > 0 else { return false }
        let (product, overflow) = packets.multipliedReportingOverflow(by: limit)
        return overflow || bytes < product
    }

    /// Average bytes per packet above `limit` (packets > 0).
    @inline(__always) static func above(_ bytes: UInt64, _ packets: UInt64, _ limit: UInt64) -> Bool {
        guard packets > 0 else { return false }
        let (product, overflow) = packets.multipliedReportingOverflow(by: limit)
        return !overflow && bytes > product
    }

    /// A human explanation of why `r` failed `rule`, for the quarantine.
    func detail(_ rule: CleanRule, _ r: CleanRow) -> String {
        let v4 = r.src.isIPv4
        func perPacket(_ b: UInt64, _ p: UInt64) -> String { p == 0 ? "-" : String(Double(b) / Double(p)) }
        switch rule {
        case .invalidValue: return "a required column is null or an address does not parse"
        case .unspecifiedAddress: return r.src.isUnspecified ? "src_addr is unspecified (\(r.src))" : "dst_addr is unspecified (\(r.dst))"
        case .endBeforeStart: return "end is \(r.start - r.end) ms before start"
        case .durationOverActiveTimeout: return "duration \(r.end - r.start) ms exceeds active_timeout \(activeTimeout) ms"
        case .beforeNotBefore: return "start is before not_before \(CivilTime.isoString(millis: notBefore))"
        case .afterNotAfter: return "start is after not_after \(CivilTime.isoString(millis: notAfter))"
        case .futureSkew:
            return "end is \(max(r.end, r.start) - referenceTime) ms after the reference time \(CivilTime.isoString(millis: referenceTime)) (max_future_skew \(maxFutureSkew) ms)"
        case .zeroPacketsWithBytes:
            return r.packets == 0 && r.bytes > 0 ? "packets 0 with bytes \(r.bytes)" : "rev_packets 0 with rev_bytes \(r.revBytes)"
        case .packetsWithoutBytes:
            return r.packets > 0 && r.bytes == 0 ? "packets \(r.packets) with bytes 0" : "rev_packets \(r.revPackets) with rev_bytes 0"
        case .bytesPerPacketTooSmall:
            return "bytes per packet \(perPacket(r.bytes, r.packets)) (reverse \(perPacket(r.revBytes, r.revPackets))) below the IPv\(v4 ? 4 : 6) minimum \(v4 ? min4 : min6)"
        case .bytesPerPacketTooLarge:
            return "bytes per packet \(perPacket(r.bytes, r.packets)) (reverse \(perPacket(r.revBytes, r.revPackets))) above the IPv\(v4 ? 4 : 6) maximum \(v4 ? max4 : max6)"
        case .portsOnPortlessProtocol: return "protocol \(r.proto) has no ports but src_port/dst_port are set"
        case .tcpFlagsOnNonTCP: return "tcp_flags \(r.tcpFlags) on protocol \(r.proto)"
        }
    }
}
