import FlowCore

/// A column that can be part of the dedupe key.
public enum DedupeField: String, CaseIterable, Sendable, Codable {
    case srcAddr = "src_addr", dstAddr = "dst_addr", srcPort = "src_port", dstPort = "dst_port"
    case proto = "protocol", packets, bytes, end, exporter
    case tcpFlags = "tcp_flags", inputIf = "input_if", outputIf = "output_if"

    var bit: UInt16 { UInt16(1) << UInt16(Self.allCases.firstIndex(of: self)!) }
}

/// Every setting of floe-clean: which rules run and their thresholds, dedupe, the internal
/// networks, the memory budget. Defaults are documented in ARCHITECTURE.md ("## Clean");
/// the YAML form is read by `CleanConfigLoader` and the JSON form (snake_case keys, times
/// as text) is what the manifest records.
public struct CleanConfig: Sendable, Equatable, Codable {
    /// Rules switched off (`rules: {name: false}`); `invalid_value` cannot be.
    public var disabledRules: Set<CleanRule> = []
    /// Longest possible flow record, ms (`active_timeout`, default 30m).
    public var activeTimeoutMillis: Int64 = 1_800_000
    /// Earliest allowed start, ms (`not_before`), inclusive.
    public var notBeforeMillis: Int64? = nil
    /// Latest allowed start, ms (`not_after`), inclusive; a date D means D 23:59:59.999.
    public var notAfterMillis: Int64? = nil
    /// How far past the reference time an `end` may lie, ms (`max_future_skew`, default 1h).
    public var maxFutureSkewMillis: Int64 = 3_600_000
    /// The instant taken as "now" by `future_skew` (`reference_time`); nil = the wall clock
    /// when the run starts.
    public var referenceTimeMillis: Int64? = nil
    public var minPacketBytesIPv4: UInt64 = 20
    public var minPacketBytesIPv6: UInt64 = 40
    public var maxPacketBytesIPv4: UInt64 = 65_535
    public var maxPacketBytesIPv6: UInt64 = 65_575
    /// IPv6 jumbograms (RFC 2675) are possible: the IPv6 upper bound becomes 2³² − 1 + 40.
    public var jumboFrames = false
    /// Let a DHCP client's discover (UDP from 0.0.0.0:68 to port 67) pass `unspecified_address`.
    public var allowDHCPUnspecifiedSource = true
    public var dedupeEnabled = true
    /// Columns that must be equal for two rows to be the same flow (start is compared with
    /// `dedupeToleranceMillis`).
    public var dedupeKey: [DedupeField] = [.srcAddr, .dstAddr, .srcPort, .dstPort, .proto, .packets, .bytes]
    /// Largest start difference of two copies of one flow, ms (default 1s).
    public var dedupeToleranceMillis: Int64 = 1_000
    /// Networks whose addresses are "internal" for `direction`.
    public var internalNetworks: [NetworkPrefix] = NetworkPrefix.privateRanges
    /// Memory the run may use for buffered rows, sorting and output, MB.
    public var memoryBudgetMB: Int = 512
    /// Worker threads for validation (and sorting).
    public var threads: Int = 2
    /// Rows per Arrow record batch of the output.
    public var rowsPerBatch: Int = 65_536
    /// The run fails (exit 1) when the rejected share of the rows in is larger, or when
    /// rows came in and none was kept (`max_reject_share`, default 0.5).
    public var maxRejectShare: Double = 0.5
    /// Reject lines each input keeps in quarantine.jsonl; later rejects are counted by
    /// rule only (`max_quarantine_rows`, default 100,000).
    public var maxQuarantineRows: Int = 100_000

    public init() {}

    public func isEnabled(_ rule: CleanRule) -> Bool { !disabledRules.contains(rule) }

    /// The upper bytes/packet bound for IPv6 in effect.
    public var effectiveMaxPacketBytesIPv6: UInt64 { jumboFrames ? 4_294_967_295 + 40 : maxPacketBytesIPv6 }

    /// Checks ranges; returns every problem (the loader adds file lines to them).
    public func problems() -> [String] {
        var out: [String] = []
        if activeTimeoutMillis <= 0 { out.append("active_timeout must be positive") }
        if maxFutureSkewMillis < 0 { out.append("max_future_skew must not be negative") }
        if let b = notBeforeMillis, let a = notAfterMillis, b > a { out.append("not_before is after not_after") }
        if minPacketBytesIPv4 > maxPacketBytesIPv4 { out.append("min_packet_bytes_ipv4 is above max_packet_bytes_ipv4") }
        if minPacketBytesIPv6 > maxPacketBytesIPv6 { out.append("min_packet_bytes_ipv6 is above max_packet_bytes_ipv6") }
        if dedupeToleranceMillis < 0 { out.append("dedupe.tolerance must not be negative") }
        if dedupeEnabled && dedupeKey.isEmpty { out.append("dedupe.key must name at least one column") }
        if memoryBudgetMB < 64 { out.append("memory_budget_mb must be at least 64") }
        if threads < 1 || threads > 64 { out.append("threads must be 1–64") }
        if rowsPerBatch < 1 || rowsPerBatch > 1 << 22 { out.append("rows_per_batch must be 1–4194304") }
        if !(0...1).contains(maxRejectShare) { out.append("max_reject_share must be between 0 and 1") }
        if maxQuarantineRows < 0 { out.append("max_quarantine_rows must not be negative") }
        return out
    }

    // MARK: Codable (the manifest's record of the configuration)

    enum CodingKeys: String, CodingKey {
        case rules, activeTimeout = "active_timeout", notBefore = "not_before", notAfter = "not_after"
        case maxFutureSkew = "max_future_skew", referenceTime = "reference_time"
        case minPacketBytesIPv4 = "min_packet_bytes_ipv4", minPacketBytesIPv6 = "min_packet_bytes_ipv6"
        case maxPacketBytesIPv4 = "max_packet_bytes_ipv4", maxPacketBytesIPv6 = "max_packet_bytes_ipv6"
        case jumboFrames = "jumbo_frames", allowDHCPUnspecifiedSource = "allow_dhcp_unspecified_source"
        case dedupe, internalNetworks = "internal_networks", memoryBudgetMB = "memory_budget_mb"
        case threads, rowsPerBatch = "rows_per_batch"
        case maxRejectShare = "max_reject_share", maxQuarantineRows = "max_quarantine_rows"
    }

    struct DedupeSection: Codable {
        var enabled: Bool
        var key: [DedupeField]
        var tolerance: String
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        var rules: [String: Bool] = [:]
        for rule in CleanRule.configurable { rules[rule.rawValue] = isEnabled(rule) }
        try c.encode(rules, forKey: .rules)
        try c.encode(DurationText.format(millis: activeTimeoutMillis), forKey: .activeTimeout)
        try c.encode(notBeforeMillis.map(CivilTime.isoString(millis:)), forKey: .notBefore)
        try c.encode(notAfterMillis.map(CivilTime.isoString(millis:)), forKey: .notAfter)
        try c.encode(DurationText.format(millis: maxFutureSkewMillis), forKey: .maxFutureSkew)
        try c.encode(referenceTimeMillis.map(CivilTime.isoString(millis:)), forKey: .referenceTime)
        try c.encode(minPacketBytesIPv4, forKey: .minPacketBytesIPv4)
        try c.encode(minPacketBytesIPv6, forKey: .minPacketBytesIPv6)
        try c.encode(maxPacketBytesIPv4, forKey: .maxPacketBytesIPv4)
        try c.encode(maxPacketBytesIPv6, forKey: .maxPacketBytesIPv6)
        try c.encode(jumboFrames, forKey: .jumboFrames)
        try c.encode(allowDHCPUnspecifiedSource, forKey: .allowDHCPUnspecifiedSource)
        try c.encode(DedupeSection(enabled: dedupeEnabled, key: dedupeKey,
                                   tolerance: DurationText.format(millis: dedupeToleranceMillis)), forKey: .dedupe)
        try c.encode(internalNetworks.map(\.description), forKey: .internalNetworks)
        try c.encode(memoryBudgetMB, forKey: .memoryBudgetMB)
        try c.encode(threads, forKey: .threads)
        try c.encode(rowsPerBatch, forKey: .rowsPerBatch)
        try c.encode(maxRejectShare, forKey: .maxRejectShare)
        try c.encode(maxQuarantineRows, forKey: .maxQuarantineRows)
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func bad(_ key: CodingKeys, _ what: String) -> DecodingError {
            .dataCorruptedError(forKey: key, in: c, debugDescription: what)
        }
        func duration(_ key: CodingKeys) throws -> Int64? {
            guard let text = try c.decodeIfPresent(String.self, forKey: key) else { return nil }
            guard let v = DurationText.parseMillis(text) else { throw bad(key, "not a duration: \(text)") }
            return v
        }
        func instant(_ key: CodingKeys) throws -> Int64? {
            guard let text = try c.decodeIfPresent(String.self, forKey: key) else { return nil }
            guard let v = DurationText.parseInstant(text) else { throw bad(key, "not a date or instant: \(text)") }
            return v.millis
        }
        if let rules = try c.decodeIfPresent([String: Bool].self, forKey: .rules) {
            for (name, on) in rules where !on {
                guard let rule = CleanRule(rawValue: name) else { throw bad(.rules, "unknown rule \(name)") }
                disabledRules.insert(rule)
            }
        }
        if let v = try duration(.activeTimeout) { activeTimeoutMillis = v }
        notBeforeMillis = try instant(.notBefore)
        notAfterMillis = try instant(.notAfter)
        if let v = try duration(.maxFutureSkew) { maxFutureSkewMillis = v }
        referenceTimeMillis = try instant(.referenceTime)
        if let v = try c.decodeIfPresent(UInt64.self, forKey: .minPacketBytesIPv4) { minPacketBytesIPv4 = v }
        if let v = try c.decodeIfPresent(UInt64.self, forKey: .minPacketBytesIPv6) { minPacketBytesIPv6 = v }
        if let v = try c.decodeIfPresent(UInt64.self, forKey: .maxPacketBytesIPv4) { maxPacketBytesIPv4 = v }
        if let v = try c.decodeIfPresent(UInt64.self, forKey: .maxPacketBytesIPv6) { maxPacketBytesIPv6 = v }
        if let v = try c.decodeIfPresent(Bool.self, forKey: .jumboFrames) { jumboFrames = v }
        if let v = try c.decodeIfPresent(Bool.self, forKey: .allowDHCPUnspecifiedSource) { allowDHCPUnspecifiedSource = v }
        if let d = try c.decodeIfPresent(DedupeSection.self, forKey: .dedupe) {
            dedupeEnabled = d.enabled
            dedupeKey = d.key
            guard let t = DurationText.parseMillis(d.tolerance) else { throw bad(.dedupe, "not a duration: \(d.tolerance)") }
            dedupeToleranceMillis = t
        }
        if let nets = try c.decodeIfPresent([String].self, forKey: .internalNetworks) {
            internalNetworks = try nets.map { text in
                switch NetworkPrefix.parse(text) {
                case .success(let p): return p
                case .failure(let e): throw bad(.internalNetworks, "\(e.text): \(e.reason)")
                }
            }
        }
        if let v = try c.decodeIfPresent(Int.self, forKey: .memoryBudgetMB) { memoryBudgetMB = v }
        if let v = try c.decodeIfPresent(Int.self, forKey: .threads) { threads = v }
        if let v = try c.decodeIfPresent(Int.self, forKey: .rowsPerBatch) { rowsPerBatch = v }
        if let v = try c.decodeIfPresent(Double.self, forKey: .maxRejectShare) { maxRejectShare = v }
        if let v = try c.decodeIfPresent(Int.self, forKey: .maxQuarantineRows) { maxQuarantineRows = v }
    }
}
