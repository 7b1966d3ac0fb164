import FlowFeatures

/// The scan score of a host window: many distinct destinations or ports, few bytes, many
/// failed connections:
/// `failed_tcp_share × log2(1 + max(distinct_dst_ports, fan_out)) × min(1, 200 / mean_flow_bytes)`.
/// A host probing 1,024 ports with bare SYNs scores 10; a busy client with the odd reset
/// scores well below 1.
public enum ScanScore {
    public static func compute(failedShare: Double, distinctPorts: Double, fanOut: Double, meanFlowBytes: Double) -> Double {
        let breadth = log2(1 + max(distinctPorts, fanOut))
        let smallness = meanFlowBytes > 200 ? 200 / meanFlowBytes : 1
        return failedShare * breadth * smallness
    }

    /// Scan score of every row of `profiles`.
    public static func compute(_ profiles: HostProfiles) -> [Double] {
        let f = profiles.features
        return (0..<f.rows).map { r in
            compute(failedShare: f[r, 4], distinctPorts: f[r, 2], fanOut: f[r, 7], meanFlowBytes: f[r, 5])
        }
    }
}

/// The flow rows of each window of a table (or of the rows `rows` of it), windows ascending.
package enum WindowedRows {
    package static func split(_ t: FlowTable, rows: Range<Int>? = nil, windowMillis: Int64) -> [(start: Int64, rows: [Int])] {
        var byWindow: [Int64: [Int]] = [:]
        for i in rows ?? 0..<t.count {
            let s = t.start[i]
            let w = s >= 0 ? s / windowMillis : (s - windowMillis + 1) / windowMillis
            byWindow[w * windowMillis, default: []].append(i)
        }
        return byWindow.keys.sorted().map { ($0, byWindow[$0]!) }
    }
}

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
