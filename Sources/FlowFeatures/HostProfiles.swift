/// Per host and window profiles (the `host` feature set): one row per (host, window) in
/// which the host sent or received a flow. Windows are aligned to the UTC epoch.
public struct HostProfiles: Sendable {
    public static let definitions: [FeatureDefinition] = [
        FeatureDefinition("flows", log1p: true, "flows sent or received"),
        FeatureDefinition("distinct_peers", log1p: true, "distinct hosts talked to, either way"),
        FeatureDefinition("distinct_dst_ports", log1p: true, "distinct destination ports of flows sent"),
        FeatureDefinition("bytes_out_in_log_ratio", log1p: false, "ln(1 + bytes sent) − ln(1 + bytes received)"),
        FeatureDefinition("failed_tcp_share", log1p: false, "failed / (TCP flows sent + 3): share of TCP flows sent that were half-open (SYN without ACK) or reset, shrunk towards 0 for hosts with few flows"),
        FeatureDefinition("mean_flow_bytes", log1p: true, "mean bytes per flow sent or received"),
        FeatureDefinition("fan_in", log1p: true, "distinct sources of flows received"),
        FeatureDefinition("fan_out", log1p: true, "distinct destinations of flows sent"),
        FeatureDefinition("active_minutes", log1p: true, "distinct minutes with a flow starting"),
    ]

    public static var names: [String] { definitions.map(\.name) }
    /// Pseudo-count added to the TCP flows of `failed_tcp_share`, so one reset among
    /// three flows does not look like a scan.
    public static let failedSharePrior = 3
    public static var log1pColumns: [Bool] { definitions.map(\.log1p) }

    public let windowMillis: Int64
    /// Per row: host id (into the table's `hosts`) and window start (UTC ms).
    public var host: [Int32]
    public var windowStart: [Int64]
    /// Raw (unscaled) features.
    public var features: FeatureMatrix
    /// Raw totals kept for evidence and the graph detectors.
    public var bytesOut: [UInt64]
    public var bytesIn: [UInt64]
    public var failedOut: [Int]

    public var count: Int { host.count }

    /// Builds the profiles of every host and window of `t`.
    ///
    /// Rows are profiled a segment at a time (`WindowSegments`: runs of rows whose windows
    /// fall in about a day's worth of windows), so the working keys and the slot index
    /// are sized by one segment, not by the whole table. Rows come out in the same order
    /// and with the same values as one pass over the whole table would give; a table whose
    /// rows do not come in such runs (a late flow filed under another day) is profiled in
    /// one pass.
    public static func build(_ t: FlowTable, windowMillis: Int64) -> HostProfiles {
        var out = HostProfiles(windowMillis: windowMillis, host: [], windowStart: [],
                               features: FeatureMatrix(rows: 0, names: names), bytesOut: [], bytesIn: [], failedOut: [])
        for rows in WindowSegments.split(t.start, windowMillis: windowMillis) {
            out.append(build(t, rows: rows, windowMillis: windowMillis))
        }
        return out
    }

    /// Appends the rows of `other` (profiles of windows `self` does not hold).
    mutating func append(_ other: HostProfiles) {
        host += other.host
        windowStart += other.windowStart
        features.values += other.features.values
        features.rows += other.features.rows
        bytesOut += other.bytesOut
        bytesIn += other.bytesIn
        failedOut += other.failedOut
    }

    /// The profiles of the rows `rows` of `t` alone.
    package static func build(_ t: FlowTable, rows: Range<Int>, windowMillis: Int64) -> HostProfiles {
        let n = rows.count
        var index: [UInt64: Int32] = [:]
        var host: [Int32] = [], windowStart: [Int64] = []
        var flows: [Int] = [], bytesOut: [UInt64] = [], bytesIn: [UInt64] = []
        var tcpOut: [Int] = [], failedOut: [Int] = [], forwardBytes: [UInt64] = []
        var fanOutKeys = [UInt64](), fanInKeys = [UInt64](), portKeys = [UInt64](), minuteKeys = [UInt64]()
        fanOutKeys.reserveCapacity(n); fanInKeys.reserveCapacity(n); portKeys.reserveCapacity(n)
        minuteKeys.reserveCapacity(2 * n)
        func slot(_ h: Int32, _ w: Int64) -> Int {
            let key = UInt64(UInt32(bitPattern: h)) << 32 | UInt64(UInt32(truncatingIfNeeded: w))
            if let s = index[key] { return Int(s) }
            let s = host.count
            index[key] = Int32(s)
            host.append(h); windowStart.append(w * windowMillis)
            flows.append(0); bytesOut.append(0); bytesIn.append(0)
            tcpOut.append(0); failedOut.append(0); forwardBytes.append(0)
            return s
        }
        for i in rows {
            let s = t.start[i]
            let w = s >= 0 ? s / windowMillis : (s - windowMillis + 1) / windowMillis
            let minute = UInt64((s - w * windowMillis) / 60_000)
            let src = t.source[i], dst = t.destination[i]
            let a = slot(src, w), b = slot(dst, w)
            flows[a] += 1
            bytesOut[a] &+= t.bytes[i]
            bytesIn[a] &+= t.reverseBytes[i]
            forwardBytes[a] &+= t.bytes[i]
            if t.proto[i] == 6 { tcpOut[a] += 1 }
            if t.isFailedTCP(i) { failedOut[a] += 1 }
            fanOutKeys.append(UInt64(a) << 32 | UInt64(UInt32(bitPattern: dst)))
            if t.destinationPort[i] >= 0 { portKeys.append(UInt64(a) << 32 | UInt64(t.destinationPort[i])) }
            minuteKeys.append(UInt64(a) << 32 | minute)
            if b != a {
                flows[b] += 1
                bytesIn[b] &+= t.bytes[i]
                bytesOut[b] &+= t.reverseBytes[i]
                forwardBytes[b] &+= t.bytes[i]
                minuteKeys.append(UInt64(b) << 32 | minute)
            }
            fanInKeys.append(UInt64(b) << 32 | UInt64(UInt32(bitPattern: src)))
        }
        let m = host.count
        fanOutKeys.sort(); fanInKeys.sort(); portKeys.sort(); minuteKeys.sort()
        let fanOut = distinctCounts(fanOutKeys, m)
        let fanIn = distinctCounts(fanInKeys, m)
        let ports = distinctCounts(portKeys, m)
        let minutes = distinctCounts(minuteKeys, m)
        let peers = distinctUnionCounts(fanOutKeys, fanInKeys, m)
        var matrix = FeatureMatrix(rows: m, names: names)
        let d = matrix.columns
        for r in 0..<m {
            let o = r * d
            matrix.values[o] = Double(flows[r])
            matrix.values[o + 1] = Double(peers[r])
            matrix.values[o + 2] = Double(ports[r])
            matrix.values[o + 3] = _log1p(Double(bytesOut[r])) - _log1p(Double(bytesIn[r]))
            matrix.values[o + 4] = Double(failedOut[r]) / Double(tcpOut[r] + HostProfiles.failedSharePrior)
            matrix.values[o + 5] = flows[r] > 0 ? Double(forwardBytes[r]) / Double(flows[r]) : 0
            matrix.values[o + 6] = Double(fanIn[r])
            matrix.values[o + 7] = Double(fanOut[r])
            matrix.values[o + 8] = Double(minutes[r])
        }
        return HostProfiles(windowMillis: windowMillis, host: host, windowStart: windowStart, features: matrix,
                            bytesOut: bytesOut, bytesIn: bytesIn, failedOut: failedOut)
    }

    /// Per slot (the high 32 bits of sorted keys): number of distinct keys.
    static func distinctCounts(_ sorted: [UInt64], _ slots: Int) -> [Int] {
        var out = [Int](repeating: 0, count: slots)
        var previous: UInt64? = nil
        for key in sorted where key != previous {
            out[Int(key >> 32)] += 1
            previous = key
        }
        return out
    }

    /// Per slot: distinct keys in the union of two sorted key lists.
    static func distinctUnionCounts(_ a: [UInt64], _ b: [UInt64], _ slots: Int) -> [Int] {
        var out = [Int](repeating: 0, count: slots)
        var i = 0, j = 0
        var previous: UInt64? = nil
        while i < a.count || j < b.count {
            let key: UInt64
            if j >= b.count || (i < a.count && a[i] <= b[j]) { key = a[i]; i += 1 } else { key = b[j]; j += 1 }
            if key != previous { out[Int(key >> 32)] += 1; previous = key }
        }
        return out
    }
}
